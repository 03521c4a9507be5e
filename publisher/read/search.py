"""Name search over publishers and media, answered from a release's database.

The index is built by :mod:`publisher.release.search_index`: ``search_index`` holds
one row per searchable name (a publisher's name, its sponsor's name, a former name)
with the entity's kind, id and display name and the identifiers people type (credit
code, CN number, ISSN); ``search_pinyin`` holds each name's pinyin, full and initials,
from every syllable on. Rows are ordered by name length, so the first matches in row
order are the shortest, most specific names.

How a query is answered (see :func:`search`), every step on an index:

* credit-code, CN and ISSN prefixes: range scans on B-tree indexes;
* pinyin (an ASCII query): ``search_pinyin`` ranges, exact, then from the start of the
  name, then from any syllable inside it (jiaotong → 合肥交通广播), full before initials;
* names: exact (``name = q``), then starting with it (a range on the name's index), then
  containing it: 3+ characters through ``search_fts``, an FTS5 ``trigram`` index (MATCH a
  quoted phrase, re-checked with ``LIKE``); 1–2 characters through ``search_chars``, a
  contentless FTS5 ``unicode61`` index of the name spelled one token per character,
  MATCH the adjacent-token phrase. SQLite 3.40's trigram MATCH finds nothing below 3
  characters and ``LIKE`` on a trigram table returns no rows, so neither can serve these.

Every name match is a row ``name LIKE '%q%'`` would find (:func:`name_search` returns
them in row order): the indexes only make it faster.
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
_UNIGRAM_CHAR = re.compile(f"[{UNIGRAM}]")
NOT_ALNUM = re.compile(r"[^a-z0-9]+")


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def clean_query(q: str) -> str:
    """The query without control characters (no name holds one) or outer space."""
    return _CONTROL.sub("", q).strip()


def char_token(c: str) -> str:
    """One character as a token of the ``search_chars`` index: an ideograph as itself, an
    ASCII letter or digit lower-cased (``LIKE`` ignores ASCII case), anything else by its
    code point (``u5f`` for ``_``), so every 1- and 2-character query is an FTS phrase."""
    if _UNIGRAM_CHAR.match(c):
        return c
    if c.isascii() and c.isalnum():
        return c.lower()
    return f"u{ord(c):x}"


def index_chars(name: str) -> str:
    """``湖南FM_`` → ``湖 南 f m u5f``: one token per character for ``search_chars``."""
    return " ".join(map(char_token, name))


# ---- how queries are answered ------------------------------------------------------

_CREDIT = re.compile(r"[0-9A-HJ-NPQRTUWXY]{4,18}")
_CN = re.compile(r"(CN)?(\d{1,2})(-\d{0,4})?(?:/\w*)?")
_ISSN = re.compile(r"(?:ISSN)?(\d{4}-\d{0,3}[\dX]?)")
_PREFIX_COLUMNS = ("credit_code", "cn_number", "issn")
_RANKS = ("exact", "prefix", "inside")


def plan(q: str) -> list[tuple[str, str]]:
    """The lookups :func:`search` makes for ``q``, in order: (column, value) pairs.

    ``column`` is a prefix-indexed identifier column of ``search_index``, ``pinyin`` (the
    ``search_pinyin`` keys: full pinyin and initials from every syllable of a name) or
    ``name``. Pinyin and names are each looked up exact, then prefix, then inside.
    """
    text = clean_query(q)
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
        steps.append(("pinyin", NOT_ALNUM.sub("", norm.lower())))
    steps.append(("name", text))
    return steps


def search(
    conn: sqlite3.Connection, q: str, limit: int = 20, kind: str | None = None
) -> list[dict[str, Any]]:
    """Publishers and media matching ``q``: at most ``limit``, one row per entity.

    Each row: ``kind`` (publisher|medium), ``id``, ``name``, ``matched_on`` (name,
    sponsor_name, former_name, pinyin, initials, credit_code, cn_number, issn; prefixed
    ``sponsor_`` or ``former_`` when such a name matched) and ``matched`` (the value).
    Identifier prefixes come first; then pinyin and names, each ranked the same way:
    exact, then from the start, then inside (from any syllable start for pinyin, any
    character for names: a 1- or 2-character name query finds what ``LIKE`` finds).
    Any text is a valid query: wildcards and FTS syntax in ``q`` are taken literally.
    """
    _check(kind)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for column, value in plan(q):
        if column in _PREFIX_COLUMNS:
            steps = [column]
        elif column == "pinyin":  # full pinyin before initials, at each rank
            steps = [f"{column}:{r}:{style}" for r in _RANKS for style in ("p", "i")]
        else:
            steps = [f"{column}:{r}" for r in _RANKS]
        for step in steps:
            if len(found) >= limit:
                return list(found.values())
            for row in _step_rows(conn, step, value, 2 * limit, kind):
                found.setdefault((row["kind"], row["id"]), row)
                if len(found) >= limit:
                    break
    return list(found.values())


def _step_rows(
    conn: sqlite3.Connection, step: str, value: str, n: int, kind: str | None
) -> list[dict[str, Any]]:
    if step in _PREFIX_COLUMNS:
        return _prefix_rows(conn, step, value, n, kind)
    column, _, rank = step.partition(":")
    if column == "pinyin":
        rank, _, style = rank.partition(":")
        return _pinyin_rows(conn, value, rank, style, n, kind)
    if rank == "inside":
        return _name_rows(conn, value, n, kind)
    return _name_start_rows(conn, value, rank == "exact", n, kind)


def name_search(
    conn: sqlite3.Connection, q: str, limit: int = 20, kind: str | None = None
) -> list[dict[str, Any]]:
    """Entities with a name (or sponsor name) containing ``q``, as ``LIKE '%q%'`` finds them.

    The first ``limit`` entities in ``search_index`` row order (shortest names first).
    """
    _check(kind)
    text = clean_query(q)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if text and limit > 0:
        for row in _name_rows(conn, text, 2 * limit, kind):
            found.setdefault((row["kind"], row["id"]), row)
            if len(found) >= limit:
                break
    return list(found.values())


def match_sql(q: str, kind: str | None = None) -> tuple[str, dict[str, Any]]:
    """SQL selecting the ``search_index`` ids of every row :func:`search` finds for ``q``
    with no limit, unranked, and its parameters (named ``adreg_…``): the set Datasette's
    search box filters on. Built from the same :func:`plan` and the same indexes: identifier
    prefixes, pinyin from any syllable (full or initials), names containing the query (the
    trigram index for 3+ characters, the one-token-per-character index below that).
    """
    _check(kind)
    text = clean_query(q)
    params: dict[str, Any] = {}
    parts: list[str] = []
    for column, value in plan(text):
        if column in _PREFIX_COLUMNS:
            params[f"adreg_{column}_lo"], params[f"adreg_{column}_hi"] = value, _upper(value)
            parts.append(
                f"SELECT id FROM search_index WHERE {column} >= :adreg_{column}_lo"
                f" AND {column} < :adreg_{column}_hi"
            )
        elif column == "pinyin" and value:  # exact, prefix and inside: every key in range
            params["adreg_pinyin_lo"], params["adreg_pinyin_hi"] = value, _upper(value)
            parts.append(
                "SELECT ref FROM search_pinyin WHERE first IN (0, 1) AND style IN ('i', 'p')"
                " AND key >= :adreg_pinyin_lo AND key < :adreg_pinyin_hi"
            )
        elif column == "name" and len(value) >= 3:  # exact and prefix names contain it too
            params["adreg_phrase"] = fts_phrase(value)
            params["adreg_like"] = f"%{escape_like(value)}%"
            parts.append(
                "SELECT s.id FROM search_fts CROSS JOIN search_index AS s"
                " ON s.id = search_fts.rowid WHERE search_fts MATCH :adreg_phrase"
                " AND s.name LIKE :adreg_like ESCAPE '\\'"
            )
        elif column == "name":
            params["adreg_chars"] = fts_phrase(index_chars(value))
            parts.append("SELECT rowid FROM search_chars WHERE search_chars MATCH :adreg_chars")
    if not parts:
        return "SELECT id FROM search_index WHERE 0", params
    sql = " UNION ".join(parts)
    if kind is not None:
        params["adreg_kind"] = kind
        sql = f"SELECT id FROM search_index WHERE kind = :adreg_kind AND id IN ({sql})"
    return sql, params


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
    """Rows whose name contains ``text``, in row order: the trigram index for 3+
    characters, the one-token-per-character index below that (a scan only if FTS5
    cannot parse the phrase, which quoting should rule out)."""
    params: dict[str, Any] = {"like": f"%{escape_like(text)}%", "kind": kind, "n": n}
    where = "s.name LIKE :like ESCAPE '\\'" + (" AND s.kind = :kind" if kind else "")
    scan = f"{_SELECT.format(col='name')}search_index AS s WHERE {where} ORDER BY s.id LIMIT :n"
    fts = None
    if len(text) >= 3:
        fts, params["q"] = "search_fts", fts_phrase(text)
    else:
        fts, params["q"] = "search_chars", fts_phrase(index_chars(text))
    if fts is None:
        return _rows(conn.execute(scan, params), "name")
    # One token per character makes an adjacent-token phrase exactly a substring: no
    # re-check; the trigram index's match is re-checked with LIKE.
    check = where if fts == "search_fts" else ("s.kind = :kind" if kind else "1")
    sql = (
        f"{_SELECT.format(col='name')}{fts} CROSS JOIN search_index AS s ON s.id = {fts}.rowid"
        f" WHERE {fts} MATCH :q AND {check} ORDER BY {fts}.rowid LIMIT :n"
    )
    try:
        return _rows(conn.execute(sql, params), "name")
    except sqlite3.OperationalError:  # a query FTS5 can't parse: the scan is always right
        return _rows(conn.execute(scan, params), "name")


def _upper(prefix: str) -> str:
    """The least string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _name_start_rows(
    conn: sqlite3.Connection, text: str, exact: bool, n: int, kind: str | None
) -> list[dict[str, Any]]:
    """Rows whose name is ``text`` (exact) or starts with it: a range on its index."""
    where = "s.name = :lo" if exact else "s.name > :lo AND s.name < :hi"
    sql = (
        f"{_SELECT.format(col='name')}search_index AS s WHERE {where}"
        + (" AND s.kind = :kind" if kind else "")
        + " ORDER BY s.name, s.id LIMIT :n"
    )
    return _rows(conn.execute(sql, {"lo": text, "hi": _upper(text), "kind": kind, "n": n}), "name")


