"""Flatten: the ingested log, its derivation and compliance facts → the published table rows.

Every row type comes from :mod:`publisher.release.tables`. Records decided after the
release's as-of date, and penalties out of publicity on it (the rule set in force on that
date, :mod:`publisher.law`), stay out and are counted ``excluded`` in the ledger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import Any

import msgspec

from .. import vocabulary
from ..derive import Derived, registration_id
from ..derive.compliance import decision_timing, penalty_timing
from ..derive.notices import build_notices
from ..ingest import IngestResult
from ..law import PublicityRule, publicity
from ..model import NO_ORIGINAL, Authority, Decision, Penalty, Provenance
from .tables import (
    AnomalyRow,
    AuthorityNameRow,
    AuthorityRow,
    DecisionChangeRow,
    DecisionRow,
    DetailPeriodRow,
    LedgerRow,
    MediumNameRow,
    MediumRow,
    NoticeRow,
    PenaltyRow,
    PublisherRow,
    RegistrationRow,
    Row,
    StatusPeriodRow,
    VocabularyRow,
)

# Rows of a registration's other tables, made with it: media and their names.
Made = dict[str, Any]


def publisher_id(d: Decision) -> str:
    """The registrant's id: the part of its registration id after the authority code."""
    return registration_id(d.authority_code, d.publisher).split("-", 1)[1]


def sources_text(provenance: Iterable[Provenance]) -> str:
    parts = []
    for p in provenance:
        sheet = f"[{p.sheet}]" if p.sheet else ""
        parts.append(f"{p.source}/{p.file}{sheet}#{p.row}")
    return "; ".join(parts)


def original_text(original: msgspec.Raw) -> str | None:
    """The originals as published: a JSON object, or nothing when no text was cleaned."""
    return None if original is NO_ORIGINAL else bytes(original).decode()


def _publishers(decisions: list[Decision]) -> list[Row]:
    latest: dict[str, Decision] = {}
    for d in decisions:  # in date order: the last decision names the publisher as it is now
        latest[publisher_id(d)] = d
    rows: list[Row] = []
    for pid, d in sorted(latest.items()):
        p = d.publisher
        rows.append(
            PublisherRow(
                id=pid,
                name=p.name,
                kind=p.kind,
                credit_code=p.credit_code,
                legal_representative=p.legal_representative,
                address=p.address,
                sponsor_name=p.sponsor_name,
                sponsor_credit_code=p.sponsor_credit_code,
            )
        )
    return rows


def medium_id(registration_id: str, medium_type: str, name: str) -> str:
    """A medium's id: its registration, type and current name."""
    return "M" + hashlib.sha1(f"{registration_id}|{medium_type}|{name}".encode()).hexdigest()[:16]


def _registrations(derived: Derived) -> tuple[list[Row], list[Row], list[Row]]:
    regs: list[Row] = []
    media: list[Row] = []
    names: list[Row] = []
    for r in derived.registrations:
        pid = r.id.split("-", 1)[1]
        regs.append(
            RegistrationRow(
                id=r.id,
                authority_code=r.authority_code,
                publisher_id=pid,
                registration_number=r.registration_number,
                granted_on=r.granted_on,
                grant_decision_id=r.grant_decision_id,
                ended_on=r.ended_on,
                end_kind=r.end_kind,  # type: ignore[arg-type]  # a terminal DecisionKind
                end_decision_id=r.end_decision_id,
            )
        )
        seen = set()
        for i, m in enumerate(r.media):
            mid = medium_id(r.id, m.type, m.name)
            if mid in seen:
                continue
            seen.add(mid)
            history = r.media_names[i] if i < len(r.media_names) else [(r.granted_on, m.name)]
            for k, (since, name) in enumerate(history):
                until = history[k + 1][0] - timedelta(days=1) if k + 1 < len(history) else None
                if until is not None and until < since:
                    continue
                names.append(
                    MediumNameRow(medium_id=mid, valid_from=since, name=name, valid_to=until)
                )
            media.append(
                MediumRow(
                    id=mid,
                    registration_id=r.id,
                    publisher_id=pid,
                    name=m.name,
                    type=m.type,
                    frequency=m.frequency,
                    channel=m.channel,
                    cn_number=m.cn_number,
                    issn=m.issn,
                    licence_number=m.licence_number,
                    licence_valid_from=m.licence_valid_from,
                    licence_valid_to=m.licence_valid_to,
                )
            )
    return regs, media, names


