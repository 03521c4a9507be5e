"""Compliance facts: deadlines in working days and the publicity period of penalties.

* A grant or change is due within 5 working days of acceptance (Arts. 5 and 8); when the
  acceptance date is missing the application date is used instead (``start_basis`` says
  which, and an application date overstates the authority's delay).
* A renewal is due before the validity ends (Art. 10): late when decided after that day.
* Registration and penalty information is due in the credit publicity system within 20
  working days of being made (《企业信息公示暂行条例》 art. 6).
* Whether and how long a penalty is shown follows the rule set in force on the release's
  as-of date (``law.yml``, :mod:`publisher.law`): SAIC Order No. 71 (2014) or SAMR Order
  No. 45 (2021-09-01). Periods are reckoned as in the Civil Code (arts. 201–202).

The figures come from :func:`publisher.law.law`, each with its source. Counts that touch a
day outside the holiday calendar's known years are ``None`` ("unknown"), and so are the
flags built on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Literal

from ..law import PublicityRule, add_months, is_published, is_short_publicity, law, publicity_end
from ..model import Base, Decision, DecisionKind, Penalty
from .records import Derived
from .workdays import add_workdays, workdays_between

__all__ = ["add_months", "is_published", "is_short_publicity", "publicity_end"]


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
            t.decision_due = add_workdays(start, law().deadlines.decision_workdays)
            t.late = _late(t.workdays_to_decision, law().deadlines.decision_workdays)
    if d.kind == "renewal" and prior_end is not None:
        t.decision_due = prior_end
        t.late = d.decision_date > prior_end
    if d.kind in ("grant", "change", "renewal", "cancellation"):
        t.publication_due = add_workdays(d.decision_date, law().deadlines.publication_workdays)
    if d.publication_date is not None:
        t.workdays_to_publication = workdays_between(d.decision_date, d.publication_date)
        if t.publication_due is not None:
            t.publication_late = _late(
                t.workdays_to_publication, law().deadlines.publication_workdays
            )
    return t


def decision_timings(
    decisions: Iterable[Decision], derived: Derived | None = None
) -> Iterator[DecisionTiming]:
    """Timing of each decision; ``derived`` supplies renewals' prior validity ends."""
    prior = derived.renewal_prior_end if derived is not None else {}
    for d in decisions:
        yield decision_timing(d, prior_end=prior.get(d.id))


def penalty_timing(p: Penalty, rule: PublicityRule) -> PenaltyTiming:
    """Publication delay (due within 20 working days) and publicity period of one penalty."""
    t = PenaltyTiming(penalty_id=p.id, published=is_published(p, rule))
    if not t.published:
        return t
    due = law().deadlines.publication_workdays
    t.publication_due = add_workdays(p.decision_date, due)
    if p.publication_date is not None:
        t.workdays_to_publication = workdays_between(p.decision_date, p.publication_date)
        t.publication_late = _late(t.workdays_to_publication, due)
    t.short_publicity = is_short_publicity(p, rule)
    t.publicity_from = p.publication_date or p.decision_date
    t.publicity_basis = "publication" if p.publication_date else "decision"
    t.publicity_end = publicity_end(p, rule)
    return t
