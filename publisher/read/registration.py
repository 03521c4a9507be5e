"""Facts of one registration on a date: status period, details, authority's name, media,
decisions, penalties in publicity; and what a release covers. Each an indexed lookup, made
for many registrations at once by its ``…_of`` form (one statement for all of them; the
one-registration form asks it for one)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..vocabulary import split_codes, zh
from . import answers as a
from .reader import Reader, marks


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def status_label(code: str) -> str:
    label = zh("status", code)
    return label if label != code else zh("verdict", code)


def status_period(reader: Reader, registration_id: str, day: date) -> a.Period | None:
    """The status period containing ``day`` (None: not registered then, or after the horizon)."""
    return status_periods_of(reader, [registration_id], day).get(registration_id)


def status_periods_of(reader: Reader, ids: list[str], day: date) -> dict[str, a.Period]:
    """:func:`status_period` of each of ``ids`` (absent: none), in one statement: the
    periods of a registration do not overlap (as ``queries.STATUS_ON``, the latest begun
    would be taken if they did)."""
    out: dict[str, a.Period] = {}
    if not ids:
        return out
    on = day.isoformat()
    for row in reader.rows(
        "SELECT s.registration_id, s.status, v.zh AS status_zh, s.valid_from, s.valid_to,"
        " s.decision_id FROM status_periods AS s"
        " LEFT JOIN vocabulary AS v ON v.list = 'status' AND v.code = s.status"
        f" WHERE s.registration_id IN ({marks(ids)}) AND s.valid_from <= ? AND s.valid_to >= ?"
        " ORDER BY s.registration_id, s.valid_from",
        [*ids, on, on],
    ):
        out[row["registration_id"]] = a.Period(
            status=row["status"],
            status_zh=row["status_zh"] or row["status"],
            valid_from=date.fromisoformat(row["valid_from"]),
            valid_to=date.fromisoformat(row["valid_to"]),
            decision_id=row["decision_id"],
        )
    return out


def statuses_on(reader: Reader, registration_ids: list[str], day: date) -> dict[str, str]:
    """The status of each registration on ``day`` (absent: not registered then), in one
    statement: a search of status_periods' key per registration."""
    if not registration_ids:
        return {}
    placeholders = marks(registration_ids)
    rows = reader.all(
        "SELECT registration_id, status FROM status_periods"
        f" WHERE registration_id IN ({placeholders}) AND valid_from <= ? AND valid_to >= ?",
        [*registration_ids, day.isoformat(), day.isoformat()],
    )
    return {r["registration_id"]: r["status"] for r in rows}


def details_on(reader: Reader, registration_id: str, day: date) -> dict[str, Any] | None:
    """The registration's details (names, representative, address, media, licence window
    in force) on ``day``: the detail period containing it, the latest begun by then."""
    return details_of(reader, [registration_id], day).get(registration_id)


def details_of(reader: Reader, ids: list[str], day: date) -> dict[str, dict[str, Any]]:
    """:func:`details_on` of each of ``ids`` (absent: none), in one statement."""
    out: dict[str, dict[str, Any]] = {}
    if ids:
        for row in reader.all(
            f"SELECT * FROM registration_details WHERE registration_id IN ({marks(ids)})"
            " AND valid_from <= ? ORDER BY registration_id, valid_from",
            [*ids, day.isoformat()],
        ):
            out[row["registration_id"]] = row
    return out


def registration(reader: Reader, registration_id: str) -> a.RegistrationRef:
    found = registrations_ref(reader, [registration_id])
    if registration_id not in found:
        raise KeyError(registration_id)
    return found[registration_id]


def registrations_ref(reader: Reader, ids: list[str]) -> dict[str, a.RegistrationRef]:
    """:func:`registration` of each of ``ids`` (unknown ids left out), in one statement."""
    if not ids:
        return {}
    return {
        row["id"]: a.RegistrationRef(**ref_fields(row))
        for row in reader.rows(f"SELECT * FROM registrations WHERE id IN ({marks(ids)})", ids)
    }


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
    details_by = {registration_id: details} if details is not None else {}
    return registrants_of(reader, [registration_id], details_by)[registration_id]


def registrants_of(
    reader: Reader, ids: list[str], details: dict[str, dict[str, Any]]
) -> dict[str, a.Registrant]:
    """:func:`registrant_on` of each of ``ids`` with its ``details`` (absent: none)."""
    if not ids:
        return {}
    return {
        p["registration_id"]: registrant_from(p, details.get(p["registration_id"]))
        for p in reader.rows(
            "SELECT r.id AS registration_id, p.* FROM registrations r"
            f" JOIN publishers p ON p.id = r.publisher_id WHERE r.id IN ({marks(ids)})",
            ids,
        )
    }


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
    return authorities_of(reader, [registration_id], day)[registration_id]


