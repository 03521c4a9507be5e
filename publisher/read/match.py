"""What a query names: the registrations it matches, each with what matched and why.

Exact identifiers and names first, in this order: CN number, ISSN, credit code (the
publisher's or its sponsor's), registration number, a medium's name, a medium's former
name (with the days it was in use), frequency or channel, a publisher's name, a former
name of the publisher, a sponsor's name. Only when nothing matches exactly does the name
search run (names containing the query, 1- and 2-character Chinese included, pinyin and
code prefixes). Every statement is an indexed lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from ..values import clean_text
from . import answers as a
from .reader import Reader, marks
from .search import search

MATCH_LIMIT = 30  # registrations gathered at the most; "30 or more" beyond it
SHOWN = 10  # candidates shown (the note asks for a fuller name or a code beyond)

_CN = re.compile(r"^(?:CN)?(\d{2})-?(\d{4})(?:/.*)?$", re.IGNORECASE)
_ISSN = re.compile(r"^(?:ISSN)?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
_CREDIT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")

_MEDIA = "SELECT id, registration_id, publisher_id, name FROM media WHERE {col} = ?"


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def find(reader: Reader, query: str) -> tuple[list[a.Match], int]:
    """The registrations ``query`` names (at most :data:`SHOWN`) and how many it named."""
    text = clean_text(query).strip()
    if not text:
        return [], 0
    found: dict[str, a.Match] = {}
    for step in _exact_steps(reader, text):
        for m in step():
            found.setdefault(m.registration_id, m)
        if found:
            break
    if not found:
        for m in _searched(reader, text):
            found.setdefault(m.registration_id, m)
            if len(found) >= MATCH_LIMIT:
                break
    matches = list(found.values())
    return matches[:SHOWN], len(matches)


def _exact_steps(reader: Reader, text: str) -> Iterator[Callable[[], list[a.Match]]]:
    compact = re.sub(r"\s+", "", text).upper()
    if cn := _CN.match(compact):
        yield lambda: _media(reader, "cn_number", f"{cn[1]}-{cn[2]}", "cn_number")
    if issn := _ISSN.match(compact):
        yield lambda: _media(reader, "issn", f"{issn[1]}-{issn[2]}", "issn")
    if _CREDIT.match(compact):
        yield (
            lambda: (
                _publishers(reader, "credit_code", compact, "credit_code")
                + _publishers(reader, "sponsor_credit_code", compact, "sponsor_credit_code")
            )
        )
    yield lambda: _registrations(reader, compact)
    yield lambda: _media(reader, "name", text, "medium_name")
    yield lambda: _former_media(reader, text)
    yield (
        lambda: (
            _media(reader, "frequency", text, "frequency")
            + _media(reader, "channel", text, "channel")
        )
    )
    yield lambda: _publishers(reader, "name", text, "publisher_name")
    yield lambda: _former_publishers(reader, text)
    yield lambda: _publishers(reader, "sponsor_name", text, "sponsor_name")


def _media(reader: Reader, col: str, value: str, field: str) -> list[a.Match]:
    return [
        a.Match(
            field=field,
            value=value,
            registration_id=r["registration_id"],
            publisher_id=r["publisher_id"],
            medium_id=r["id"],
        )
        for r in reader.all(_MEDIA.format(col=col) + " ORDER BY id LIMIT ?", [value, MATCH_LIMIT])
    ]


def _former_media(reader: Reader, name: str) -> list[a.Match]:
    rows = reader.all(
        "SELECT n.medium_id, n.valid_from, n.valid_to, m.registration_id, m.publisher_id"
        " FROM medium_names n JOIN media m ON m.id = n.medium_id"
        " WHERE n.name = ? AND n.valid_to IS NOT NULL ORDER BY n.valid_from LIMIT ?",
        [name, MATCH_LIMIT],
    )
    return [
        a.Match(
            field="former_medium_name",
            value=name,
            registration_id=r["registration_id"],
            publisher_id=r["publisher_id"],
            medium_id=r["medium_id"],
            name_from=_d(r["valid_from"]),
            name_to=_d(r["valid_to"]),
        )
        for r in rows
    ]


def _publishers(reader: Reader, col: str, value: str, field: str) -> list[a.Match]:
    rows = reader.all(
        f"SELECT r.id, r.publisher_id FROM publishers p JOIN registrations r"
        f" ON r.publisher_id = p.id WHERE p.{col} = ? ORDER BY r.id LIMIT ?",
        [value, MATCH_LIMIT],
    )
    return [
        a.Match(field=field, value=value, registration_id=r["id"], publisher_id=r["publisher_id"])
        for r in rows
    ]


def _former_publishers(reader: Reader, name: str) -> list[a.Match]:
    rows = reader.all(
        "SELECT d.registration_id, min(d.valid_from) AS name_from, max(d.valid_to) AS name_to,"
        " r.publisher_id, p.name AS current FROM registration_details d"
        " JOIN registrations r ON r.id = d.registration_id"
        " JOIN publishers p ON p.id = r.publisher_id"
        " WHERE d.publisher_name = ? GROUP BY d.registration_id LIMIT ?",
        [name, MATCH_LIMIT],
    )
    return [
        a.Match(
            field="former_publisher_name",
            value=name,
            registration_id=r["registration_id"],
            publisher_id=r["publisher_id"],
            name_from=_d(r["name_from"]),
            name_to=_d(r["name_to"]),
        )
        for r in rows
        if r["current"] != name
    ]


def _registrations(reader: Reader, number: str) -> list[a.Match]:
    rows = reader.all(
        "SELECT id, publisher_id FROM registrations WHERE registration_number = ? LIMIT ?",
        [number, MATCH_LIMIT],
    )
    return [
        a.Match(
            field="registration_number",
            value=number,
            registration_id=r["id"],
            publisher_id=r["publisher_id"],
        )
        for r in rows
    ]


def _searched(reader: Reader, text: str) -> Iterator[a.Match]:
    """Names containing the query, pinyin and code prefixes: each hit's registrations, in
    the search's order (two batched lookups, whatever the number of hits)."""
    hits = search(reader.conn, text, limit=MATCH_LIMIT)
    media = [h["id"] for h in hits if h["kind"] == "medium"]
    pubs = [h["id"] for h in hits if h["kind"] == "publisher"]
    of_medium = (
        {
            r["id"]: r
            for r in reader.all(
                f"SELECT id, registration_id, publisher_id FROM media WHERE id IN ({marks(media)})",
                media,
            )
        }
        if media
        else {}
    )
    of_publisher: dict[str, list[str]] = {}
    if pubs:
        for r in reader.all(
            f"SELECT id, publisher_id FROM registrations WHERE publisher_id IN ({marks(pubs)})"
            " ORDER BY id",
            pubs,
        ):
            of_publisher.setdefault(r["publisher_id"], []).append(r["id"])
    for hit in hits:
        field = f"{hit['matched_on']}_search"
        if hit["kind"] == "medium":
            row = of_medium.get(hit["id"])
            if row is not None:
                yield a.Match(
                    field=field,
                    value=hit["matched"],
                    registration_id=row["registration_id"],
                    publisher_id=row["publisher_id"],
                    medium_id=hit["id"],
                )
        else:
            for rid in of_publisher.get(hit["id"], []):
                yield a.Match(
                    field=field, value=hit["matched"], registration_id=rid, publisher_id=hit["id"]
                )
