"""Sample generator, part 4: one publisher's life as decision rows and penalty rows.

A publisher is granted a registration (maybe after a refusal), changes things,
renews its media licences when they run out (on time, deemed under Art. 10, late
or not at all) and may end cancelled (any Art. 9 ground), withdrawn, annulled or revoked,
with penalties on the way. Rows come out as dicts keyed by the field names of
:mod:`publisher.ingest.fields`; dates are ``date`` objects and labels our vocabulary,
so that each export can write them in its own style.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from . import names as nm
from .model import (
    BASIS,
    EARLY_END,
    FIRST_DAY,
    LAST_DAY,
    PENALTY_BASIS,
    PRODUCTS,
    REMARKS,
    REPRIMAND_FROM,
    Area,
    Context,
    Dec,
    Plan,
    Pub,
    Row,
    add_years,
    dates_before,
    published,
    rand_date,
    shift_workdays,
    workday,
)
from .registrants import address, licence_number, licence_period, make_publisher

# -- decisions and penalties ---------------------------------------------------------------


def _remark(
    rng: random.Random, area: Area, pub: Pub, kind: str, phone: bool = False, ident: bool = False
) -> str | None:
    """Mostly nothing; sometimes a note; rarely a phone or ID number a clerk typed in."""
    x = rng.random()
    if phone or x < 0.01:
        number = nm.mobile(rng) if rng.random() < 0.6 else nm.landline(rng, area.phone_area)
        return rng.choice(("联系电话：{}", "如有疑问请致电{}", "已电话告知申请人（{}）")).format(
            number
        )
    if ident or x < 0.013:
        return f"经办人{nm.person(rng)}，身份证号{nm.id_number(rng, pub.district[0])}"
    if x < 0.25:
        return rng.choice(REMARKS[kind])
    return None


def _decision(
    ctx: Context,
    pub: Pub,
    authority: str,
    kind: str,
    dates: Row,
    extras: list[Row],
    remark: str | None,
    number: str | None = None,
) -> Dec:
    decided = dates["decision_date"]
    assert isinstance(decided, date)
    head: Row = {
        **pub.base,
        **dates,
        "decision_number": number or ctx.number(authority, kind, decided),
        "kind": kind,
        "legal_basis": BASIS[kind],
    }
    published = dates.get("publication_date")
    if isinstance(published, date) and (notice := ctx.notice_number(authority, published)):
        head["notice_number"] = notice
    if remark:
        head["remarks"] = remark
    return Dec(authority, kind, [{**head, **extra} for extra in extras] or [head])


def _own_motion(rng: random.Random, decided: date) -> Row:
    """Dates of a decision nobody applied for (withdrawal, annulment, revocation)."""
    return {"decision_date": decided, "publication_date": published(rng, decided, 1, 7)}


def _renamed(rng: random.Random, pub: Pub, medium: Row) -> str:
    old = str(medium["medium_name"])
    mtype = medium["medium_type"]
    if mtype == "periodical":
        return old[:2] + rng.choice([t for t in nm.PERIODICAL_TOPICS if not old.endswith(t)])
    pool = {
        "radio_frequency": nm.RADIO_THEMES,
        "tv_channel": nm.TV_THEMES,
        "newspaper": nm.PAPER_TITLES,
    }[str(mtype)]
    names = [pub.stem + t for t in pool]
    taken = {m["medium_name"] for m in pub.media}
    return rng.choice([n for n in names if n not in taken] or [old + "（新版）"])


def _change(ctx: Context, area: Area, pub: Pub, decided: date, granted: date) -> Dec:
    rng = ctx.rng
    options = ["legal_representative", "address", "medium_name", "licence_number"]
    if "credit_code" in pub.base:
        options.append("publisher_name")
    if pub.kind == "radio":
        options.append("frequency")
    elif pub.kind == "tv" and all(m["medium_type"] == "tv_channel" for m in pub.media):
        options.append("channel")
    picks = rng.sample(options, rng.choices((1, 2, 3), (0.55, 0.3, 0.15))[0])
    dates = dates_before(rng, decided)
    applied = dates["application_date"]
    assert isinstance(applied, date)
    # Applied for within 30 days of the change, mostly (Art. 8); some late.
    lag = rng.randint(0, 28) if rng.random() < 0.85 else rng.randint(31, 90)
    changed_on = max(applied - timedelta(days=lag), granted + timedelta(days=1))
    items: list[tuple[Row, Row | None]] = []
    for f in picks:
        medium: Row | None = None
        if f == "legal_representative":
            old, new = pub.base[f], nm.person(rng)
        elif f == "address":
            old, new = pub.base[f], address(rng, area, pub.district[1], False)
        elif f == "publisher_name":
            old = pub.base[f]
            new = pub.stem + rng.choice([s for s in pub.suffixes if pub.stem + s != old])
        else:
            medium = rng.choice(pub.media)
            old = medium.get(f)
            if f == "medium_name":
                new = _renamed(rng, pub, medium)
            elif f == "frequency":
                new = nm.fm(rng)
            elif f == "channel":
                new = nm.channel_number(rng, rng.randrange(9))
            else:
                new = licence_number(ctx, area, str(medium["medium_type"]))
            medium[f] = new
        if f in pub.base:
            pub.base[f] = new
        items.append(({"change_field": f, "change_old": old, "change_new": new}, medium))
    extras = [{**(m or {}), **item, "changed_on": changed_on} for item, m in items]
    return _decision(
        ctx, pub, area.code, "change", dates, extras, _remark(rng, area, pub, "change")
    )


def _penalty(ctx: Context, pub: Pub, authority: str, what: str, decided: date, phone: bool) -> Row:
    rng = ctx.rng
    fine: int | None = None
    confiscated: int | None = None
    y = decided.year
    first = pub.media[0]
    medium = str(first["medium_name"])
    if first["medium_type"] in ("newspaper", "periodical"):
        medium = f"《{medium}》"
    if what in ("warning", "warning_fine"):
        violation = "unreported_statistics"
        kinds = ["warning"] if what == "warning" else ["warning", "fine"]
        due = y if decided >= date(y, 4, 15) else y - 1  # reports are due each 31 March
        facts = f"当事人未按规定于{due}年3月31日前报送{due - 1}年度《广告业统计报表》"
        if what == "warning_fine":
            fine = rng.randrange(2, 11) * 1000
            facts += "，经警告并责令改正后仍拒不改正。"
        else:
            facts += "，经查属实，系初次违法。"
    elif what in ("fine", "fraud"):
        kinds = ["fine"]
        fine = rng.randrange(10, 31) * 1000
        if what == "fine":
            violation = "unregistered_change"
            facts = "当事人广告发布登记事项发生变化后未在三十日内申请变更登记，经责令限期变更，逾期仍未办理。"
        else:
            violation = "registration_fraud"
            facts = "当事人在申请广告发布登记时提交虚假的场所使用证明，以欺骗手段取得广告发布登记。"
    elif what == "reprimand":
        violation = "other"
        kinds = ["public_reprimand"]
        facts = "当事人未按规定建立、健全广告业务的承接登记、审核、档案管理制度，情节轻微。"
    else:  # confiscation, revocation
        violation = "illegal_advertising"
        fee = rng.randrange(30, 1500) * 100
        confiscated = fee
        fine = fee * (rng.randint(3, 5) if what == "revocation" else rng.randint(1, 3))
        kinds = ["confiscation", "fine"] + (
            ["registration_revocation"] if what == "revocation" else []
        )
        product = rng.choice(PRODUCTS)
        aired = decided - timedelta(days=rng.randint(30, 180))
        facts = (
            f"当事人于{aired.year}年{aired.month}月在其{medium}发布含有虚假内容的{product}广告，"
            f"收取广告费用{fee}元。"
        )
    if phone:
        facts += f"（举报人电话：{nm.mobile(rng)}）"
    return {
        "decision_number": ctx.penalty_number(authority, decided),
        "authority": authority,
        "party_name": pub.base["publisher_name"],
        "party_credit_code": pub.code,
        "violation": violation,
        "legal_basis": PENALTY_BASIS[violation],
        "penalty_kinds": kinds,
        "fine_amount": fine,
        "confiscation_amount": confiscated,
        "decision_date": decided,
        "publication_date": published(rng, decided, 3, 25),
        "facts": facts,
        "staff_name": nm.person(rng),
    }


def _renewal_dates(rng: random.Random, outcome: str, expiry: date, granted: date) -> Row:
    if outcome == "late":  # applied less than 30 days ahead: no deemed renewal, a gap
        applied = expiry - timedelta(days=rng.randint(3, 25))
        decided = workday(expiry + timedelta(days=rng.randint(2, 20)))
    else:
        applied = expiry - timedelta(days=rng.randint(31, 90 if outcome == "on_time" else 75))
        decided = workday(expiry + timedelta(days=rng.randint(3, 40)))
    applied = max(applied, granted + timedelta(days=1))
    accepted = workday(applied + timedelta(days=rng.randint(0, 2)))
    if outcome == "on_time":
        decided = shift_workdays(accepted, rng.randint(1, 5))
    out: Row = {"application_date": applied, "acceptance_date": accepted, "decision_date": decided}
    if rng.random() < 0.9:
        out["publication_date"] = published(rng, decided, 0, 7)
    return out


def story(
    ctx: Context, area: Area, plan: Plan, parent: str | None, reexport: float
) -> tuple[list[Dec], list[Row]]:
    """The decisions (in date order) and penalties of one new publisher."""
    rng = ctx.rng
    own = area.code
    pub = make_publisher(ctx, area, plan)
    decs: list[Dec] = []
    pens: list[Row] = []
    if plan.late_grant:
        granted = rand_date(rng, EARLY_END + timedelta(days=1), date(2021, 6, 30))
    else:
        granted = rand_date(rng, FIRST_DAY, EARLY_END)
    if plan.refusal:
        granted = max(granted, FIRST_DAY + timedelta(days=45))
    granted = workday(granted)
    first_end = licence_period(rng, pub, granted, plan.licence_end)
    if plan.refusal:
        refused = workday(rand_date(rng, FIRST_DAY, granted - timedelta(days=30)))
        remark = _remark(rng, area, pub, "refusal")
        decs.append(
            _decision(ctx, pub, own, "refusal", dates_before(rng, refused), pub.media[:1], remark)
        )
    seq = ctx.next((own, "reg", 0))
    pub.base["registration_number"] = f"{area.reg_prefix}{granted.year}{seq:05d}"
    remark = _remark(rng, area, pub, "grant", plan.phone_remarks, plan.id_remarks)
    grant = _decision(ctx, pub, own, "grant", dates_before(rng, granted), pub.media, remark)
    grant.reexport = plan.reexport or rng.random() < reexport
    decs.append(grant)

    end, ground, renewal = plan.end, plan.ground, plan.renewal
    ended: date | None = None
    if end == "cancellation" and ground == "expired_not_renewed":
        if first_end < LAST_DAY - timedelta(days=60):
            renewal = "none"
            ended = min(workday(first_end + timedelta(days=rng.randint(10, 120))), LAST_DAY)
        else:
            ground = "ceased_publishing"
    if end and ended is None:
        lo = granted + timedelta(days=90)
        hi = min(granted + timedelta(days=1200), LAST_DAY - timedelta(days=5))
        if lo < hi:
            ended = workday(rand_date(rng, lo, hi))
        else:
            end = ""
    bound = ended or LAST_DAY

    sched: list[tuple[date, int, str, Any]] = []
    expiry, outcome = first_end, renewal
    years = 3 if pub.kind in ("radio", "tv") else 5
    while expiry < bound and outcome != "none":
        dates = _renewal_dates(rng, outcome, expiry, granted)
        decided = dates["decision_date"]
        assert isinstance(decided, date)
        if decided >= bound:
            break
        new_end = add_years(expiry, years)
        sched.append((decided, 1, "renewal", (dates, expiry + timedelta(days=1), new_end)))
        expiry = new_end
        outcome = rng.choices(("on_time", "deemed", "late", "none"), (0.88, 0.04, 0.03, 0.05))[0]
    lo, hi = granted + timedelta(days=20), bound - timedelta(days=10)
    for _ in range(plan.changes):
        if lo < hi:
            sched.append((workday(rand_date(rng, lo, hi)), 2, "change", None))
    for penalty in plan.penalties:
        lo = max(granted + timedelta(days=120), date(2017, 6, 1))
        if penalty == "reprimand":
            lo = max(lo, REPRIMAND_FROM)
        hi = bound - timedelta(days=5)
        if lo < hi:
            sched.append((workday(rand_date(rng, lo, hi)), 3, "penalty", penalty))
    if end and ended is not None:
        sched.append((ended, 4, end, ground))
    sched.sort(key=lambda e: (e[0], e[1]))

    for when, _, what, payload in sched:
        if what == "renewal":
            dates, start, new_end = payload
            for m in pub.media:
                m["licence_valid_from"], m["licence_valid_to"] = start, new_end
            remark = _remark(rng, area, pub, "renewal")
            decs.append(_decision(ctx, pub, own, "renewal", dates, pub.media, remark))
        elif what == "change":
            decs.append(_change(ctx, area, pub, when, granted))
        elif what == "penalty":
            pens.append(_penalty(ctx, pub, own, str(payload), when, plan.phone_facts))
        elif what == "cancellation":
            extras: list[Row] = [{"cancellation_ground": payload}]
            remark = _remark(rng, area, pub, "cancellation")
            decs.append(_decision(ctx, pub, own, what, dates_before(rng, when), extras, remark))
        else:  # withdrawal, annulment, revocation; then cancelled under Art. 9(3)
            by = parent if plan.cross and parent and what == "revocation" else own
            number = None
            if what != "withdrawal":  # a lawful registration is withdrawn without a penalty
                pen = _penalty(ctx, pub, by, "fraud" if what == "annulment" else what, when, False)
                pens.append(pen)
                number = str(pen["decision_number"]) if what == "revocation" else None
            remark = _remark(rng, area, pub, what)
            decs.append(_decision(ctx, pub, by, what, _own_motion(rng, when), [], remark, number))
            after = workday(when + timedelta(days=rng.randint(10, 40)))
            if after <= LAST_DAY and (by != own or what == "withdrawal" or rng.random() < 0.6):
                extras = [{"cancellation_ground": "withdrawn_annulled_or_revoked"}]
                dates = dates_before(rng, after)
                decs.append(_decision(ctx, pub, own, "cancellation", dates, extras, None))

    if plan.bad_code:
        candidates = [d for d in decs if d.authority == own and d.kind != "refusal"]
        candidates = [d for d in candidates if not d.reexport] or candidates
        row = rng.choice(candidates).rows[0]
        key = "credit_code" if "credit_code" in row else "sponsor_credit_code"
        row[key] = nm.spoil_check(str(row[key]), rng)
    return decs, pens
