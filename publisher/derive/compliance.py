"""Compliance facts: deadlines in working days and the publicity period of penalties.

* A grant or change is due within 5 working days of acceptance (Arts. 5 and 8); when the
  acceptance date is missing the application date is used instead (``start_basis`` says
  which, and an application date overstates the authority's delay).
* A renewal is due before the validity ends (Art. 10): late when decided after that day.
* Registration and penalty information is due in the credit publicity system within 20
  working days of being made (《企业信息公示暂行条例》 art. 6).
* A published penalty is shown for 3 years from its publication; 3 months when it is only a
  public reprimand or a low fine (SAMR Order No. 45 (2021), art. 13). A warning-only penalty is
  never published (art. 2). Periods are reckoned as in the Civil Code (arts. 201–202): the start
  day is not counted and the period ends on the corresponding day (the month's last day when
  there is none), which is the last day shown.

What counts as a "low fine" is set by each province's market regulator, so the threshold is
a parameter: ``low_fine`` (default 10,000 CNY inclusive: the regulation's own lowest band,
Art. 15 "一万元以下罚款" for unreported statistics) and ``low_fine_by_province``, keyed by the
first two digits of the authority's division code. Counts that touch a day outside the
holiday calendar's known years are ``None`` ("unknown"), and so are the flags built on them.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Literal

from ..derive import Derived
from ..model import Base, Decision, DecisionKind, Penalty
from .workdays import add_workdays, workdays_between

DECISION_DUE_WORKDAYS = 5  # Arts. 5 and 8
PUBLICATION_DUE_WORKDAYS = 20  # 《企业信息公示暂行条例》 art. 6
PUBLICITY_MONTHS = 36  # SAMR Order No. 45, art. 13
SHORT_PUBLICITY_MONTHS = 3  # only a public reprimand or a low fine
DEFAULT_LOW_FINE = Decimal("10000")
_SHORT_KINDS = frozenset({"warning", "public_reprimand", "fine"})


class DecisionTiming(Base):
    """How long a registration decision took, against its deadlines."""

    decision_id: str
    kind: DecisionKind
    start: date | None = None  # acceptance date, else application date
    start_basis: Literal["acceptance", "application"] | None = None
    workdays_to_decision: int | None = None
    decision_due: date | None = None
    late: bool | None = None  # None: no deadline applies, or it cannot be judged
    workdays_to_publication: int | None = None
    publication_due: date | None = None
    publication_late: bool | None = None


class PenaltyTiming(Base):
    """When a penalty was and is to be shown."""

    penalty_id: str
    published: bool  # False for a warning-only penalty
    workdays_to_publication: int | None = None
    publication_due: date | None = None
    publication_late: bool | None = None
    short_publicity: bool = False  # 3 months instead of 3 years
    publicity_from: date | None = None
    publicity_basis: Literal["publication", "decision"] | None = None
    publicity_end: date | None = None  # last day shown


def add_months(d: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day when there is none."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def _late(count: int | None, due: int) -> bool | None:
    return None if count is None else count > due


def decision_timing(d: Decision, *, prior_end: date | None = None) -> DecisionTiming:
    """Timing of one decision; ``prior_end`` is a renewal's validity end before it."""
    start = d.acceptance_date or d.application_date
    basis: Literal["acceptance", "application"] | None = None
    if d.acceptance_date:
        basis = "acceptance"
    elif d.application_date:
        basis = "application"
    t = DecisionTiming(decision_id=d.id, kind=d.kind, start=start, start_basis=basis)
    if start is not None:
        t.workdays_to_decision = workdays_between(start, d.decision_date)
        if d.kind in ("grant", "change"):
            t.decision_due = add_workdays(start, DECISION_DUE_WORKDAYS)
            t.late = _late(t.workdays_to_decision, DECISION_DUE_WORKDAYS)
    if d.kind == "renewal" and prior_end is not None:
        t.decision_due = prior_end
        t.late = d.decision_date > prior_end
    if d.kind in ("grant", "change", "renewal", "cancellation"):
        t.publication_due = add_workdays(d.decision_date, PUBLICATION_DUE_WORKDAYS)
    if d.publication_date is not None:
        t.workdays_to_publication = workdays_between(d.decision_date, d.publication_date)
        if t.publication_due is not None:
            t.publication_late = _late(t.workdays_to_publication, PUBLICATION_DUE_WORKDAYS)
    return t


