"""An authority's notices (Art. 16) and the penalties in publicity, as a release holds them.

Lists are keyset-paginated on (date, id): ``after`` is the ``date|id`` of the previous
page's last row. Every statement is an indexed range on (authority, date) or (date).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..vocabulary import split_codes, zh
from . import answers as a
from .entities import decision_rows, page_size
from .reader import Reader

# What a list of notices shows of each besides its id, authority and date (the release's
# indexes on notices cover these: a page of summaries never reads a notice's body).
NOTICE_SUMMARY = (
    "notice_number, compiled, authority_name, publication_date_imputed, title, decision_count"
)


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def cursor(day: date | str, ident: str) -> str:
    return f"{day}|{ident}"


def _after(after: str) -> tuple[str, str]:
    day, _, ident = after.partition("|")
    return day, ident


def notice_summary(n: dict[str, Any]) -> a.NoticeSummary:
    return a.NoticeSummary(
        id=n["id"],
        notice_number=n["notice_number"],
        compiled=bool(n["compiled"]),
        authority_code=n["authority_code"],
        authority_name=n["authority_name"],
        publication_date=date.fromisoformat(n["publication_date"]),
        publication_date_imputed=bool(n["publication_date_imputed"]),
        title=n["title"],
        decision_count=n["decision_count"],
    )


def notices(
    reader: Reader,
    *,
    authority: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    after: str = "",
    limit: int = 50,
    newest_first: bool = False,
) -> list[a.NoticeSummary]:
    """Notices by publication date then id; ``kind`` keeps notices with a decision of it."""
    n = page_size(limit)
    lo = date_from.isoformat() if date_from else "0000-00-00"
    hi = date_to.isoformat() if date_to else "9999-99-99"
    where = ["n.publication_date >= :lo", "n.publication_date <= :hi"]
    params: dict[str, Any] = {"lo": lo, "hi": hi, "n": n}
    if after:
        day, ident = _after(after)
        op = "<" if newest_first else ">"
        where.append(
            f"(n.publication_date {op} :aday OR (n.publication_date = :aday AND n.id {op} :aid))"
        )
        params |= {"aday": day, "aid": ident}
    if authority:
        where.append("n.authority_code = :authority")
        params["authority"] = authority
    if kind:
        where.append(
            "EXISTS (SELECT 1 FROM decisions d WHERE d.notice_id = n.id AND d.kind = :kind)"
        )
        params["kind"] = kind
    order = "DESC" if newest_first else ""
    rows = reader.all(
        "SELECT n.id, n.authority_code, n.publication_date, "
        + NOTICE_SUMMARY
        + " FROM notices AS n WHERE "
        + " AND ".join(where)
        + f" ORDER BY n.publication_date {order}, n.id {order} LIMIT :n",
        params,
    )
    return [notice_summary(r) for r in rows]


def notice(reader: Reader, notice_id: str) -> a.Notice | None:
    n = reader.one("SELECT * FROM notices WHERE id = ?", [notice_id])
    if n is None:
        return None
    return notice_with(
        n, decision_rows(reader, "notice_id = ? ORDER BY decision_number, id", [notice_id])
    )


def notice_with(n: dict[str, Any], decisions: list[a.Decision]) -> a.Notice:
    """A ``notices`` row (body included) and its decisions as the answer."""
    summary = notice_summary(n)
    return a.Notice(
        **{f: getattr(summary, f) for f in summary.__struct_fields__},
        body=n["body"],
        decisions=decisions,
    )


def _penalty(reader: Reader, r: dict[str, Any]) -> a.Penalty:
    kinds, kinds_zh = split_codes("penalty_kind", r["kinds"])
    authority = reader.one(
        "SELECT name FROM authorities WHERE division_code = ?", [r["authority_code"]]
    )
    return a.Penalty(
        id=r["id"],
        decision_number=r["decision_number"],
        authority_code=r["authority_code"],
        authority_name=authority["name"] if authority else r["authority_code"],
        party_name=r["party_name"],
        party_credit_code=r["party_credit_code"],
        publisher_id=r["publisher_id"],
        kinds=kinds,
        kinds_zh=kinds_zh,
        decision_date=date.fromisoformat(r["decision_date"]),
        violation=r["violation"],
        violation_zh=zh("violation", r["violation"]) if r["violation"] else None,
        legal_basis=r["legal_basis"],
        fine_amount=r["fine_amount"],
        confiscation_amount=r["confiscation_amount"],
        publication_date=_d(r["publication_date"]),
        publicity_end=_d(r["publicity_end"]),
        publicity_rule=r["publicity_rule"],
        facts=r["facts"],
    )


def penalties(
    reader: Reader,
    *,
    party: str | None = None,
    authority: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    after: str = "",
    limit: int = 50,
) -> list[a.Penalty]:
    """Penalties in publicity on the release's as-of date (the only ones it holds), by
    decision date then id. ``party`` is a credit code or a registrant's id."""
    n = page_size(limit)
    lo = date_from.isoformat() if date_from else "0000-00-00"
    hi = date_to.isoformat() if date_to else "9999-99-99"
    where = ["p.decision_date >= :lo", "p.decision_date <= :hi"]
    params: dict[str, Any] = {"lo": lo, "hi": hi, "n": n}
    if after:
        day, ident = _after(after)
        where.append("(p.decision_date > :aday OR (p.decision_date = :aday AND p.id > :aid))")
        params |= {"aday": day, "aid": ident}
    if authority:
        where.append("p.authority_code = :authority")
        params["authority"] = authority
    if party:
        where.append("(p.party_credit_code = :party OR p.publisher_id = :party)")
        params["party"] = party
    rows = reader.all(
        "SELECT * FROM penalties AS p WHERE "
        + " AND ".join(where)
        + " ORDER BY p.decision_date, p.id LIMIT :n",
        params,
    )
    return [_penalty(reader, r) for r in rows]


def penalty(reader: Reader, penalty_id: str) -> a.Penalty | None:
    row = reader.one("SELECT * FROM penalties WHERE id = ?", [penalty_id])
    return _penalty(reader, row) if row else None


def release_files(reader: Reader) -> a.ReleaseFiles:
    """The release: version, dates, every file with bytes and sha256, row counts."""
    manifest = reader.manifest  # read once, when the release was opened
    return a.ReleaseFiles(
        release=reader.ref,
        files=[a.FileRef(path=f.path, bytes=f.bytes, sha256=f.sha256) for f in manifest.files],
        counts=dict(manifest.counts),
        previous=manifest.previous,
    )


def authority(reader: Reader, division_code: str) -> a.AuthorityRef | None:
    """A registering authority of the release by its division code (its current name)."""
    row = reader.one(
        "SELECT division_code, name, level FROM authorities WHERE division_code = ?",
        [division_code],
    )
    return a.AuthorityRef(**row) if row else None