def _decisions(
    decisions: list[Decision], derived: Derived, notice_of: dict[str, str], changes: list[Row]
) -> Iterator[Row]:
    """The decisions' rows, made as they are asked for; their changes go to ``changes``."""
    prior_end = derived.renewal_prior_end
    for i in range(len(decisions)):
        # Each Decision is released as its row is made: a release never holds the whole
        # log twice (the caller has dropped its other references; see publish).
        d, decisions[i] = decisions[i], None  # type: ignore[call-overload]
        t = decision_timing(d, prior_end=prior_end.get(d.id))
        p = d.publisher
        yield DecisionRow(
            id=d.id,
            decision_number=d.decision_number,
            authority_code=d.authority_code,
            kind=d.kind,
            publisher_id=publisher_id(d),
            publisher_name=p.name,
            decision_date=d.decision_date,
            registration_id=derived.registration_of.get(d.id),
            credit_code=p.credit_code,
            legal_representative=p.legal_representative,
            address=p.address,
            registration_number=d.registration_number,
            application_date=d.application_date,
            acceptance_date=d.acceptance_date,
            publication_date=d.publication_date,
            notice_number=d.notice_number,
            media_names="、".join(m.name for m in d.media) or None,
            cancellation_ground=d.cancellation_ground,
            legal_basis=d.legal_basis,
            remarks=d.remarks,
            notice_id=notice_of.get(d.id),
            workdays_to_decision=t.workdays_to_decision,
            decision_late=t.late,
            workdays_to_publication=t.workdays_to_publication,
            withheld_fields=";".join(d.withheld_fields) or None,
            original=original_text(d.original),
            sources=sources_text(d.provenance),
        )
        for seq, c in enumerate(d.changes, start=1):
            changes.append(
                DecisionChangeRow(
                    decision_id=d.id,
                    seq=seq,
                    field=c.field,
                    old=c.old,
                    new=c.new,
                    changed_on=c.changed_on,
                )
            )


def _penalties(penalties: list[Penalty], rule: PublicityRule, publishers: set[str]) -> list[Row]:
    """The penalties in the release (``in_release`` chose them), with their publicity."""
    rows: list[Row] = []
    for p in penalties:
        t = penalty_timing(p, rule)
        rows.append(
            PenaltyRow(
                id=p.id,
                decision_number=p.decision_number,
                authority_code=p.authority_code,
                party_name=p.party_name,
                kinds=";".join(p.kinds),
                decision_date=p.decision_date,
                party_credit_code=p.party_credit_code,
                publisher_id=p.party_credit_code if p.party_credit_code in publishers else None,
                violation=p.violation,
                legal_basis=p.legal_basis,
                fine_amount=float(p.fine_amount) if p.fine_amount is not None else None,
                confiscation_amount=(
                    float(p.confiscation_amount) if p.confiscation_amount is not None else None
                ),
                publication_date=p.publication_date,
                facts=p.facts,
                workdays_to_publication=t.workdays_to_publication,
                publication_late=t.publication_late,
                publicity_end=t.publicity_end,
                publicity_rule=rule.id,
                withheld_fields=";".join(p.withheld_fields) or None,
                original=original_text(p.original),
                sources=sources_text(p.provenance),
            )
        )
    return rows


Excluded = list[tuple[str, str, list[Provenance]]]


def in_release(
    result: IngestResult, as_of: date, rule: PublicityRule
) -> tuple[list[Decision], list[Penalty], Excluded]:
    """Decisions made by the as-of date and penalties in publicity on it (``rule``), in date
    order, and what is left out: (record id, reason, provenance) for the ledger."""
    excluded: Excluded = []
    decisions = []
    for d in result.decisions.values():
        if d.decision_date <= as_of:
            decisions.append(d)
        else:
            excluded.append((d.id, "decided_after_as_of", d.provenance))
    penalties = []
    for p in result.penalties.values():
        why = publicity(p, as_of, rule)
        if why is None:
            penalties.append(p)
        else:
            excluded.append((p.id, why, p.provenance))
    decisions.sort(key=lambda d: (d.decision_date, d.id))
    penalties.sort(key=lambda p: (p.decision_date, p.id))
    return decisions, penalties, excluded