def decision_timings(
    decisions: Iterable[Decision], derived: Derived | None = None
) -> Iterator[DecisionTiming]:
    """Timing of each decision; ``derived`` supplies renewals' prior validity ends."""
    prior = derived.renewal_prior_end if derived is not None else {}
    for d in decisions:
        yield decision_timing(d, prior_end=prior.get(d.id))


def is_published(p: Penalty) -> bool:
    """A penalty that is only a warning is never published (Order No. 45, art. 2)."""
    return bool(p.kinds) and not set(p.kinds) <= {"warning"}


def is_short_publicity(
    p: Penalty,
    *,
    low_fine: Decimal | None = DEFAULT_LOW_FINE,
    low_fine_by_province: Mapping[str, Decimal] | None = None,
) -> bool:
    """Only a public reprimand and/or a fine no higher than the province's low-fine threshold.

    ``low_fine`` None means no fine counts as low. A fine of unknown amount is not low.
    """
    kinds = set(p.kinds)
    if not kinds <= _SHORT_KINDS or not is_published(p):
        return False
    if "fine" not in kinds:
        return True
    threshold = low_fine
    if low_fine_by_province:
        threshold = low_fine_by_province.get(p.authority_code[:2], low_fine)
    return threshold is not None and p.fine_amount is not None and p.fine_amount <= threshold


def publicity_end(
    p: Penalty,
    *,
    low_fine: Decimal | None = DEFAULT_LOW_FINE,
    low_fine_by_province: Mapping[str, Decimal] | None = None,
) -> date | None:
    """Last day the penalty is shown (None if it is never published)."""
    if not is_published(p):
        return None
    short = is_short_publicity(p, low_fine=low_fine, low_fine_by_province=low_fine_by_province)
    months = SHORT_PUBLICITY_MONTHS if short else PUBLICITY_MONTHS
    return add_months(p.publication_date or p.decision_date, months)


def in_publicity(
    p: Penalty,
    as_of: date,
    *,
    low_fine: Decimal | None = DEFAULT_LOW_FINE,
    low_fine_by_province: Mapping[str, Decimal] | None = None,
) -> bool:
    """Whether the penalty is shown on ``as_of``: from its publication to its publicity end."""
    end = publicity_end(p, low_fine=low_fine, low_fine_by_province=low_fine_by_province)
    return end is not None and (p.publication_date or p.decision_date) <= as_of <= end


def penalty_timing(
    p: Penalty,
    *,
    low_fine: Decimal | None = DEFAULT_LOW_FINE,
    low_fine_by_province: Mapping[str, Decimal] | None = None,
) -> PenaltyTiming:
    """Publication delay (due within 20 working days) and publicity period of one penalty."""
    t = PenaltyTiming(penalty_id=p.id, published=is_published(p))
    if not t.published:
        return t
    t.publication_due = add_workdays(p.decision_date, PUBLICATION_DUE_WORKDAYS)
    if p.publication_date is not None:
        t.workdays_to_publication = workdays_between(p.decision_date, p.publication_date)
        t.publication_late = _late(t.workdays_to_publication, PUBLICATION_DUE_WORKDAYS)
    t.short_publicity = is_short_publicity(
        p, low_fine=low_fine, low_fine_by_province=low_fine_by_province
    )
    t.publicity_from = p.publication_date or p.decision_date
    t.publicity_basis = "publication" if p.publication_date else "decision"
    t.publicity_end = publicity_end(p, low_fine=low_fine, low_fine_by_province=low_fine_by_province)
    return t
