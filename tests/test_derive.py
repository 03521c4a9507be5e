"""The derive step: registrations, status periods, detail periods and anomalies.

The property tests compare ``derive`` with ``reference_status`` below, a deliberately slow
restatement of the rules that recomputes the status of every single day from scratch.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.derive import (
    DEFAULT_REGIME_END,
    Derived,
    StatusPeriod,
    derive,
    group_periods,
    status_on,
    status_with_regime,
)
from publisher.model import Change, Decision, DecisionKind, Medium, Publisher

AHUI = "340000"  # Anhui province
BEIJING = "110000"
CODE_A = "12340000MB0000001X"
CODE_B = "12340000MB0000002X"
TV = Publisher(name="安徽广播电视台", kind="tv", credit_code=CODE_A, legal_representative="张三")
# Same-day order: grant, renewal, change, then the terminal kinds.
RANK = {"grant": 0, "renewal": 1, "change": 2} | dict.fromkeys(
    ("cancellation", "withdrawal", "annulment", "revocation"), 3
)
END_STATUS: dict[DecisionKind, str] = {
    "cancellation": "cancelled",
    "withdrawal": "withdrawn",
    "annulment": "annulled",
    "revocation": "revoked",
}
HORIZON = DEFAULT_REGIME_END  # derive's periods stop here: nothing is stated beyond it


def channel(end: date | None, name: str = "安徽卫视") -> Medium:
    return Medium(name=name, type="tv_channel", licence_valid_to=end)


def dec(
    id: str,
    kind: DecisionKind,
    on: date,
    *,
    authority: str = AHUI,
    publisher: Publisher = TV,
    media: list[Medium] | None = None,
    applied: date | None = None,
    changes: list[Change] | None = None,
) -> Decision:
    return Decision(
        id=id,
        decision_number=f"皖广登字〔{on.year}〕{id}号",
        authority_code=authority,
        kind=kind,
        publisher=publisher,
        decision_date=on,
        application_date=applied,
        media=media or [],
        changes=changes or [],
        cancellation_ground="ceased_publishing" if kind == "cancellation" else None,
    )


def only(result: Derived) -> list[StatusPeriod]:
    grouped = group_periods(result.periods)
    assert len(grouped) == 1
    return next(iter(grouped.values()))


def runs(periods: list[StatusPeriod]) -> list[tuple[str, date, date | None, str | None]]:
    return [(p.status, p.valid_from, p.valid_to, p.decision_id) for p in periods]


def codes(result: Derived) -> list[str]:
    return sorted(a.code for a in result.anomalies)


# ---------------------------------------------------------------- the slow reference


def reference_registration(decision: Decision, log: list[Decision]) -> str | None:
    """The registration key a decision belongs to, recomputed from the whole log."""

    def key(d: Decision) -> str:
        return f"{d.authority_code}-{d.publisher.credit_code or d.publisher.sponsor_credit_code}"

    def first_grant(k: str) -> date | None:
        dates = [d.decision_date for d in log if d.kind == "grant" and key(d) == k]
        return min(dates) if dates else None

    own = key(decision)
    if decision.kind not in ("revocation", "annulment") or first_grant(own) is not None:
        return own if first_grant(own) is not None else None
    code = own.split("-", 1)[1]
    others = {key(d) for d in log if d.kind == "grant" and key(d).split("-", 1)[1] == code}
    if not others:
        return None
    granted = {k: first_grant(k) or date.max for k in others}
    live = [k for k in others if granted[k] <= decision.decision_date]
    if live:
        return max(live, key=lambda k: (granted[k], k))
    return min(others, key=lambda k: (granted[k], k))


def reference_status(mine: list[Decision], day: date) -> str:
    """Status on ``day`` of the registration whose decisions are ``mine``, folded from scratch."""
    mine = sorted(mine, key=lambda d: (d.decision_date, RANK[d.kind], d.id))
    grants = [i for i, d in enumerate(mine) if d.kind == "grant"]
    if not grants or day < mine[grants[0]].decision_date or day > HORIZON:
        return "not_registered"
    applied = []
    for d in mine[grants[0] :]:
        applied.append(d)
        if d.kind in END_STATUS:
            break
    last = applied[-1]
    if last.kind in END_STATUS and day >= last.decision_date:
        return END_STATUS[last.kind]
    ends: dict[str, date | None] = {}
    unknown = False
    end: date | None = None
    for k, d in enumerate(applied):
        if d.decision_date > day:
            break
        carried = [m.licence_valid_to for m in d.media if m.licence_valid_to]
        if k == 0:
            ends = {}
        for m in d.media:
            ends[m.name] = m.licence_valid_to
        if d.kind == "renewal":
            unknown = not carried or (end is not None and max(carried) <= end)
        elif k == 0 or carried:
            unknown = False
        known = [e for e in ends.values() if e is not None]
        end = None if unknown or not known else max(known)
    if end is None or day <= end:
        return "valid"
    later = [d for d in applied if d.kind == "renewal" and d.decision_date > day]
    applied_on = later[0].application_date if later else None
    if applied_on is not None and applied_on <= end - timedelta(days=30):
        return "deemed_renewal"
    return "expired"


# ---------------------------------------------------------------- random logs

BASE = date(2017, 1, 1)
# Weighted so that logs often live long enough to expire, renew and be deemed renewed.
KINDS: list[DecisionKind] = [
    "grant", "grant", "change", "renewal", "renewal", "renewal", "cancellation", "withdrawal",
    "annulment", "revocation"
]  # fmt: skip
offsets = st.integers(min_value=0, max_value=700)  # decision dates
lifetimes = st.integers(min_value=-60, max_value=400)  # licence ends, from the decision date


@st.composite
def logs(draw: st.DrawFn) -> list[Decision]:
    """Anything goes: random kinds, dates, authorities and registrants, in random order."""
    out = []
    for i in range(draw(st.integers(min_value=0, max_value=10))):
        kind = draw(st.sampled_from(KINDS))
        on = BASE + timedelta(days=draw(offsets))
        names = st.lists(
            st.sampled_from(["安徽卫视", "安徽经济生活"]),
            max_size=2,
            min_size=kind in ("grant", "renewal"),
        )
        media = [
            channel(
                None if (life := draw(st.none() | lifetimes)) is None else on + timedelta(life),
                name,
            )
            for name in draw(names)
        ]
        lag = draw(st.none() | st.integers(0, 360))
        applied = None if lag is None else on - timedelta(days=lag)
        code = draw(st.sampled_from([CODE_A, CODE_A, CODE_A, CODE_B]))
        publisher = Publisher(name=f"台{code[-2]}", kind="tv", credit_code=code)
        authority = draw(st.sampled_from([AHUI, AHUI, BEIJING]))
        out.append(
            dec(
                f"d{i}",
                kind,
                on,
                authority=authority,
                publisher=publisher,
                media=media,
                applied=applied,
            )
        )
    return out


@st.composite
def lifecycles(draw: st.DrawFn) -> list[Decision]:
    """A grant and a chain of renewals near each expiry, some late, some deemed, plus noise."""
    on = BASE + timedelta(days=draw(st.integers(0, 60)))
    end = on + timedelta(days=draw(st.integers(30, 200)))
    out = [dec("g", "grant", on, media=[channel(end)])]
    for i in range(draw(st.integers(0, 4))):
        on = end + timedelta(days=draw(st.integers(-40, 60)))
        applied = end - timedelta(days=draw(st.integers(0, 70)))
        end = draw(st.sampled_from([end, on])) + timedelta(days=draw(st.integers(-10, 200)))
        out.append(dec(f"r{i}", "renewal", on, media=[channel(end)], applied=applied))
    noise = draw(logs())
    out.extend(d for d in noise if d.publisher.credit_code == CODE_A and d.kind != "grant")
    return draw(st.permutations(out))


any_log = logs() | lifecycles()


@settings(max_examples=300, deadline=None)
@given(any_log)
def test_periods_are_contiguous_and_never_overlap(log):
    result = derive(log)
    regs = {r.id: r for r in result.registrations}
    grouped = group_periods(result.periods)
    assert set(grouped) == set(regs)
    for rid, periods in grouped.items():
        assert periods[0].valid_from == regs[rid].granted_on
        for a, b in pairwise(periods):
            assert a.valid_to is not None and a.valid_from <= a.valid_to
            assert b.valid_from == a.valid_to + timedelta(days=1)
            # Adjacent periods differ, except a grant or renewal that starts a new valid run.
            assert a.status != b.status or (b.status == "valid" and b.decision_id is not None)
        assert periods[-1].valid_to == HORIZON
    for rid in regs:
        details = [p for p in result.detail_periods if p.registration_id == rid]
        assert details[0].valid_from == regs[rid].granted_on
        for before, after in pairwise(details):
            assert before.valid_to is not None
            assert after.valid_from == before.valid_to + timedelta(days=1)
        assert details[-1].valid_to is None


@settings(max_examples=300, deadline=None)
@given(any_log)
def test_status_agrees_with_the_day_by_day_reference(log):
    result = derive(log)
    grouped = group_periods(result.periods)
    keys = {k for d in log if (k := reference_registration(d, log)) is not None}
    assert keys == set(grouped)
    for rid in keys:
        mine = [d for d in log if reference_registration(d, log) == rid]
        # Every day from before the first decision to past the last date the log mentions.
        dates = [d.decision_date for d in mine] + [
            m.licence_valid_to for d in mine for m in d.media if m.licence_valid_to
        ]
        day, last = min(dates) - timedelta(days=3), max(dates) + timedelta(days=40)
        while day <= last:
            expected = reference_status(mine, day)
            assert status_on(grouped[rid], day) == expected, (rid, day)
            day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(any_log)
def test_every_decision_is_placed_or_reported(log):
    result = derive(log)
    reported = {a.decision_id for a in result.anomalies}
    for d in log:
        assert d.id in result.registration_of or d.id in reported
        assert result.registration_of.get(d.id) == reference_registration(d, log)


# ---------------------------------------------------------------- hand-written cases


def test_grant_then_timely_renewal():
    log = [
        dec("g", "grant", date(2017, 1, 5), media=[channel(date(2018, 12, 31))]),
        dec("r", "renewal", date(2018, 12, 10), media=[channel(date(2023, 12, 31))]),
    ]
    result = derive(log)
    assert runs(only(result)) == [
        ("valid", date(2017, 1, 5), date(2018, 12, 9), "g"),
        ("valid", date(2018, 12, 10), HORIZON, "r"),  # periods stop at the regime's end
    ]
    assert status_on(only(result), date(2017, 1, 4)) == "not_registered"
    assert status_on(only(result), date(2020, 6, 1)) == "valid"
    assert status_on(only(result), date(2024, 1, 2)) == "not_registered"  # nothing stated
    assert result.renewal_prior_end == {"r": date(2018, 12, 31)}
    # It would expire after the regime ended: no period, no breach to flag.
    assert codes(result) == []
    last = result.detail_periods[-1]
    assert (last.licence_valid_from, last.licence_valid_to) == (None, date(2023, 12, 31))
    # Without the regime's end, it expires with its licence.
    later = derive(log, regime_end=date(2030, 12, 31))
    assert runs(only(later))[-1] == ("expired", date(2024, 1, 1), date(2030, 12, 31), None)


def test_deemed_renewal_when_applied_30_days_before_and_decided_late():
    grant = dec("g", "grant", date(2017, 1, 5), media=[channel(date(2018, 12, 31))])
    late = dec(
        "r",
        "renewal",
        date(2019, 1, 20),
        media=[channel(date(2023, 12, 31))],
        applied=date(2018, 12, 1),
    )
    periods = only(derive([grant, late]))
    assert runs(periods) == [
        ("valid", date(2017, 1, 5), date(2018, 12, 31), "g"),
        # The renewal whose timely application is the basis (Art. 10).
        ("deemed_renewal", date(2019, 1, 1), date(2019, 1, 19), "r"),
        ("valid", date(2019, 1, 20), HORIZON, "r"),
    ]
    # One day later than 30 days before the end: no deemed renewal, a lapse.
    too_late = msgspec.structs.replace(late, application_date=date(2018, 12, 2))
    result = derive([grant, too_late])
    assert [p.status for p in only(result)] == ["valid", "expired", "valid"]
    assert codes(result) == ["expired_then_renewed"]


def test_expired_and_never_cancelled_is_flagged():
    log = [dec("g", "grant", date(2017, 1, 5), media=[channel(date(2019, 6, 30))])]
    result = derive(log)
    assert runs(only(result)) == [
        ("valid", date(2017, 1, 5), date(2019, 6, 30), "g"),
        ("expired", date(2019, 7, 1), HORIZON, None),
    ]
    assert codes(result) == ["expired_not_cancelled"]
    assert codes(derive(log, regime_end=date(2019, 6, 30))) == []
    periods = only(result)
    assert status_with_regime(periods, date(2019, 8, 1), date(2021, 4, 28)) == {"status": "expired"}
    assert status_with_regime(periods, date(2022, 1, 1), date(2019, 6, 1)) == {
        "status": "no_longer_required",
        "last_status": "valid",
    }


def test_cancellation_revocation_and_withdrawal_are_terminal():
    grant = dec("g", "grant", date(2017, 1, 5), media=[channel(date(2025, 12, 31))])
    for kind, status in END_STATUS.items():
        end = dec("e", kind, date(2018, 3, 1))
        periods = only(derive([grant, end]))
        assert runs(periods) == [
            ("valid", date(2017, 1, 5), date(2018, 2, 28), "g"),
            (status, date(2018, 3, 1), HORIZON, "e"),
        ]


def test_withdrawal_by_another_authority_matches_by_credit_code():
    log = [
        dec("g", "grant", date(2017, 1, 5), media=[channel(date(2025, 12, 31))]),
        dec("w", "revocation", date(2019, 5, 6), authority=BEIJING),
    ]
    result = derive(log)
    rid = f"{AHUI}-{CODE_A}"
    assert result.registration_of == {"g": rid, "w": rid}
    assert runs(only(result))[-1] == ("revoked", date(2019, 5, 6), HORIZON, "w")
    assert result.registrations[0].end_decision_id == "w"
    # A cancellation by another authority is not matched: it names no known registration.
    other = derive([log[0], dec("c", "cancellation", date(2019, 5, 6), authority=BEIJING)])
    assert codes(other) == ["cancellation_of_unknown_registration"]
    assert [p.status for p in only(other)] == ["valid"]  # the licence outlives the regime


def test_change_updates_details_from_the_day_it_happened():
    renamed = Publisher(name="安徽广播电视台（新）", kind="tv", credit_code=CODE_A)
    log = [
        dec("g", "grant", date(2017, 1, 5), media=[channel(date(2025, 12, 31))]),
        dec(
            "c",
            "change",
            date(2018, 4, 20),
            publisher=renamed,
            changes=[
                Change(
                    field="legal_representative",
                    old="张三",
                    new="李四",
                    changed_on=date(2018, 4, 2),
                ),
                Change(field="medium_name", old="安徽卫视", new="安徽卫视高清"),
            ],
        ),
    ]
    result = derive(log)
    first, second = result.detail_periods
    assert (first.valid_from, first.valid_to) == (date(2017, 1, 5), date(2018, 4, 1))
    assert (first.publisher_name, first.legal_representative) == ("安徽广播电视台", "张三")
    assert first.media_names == ("安徽卫视",)
    assert (second.valid_from, second.valid_to, second.decision_id) == (date(2018, 4, 2), None, "c")
    assert (second.publisher_name, second.legal_representative) == ("安徽广播电视台（新）", "李四")
    assert second.media_names == ("安徽卫视高清",)
    # A change alone starts no new status period.
    assert [p.valid_from for p in only(result)] == [date(2017, 1, 5)]
    assert result.registrations[0].publisher.legal_representative == "李四"


def test_change_of_licence_end_moves_the_validity():
    log = [
        dec("g", "grant", date(2017, 1, 5), media=[channel(date(2018, 6, 30))]),
        dec(
            "c",
            "change",
            date(2018, 9, 1),
            changes=[Change(field="licence_valid_to", old="2018-06-30", new="2022-06-30")],
        ),
    ]
    assert runs(only(derive(log))) == [
        ("valid", date(2017, 1, 5), date(2018, 6, 30), "g"),
        ("expired", date(2018, 7, 1), date(2018, 8, 31), None),
        ("valid", date(2018, 9, 1), HORIZON, "c"),
    ]


def test_unknown_validity_is_valid_and_reported():
    log = [
        dec("g", "grant", date(2017, 1, 5), media=[channel(date(2018, 6, 30))]),
        dec("r", "renewal", date(2018, 6, 1)),
    ]
    result = derive(log)
    assert [p.status for p in only(result)] == ["valid", "valid"]
    assert only(result)[-1].valid_to == HORIZON
    assert codes(result) == ["validity_unknown"]
    assert codes(derive([dec("g", "grant", date(2017, 1, 5))])) == ["validity_unknown"]


def test_sponsor_registers_for_a_newspaper_without_legal_personality():
    paper = Publisher(
        name="合肥晚报社",
        kind="newspaper",
        sponsor_name="合肥报业传媒集团",
        sponsor_credit_code=CODE_B,
    )
    result = derive([dec("g", "grant", date(2017, 2, 1), publisher=paper, media=[channel(None)])])
    assert result.registrations[0].id == f"{AHUI}-{CODE_B}"
    assert result.registrations[0].registrant_credit_code == CODE_B


def test_same_day_grant_and_cancellation():
    log = [
        dec("c", "cancellation", date(2017, 3, 1)),
        dec("g", "grant", date(2017, 3, 1), media=[channel(date(2020, 1, 1))]),
    ]
    assert runs(only(derive(log))) == [("cancelled", date(2017, 3, 1), HORIZON, "c")]


def test_bad_logs_are_reported_not_fatal():
    grant = dec("g", "grant", date(2017, 3, 1), media=[channel(date(2025, 12, 31))])
    # A change with no grant anywhere: no registration, one anomaly.
    result = derive([dec("c", "change", date(2017, 1, 1))])
    assert result.registrations == [] and result.periods == []
    assert codes(result) == ["change_before_grant"]
    # A change dated before the grant: reported, the grant still counts.
    result = derive([dec("c", "change", date(2017, 1, 1)), grant])
    assert codes(result) == ["change_before_grant"]
    assert runs(only(result))[0] == ("valid", date(2017, 3, 1), HORIZON, "g")
    # Cancelling a registration nobody granted.
    result = derive([dec("x", "cancellation", date(2018, 1, 1), publisher=TV)])
    assert codes(result) == ["cancellation_of_unknown_registration"]
    assert result.registration_of == {}
    # Two grants for one registration: reported, the second applied like a renewal.
    second = dec("g2", "grant", date(2019, 1, 1), media=[channel(date(2028, 12, 31))])
    result = derive([grant, second])
    assert codes(result) == ["duplicate_grant"]
    assert runs(only(result))[-1] == ("valid", date(2019, 1, 1), HORIZON, "g2")
    # A renewal after the cancellation: reported and ignored.
    log = [
        grant,
        dec("c", "cancellation", date(2018, 5, 1)),
        dec("r", "renewal", date(2018, 6, 1), media=[channel(date(2030, 1, 1))]),
    ]
    result = derive(log)
    assert codes(result) == ["decision_after_end"]
    assert runs(only(result))[-1] == ("cancelled", date(2018, 5, 1), HORIZON, "c")
    assert result.registration_of["r"] == f"{AHUI}-{CODE_A}"


def test_status_before_any_period_and_empty():
    assert status_on([], date(2018, 1, 1)) == "not_registered"
    empty = derive([])
    assert (empty.registrations, empty.periods, empty.anomalies) == ([], [], [])


def test_new_credit_code_keeps_the_registration():
    unified = Publisher(name="安徽广播电视台", kind="tv", credit_code=CODE_B)
    change = Change(field="credit_code", old=CODE_A, new=CODE_B)
    log = [
        dec("g", "grant", date(2017, 1, 5), media=[channel(date(2025, 12, 31))]),
        dec("c", "change", date(2017, 6, 1), publisher=unified, changes=[change]),
        dec("x", "cancellation", date(2018, 6, 1), publisher=unified),
        dec("w", "revocation", date(2018, 7, 1), publisher=unified, authority=BEIJING),
    ]
    result = derive(log)
    rid = f"{AHUI}-{CODE_A}"
    assert set(result.registration_of.values()) == {rid}
    assert runs(only(result))[-1] == ("cancelled", date(2018, 6, 1), HORIZON, "x")
    assert result.registrations[0].registrant_credit_code == CODE_B
    assert codes(result) == ["decision_after_end"]  # the revocation, after the cancellation


def test_cancellation_after_revocation_is_what_article_9_3_asks_for():
    """Art. 9(3): a annulled or revoked registration is then cancelled; that is no anomaly."""
    grant = dec("g", "grant", date(2017, 1, 5), media=[channel(date(2025, 12, 31))])
    for kind in ("withdrawal", "annulment", "revocation"):
        end = dec("e", kind, date(2018, 3, 1))
        cancel = msgspec.structs.replace(
            dec("c", "cancellation", date(2018, 3, 20)),
            cancellation_ground="withdrawn_annulled_or_revoked",
        )
        result = derive([grant, end, cancel])
        assert codes(result) == []
        assert runs(only(result))[-1] == (END_STATUS[kind], date(2018, 3, 1), HORIZON, "e")
        # A cancellation on another ground after the end is still reported.
        other = derive([grant, end, dec("c", "cancellation", date(2018, 3, 20))])
        assert codes(other) == ["decision_after_end"]


# ---------------------------------------------------------------- the horizon and same-day order


def test_no_status_is_stated_past_the_regime_end_or_the_as_of_date():
    """Periods stop at the horizon: the regime's end, or the as-of date when earlier. An
    expiry after it is not a breach of Art. 9(1): no registration was required then."""
    log = [dec("g", "grant", date(2017, 1, 5), media=[channel(date(2022, 6, 30))])]
    assert runs(only(derive(log))) == [("valid", date(2017, 1, 5), HORIZON, "g")]
    assert codes(derive(log)) == []
    as_of = date(2019, 3, 1)
    early = only(derive(log, as_of=as_of))
    assert runs(early) == [("valid", date(2017, 1, 5), as_of, "g")]
    # Day by day against the reference, on both horizons.
    for horizon, periods in ((HORIZON, only(derive(log))), (as_of, early)):
        day = date(2016, 12, 1)
        while day <= date(2023, 1, 1):
            expected = "valid" if date(2017, 1, 5) <= day <= horizon else "not_registered"
            assert status_on(periods, day) == expected, day
            day += timedelta(days=7)
    # A decision after the horizon changes no period (it stays in the log).
    late = [*log, dec("c", "cancellation", date(2021, 6, 1))]
    result = derive(late)
    assert runs(only(result)) == [("valid", date(2017, 1, 5), HORIZON, "g")]
    assert result.registrations[0].end_kind == "cancellation"


def test_a_change_and_a_renewal_on_the_same_day_keep_every_fact():
    """The renewal lists the media as they were; the change of the same day renames one and
    carries the new licence end. Neither the end nor the rename may be lost."""
    news = Medium(name="新闻综合广播", type="radio_frequency", frequency="FM 90.1")
    traffic = Medium(name="交通广播", type="radio_frequency", frequency="FM 97.3")
    music = msgspec.structs.replace(news, name="音乐广播", licence_valid_to=date(2022, 6, 30))
    renewed = [
        msgspec.structs.replace(m, licence_valid_to=date(2022, 6, 30)) for m in (traffic, news)
    ]
    radio = Publisher(name="岗集广播电台", kind="radio", credit_code=CODE_A)
    log = [
        dec("g", "grant", date(2017, 2, 14), publisher=radio, media=[
            msgspec.structs.replace(m, licence_valid_to=date(2019, 6, 30)) for m in (traffic, news)
        ]),
        dec("c", "change", date(2019, 4, 29), publisher=radio, media=[music], changes=[
            Change(field="medium_name", old="新闻综合广播", new="音乐广播")
        ]),
        dec("r", "renewal", date(2019, 4, 29), publisher=radio, media=renewed),
    ]  # fmt: skip
    for order in (log, log[::-1]):
        result = derive(order)
        assert runs(only(result)) == [
            ("valid", date(2017, 2, 14), date(2019, 4, 28), "g"),
            ("valid", date(2019, 4, 29), HORIZON, "r"),
        ]
        reg = result.registrations[0]
        assert sorted(m.name for m in reg.media) == ["交通广播", "音乐广播"]
        last = result.detail_periods[-1]
        assert last.licence_valid_to == date(2022, 6, 30)  # never open-ended
        assert sorted(last.media_names) == ["交通广播", "音乐广播"]
        names = dict(zip((m.name for m in reg.media), reg.media_names, strict=True))
        assert names["音乐广播"] == [
            (date(2017, 2, 14), "新闻综合广播"),
            (date(2019, 4, 29), "音乐广播"),
        ]
