"""What the fold yields: registrations, status and detail periods, anomalies; status on a date.

A registration is one registrant at one authority; its id is ``<authority code>-<credit
code>``, the registrant being the publisher, or the sponsor (主办单位) of a print medium
without legal-person status (Art. 4).
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Literal

from ..law import law
from ..model import Base, Medium, Publisher

# Last day on which registration was required (inclusive), and the renewal notice period
# (Art. 10): dated configuration with their sources, in law.yml. A release may set its own
# regime end (``regime_end``).
DEFAULT_REGIME_END = law().regime.end
RENEWAL_NOTICE = timedelta(days=law().deadlines.renewal_notice_days)

Status = Literal[
    "valid", "deemed_renewal", "expired", "cancelled", "withdrawn", "annulled", "revoked"
]
AnomalyCode = Literal[
    "change_before_grant",  # a change or renewal before the grant, or with no grant on record
    "cancellation_of_unknown_registration",  # a terminal decision with no grant before it
    "duplicate_grant",  # a further grant on a live registration (applied like a renewal)
    "decision_after_end",  # any decision after the terminal one (ignored for status)
    "expired_not_cancelled",  # expired within the regime, never renewed or cancelled (Art. 9(1))
    "expired_then_renewed",  # a lapse: expired for a while, then valid again
    "validity_unknown",  # a grant or renewal that leaves no known licence end
    "ambiguous_match",  # a revocation/annulment matching registrations at several authorities
    "no_credit_code",  # a registrant without any credit code (keyed by name)
]

TERMINAL: dict[str, Status] = {
    "cancellation": "cancelled",
    "withdrawal": "withdrawn",
    "annulment": "annulled",
    "revocation": "revoked",
}


class Registration(Base):
    """One registrant's registration at one authority, as of its latest decision."""

    id: str
    authority_code: str
    publisher: Publisher
    media: list[Medium]
    grant_decision_id: str
    granted_on: date
    registrant_credit_code: str | None = None
    registration_number: str | None = None
    ended_on: date | None = None  # date of the terminal decision
    end_kind: str | None = None  # its kind: cancellation, withdrawal, annulment, revocation
    end_decision_id: str | None = None
    # Each medium's names, aligned with ``media``: (first day, name), oldest first.
    media_names: list[list[tuple[date, str]]] = []


class StatusPeriod(Base, gc=False):
    """A run of days with one status. A registration's periods end on the horizon (the
    regime end or the as-of date, whichever is earlier): nothing is stated beyond it."""

    registration_id: str
    status: Status
    valid_from: date
    valid_to: date
    # The decision that started it; for a deemed renewal the renewal whose timely
    # application is its basis (Art. 10); None for an expiry.
    decision_id: str | None = None


class DetailPeriod(Base, gc=False):
    """The registration's details over a run of days; ``valid_to`` None = open-ended."""

    registration_id: str
    valid_from: date
    decision_id: str
    publisher_name: str
    media_names: tuple[str, ...]
    valid_to: date | None = None
    credit_code: str | None = None
    legal_representative: str | None = None
    address: str | None = None
    sponsor_name: str | None = None
    licence_valid_from: date | None = None  # the licence window in force (Art. 7)
    licence_valid_to: date | None = None


class Anomaly(Base, gc=False):
    """Something in the log that the rules cannot honour; reported, never fatal."""

    code: AnomalyCode
    detail: str
    registration_id: str | None = None
    decision_id: str | None = None


class Derived(Base):
    """Everything the fold yields."""

    registrations: list[Registration]
    periods: list[StatusPeriod]  # grouped by registration, each group in date order
    detail_periods: list[DetailPeriod]  # grouped likewise
    anomalies: list[Anomaly]
    registration_of: dict[str, str]  # decision id → registration id
    renewal_prior_end: dict[str, date]  # renewal decision id → validity end before it


def registrant_code(p: Publisher) -> str | None:
    """The registrant's credit code: the publisher's own, else its sponsor's (Art. 4)."""
    return p.credit_code or p.sponsor_credit_code


def registration_id(authority_code: str, p: Publisher) -> str:
    code = registrant_code(p)
    if code is None:
        name = p.sponsor_name or p.name
        code = "N" + hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
    return f"{authority_code}-{code}"


def group_periods(periods: Iterable[StatusPeriod]) -> dict[str, list[StatusPeriod]]:
    """Periods by registration id, each list in date order (as ``derive`` emits them)."""
    grouped: dict[str, list[StatusPeriod]] = defaultdict(list)
    for p in periods:
        grouped[p.registration_id].append(p)
    return dict(grouped)


def status_on(periods: Sequence[StatusPeriod], d: date) -> str:
    """Status of one registration on ``d``: ``not_registered`` before its grant."""
    k = bisect.bisect_right(periods, d, key=lambda p: p.valid_from) - 1
    if k < 0:
        return "not_registered"
    p = periods[k]
    if d > p.valid_to:
        return "not_registered"
    return p.status


def status_with_regime(
    periods: Sequence[StatusPeriod], d: date, regime_end: date = DEFAULT_REGIME_END
) -> dict[str, str]:
    """``status_on``, except after the regime's last day: no longer required, with the last status."""
    if d > regime_end:
        return {"status": "no_longer_required", "last_status": status_on(periods, regime_end)}
    return {"status": status_on(periods, d)}
