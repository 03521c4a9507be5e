"""Facts of one registration on a date: status period, details, authority's name, media,
decisions, penalties in publicity; and what a release covers. Each an indexed lookup."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..vocabulary import zh
from . import answers as a
from .queries import DETAILS_ON, STATUS_ON
from .reader import Reader


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def status_label(code: str) -> str:
    label = zh("status", code)
    return label if label != code else zh("verdict", code)


def status_period(reader: Reader, registration_id: str, day: date) -> a.Period | None:
    """The status period containing ``day`` (None: not registered then, or after the horizon)."""
    row = reader.one(STATUS_ON, {"registration_id": registration_id, "day": day.isoformat()})
    if row is None:
        return None
    return a.Period(
        status=row["status"],
        status_zh=row["status_zh"] or row["status"],
        valid_from=date.fromisoformat(row["valid_from"]),
        valid_to=date.fromisoformat(row["valid_to"]),
        decision_id=row["decision_id"],
    )


def statuses_on(reader: Reader, registration_ids: list[str], day: date) -> dict[str, str]:
    """The status of each registration on ``day`` (absent: not registered then), in one
    statement: a search of status_periods' key per registration."""
    if not registration_ids:
        return {}
    marks = ", ".join("?" * len(registration_ids))
    rows = reader.all(
        "SELECT registration_id, status FROM status_periods"
        f" WHERE registration_id IN ({marks}) AND valid_from <= ? AND valid_to >= ?",
        [*registration_ids, day.isoformat(), day.isoformat()],
    )
    return {r["registration_id"]: r["status"] for r in rows}


def details_on(reader: Reader, registration_id: str, day: date) -> dict[str, Any] | None:
    return reader.one(DETAILS_ON, {"registration_id": registration_id, "day": day.isoformat()})


def registration(reader: Reader, registration_id: str) -> a.RegistrationRef:
    row = reader.one("SELECT * FROM registrations WHERE id = ?", [registration_id])
    if row is None:
        raise KeyError(registration_id)
    return a.RegistrationRef(**ref_fields(row))


def ref_fields(row: Any) -> dict[str, Any]:
    """A ``registrations`` row as the fields an answer names a registration by (the
    ``RegistrationRef`` fields, shared by the whole history of ``entities``)."""
    return {
        "id": row["id"],
        "registration_number": row["registration_number"],
        "granted_on": _d(row["granted_on"]),
        "grant_decision_id": row["grant_decision_id"],
        "ended_on": _d(row["ended_on"]),
        "end_kind": row["end_kind"],
        "end_decision_id": row["end_decision_id"],
    }


def registrant_on(
    reader: Reader, registration_id: str, details: dict[str, Any] | None
) -> a.Registrant:
    """The registrant as named on the date (its details then), with today's name beside."""
    p = reader.one(
        "SELECT p.* FROM registrations r JOIN publishers p ON p.id = r.publisher_id WHERE r.id = ?",
        [registration_id],
    )
    assert p is not None
    return registrant_from(p, details)


def registrant_from(p: Any, details: dict[str, Any] | None) -> a.Registrant:
    """The registrant from its ``publishers`` row and its details on the date."""
    d = details or {}
    name = d.get("publisher_name") or p["name"]
    return a.Registrant(
        id=p["id"],
        name=name,
        kind=p["kind"],
        credit_code=p["credit_code"],
        sponsor_name=d.get("sponsor_name") or p["sponsor_name"],
        sponsor_credit_code=p["sponsor_credit_code"],
        legal_representative=d.get("legal_representative") or p["legal_representative"],
        address=d.get("address") or p["address"],
        current_name=p["name"] if p["name"] != name else None,
    )


def authority_on(reader: Reader, registration_id: str, day: date) -> a.AuthorityRef:
    """The registering authority, by the name it used on ``day``."""
    row = reader.one(
        "SELECT a.division_code, a.name, a.level FROM registrations r"
        " JOIN authorities a ON a.division_code = r.authority_code WHERE r.id = ?",
        [registration_id],
    )
    assert row is not None
    return authority_named(reader, row["division_code"], row["name"], row["level"], day)


