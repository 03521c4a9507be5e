"""Registrations, publishers and media as a release knows them: detail and lists.

Every list is keyset-paginated (``after`` is the last id of the previous page) and every
statement is an indexed lookup; statuses are read on the release's horizon unless a
date is given.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..vocabulary import zh
from . import answers as a
from .reader import Reader, marks
from .registration import (
    authority_named,
    penalties_of,
    penalties_of_many,
    ref_fields,
    registrant_from,
    status_period,
)
from .search import search

MAX_PAGE = 200


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def page_size(limit: int) -> int:
    return max(1, min(limit, MAX_PAGE))


def status_now(reader: Reader, registration_id: str, on: date | None = None) -> a.StatusNow:
    day = min(on, reader.ref.horizon) if on else reader.ref.horizon
    period = status_period(reader, registration_id, day)
    if period is None:
        return a.StatusNow(
            status="not_registered", status_zh=zh("verdict", "not_registered"), on=day
        )
    return a.StatusNow(status=period.status, status_zh=period.status_zh, on=day)


def _summary(reader: Reader, row: dict[str, Any], on: date | None = None) -> a.RegistrationSummary:
    names = [
        r["name"]
        for r in reader.all(
            "SELECT name FROM media WHERE registration_id = ? ORDER BY name", [row["id"]]
        )
    ]
    return a.RegistrationSummary(
        id=row["id"],
        registration_number=row["registration_number"],
        authority_code=row["authority_code"],
        authority_name=row["authority_name"],
        publisher_id=row["publisher_id"],
        publisher_name=row["publisher_name"],
        media_names=names,
        granted_on=_d(row["granted_on"]),
        ended_on=_d(row["ended_on"]),
        end_kind=row["end_kind"],
        status=status_now(reader, row["id"], on),
    )


_REGISTRATION = """SELECT r.*, p.name AS publisher_name, a.name AS authority_name,
a.level AS authority_level
FROM registrations AS r
JOIN publishers AS p ON p.id = r.publisher_id
JOIN authorities AS a ON a.division_code = r.authority_code"""


def _by_parent(reader: Reader, sql: str, ids: list[str]) -> dict[str, list[Any]]:
    """Rows of ``sql`` (whose first column is the parent's id, ``{marks}`` its ``IN`` list)
    for all of ``ids`` in one statement, grouped by parent, in the statement's order."""
    out: dict[str, list[Any]] = {}
    if ids:
        for r in reader.rows(sql.format(marks=marks(ids)), ids):
            out.setdefault(r[0], []).append(r)
    return out


def medium_rows(reader: Reader, where: str, params: Any) -> list[a.Medium]:
    media = reader.rows(f"SELECT * FROM media WHERE {where}", params)
    names = _by_parent(
        reader,
        "SELECT medium_id, name, valid_from, valid_to FROM medium_names"
        " WHERE medium_id IN ({marks}) ORDER BY medium_id, valid_from",
        [m["id"] for m in media],
    )
    return [
        a.Medium(
            id=m["id"],
            registration_id=m["registration_id"],
            publisher_id=m["publisher_id"],
            name=m["name"],
            type=m["type"],
            type_zh=zh("medium_type", m["type"]),
            frequency=m["frequency"],
            channel=m["channel"],
            cn_number=m["cn_number"],
            issn=m["issn"],
            licence_number=m["licence_number"],
            licence_valid_from=_d(m["licence_valid_from"]),
            licence_valid_to=_d(m["licence_valid_to"]),
            names=[
                a.MediumName(
                    name=n["name"],
                    valid_from=date.fromisoformat(n["valid_from"]),
                    valid_to=_d(n["valid_to"]),
                )
                for n in names.get(m["id"], [])
            ],
        )
        for m in media
    ]


_DECISION_COLUMNS = ", ".join(
    (
        "id, decision_number, kind, authority_code, decision_date, publisher_id, publisher_name",
        "registration_id, registration_number, application_date, acceptance_date",
        "publication_date, media_names, cancellation_ground, legal_basis, notice_id",
        "notice_number, workdays_to_decision, decision_late",
    )
)


def change_item(c: Any) -> a.ChangeItem:
    return a.ChangeItem(
        field=c["field"],
        field_zh=zh("change_field", c["field"]),
        old=c["old"],
        new=c["new"],
        changed_on=_d(c["changed_on"]),
    )


def decision_from(d: Any, changes: list[a.ChangeItem]) -> a.Decision:
    """A ``decisions`` row and its changes as the answer (one place for lists and bulk)."""
    ground = d["cancellation_ground"]
    return a.Decision(
        id=d["id"],
        decision_number=d["decision_number"],
        kind=d["kind"],
        kind_zh=zh("decision_kind", d["kind"]),
        authority_code=d["authority_code"],
        decision_date=date.fromisoformat(d["decision_date"]),
        publisher_id=d["publisher_id"],
        publisher_name=d["publisher_name"],
        registration_id=d["registration_id"],
        registration_number=d["registration_number"],
        application_date=_d(d["application_date"]),
        acceptance_date=_d(d["acceptance_date"]),
        publication_date=_d(d["publication_date"]),
        media_names=[n for n in (d["media_names"] or "").split("、") if n],
        cancellation_ground=ground,
        cancellation_ground_zh=zh("cancellation_ground", ground) if ground else None,
        legal_basis=d["legal_basis"],
        notice_id=d["notice_id"],
        notice_url=a.notice_url(d["notice_id"]),
        notice_number=d["notice_number"],
        workdays_to_decision=d["workdays_to_decision"],
        decision_late=None if d["decision_late"] is None else bool(d["decision_late"]),
        changes=changes,
    )


def decision_rows(reader: Reader, where: str, params: Any) -> list[a.Decision]:
    decisions = reader.rows(f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE {where}", params)
    changes = _by_parent(
        reader,
        "SELECT decision_id, field, old, new, changed_on FROM decision_changes"
        " WHERE decision_id IN ({marks}) ORDER BY decision_id, seq",
        [d["id"] for d in decisions],
    )
    return [decision_from(d, [change_item(c) for c in changes.get(d["id"], [])]) for d in decisions]


def registration(reader: Reader, registration_id: str) -> a.Registration | None:
    """A registration's whole history; None if the release has no such registration."""
    return registrations_of(reader, [registration_id]).get(registration_id)


def registrations_of(reader: Reader, ids: list[str]) -> dict[str, a.Registration]:
    """:func:`registration` for each of ``ids`` (unknown ids left out), a dozen statements
    for all of them: the one definition of a registration's answer, one or many."""
    if not ids:
        return {}
    placeholders = marks(ids)
    regs = reader.all(_REGISTRATION + f" WHERE r.id IN ({placeholders}) ORDER BY r.id", ids)
    if not regs:
        return {}
    ids = [r["id"] for r in regs]
    placeholders = marks(ids)
    horizon = reader.ref.horizon
    periods: dict[str, list[a.Period]] = {}
    for p in reader.rows(
        "SELECT s.*, v.zh AS status_zh FROM status_periods s LEFT JOIN vocabulary v"
        f" ON v.list = 'status' AND v.code = s.status WHERE s.registration_id IN ({placeholders})"
        " ORDER BY s.registration_id, s.valid_from",
        ids,
    ):
        periods.setdefault(p["registration_id"], []).append(
            a.Period(
                status=p["status"],
                status_zh=p["status_zh"] or p["status"],
                valid_from=date.fromisoformat(p["valid_from"]),
                valid_to=date.fromisoformat(p["valid_to"]),
                decision_id=p["decision_id"],
            )
        )
    details: dict[str, list[dict[str, Any]]] = {}
    for d in reader.all(
        f"SELECT * FROM registration_details WHERE registration_id IN ({placeholders})"
        " ORDER BY registration_id, valid_from",
        ids,
    ):
        details.setdefault(d["registration_id"], []).append(d)
    owners = sorted({r["publisher_id"] for r in regs})
    people = {
        p["id"]: p
        for p in reader.rows(f"SELECT * FROM publishers WHERE id IN ({marks(owners)})", owners)
    }
    media: dict[str, list[a.Medium]] = {}
    for m in medium_rows(
        reader, f"registration_id IN ({placeholders}) ORDER BY registration_id, name", ids
    ):
        media.setdefault(m.registration_id, []).append(m)
    decisions: dict[str, list[a.Decision]] = {}
    for dec in decision_rows(
        reader,
        f"registration_id IN ({placeholders}) ORDER BY registration_id, decision_date, id",
        ids,
    ):
        decisions.setdefault(dec.registration_id or "", []).append(dec)
    penalties = penalties_of_many(reader, owners)
    authorities: dict[str, a.AuthorityRef] = {}
    out = {}
    for row in regs:
        rid, code = row["id"], row["authority_code"]
        if code not in authorities:
            authorities[code] = authority_named(
                reader, code, row["authority_name"], row["authority_level"], horizon
            )
        mine = details.get(rid, [])
        now = [p for p in periods.get(rid, []) if p.valid_from <= horizon <= p.valid_to]
        out[rid] = a.Registration(
            **ref_fields(row),
            status=a.StatusNow(status=now[-1].status, status_zh=now[-1].status_zh, on=horizon)
            if now  # as status_period
            else a.StatusNow(
                status="not_registered", status_zh=zh("verdict", "not_registered"), on=horizon
            ),
            authority=authorities[code],
            registrant=registrant_from(people[row["publisher_id"]], mine[-1] if mine else None),
            media=media.get(rid, []),
            periods=periods.get(rid, []),
            details=[_detail(d) for d in mine],
            decisions=decisions.get(rid, []),
            penalties=penalties[row["publisher_id"]],
        )
    return out


def _detail(d: dict[str, Any]) -> a.DetailPeriod:
    return a.DetailPeriod(
        valid_from=date.fromisoformat(d["valid_from"]),
        valid_to=_d(d["valid_to"]),
        decision_id=d["decision_id"],
        publisher_name=d["publisher_name"],
        media_names=[n for n in (d["media_names"] or "").split("、") if n],
        legal_representative=d["legal_representative"],
        address=d["address"],
        sponsor_name=d["sponsor_name"],
        licence_valid_from=_d(d["licence_valid_from"]),
        licence_valid_to=_d(d["licence_valid_to"]),
    )


def registrations(
    reader: Reader,
    *,
    authority: str | None = None,
    status: str | None = None,
    on: date | None = None,
    medium_type: str | None = None,
    q: str | None = None,
    after: str = "",
    limit: int = 50,
) -> list[a.RegistrationSummary]:
    """Registrations in id order after ``after``, filtered; ``status`` is read on ``on``
    (default: the horizon). ``q`` narrows to what a name search finds."""
    n = page_size(limit)
    day = min(on, reader.ref.horizon) if on else reader.ref.horizon
    where, params = ["r.id > :after"], {"after": after, "n": n, "day": day.isoformat()}
    if authority:
        where.append("r.authority_code = :authority")
        params["authority"] = authority
    if status:
        where.append(
            "EXISTS (SELECT 1 FROM status_periods s WHERE s.registration_id = r.id"
            " AND s.valid_from <= :day AND s.valid_to >= :day AND s.status = :status)"
            if status != "not_registered"
            else "NOT EXISTS (SELECT 1 FROM status_periods s WHERE s.registration_id = r.id"
            " AND s.valid_from <= :day AND s.valid_to >= :day)"
        )
        params["status"] = status
    if medium_type:
        where.append(
            "EXISTS (SELECT 1 FROM media m WHERE m.registration_id = r.id AND m.type = :mtype)"
        )
        params["mtype"] = medium_type
    if q is not None:
        ids = _registrations_named(reader, q)
        if not ids:
            return []
        named = ", ".join(f":id{i}" for i in range(len(ids)))
        where.append(f"r.id IN ({named})")
        params |= {f"id{i}": rid for i, rid in enumerate(ids)}
    rows = reader.all(
        _REGISTRATION + " WHERE " + " AND ".join(where) + " ORDER BY r.id LIMIT :n", params
    )
    return [_summary(reader, r, day) for r in rows]


def _registrations_named(reader: Reader, q: str, limit: int = 500) -> list[str]:
    out: dict[str, None] = {}
    for hit in search(reader.conn, q, limit=limit):
        if hit["kind"] == "medium":
            row = reader.one("SELECT registration_id FROM media WHERE id = ?", [hit["id"]])
            if row:
                out[row["registration_id"]] = None
        else:
            for row in reader.all(
                "SELECT id FROM registrations WHERE publisher_id = ?", [hit["id"]]
            ):
                out[row["id"]] = None
    return list(out)


def publisher(reader: Reader, publisher_id: str) -> a.Publisher | None:
    """A publisher (registrant) by its id (its credit code, or its sponsor's), or by either
    credit code: its registrations with their status now, and penalties in publicity."""
    p = reader.one("SELECT * FROM publishers WHERE id = ?", [publisher_id])
    if p is None:
        p = reader.one(
            "SELECT * FROM publishers WHERE credit_code = ? LIMIT 1", [publisher_id]
        ) or reader.one(
            "SELECT * FROM publishers WHERE sponsor_credit_code = ? LIMIT 1", [publisher_id]
        )
    if p is None:
        return None
    regs = reader.all(_REGISTRATION + " WHERE r.publisher_id = ? ORDER BY r.id", [p["id"]])
    return a.Publisher(
        id=p["id"],
        name=p["name"],
        kind=p["kind"],
        kind_zh=zh("publisher_kind", p["kind"]),
        credit_code=p["credit_code"],
        legal_representative=p["legal_representative"],
        address=p["address"],
        sponsor_name=p["sponsor_name"],
        sponsor_credit_code=p["sponsor_credit_code"],
        registrations=[_summary(reader, r) for r in regs],
        penalties=penalties_of(reader, p["id"]),
    )


def medium(reader: Reader, medium_id: str) -> a.Medium | None:
    found = medium_rows(reader, "id = ?", [medium_id])
    return found[0] if found else None


def find(reader: Reader, q: str, kind: str | None = None, limit: int = 20) -> list[a.SearchHit]:
    """Publishers and media whose name contains ``q`` (1–2 characters too), pinyin (full
    and initials, from the start of any word), credit code, CN number and ISSN prefixes."""
    hits = []
    for h in search(reader.conn, q, limit=page_size(limit), kind=kind):
        reg, mtype = None, None
        if h["kind"] == "medium":
            row = reader.one("SELECT registration_id, type FROM media WHERE id = ?", [h["id"]])
            if row:
                reg, mtype = row["registration_id"], row["type"]
        hits.append(
            a.SearchHit(
                kind=h["kind"],
                id=h["id"],
                name=h["name"],
                matched_on=h["matched_on"],
                matched=h["matched"],
                registration_id=reg,
                type=mtype,
            )
        )
    return hits