def _authority_names(authorities: dict[str, Authority]) -> list[Row]:
    rows: list[Row] = []
    for a in sorted(authorities.values(), key=lambda a: a.division_code):
        for n in a.names or []:
            rows.append(
                AuthorityNameRow(
                    division_code=a.division_code,
                    name=n.name,
                    valid_from=n.valid_from,
                    valid_to=n.valid_to,
                    source=n.source or None,
                )
            )
        if not a.names:
            rows.append(AuthorityNameRow(division_code=a.division_code, name=a.name))
    return rows


def flatten(
    result: IngestResult,
    decisions: list[Decision],
    penalties: list[Penalty],
    derived: Derived,
    rule: PublicityRule,
) -> dict[str, Callable[[], Iterable[Row]]]:
    """Each resource's rows, made when asked for, in the order of ``tables.RESOURCES``.

    A caller takes one resource at a time and lets it go before the next, so a
    release never holds all its tables at once; making the decisions' rows releases
    the Decisions themselves. Ask in ``RESOURCES`` order: notices before decisions,
    decisions before their changes, publishers before penalties.
    """
    made: dict[str, Any] = {}

    def notices() -> Iterator[Row]:
        of: dict[str, str] = {}
        made["notice_of"] = of
        return (
            NoticeRow(
                id=n.id,
                notice_number=n.notice_number,
                authority_code=n.authority_code,
                authority_name=n.authority_name,
                publication_date=n.publication_date,
                publication_date_imputed=n.publication_date_imputed,
                compiled=n.compiled,
                title=n.title,
                decision_count=len(n.decision_ids),
                body=n.body,
            )
            for n in build_notices(decisions, result.authorities, of)
        )

    def publishers() -> list[Row]:
        rows = _publishers(decisions)
        made["publisher_ids"] = {r.id for r in rows}  # type: ignore[attr-defined]
        return rows

    def decision_rows() -> Iterator[Row]:
        changes: list[Row] = []
        made["changes"] = changes
        return _decisions(decisions, derived, made.pop("notice_of"), changes)

    def registrations() -> list[Row]:
        rows, made["media"], made["medium_names"] = _registrations(derived)
        return rows

    return {
        "vocabulary": lambda: [
            VocabularyRow(list=name, code=code, zh=zh, en=en, basis=basis or None)
            for name, code, zh, en, basis in vocabulary.rows()
        ],
        "authorities": lambda: [
            AuthorityRow(
                division_code=a.division_code,
                name=a.name,
                level=a.level,
                division_name=a.division_name,
            )
            for a in sorted(result.authorities.values(), key=lambda a: a.division_code)
        ],
        "publishers": publishers,
        "registrations": registrations,
        "authority_names": lambda: _authority_names(result.authorities),
        "media": lambda: made.pop("media"),
        "medium_names": lambda: made.pop("medium_names"),
        "notices": notices,
        "decisions": decision_rows,
        "status_periods": lambda: (
            StatusPeriodRow(
                registration_id=p.registration_id,
                status=p.status,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                decision_id=p.decision_id,
            )
            for p in derived.periods
        ),
        "registration_details": lambda: (
            DetailPeriodRow(
                registration_id=p.registration_id,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                decision_id=p.decision_id,
                publisher_name=p.publisher_name,
                credit_code=p.credit_code,
                legal_representative=p.legal_representative,
                address=p.address,
                sponsor_name=p.sponsor_name,
                media_names="、".join(p.media_names) or None,
                licence_valid_from=p.licence_valid_from,
                licence_valid_to=p.licence_valid_to,
            )
            for p in derived.detail_periods
        ),
        "decision_changes": lambda: made.pop("changes"),
        "penalties": lambda: _penalties(penalties, rule, made.pop("publisher_ids")),
        "anomalies": lambda: [
            AnomalyRow(
                code=a.code,
                registration_id=a.registration_id,
                decision_id=a.decision_id,
                detail=a.detail,
            )
            for a in derived.anomalies
        ],
        "ledger": lambda: [
            LedgerRow(
                source=s.source,
                file=f.file,
                kind=f.kind,
                read=f.counts.read,
                published=f.counts.published,
                merged=f.counts.merged,
                withheld=f.counts.withheld,
                rejected=f.counts.rejected,
                excluded=f.counts.excluded,
            )
            for s in result.ledger.sources
            for f in s.files
        ],
    }
