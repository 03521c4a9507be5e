"""Working days on China's official calendar (public holidays and swapped working weekends).

The calendar is the ``chinese_calendar`` package's (pip name ``chinesecalendar``), which knows
the State Council's holiday schedule for a fixed range of years (2004–2026 in 1.11). Outside
that range nothing is guessed: every function answers ``None``, meaning "unknown".

The first call builds a table of the known years once (a prefix count of working days and the
sorted list of working days), so each later call is O(1) (``workdays_between``) or a lookup.
"""

from __future__ import annotations

from array import array
from datetime import date

import chinese_calendar

# Years probed when looking for the calendar's range; the package raises outside its own.
_PROBE_YEARS = range(1990, 2101)


class _Table:
    """Working days of the known years, as day ordinals."""

    __slots__ = ("first", "last", "n", "prefix", "workdays")

    def __init__(self) -> None:
        years = [y for y in _PROBE_YEARS if _known_year(y)]
        if not years:
            raise RuntimeError("chinese_calendar knows no year between 1990 and 2100")
        self.first = date(years[0], 1, 1).toordinal()
        self.last = date(years[-1], 12, 31).toordinal()
        self.n = self.last - self.first + 1
        # prefix[i] = number of working days among the first i days of the table.
        self.prefix = array("l", [0]) * (self.n + 1)
        self.workdays = array("l")
        count = 0
        for i in range(self.n):
            ordinal = self.first + i
            if chinese_calendar.is_workday(date.fromordinal(ordinal)):
                count += 1
                self.workdays.append(ordinal)
            self.prefix[i + 1] = count


def _known_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


_table: _Table | None = None


def _get() -> _Table:
    global _table
    if _table is None:
        _table = _Table()
    return _table


def known_range() -> tuple[date, date]:
    """First and last day of the calendar's known schedule."""
    t = _get()
    return date.fromordinal(t.first), date.fromordinal(t.last)


def is_workday(d: date) -> bool | None:
    """Whether ``d`` is a working day; ``None`` outside the known years."""
    t = _get()
    i = d.toordinal() - t.first
    if not 0 <= i < t.n:
        return None
    return t.prefix[i + 1] != t.prefix[i]


def workdays_between(start: date, end: date) -> int | None:
    """Working days after ``start`` up to and including ``end``.

    The start day is not counted, as in Chinese period reckoning (期间开始之日不计算在内):
    a decision on the fifth working day after acceptance gives 5. If ``end`` is before
    ``start`` the count of the reversed interval is returned negated. ``None`` when a counted
    day lies outside the calendar's known years.
    """
    if end < start:
        back = workdays_between(end, start)
        return None if back is None else -back
    t = _get()
    s = start.toordinal() - t.first
    e = end.toordinal() - t.first
    if s < -1 or e >= t.n:
        return None
    return t.prefix[e + 1] - t.prefix[s + 1]


def add_workdays(start: date, n: int) -> date | None:
    """The ``n``-th working day after ``start`` (``start`` itself for ``n == 0``).

    ``None`` when that day, or ``start``, lies outside the calendar's known years.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    t = _get()
    s = start.toordinal() - t.first
    if s < -1 or s >= t.n:
        return None
    j = t.prefix[s + 1] + n - 1
    if j >= len(t.workdays):
        return None
    return date.fromordinal(t.workdays[j])