def authorities_of(reader: Reader, ids: list[str], day: date) -> dict[str, a.AuthorityRef]:
    """:func:`authority_on` of each of ``ids``: one statement, and one an authority."""
    if not ids:
        return {}
    named: dict[str, a.AuthorityRef] = {}
    out = {}
    for row in reader.rows(
        "SELECT r.id, a.division_code, a.name, a.level FROM registrations r"
        f" JOIN authorities a ON a.division_code = r.authority_code WHERE r.id IN ({marks(ids)})",
        ids,
    ):
        code = row["division_code"]
        if code not in named:
            named[code] = authority_named(reader, code, row["name"], row["level"], day)
        out[row["id"]] = named[code]
    return out


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
    return media_of(reader, [registration_id], day).get(registration_id, [])


def media_of(reader: Reader, ids: list[str], day: date) -> dict[str, list[a.MediumRef]]:
    """:func:`media_on` of each of ``ids`` (absent: no media), in two statements: the media
    by name (then id), each by its latest name begun by ``day``."""
    out: dict[str, list[a.MediumRef]] = {}
    if not ids:
        return out
    media = reader.rows(
        f"SELECT * FROM media WHERE registration_id IN ({marks(ids)})"
        " ORDER BY registration_id, name, id",
        ids,
    )
    named: dict[str, str] = {}
    if media:
        mids = [m["id"] for m in media]
        for n in reader.rows(
            f"SELECT medium_id, name FROM medium_names WHERE medium_id IN ({marks(mids)})"
            " AND valid_from <= ? ORDER BY medium_id, valid_from",
            [*mids, day.isoformat()],
        ):
            named[n["medium_id"]] = n["name"]
    for m in media:
        out.setdefault(m["registration_id"], []).append(
            a.MediumRef(
                id=m["id"],
                name=named[m["id"]] if m["id"] in named else m["name"],
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
    return decisions_until_of(reader, [registration_id], day).get(registration_id, [])


def decisions_until_of(reader: Reader, ids: list[str], day: date) -> dict[str, list[a.DecisionRef]]:
    """:func:`decisions_until` of each of ``ids`` (absent: none), in one statement."""
    out: dict[str, list[a.DecisionRef]] = {}
    if not ids:
        return out
    for r in reader.rows(
        "SELECT id, registration_id, decision_number, kind, decision_date, publication_date,"
        f" notice_id FROM decisions WHERE registration_id IN ({marks(ids)})"
        " AND decision_date <= ? ORDER BY registration_id, decision_date, id",
        [*ids, day.isoformat()],
    ):
        out.setdefault(r["registration_id"], []).append(
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
        )
    return out


def penalties_of(reader: Reader, registrant_id: str) -> list[a.PenaltyRef]:
    """Penalties in publicity on the release's as-of date against the registrant: the
    publisher, or the sponsor that registers for it (Art. 4), by id or credit code."""
    p = reader.one(
        "SELECT credit_code, sponsor_credit_code FROM publishers WHERE id = ?", [registrant_id]
    )
    codes = sorted({registrant_id} | {c for c in (p or {}).values() if c})
    placeholders = marks(codes)
    rows = {
        r["id"]: r
        for r in reader.rows(
            f"SELECT * FROM penalties WHERE party_credit_code IN ({placeholders})"
            f" OR publisher_id IN ({placeholders})",
            codes + codes,
        )
    }
    return [
        _penalty_ref(r) for r in sorted(rows.values(), key=lambda r: (r["decision_date"], r["id"]))
    ]


def penalties_of_many(reader: Reader, registrant_ids: list[str]) -> dict[str, list[a.PenaltyRef]]:
    """:func:`penalties_of` each of ``registrant_ids``, asked once a registrant (a few
    codes each: with a whole batch's codes in one list, SQLite scans the table)."""
    return {i: penalties_of(reader, i) for i in dict.fromkeys(registrant_ids)}


def _penalty_ref(r: Any) -> a.PenaltyRef:
    kinds, kinds_zh = split_codes("penalty_kind", r["kinds"])
    return a.PenaltyRef(
        id=r["id"],
        decision_number=r["decision_number"],
        authority_code=r["authority_code"],
        party_name=r["party_name"],
        kinds=kinds,
        kinds_zh=kinds_zh,
        decision_date=date.fromisoformat(r["decision_date"]),
        fine_amount=r["fine_amount"],
        publication_date=_d(r["publication_date"]),
        publicity_end=_d(r["publicity_end"]),
    )


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
