"""Rules of law as dated configuration (``law.yml``), each figure with its source.

The regime's dates (Art. 17 and the 2021 amendment of the Advertising Law), the deadlines
in working days, and the penalty publicity rule sets: the set in force on a release's
as-of date decides which penalties the release shows and until when.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import msgspec

from .model import Base, Penalty

LAW_FILE = Path(__file__).with_name("law.yml")


class Regime(Base, kw_only=True):
    start: date
    start_source: str
    end: date
    end_source: str


class Deadlines(Base, kw_only=True):
    decision_workdays: int
    decision_source: str
    renewal_notice_days: int
    renewal_source: str
    publication_workdays: int
    publication_source: str


class LowFine(Base, kw_only=True):
    amount: Decimal
    source: str


class PublicityRule(Base, kw_only=True):
    """One rule set for publishing penalties, in force from ``in_force``."""

    id: str
    title: str
    in_force: date
    source: str
    publish_warning_only: bool
    publish_warning_only_source: str
    publicity_months: int | None  # None: the text sets no end (or none was confirmed)
    publicity_source: str
    confirmed: bool
    short_publicity_months: int | None = None
    short_publicity_source: str = ""
    short_kinds: list[str] = []
    low_fine_by_province: dict[str, LowFine] = {}
    note: str = ""


class Law(Base, kw_only=True):
    regime: Regime
    deadlines: Deadlines
    penalty_publicity: list[PublicityRule]

    def publicity_rule(self, on: date) -> PublicityRule:
        """The rule set in force on ``on`` (the earliest one before any was)."""
        rules = sorted(self.penalty_publicity, key=lambda r: r.in_force)
        found = rules[0]
        for rule in rules:
            if rule.in_force <= on:
                found = rule
        return found


@cache
def law() -> Law:
    """The rules of ``law.yml``, decoded once."""
    return msgspec.yaml.decode(LAW_FILE.read_bytes(), type=Law)


def add_months(d: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day when there is none
    (Civil Code arts. 201–202: periods in months end on the corresponding day)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def is_published(p: Penalty, rule: PublicityRule) -> bool:
    """Whether the rule set publishes ``p`` at all (a warning-only penalty may not be)."""
    if not p.kinds:
        return False
    return rule.publish_warning_only or not set(p.kinds) <= {"warning"}


def is_short_publicity(p: Penalty, rule: PublicityRule) -> bool:
    """Only the rule's short kinds, and any fine no higher than the province's low-fine
    threshold (none configured: no fine is low). A fine of unknown amount is not low."""
    if rule.short_publicity_months is None or not is_published(p, rule):
        return False
    kinds = set(p.kinds) - {"warning"}
    if not kinds or not kinds <= set(rule.short_kinds):
        return False
    if "fine" not in kinds:
        return True
    low = rule.low_fine_by_province.get(p.authority_code[:2])
    return low is not None and p.fine_amount is not None and p.fine_amount <= low.amount


def publicity_end(p: Penalty, rule: PublicityRule) -> date | None:
    """Last day ``p`` is shown; None if it is never published or the rule sets no end."""
    if not is_published(p, rule):
        return None
    if is_short_publicity(p, rule):
        assert rule.short_publicity_months is not None
        months: int | None = rule.short_publicity_months
    else:
        months = rule.publicity_months
    if months is None:
        return None
    return add_months(p.publication_date or p.decision_date, months)


def publicity(p: Penalty, as_of: date, rule: PublicityRule) -> str | None:
    """Why ``p`` is not shown on ``as_of`` (None: it is shown)."""
    if p.decision_date > as_of:
        return "decided_after_as_of"
    if not is_published(p, rule):
        return "warning_not_published"
    if (p.publication_date or p.decision_date) > as_of:
        return "not_yet_published"
    end = publicity_end(p, rule)
    if end is not None and as_of > end:
        return "publicity_ended"
    return None