def authority_named(reader: Reader, code: str, name: str, level: str, day: date) -> a.AuthorityRef:
    """The authority ``code`` (its current ``name``, its ``level``) by its name on ``day``."""
    dated = reader.one(
        "SELECT name FROM authority_names WHERE division_code = :code"
        " AND (valid_from IS NULL OR valid_from <= :day) AND (valid_to IS NULL OR valid_to >= :day)"
        " LIMIT 1",
        {"code": code, "day": day.isoformat()},
    )
    return a.AuthorityRef(division_code=code, name=dated["name"] if dated else name, level=level)


def media_on(reader: Reader, registration_id: str, day: date) -> list[a.MediumRef]:
    """The registration's media, each by the name it had on ``day``."""
    out = []
    for m in reader.all(
        "SELECT * FROM media WHERE registration_id = ? ORDER BY name", [registration_id]
    ):
        named = reader.one(
            "SELECT name FROM medium_names WHERE medium_id = :id AND valid_from <= :day"
            " ORDER BY valid_from DESC LIMIT 1",
            {"id": m["id"], "day": day.isoformat()},
        )
        out.append(
            a.MediumRef(
                id=m["id"],
                name=named["name"] if named else m["name"],
                type=m["type"],
                type_zh=zh("medium_type", m["type"]),
                frequency=m["frequency"],
                channel=m["channel"],
                cn_number=m["cn_number"],
                issn=m["issn"],
                licence_number=m["licence_number"],
            )
        )
    return out


def decisions_until(reader: Reader, registration_id: str, day: date) -> list[a.DecisionRef]:
    return [
        a.DecisionRef(
            id=r["id"],
            decision_number=r["decision_number"],
            kind=r["kind"],
            kind_zh=zh("decision_kind", r["kind"]),
            decision_date=date.fromisoformat(r["decision_date"]),
            publication_date=_d(r["publication_date"]),
            notice_id=r["notice_id"],
            notice_url=a.notice_url(r["notice_id"]),
        )
        for r in reader.all(
            "SELECT id, decision_number, kind, decision_date, publication_date, notice_id"
            " FROM decisions WHERE registration_id = ? AND decision_date <= ?"
            " ORDER BY decision_date, id",
            [registration_id, day.isoformat()],
        )
    ]


def penalties_of(reader: Reader, registrant_id: str) -> list[a.PenaltyRef]:
    """Penalties in publicity on the release's as-of date against the registrant: the
    publisher, or the sponsor that registers for it (Art. 4), by id or credit code."""
    p = reader.one(
        "SELECT credit_code, sponsor_credit_code FROM publishers WHERE id = ?", [registrant_id]
    )
    codes = sorted({registrant_id} | {c for c in (p or {}).values() if c})
    marks = ", ".join("?" * len(codes))
    rows = {
        r["id"]: r
        for r in reader.rows(
            f"SELECT * FROM penalties WHERE party_credit_code IN ({marks})"
            f" OR publisher_id IN ({marks})",
            codes + codes,
        )
    }
    out = []
    for r in sorted(rows.values(), key=lambda r: (r["decision_date"], r["id"])):
        kinds = [k for k in (r["kinds"] or "").split(";") if k]
        out.append(
            a.PenaltyRef(
                id=r["id"],
                decision_number=r["decision_number"],
                authority_code=r["authority_code"],
                party_name=r["party_name"],
                kinds=kinds,
                kinds_zh=[zh("penalty_kind", k) for k in kinds],
                decision_date=date.fromisoformat(r["decision_date"]),
                fine_amount=r["fine_amount"],
                publication_date=_d(r["publication_date"]),
                publicity_end=_d(r["publicity_end"]),
            )
        )
    return out


def coverage(reader: Reader) -> a.Coverage:
    """What the release covers: its authorities and the dates of its decisions."""
    names = [
        f"{r['division_code']} {r['name']}"
        for r in reader.all("SELECT division_code, name FROM authorities ORDER BY division_code")
    ]
    first = reader.one("SELECT min(decision_date) AS d FROM decisions")
    last = reader.one("SELECT max(decision_date) AS d FROM decisions")
    return a.Coverage(
        authorities=names,
        first_decision=_d(first["d"] if first else None),
        last_decision=_d(last["d"] if last else None),
        as_of=reader.ref.as_of,
    )
