"""The read side's answers as msgspec Structs: what ``verify``, the API and the site return.

One shared base that rejects unknown fields; the API serves these Structs as they are,
so its schema and the CLI's ``--json`` cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import msgspec

# Where the API serves a notice: the link answers give beside a decision's notice id.
NOTICE_PATH = "/api/v1/notices/{}"


_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def notice_url(notice_id: str | None) -> str | None:
    """The link to a notice (a path on the server that serves the API), or None."""
    if not notice_id:
        return None
    return NOTICE_PATH.format(
        notice_id if _URL_SAFE.fullmatch(notice_id) else quote(notice_id, safe="")
    )


class Answer(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=False, kw_only=True):
    """Base of every answer."""


class ReleaseRef(Answer):
    """Which release answers: cite it with the answer (version, dates, database sha256)."""

    name: str
    version: str
    created: str
    as_of: date
    regime_start: date
    regime_end: date
    horizon: date  # "now" in this release: the as-of date, capped at the regime's end
    database: str  # the SQLite file's name in the release
    sha256: str
    penalty_publicity_rule: str | None = None


class Match(Answer):
    """What in the release matched the query, and why."""

    field: str  # medium_name, former_medium_name, publisher_name, credit_code, cn_number, …
    value: str  # the value that matched
    registration_id: str
    publisher_id: str
    medium_id: str | None = None
    name_from: date | None = None  # a former name: the days it was in use
    name_to: date | None = None


class Candidate(Answer):
    registration_id: str
    publisher_name: str
    authority_name: str
    media_names: list[str]
    status: str
    status_zh: str
    match: Match


class Coverage(Answer):
    """What the release covers: said with every answer that found nothing."""

    authorities: list[str]  # "340100 合肥市市场监督管理局"
    first_decision: date | None
    last_decision: date | None
    as_of: date


class Period(Answer):
    status: str
    status_zh: str
    valid_from: date
    valid_to: date
    decision_id: str | None = None


class Basis(Answer):
    """Why the status is what it is, where the law names a ground."""

    kind: str  # deemed_renewal, cancellation, withdrawal, annulment, revocation
    text: str  # in Chinese
    decision_id: str | None = None
    renewal_applied_on: date | None = None  # Art. 10: the timely application
    prior_end: date | None = None  # the licence end the renewal was due by
    cancellation_ground: str | None = None
    legal_basis: str | None = None


class Registrant(Answer):
    id: str
    name: str  # as named on the date asked
    kind: str
    credit_code: str | None = None
    sponsor_name: str | None = None
    sponsor_credit_code: str | None = None
    legal_representative: str | None = None
    address: str | None = None
    current_name: str | None = None  # when it is known by another name today


class AuthorityRef(Answer):
    division_code: str
    name: str  # the name in use on the date asked
    level: str


class MediumRef(Answer):
    id: str
    name: str
    type: str
    type_zh: str
    frequency: str | None = None
    channel: str | None = None
    cn_number: str | None = None
    issn: str | None = None
    licence_number: str | None = None


class LicenceWindow(Answer):
    """The media licence in force on the date (Art. 7): the validity of the registration."""

    valid_from: date | None
    valid_to: date | None


class DecisionRef(Answer):
    id: str
    decision_number: str
    kind: str
    kind_zh: str
    decision_date: date
    publication_date: date | None = None
    notice_id: str | None = None
    notice_url: str | None = None  # the notice that published it (Art. 16)


class PenaltyRef(Answer):
    id: str
    decision_number: str
    authority_code: str
    party_name: str
    kinds: list[str]
    kinds_zh: list[str]
    decision_date: date
    fine_amount: float | None = None
    publication_date: date | None = None
    publicity_end: date | None = None


class Warning(Answer):
    code: str  # penalties_in_publicity, expires_soon, details_changed, beyond_as_of, …
    message: str  # in Chinese


class RegistrationRef(Answer):
    id: str
    registration_number: str | None
    granted_on: date | None
    grant_decision_id: str | None
    ended_on: date | None = None
    end_kind: str | None = None
    end_decision_id: str | None = None


class VerifyAnswer(Answer):
    """The advertiser's question: was this medium registered and valid on this date?"""

    query: str
    on: date  # the date asked about
    verdict: str  # a status, or not_registered / no_match / ambiguous / before_regime / …
    verdict_zh: str
    release: ReleaseRef
    asked_on: date | None = None  # the date the status was read on (capped at the horizon)
    last_status: str | None = None  # with no_longer_required: the status on the regime's end
    match: Match | None = None
    candidates: list[Candidate] = []
    candidates_total: int = 0  # how many registrations matched (candidates may be cut)
    coverage: Coverage | None = None
    registration: RegistrationRef | None = None
    registrant: Registrant | None = None
    authority: AuthorityRef | None = None
    media: list[MediumRef] = []
    licence: LicenceWindow | None = None
    period: Period | None = None
    basis: Basis | None = None
    decisions: list[DecisionRef] = []
    penalties: list[PenaltyRef] = []
    warnings: list[Warning] = []
    notes: list[str] = []