def _pinyin_rows(
    conn: sqlite3.Connection, key: str, rank: str, style: str, n: int, kind: str | None
) -> list[dict[str, Any]]:
    """Names whose pinyin (full or initials) is ``key`` (exact), starts with it (prefix), or
    has a syllable from which it starts (inside): a range on ``search_pinyin``'s index."""
    if not key:
        return []
    first, where = (0, "p.key >= :lo AND p.key < :hi") if rank == "inside" else (1, "")
    if rank == "exact":
        where = "p.key = :lo"
    elif rank == "prefix":
        where = "p.key > :lo AND p.key < :hi"
    sql = (
        "SELECT s.kind, s.ref, s.field, s.label, p.key, p.style FROM search_pinyin AS p"
        " JOIN search_index AS s ON s.id = p.ref"
        f" WHERE p.first = :first AND p.style = :style AND {where}"
        + (" AND s.kind = :kind" if kind else "")
        + " ORDER BY p.key, p.ref LIMIT :n"
    )
    params = {"first": first, "style": style, "lo": key, "hi": _upper(key), "kind": kind, "n": n}
    out = []
    column = "pinyin" if style == "p" else "initials"
    for kind_, ref, field, label, value, _style in conn.execute(sql, params):
        out.append(
            {
                "kind": kind_,
                "id": ref,
                "name": label,
                "matched_on": _matched_on(field, column),
                "matched": value,
            }
        )
    return out


def _matched_on(field: str, column: str) -> str:
    if field == "name":
        return column
    prefix = field.removesuffix("_name")  # sponsor_name → sponsor, former_name → former
    return column if column.startswith(prefix) else f"{prefix}_{column}"


def _prefix_rows(
    conn: sqlite3.Connection, column: str, prefix: str, n: int, kind: str | None
) -> list[dict[str, Any]]:
    """Rows whose ``column`` starts with ``prefix``: a range scan on the column's index."""
    if column not in _PREFIX_COLUMNS:
        raise ValueError(f"no prefix index on {column!r}")
    if not prefix:
        return []
    upper = _upper(prefix)
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
        matched_on = _matched_on(field, column if column != "name" else field)
        out.append(
            {"kind": kind, "id": ref, "name": label, "matched_on": matched_on, "matched": value}
        )
    return out
