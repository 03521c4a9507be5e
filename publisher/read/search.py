"""Name search over publishers and media, answered from a release's database.

The index is built by :mod:`publisher.release.search_index`: ``search_index`` holds
one row per searchable name (a publisher's name, its sponsor's name, a medium's name)
with the entity's kind, id and display name, the name's pinyin (``hunanweishi``) and
pinyin initials (``hnws``), and the identifiers people type: credit code, CN number, ISSN. Rows are ordered by name length, so the first matches
in row order are the shortest, most specific names.

How a query is answered (see :func:`search`):

* 3+ characters: ``search_fts``, an FTS5 ``trigram`` index over the name (MATCH a
  quoted phrase), joined to the base row, which is re-checked with ``LIKE``;
* 1–2 CJK ideographs: ``search_chars``, a contentless FTS5 ``unicode61`` index of the
  name spelled one ideograph per token (other characters become ``x``), MATCH the
  adjacent-token phrase. SQLite 3.40's trigram MATCH finds nothing below 3 characters
  and ``LIKE`` on a trigram table returns no rows, so neither can serve these;
* other 1–2 character queries: ``LIKE '%q%'`` on ``search_index`` with a LIMIT;
* pinyin, credit-code, CN and ISSN prefixes: range scans on B-tree indexes.

Every name match is a row ``name LIKE '%q%'`` would find and, up to the limit, all of
them in row order: the FTS indexes only make it faster.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from typing import Any, Literal

Kind = Literal["publisher", "medium"]
KINDS: tuple[str, ...] = ("publisher", "medium")

# Ideographs the unigram index keeps as tokens: unicode61 neither folds nor strips them.
UNIGRAM = "\u3400-\u4dbf\u4e00-\u9fff"
_ALL_UNIGRAM = re.compile(f"[{UNIGRAM}]+")
NOT_ALNUM = re.compile(r"[^a-z0-9]+")

# ---- how queries are answered ------------------------------------------------------

_CREDIT = re.compile(r"[0-9A-HJ-NPQRTUWXY]{4,18}")
_CN = re.compile(r"(CN)?(\d{1,2})(-\d{0,4})?(?:/\w*)?")
_ISSN = re.compile(r"(?:ISSN)?(\d{4}-\d{0,3}[\dX]?)")
_PREFIX_COLUMNS = ("pinyin", "initials", "credit_code", "cn_number", "issn")


def plan(q: str) -> list[tuple[str, str]]:
    """The lookups :func:`search` makes for ``q``, in order: (column, value) pairs.

    ``column`` is a prefix-indexed column of ``search_index`` or ``name`` (substring).
    """
    text = q.strip()
    if not text:
        return []
    norm = unicodedata.normalize("NFKC", text)
    compact = re.sub(r"\s+", "", norm).upper()
    steps: list[tuple[str, str]] = []
    if (m := _CN.fullmatch(compact)) and (m[1] or (m[3] and len(m[2]) == 2)):
        steps.append(("cn_number", m[2] + (m[3] or "")))
    if m := _ISSN.fullmatch(compact):
        steps.append(("issn", m[1]))
    if _CREDIT.fullmatch(compact) and any(c.isdigit() for c in compact):
        steps.append(("credit_code", compact))
    if norm.isascii() and any(c.isalpha() for c in norm):
        key = NOT_ALNUM.sub("", norm.lower())
        steps += [("pinyin", key), ("initials", key)]
    steps.append(("name", text))
    return steps


def search(
    conn: sqlite3.Connection, q: str, limit: int = 20, kind: str | None = None
) -> list[dict[str, Any]]:
    """Publishers and media matching ``q``: at most ``limit``, one row per entity.

    Each row: ``kind`` (publisher|medium), ``id``, ``name``, ``matched_on`` (name,
    sponsor_name, pinyin, initials, credit_code, cn_number, issn; ``sponsor_`` + column
    when the sponsor's value matched) and ``matched`` (the value that matched).
    Identifier and pinyin prefixes come first, then names containing ``q``.
    Any text is a valid query: wildcards and FTS syntax in ``q`` are taken literally.
    """
    _check(kind)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for column, value in plan(q):
        if len(found) >= limit:
            break
        if column == "name":
            rows = _name_rows(conn, value, 2 * limit, kind)
        else:
            rows = _prefix_rows(conn, column, value, 2 * limit, kind)
        for row in rows:
            found.setdefault((row["kind"], row["id"]), row)
            if len(found) >= limit:
                break
    return list(found.values())


def name_search(
    conn: sqlite3.Connection, q: str, limit: int = 20, kind: str | None = None
) -> list[dict[str, Any]]:
    """Entities with a name (or sponsor name) containing ``q``, as ``LIKE '%q%'`` finds them.

    The first ``limit`` entities in ``search_index`` row order (shortest names first).
    """
    _check(kind)
    text = q.strip()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if text and limit > 0:
        for row in _name_rows(conn, text, 2 * limit, kind):
            found.setdefault((row["kind"], row["id"]), row)
            if len(found) >= limit:
                break
    return list(found.values())


def _check(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def escape_like(text: str) -> str:
    """``text`` for ``LIKE … ESCAPE '\\'``: ``%``, ``_`` and ``\\`` taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase (a string in double quotes): no query syntax left."""
    return '"' + text.replace('"', '""') + '"'


_SELECT = "SELECT s.kind, s.ref, s.field, s.label, s.{col} FROM "


def _name_rows(
    conn: sqlite3.Connection, text: str, n: int, kind: str | None
) -> list[dict[str, Any]]:
    """Rows whose name contains ``text``, in row order; FTS where it can, else a scan."""
    params: dict[str, Any] = {"like": f"%{escape_like(text)}%", "kind": kind, "n": n}
    where = "s.name LIKE :like ESCAPE '\\'" + (" AND s.kind = :kind" if kind else "")
    scan = f"{_SELECT.format(col='name')}search_index AS s WHERE {where} ORDER BY s.id LIMIT :n"
    fts = None
    if len(text) >= 3:
        fts, params["q"] = "search_fts", fts_phrase(text)
    elif _ALL_UNIGRAM.fullmatch(text):
        fts, params["q"] = "search_chars", fts_phrase(" ".join(text))
    if fts is None:
        return _rows(conn.execute(scan, params), "name")
    sql = (
        f"{_SELECT.format(col='name')}{fts} CROSS JOIN search_index AS s ON s.id = {fts}.rowid"
        f" WHERE {fts} MATCH :q AND {where} ORDER BY {fts}.rowid LIMIT :n"
    )
    try:
        return _rows(conn.execute(sql, params), "name")
    except sqlite3.OperationalError:  # a query FTS5 can't parse: the scan is always right
        return _rows(conn.execute(scan, params), "name")


def _prefix_rows(
    conn: sqlite3.Connection, column: str, prefix: str, n: int, kind: str | None
) -> list[dict[str, Any]]:
    """Rows whose ``column`` starts with ``prefix``: a range scan on the column's index."""
    if column not in _PREFIX_COLUMNS:
        raise ValueError(f"no prefix index on {column!r}")
    if not prefix:
        return []
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    sql = (
        f"{_SELECT.format(col=column)}search_index AS s"
        f" WHERE s.{column} >= :lo AND s.{column} < :hi"
        + (" AND s.kind = :kind" if kind else "")
        + f" ORDER BY s.{column}, s.id LIMIT :n"
    )
    return _rows(conn.execute(sql, {"lo": prefix, "hi": upper, "kind": kind, "n": n}), column)


def _rows(cursor: Iterable[Any], column: str) -> list[dict[str, Any]]:
    out = []
    for kind, ref, field, label, value in cursor:
        matched_on = column if field == "name" else f"sponsor_{column}"
        out.append(
            {"kind": kind, "id": ref, "name": label, "matched_on": matched_on, "matched": value}
        )
    return out
