"""Working days on the official calendar, checked against real holiday schedules."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.derive.workdays import add_workdays, is_workday, known_range, workdays_between

KNOWN = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))


def test_known_range_is_the_packages():
    first, last = known_range()
    assert first == date(2004, 1, 1)
    assert last.year >= 2026 and last.month == 12 and last.day == 31


def test_national_day_2017_and_its_swapped_saturday():
    # 2017: 1–8 October off; Saturday 30 September was a working day.
    assert is_workday(date(2017, 9, 30)) is True
    assert all(is_workday(date(2017, 10, d)) is False for d in range(1, 9))
    assert is_workday(date(2017, 10, 9)) is True
    # Friday 29 September → Monday 9 October: only the Saturday and the Monday count.
    assert workdays_between(date(2017, 9, 29), date(2017, 10, 9)) == 2
    assert add_workdays(date(2017, 9, 29), 1) == date(2017, 9, 30)
    assert add_workdays(date(2017, 9, 29), 2) == date(2017, 10, 9)
    # Accepted Monday 25 September: the 5th working day is that Saturday.
    assert add_workdays(date(2017, 9, 25), 5) == date(2017, 9, 30)


def test_spring_festival_2018_swapped_weekends():
    # 2018-02-15..21 off; Sunday 11 Feb and Saturday 24 Feb were working days.
    assert is_workday(date(2018, 2, 11)) is True
    assert is_workday(date(2018, 2, 24)) is True
    assert is_workday(date(2018, 2, 16)) is False
    # 11, 12, 13, 14, then 22, 23, 24 (Saturday) and 26 February.
    assert workdays_between(date(2018, 2, 9), date(2018, 2, 26)) == 8


def test_start_day_not_counted_and_reverse_is_negative():
    assert workdays_between(date(2019, 3, 4), date(2019, 3, 4)) == 0
    assert workdays_between(date(2019, 3, 4), date(2019, 3, 5)) == 1
    assert workdays_between(date(2019, 3, 8), date(2019, 3, 4)) == -4
    assert add_workdays(date(2019, 3, 4), 0) == date(2019, 3, 4)
    with pytest.raises(ValueError):
        add_workdays(date(2019, 3, 4), -1)


def test_outside_the_calendar_is_unknown():
    assert is_workday(date(2027, 1, 4)) is None
    assert is_workday(date(2003, 12, 31)) is None
    assert workdays_between(date(2026, 12, 1), date(2027, 1, 5)) is None
    assert workdays_between(date(2027, 1, 5), date(2026, 12, 1)) is None
    assert workdays_between(date(2003, 12, 1), date(2004, 2, 1)) is None
    # The day before the first known day is fine as a start: it is not counted.
    assert workdays_between(date(2003, 12, 31), date(2004, 1, 2)) == 1
    assert add_workdays(date(2026, 12, 30), 5) is None
    assert add_workdays(date(2027, 1, 4), 1) is None
    assert add_workdays(date(2003, 6, 1), 1) is None


@settings(max_examples=200, deadline=None)
@given(KNOWN, st.integers(min_value=0, max_value=60))
def test_count_agrees_with_the_package(start, span):
    end = start + timedelta(days=span)
    if end > date(2026, 12, 31):
        return
    expected = len(chinese_calendar.get_workdays(start + timedelta(days=1), end)) if span else 0
    assert workdays_between(start, end) == expected


@settings(max_examples=200, deadline=None)
@given(KNOWN, st.integers(min_value=1, max_value=40))
def test_add_is_the_inverse_of_count(start, n):
    due = add_workdays(start, n)
    if due is None:
        assert start.year == 2026
        return
    assert is_workday(due) is True
    assert workdays_between(start, due) == n
    assert workdays_between(start, due - timedelta(days=1)) == n - 1
