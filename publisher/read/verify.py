"""The advertiser's question: is this medium registered and valid on a date?

``verify(reader, query, day)`` finds what the query names (a medium's name, current or
former, a CN number, ISSN, frequency or channel, a registration number, a publisher's or
sponsor's name or credit code; else a name search with pinyin), picks the registration,
and answers with its status on the date and the evidence: the registration, registrant,
authority (named as on the date), the licence window in force, the decisions that prove
it, penalties in publicity, warnings, and the release (version, dates, database sha256).

The verdict is one of the statuses (valid, deemed_renewal, expired, cancelled, withdrawn,
annulled, revoked) or: ``no_match`` (nothing in this release matches: the answer says
what it covers), ``not_registered`` (a match, but no registration in force on the date),
``before_regime`` (before 2016-12-01), ``no_longer_required`` (after the regime's end,
with the last status), ``ambiguous`` (several registrations: the candidates). A date after
the release's as-of date is answered from what was known on it, and says so.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..vocabulary import zh
from . import answers as a
from .match import MATCH_LIMIT, find
from .reader import Reader, marks
from .registration import (
    authorities_of,
    coverage,
    decisions_until_of,
    details_of,
    media_of,
    penalties_of_many,
    registrants_of,
    registrations_ref,
    status_periods_of,
    statuses_on,
)

IN_FORCE = ("valid", "deemed_renewal")
EXPIRY_WARNING = timedelta(days=30)
CHANGE_WARNING = timedelta(days=90)


def verdict_zh(code: str) -> str:
    for name in ("status", "verdict"):
        label = zh(name, code)
        if label != code:
            return label
    return code


def verify(reader: Reader, query: str, day: date) -> a.VerifyAnswer:
    """The answer for ``query`` on ``day`` (see the module's docstring)."""
    ref = reader.ref
    base: dict[str, Any] = {"query": query, "on": day, "release": ref}
    matches, total = find(reader, query)
    if not matches:
        return a.VerifyAnswer(
            verdict="no_match", verdict_zh=verdict_zh("no_match"), coverage=coverage(reader), **base
        )
    asked = min(day, ref.horizon)
    if len(matches) > 1:
        candidates = _candidates(reader, matches, asked)
        in_force = [c for c in candidates if c.status in IN_FORCE]
        if len(in_force) != 1 or day < ref.regime_start:
            return a.VerifyAnswer(
                verdict="ambiguous",
                verdict_zh=verdict_zh("ambiguous"),
                candidates=candidates,
                candidates_total=total,
                asked_on=asked,
                notes=_cut_note(len(candidates), total),
                **base,
            )
        chosen = in_force[0].match
        notes = [f"{total}项登记与查询匹配，其中仅此一项在该日有效；其余见候选列表。"]
        return answer_for(reader, chosen, day, base, candidates, total, notes)
    return answer_for(reader, matches[0], day, base, [], total, [])


def _cut_note(shown: int, total: int) -> list[str]:
    if total > shown:
        more = "以上" if total >= MATCH_LIMIT else ""
        return [f"共{total}{more}项登记匹配，仅列出前{shown}项；请用更完整的名称或代码查询。"]
    return []


def _candidates(reader: Reader, matches: list[a.Match], asked: date) -> list[a.Candidate]:
    """The candidates with their status on ``asked``: three batched lookups for all."""
    ids = [m.registration_id for m in matches]
    placeholders = marks(ids)
    regs = {
        r["id"]: r
        for r in reader.all(
            "SELECT r.id, p.name AS publisher_name, a.name AS authority_name FROM registrations r"
            " JOIN publishers p ON p.id = r.publisher_id"
            f" JOIN authorities a ON a.division_code = r.authority_code WHERE r.id IN ({placeholders})",
            ids,
        )
    }
    names: dict[str, list[str]] = {}
    for r in reader.all(
        f"SELECT registration_id, name FROM media WHERE registration_id IN ({placeholders})"
        " ORDER BY registration_id, name",
        ids,
    ):
        names.setdefault(r["registration_id"], []).append(r["name"])
    statuses = statuses_on(reader, ids, asked)
    out = []
    for m in matches:
        status = statuses.get(m.registration_id, "not_registered")
        reg = regs[m.registration_id]
        out.append(
            a.Candidate(
                registration_id=m.registration_id,
                publisher_name=reg["publisher_name"],
                authority_name=reg["authority_name"],
                media_names=names.get(m.registration_id, []),
                status=status,
                status_zh=verdict_zh(status),
                match=m,
            )
        )
    return out


def answer_for(
    reader: Reader,
    m: a.Match,
    day: date,
    base: dict[str, Any],
    candidates: list[a.Candidate],
    total: int,
    notes: list[str],
) -> a.VerifyAnswer:
    """``verify``'s whole answer for the registration ``m`` matched, on ``day``."""
    return answers_for(reader, [m], day, base, [(candidates, total, notes)])[0]


Extras = tuple[list[a.Candidate], int, list[str]]  # candidates, how many matched, notes


def answers_for(
    reader: Reader,
    matches: list[a.Match],
    day: date,
    base: dict[str, Any],
    extras: list[Extras] | None = None,
) -> list[a.VerifyAnswer]:
    """:func:`answer_for` each of ``matches`` (``extras``: each one's candidates, their
    total and notes; by default none, 1 and none), a dozen statements for all of them:
    the site's verification pages ask it for a batch of registrations at once."""
    ref = reader.ref
    asked = min(day, ref.horizon)
    ids = list(dict.fromkeys(m.registration_id for m in matches))
    periods = status_periods_of(reader, ids, asked) if day >= ref.regime_start else {}
    details = details_of(reader, ids, asked)
    regs = registrations_ref(reader, ids)
    decisions = decisions_until_of(reader, ids, asked)
    penalties = penalties_of_many(reader, [m.publisher_id for m in matches])
    registrants = registrants_of(reader, ids, details)
    authorities = authorities_of(reader, ids, asked)
    media = media_of(reader, ids, asked)
    grounds = _grounds(reader, list(periods.values()))
    out = []
    for i, m in enumerate(matches):
        candidates, total, notes = extras[i] if extras else ([], 1, [])
        rid = m.registration_id
        warnings: list[a.Warning] = []
        last_status = None
        period = periods.get(rid)
        if day < ref.regime_start:
            verdict = "before_regime"
            notes.append(
                f"{day.isoformat()}早于《广告发布登记管理规定》施行之日（2016年12月1日），"
                "当时没有广告发布登记制度。"
            )
        elif day > ref.regime_end:
            verdict = "no_longer_required"
            last_status = period.status if period else "not_registered"
            notes.append(
                f"{ref.regime_end.isoformat()}以后不再需要广告发布登记；"
                "以下为登记制度终止时的状态。"
            )
        else:
            verdict = period.status if period else "not_registered"
            if day > ref.as_of:
                warnings.append(
                    a.Warning(
                        code="beyond_as_of",
                        message=f"所问日期晚于本数据版本的截止日{ref.as_of.isoformat()}，"
                        "以下为截至该日所知的状态，之后的决定不在本版本中。",
                    )
                )
        detail = details.get(rid)
        licence = None
        if detail is not None:
            licence = a.LicenceWindow(
                valid_from=_day(detail.get("licence_valid_from")),
                valid_to=_day(detail.get("licence_valid_to")),
            )
        mine = penalties[m.publisher_id]
        warnings += _warnings(reader, ref, day, asked, verdict, licence, detail, mine)
        out.append(
            a.VerifyAnswer(
                verdict=verdict,
                verdict_zh=verdict_zh(verdict),
                asked_on=asked,
                last_status=last_status,
                match=m,
                candidates=candidates,
                candidates_total=total,
                registration=regs[rid],
                registrant=registrants[rid],
                authority=authorities[rid],
                media=media.get(rid, []),
                licence=licence,
                period=period,
                basis=_basis(period, grounds),
                decisions=decisions.get(rid, []),
                penalties=mine,
                warnings=warnings,
                notes=notes,
                **base,
            )
        )
    return out


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _grounded(period: a.Period | None) -> str | None:
    """The decision a status period's legal ground is read from, if it has one."""
    if period is None or period.decision_id is None or period.status in ("valid", "expired"):
        return None
    return period.decision_id


def _grounds(reader: Reader, periods: list[a.Period]) -> dict[str, dict[str, Any]]:
    """The decisions of :func:`_grounded` periods, by id, in one statement."""
    ids = sorted({d for p in periods if (d := _grounded(p))})
    if not ids:
        return {}
    return {
        d["id"]: d
        for d in reader.all(
            "SELECT id, kind, application_date, cancellation_ground, legal_basis, decision_date"
            f" FROM decisions WHERE id IN ({marks(ids)})",
            ids,
        )
    }


def _basis(period: a.Period | None, grounds: dict[str, dict[str, Any]]) -> a.Basis | None:
    """The legal ground of the status: a deemed renewal's timely application (Art. 10), a
    cancellation's ground (Art. 9), a withdrawal's, annulment's or revocation's basis."""
    decision = _grounded(period)
    d = grounds.get(decision) if decision else None
    if period is None or d is None:
        return None
    if period.status == "deemed_renewal":
        applied = _day(d["application_date"])
        text = (
            f"已于{applied.isoformat() if applied else '有效期届满三十日前'}申请延续，"
            f"登记机关在有效期届满前未作决定，视为准予延续（《广告发布登记管理规定》第十条）；"
            f"延续决定于{d['decision_date']}作出。"
        )
        return a.Basis(
            kind="deemed_renewal", text=text, decision_id=d["id"], renewal_applied_on=applied
        )
    if d["kind"] == "cancellation":
        ground = d["cancellation_ground"]
        text = (
            f"注销情形：{zh('cancellation_ground', ground)}"
            if ground
            else "注销情形：来源数据未载明"
        )
        return a.Basis(
            kind="cancellation", text=text, decision_id=d["id"], cancellation_ground=ground
        )
    text = f"{zh('decision_kind', d['kind'])}，法律依据：{d['legal_basis'] or '来源数据未载明'}"
    return a.Basis(kind=d["kind"], text=text, decision_id=d["id"], legal_basis=d["legal_basis"])


def _warnings(
    reader: Reader,
    ref: a.ReleaseRef,
    day: date,
    asked: date,
    verdict: str,
    licence: a.LicenceWindow | None,
    details: dict[str, Any] | None,
    penalties: list[a.PenaltyRef],
) -> list[a.Warning]:
    out: list[a.Warning] = []
    if penalties:
        out.append(
            a.Warning(
                code="penalties_in_publicity",
                message=f"该登记单位有{len(penalties)}项行政处罚在{ref.as_of.isoformat()}处于公示期内。",
            )
        )
    if day < ref.as_of:
        out.append(
            a.Warning(
                code="penalties_as_of_release",
                message=f"处罚信息为本版本截止日{ref.as_of.isoformat()}仍在公示期内者；"
                "此前已届满停止公示的处罚不在本版本中。",
            )
        )
    end = licence.valid_to if licence else None
    if verdict in IN_FORCE and end is not None and asked <= end <= asked + EXPIRY_WARNING:
        out.append(
            a.Warning(
                code="expires_soon",
                message=f"登记有效期于{end.isoformat()}届满，距所问日期不足30日。",
            )
        )
    since = _day(details.get("valid_from")) if details else None
    if since is not None and asked - CHANGE_WARNING <= since <= asked:
        first = reader.one(
            "SELECT min(valid_from) AS first FROM registration_details WHERE registration_id = ?",
            [details["registration_id"]] if details else [],
        )
        if first is not None and first["first"] != details.get("valid_from"):  # type: ignore[union-attr]
            out.append(
                a.Warning(
                    code="details_changed",
                    message=f"登记事项于{since.isoformat()}变更（所问日期前90日内），请核对名称等信息。",
                )
            )
    return out
