"""Deadlines in working days and the publicity period of penalties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from publisher.derive import derive
from publisher.derive.compliance import decision_timing, decision_timings, penalty_timing
from publisher.law import (
    LowFine,
    PublicityRule,
    add_months,
    is_published,
    is_short_publicity,
    law,
    publicity,
    publicity_end,
)
from publisher.model import Decision, DecisionKind, Medium, Penalty, PenaltyKind, Publisher

TV = Publisher(name="安徽广播电视台", kind="tv", credit_code="12340000MB0000001X")


def decision(
    kind: DecisionKind,
    on: date,
    *,
    id: str = "d1",
    accepted: date | None = None,
    applied: date | None = None,
    published: date | None = None,
    end: date | None = None,
) -> Decision:
    return Decision(
        id=id,
        decision_number=f"皖广登字〔{on.year}〕{id}号",
        authority_code="340000",
        kind=kind,
        publisher=TV,
        decision_date=on,
        acceptance_date=accepted,
        application_date=applied,
        publication_date=published,
        media=[Medium(name="安徽卫视", type="tv_channel", licence_valid_to=end)] if end else [],
    )


def penalty(
    kinds: list[PenaltyKind],
    on: date = date(2019, 3, 4),
    *,
    fine: str | None = None,
    published: date | None = None,
    authority: str = "340100",
) -> Penalty:
    return Penalty(
        id="p1",
        decision_number="合市监处字〔2019〕1号",
        authority_code=authority,
        party_name="合肥晚报社",
        kinds=kinds,
        decision_date=on,
        fine_amount=Decimal(fine) if fine is not None else None,
        publication_date=published,
    )


def test_grant_on_the_fifth_working_day_is_on_time():
    # Accepted Monday 2017-09-25; the 5th working day is the swapped Saturday 09-30.
    t = decision_timing(decision("grant", date(2017, 9, 30), accepted=date(2017, 9, 25)))
    assert (t.start_basis, t.workdays_to_decision, t.decision_due, t.late) == (
        "acceptance",
        5,
        date(2017, 9, 30),
        False,
    )
    # The next working day is Monday 10-09, after the National Day week: 6, late.
    t = decision_timing(decision("change", date(2017, 10, 9), accepted=date(2017, 9, 25)))
    assert (t.workdays_to_decision, t.late) == (6, True)


def test_application_date_stands_in_for_a_missing_acceptance():
    t = decision_timing(decision("grant", date(2017, 3, 6), applied=date(2017, 2, 27)))
    assert (t.start, t.start_basis, t.workdays_to_decision, t.late) == (
        date(2017, 2, 27),
        "application",
        5,
        False,
    )
    t = decision_timing(decision("grant", date(2017, 3, 6)))
    assert (t.start, t.start_basis, t.workdays_to_decision, t.late) == (None, None, None, None)


def test_unknown_working_days_stay_unknown():
    t = decision_timing(
        decision("grant", date(2027, 1, 8), accepted=date(2026, 12, 30), published=date(2027, 2, 1))
    )
    assert (t.workdays_to_decision, t.decision_due, t.late) == (None, None, None)
    assert (t.workdays_to_publication, t.publication_late) == (None, None)
    p = penalty(["fine"], date(2026, 12, 20), fine="50000", published=date(2027, 1, 10))
    pt = penalty_timing(p, ORDER_45)
    assert (pt.workdays_to_publication, pt.publication_late, pt.publication_due) == (
        None,
        None,
        None,
    )
    assert pt.publicity_end == date(2030, 1, 10)  # calendar dates need no holiday schedule


def test_publication_of_decisions():
    t = decision_timing(decision("grant", date(2019, 3, 4), published=date(2019, 4, 1)))
    assert (t.workdays_to_publication, t.publication_due, t.publication_late) == (
        20,
        date(2019, 4, 1),
        False,
    )
    t = decision_timing(decision("grant", date(2019, 3, 4), published=date(2019, 4, 2)))
    assert t.publication_late is True
    # Withdrawals have no registration-side deadline; the delay is still counted.
    t = decision_timing(decision("revocation", date(2019, 3, 4), published=date(2019, 3, 8)))
    assert (t.workdays_to_publication, t.publication_late, t.late) == (4, None, None)


def test_renewal_is_late_after_the_validity_ends():
    log = [
        decision("grant", date(2017, 1, 5), id="g", end=date(2018, 12, 31)),
        decision(
            "renewal", date(2019, 1, 2), id="r", applied=date(2018, 11, 1), end=date(2023, 12, 31)
        ),
        decision("renewal", date(2023, 12, 29), id="r2", end=date(2028, 12, 31)),
    ]
    timings = {t.decision_id: t for t in decision_timings(log, derive(log))}
    assert (timings["r"].decision_due, timings["r"].late) == (date(2018, 12, 31), True)
    assert (timings["r2"].decision_due, timings["r2"].late) == (date(2023, 12, 31), False)
    assert timings["g"].late is None  # neither acceptance nor application date
    # Without the derived validity a renewal's lateness cannot be judged.
    assert next(decision_timings(log[1:2])).late is None


ORDER_45 = law().publicity_rule(date(2021, 9, 1))
ORDER_71 = law().publicity_rule(date(2021, 8, 31))


def in_publicity(p: Penalty, on: date, rule: PublicityRule = ORDER_45) -> bool:
    return publicity(p, on, rule) is None


def with_low_fine(province: str, amount: str) -> PublicityRule:
    low = {province: LowFine(amount=Decimal(amount), source="test")}
    return msgspec.structs.replace(ORDER_45, low_fine_by_province=low)


def test_the_rule_set_in_force_on_the_as_of_date_decides():
    assert (ORDER_71.id, ORDER_45.id) == ("saic-order-71", "samr-order-45")
    assert law().publicity_rule(date(2016, 12, 1)) == ORDER_71
    assert law().publicity_rule(date(2026, 1, 1)) == ORDER_45
    # Every figure cites its source; an unconfirmed one says so.
    for rule in law().penalty_publicity:
        assert rule.source and rule.publish_warning_only_source
        assert rule.confirmed or rule.note
        assert rule.publicity_months is None or rule.publicity_source


def test_penalty_publication_within_20_working_days():
    # Decided Monday 2019-03-04; the 20th working day after it is Monday 2019-04-01.
    t = penalty_timing(penalty(["fine"], fine="20000", published=date(2019, 4, 1)), ORDER_45)
    assert (t.workdays_to_publication, t.publication_due, t.publication_late) == (
        20,
        date(2019, 4, 1),
        False,
    )
    # 2–4 April count, Friday 5 April was Qingming: Monday 8 April is the 24th working day.
    t = penalty_timing(penalty(["fine"], fine="20000", published=date(2019, 4, 8)), ORDER_45)
    assert (t.workdays_to_publication, t.publication_late) == (24, True)


def test_publicity_lasts_three_years_from_publication_under_order_45():
    p = penalty(["fine", "confiscation"], fine="5000", published=date(2019, 3, 20))
    assert publicity_end(p, ORDER_45) == date(2022, 3, 20)
    assert in_publicity(p, date(2019, 3, 20)) and in_publicity(p, date(2022, 3, 20))
    assert publicity(p, date(2022, 3, 21), ORDER_45) == "publicity_ended"
    assert publicity(p, date(2019, 3, 19), ORDER_45) == "not_yet_published"
    assert publicity(p, date(2019, 3, 1), ORDER_45) == "decided_after_as_of"
    t = penalty_timing(p, ORDER_45)
    assert (t.publicity_from, t.publicity_basis, t.short_publicity) == (
        date(2019, 3, 20),
        "publication",
        False,
    )
    # Without a publication date, the decision date.
    t = penalty_timing(penalty(["fine"], date(2020, 2, 29), fine="30000"), ORDER_45)
    assert (t.publicity_basis, t.publicity_end) == ("decision", date(2023, 2, 28))


def test_order_71_sets_no_end_that_was_confirmed():
    p = penalty(["fine"], fine="5000", published=date(2017, 3, 20), on=date(2017, 3, 1))
    assert publicity_end(p, ORDER_71) is None
    assert in_publicity(p, date(2021, 4, 28), ORDER_71)
    assert not ORDER_71.confirmed and ORDER_71.note


def test_public_reprimand_lasts_three_months_and_no_fine_is_low_without_a_source():
    reprimand = penalty(["public_reprimand"], published=date(2019, 11, 30))
    assert is_short_publicity(reprimand, ORDER_45)
    assert publicity_end(reprimand, ORDER_45) == date(2020, 2, 29)  # no 30 February
    # No province's threshold is configured (none confirmed): no fine counts as low.
    assert ORDER_45.low_fine_by_province == {}
    assert not is_short_publicity(penalty(["fine"], fine="1"), ORDER_45)


def test_a_province_threshold_makes_low_fines_short():
    rule = with_low_fine("31", "20000")
    p = penalty(["fine"], fine="20000", authority="310104")  # a Shanghai district
    assert is_short_publicity(p, rule) and publicity_end(p, rule) == date(2019, 6, 4)
    assert not is_short_publicity(penalty(["fine"], fine="20000.01", authority="310104"), rule)
    assert not is_short_publicity(penalty(["fine"], fine="100", authority="340100"), rule)
    assert not is_short_publicity(penalty(["fine"], authority="310104"), rule)  # amount unknown
    low = penalty(
        ["warning", "fine"], fine="10000", published=date(2019, 3, 20), authority="310104"
    )
    assert is_short_publicity(low, rule) and publicity_end(low, rule) == date(2019, 6, 20)
    assert not is_short_publicity(
        penalty(["fine", "registration_revocation"], fine="100", authority="310104"), rule
    )


def test_warning_only_penalties_are_published_under_order_71_not_under_order_45():
    p = penalty(["warning"], published=date(2019, 3, 5))
    assert not is_published(p, ORDER_45)
    assert publicity(p, date(2021, 9, 2), ORDER_45) == "warning_not_published"
    t = penalty_timing(p, ORDER_45)
    assert (t.published, t.publicity_end, t.workdays_to_publication) == (False, None, None)
    assert is_published(p, ORDER_71) and in_publicity(p, date(2021, 4, 28), ORDER_71)


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2019, 1, 31), 1) == date(2019, 2, 28)
    assert add_months(date(2020, 2, 29), 36) == date(2023, 2, 28)
    assert add_months(date(2019, 11, 30), 3) == date(2020, 2, 29)
    assert add_months(date(2019, 12, 15), 1) == date(2020, 1, 15)