# ---- entities: registrations, publishers, media, notices, penalties ------------------


class StatusNow(Answer):
    """A status on the release's horizon (its "now")."""

    status: str
    status_zh: str
    on: date


class RegistrationSummary(Answer):
    id: str
    registration_number: str | None
    authority_code: str
    authority_name: str
    publisher_id: str
    publisher_name: str
    media_names: list[str]
    granted_on: date | None
    ended_on: date | None
    end_kind: str | None
    status: StatusNow


class MediumName(Answer):
    name: str
    valid_from: date
    valid_to: date | None = None


class Medium(Answer):
    id: str
    registration_id: str
    publisher_id: str
    name: str
    type: str
    type_zh: str
    frequency: str | None = None
    channel: str | None = None
    cn_number: str | None = None
    issn: str | None = None
    licence_number: str | None = None
    licence_valid_from: date | None = None
    licence_valid_to: date | None = None
    names: list[MediumName] = []


class DetailPeriod(Answer):
    valid_from: date
    valid_to: date | None
    decision_id: str
    publisher_name: str
    media_names: list[str]
    legal_representative: str | None = None
    address: str | None = None
    sponsor_name: str | None = None
    licence_valid_from: date | None = None
    licence_valid_to: date | None = None


class ChangeItem(Answer):
    field: str
    field_zh: str
    old: str | None = None
    new: str | None = None
    changed_on: date | None = None


class Decision(Answer):
    id: str
    decision_number: str
    kind: str
    kind_zh: str
    authority_code: str
    decision_date: date
    publisher_id: str
    publisher_name: str
    registration_id: str | None = None
    registration_number: str | None = None
    application_date: date | None = None
    acceptance_date: date | None = None
    publication_date: date | None = None
    media_names: list[str] = []
    cancellation_ground: str | None = None
    cancellation_ground_zh: str | None = None
    legal_basis: str | None = None
    notice_id: str | None = None
    notice_url: str | None = None  # the notice that published it (Art. 16)
    notice_number: str | None = None
    workdays_to_decision: int | None = None
    decision_late: bool | None = None
    changes: list[ChangeItem] = []


class Registration(Answer):
    """A registration's whole history: status periods, details over time, decisions."""

    id: str
    registration_number: str | None
    granted_on: date | None
    grant_decision_id: str | None
    ended_on: date | None
    end_kind: str | None
    end_decision_id: str | None
    status: StatusNow
    authority: AuthorityRef
    registrant: Registrant
    media: list[Medium]
    periods: list[Period]
    details: list[DetailPeriod]
    decisions: list[Decision]
    penalties: list[PenaltyRef]


class Publisher(Answer):
    id: str
    name: str
    kind: str
    kind_zh: str
    credit_code: str | None = None
    legal_representative: str | None = None
    address: str | None = None
    sponsor_name: str | None = None
    sponsor_credit_code: str | None = None
    registrations: list[RegistrationSummary] = []
    penalties: list[PenaltyRef] = []


class SearchHit(Answer):
    kind: str  # publisher | medium
    id: str
    name: str
    matched_on: str  # name, sponsor_name, former_name, pinyin, initials, credit_code, …
    matched: str
    registration_id: str | None = None
    type: str | None = None  # a medium's type


class NoticeSummary(Answer):
    id: str
    notice_number: str | None
    compiled: bool
    authority_code: str
    authority_name: str
    publication_date: date
    publication_date_imputed: bool
    title: str
    decision_count: int


class Notice(NoticeSummary):
    body: str
    decisions: list[Decision] = []


class Penalty(Answer):
    id: str
    decision_number: str
    authority_code: str
    authority_name: str
    party_name: str
    party_credit_code: str | None
    publisher_id: str | None
    kinds: list[str]
    kinds_zh: list[str]
    decision_date: date
    violation: str | None = None
    violation_zh: str | None = None
    legal_basis: str | None = None
    fine_amount: float | None = None
    confiscation_amount: float | None = None
    publication_date: date | None = None
    publicity_end: date | None = None
    publicity_rule: str | None = None
    facts: str | None = None


class FileRef(Answer):
    path: str
    bytes: int
    sha256: str


class ReleaseFiles(Answer):
    release: ReleaseRef
    files: list[FileRef]
    counts: dict[str, int]
    previous: str | None = None
