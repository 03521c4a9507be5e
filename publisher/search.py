"""Name search over publishers and media: one ``search_index`` table and two FTS5 indexes.

``search_index`` holds one row per searchable name (a publisher's name, its sponsor's
name, a medium's name) with the entity's kind, id and display name, the name's pinyin
(``hunanweishi``) and pinyin initials (``hnws``), and the identifiers people type:
credit code, CN number, ISSN. Rows are ordered by name length, so the first matches
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
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, Literal

Kind = Literal["publisher", "medium"]
KINDS: tuple[str, ...] = ("publisher", "medium")

# ---- how names are indexed ---------------------------------------------------------

# Ideographs the unigram index keeps as tokens: unicode61 neither folds nor strips them.
_UNIGRAM = "\u3400-\u4dbf\u4e00-\u9fff"
_NOT_UNIGRAM = re.compile(f"[^{_UNIGRAM}]")
_ALL_UNIGRAM = re.compile(f"[{_UNIGRAM}]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_CACHE_MAX = 200_000


def index_chars(name: str) -> str:
    """``湖南FM`` → ``湖 南 x x``: one token per character for the unigram index."""
    return " ".join(_NOT_UNIGRAM.sub("x", name))


@cache
def _pinyin_tables() -> tuple[re.Pattern[str], frozenset[str], Any]:
    """pypinyin's phrase dictionary as a prefix set, loaded on first use (build time only)."""
    from pypinyin.constants import PHRASES_DICT, RE_HANS

    pattern = RE_HANS.pattern
    hans_class = pattern[pattern.index("[") : pattern.rindex("]") + 1]
    prefixes = frozenset(w[:i] for w in PHRASES_DICT for i in range(1, len(w) + 1))
    return re.compile(f"({hans_class}+)"), prefixes, PHRASES_DICT


_words: dict[str, tuple[str, str]] = {}


def _word_pinyin(word: str) -> tuple[str, str]:
    found = _words.get(word)
    if found is None:
        from pypinyin import Style, lazy_pinyin

        full = _NOT_ALNUM.sub("", "".join(lazy_pinyin(word)).lower())
        initials = _NOT_ALNUM.sub("", "".join(lazy_pinyin(word, style=Style.FIRST_LETTER)).lower())
        if len(_words) >= _CACHE_MAX:
            _words.clear()
        found = _words[word] = (full, initials)
    return found


def _cut(run: str, prefixes: frozenset[str], phrases: Any) -> Iterator[str]:
    """Forward maximum matching exactly as ``pypinyin.seg.mmseg.seg.cut``, faster."""
    i, n = 0, len(run)
    while i < n:
        best, j = 0, i + 1
        while j <= n and run[i:j] in prefixes:
            if run[i:j] in phrases:
                best = j
            j += 1
        if best:
            yield run[i:best]
            i = best
        elif j > n:  # the rest is a phrase prefix but holds no phrase: single characters
            yield from run[i:]
            return
        else:
            yield run[i]
            i += 1


_runs: dict[str, tuple[str, str]] = {}


def _run_pinyin(run: str) -> tuple[str, str]:
    found = _runs.get(run)
    if found is None:
        _, prefixes, phrases = _pinyin_tables()
        pairs = [_word_pinyin(word) for word in _cut(run, prefixes, phrases)]
        found = ("".join(p[0] for p in pairs), "".join(p[1] for p in pairs))
        if len(_runs) >= _CACHE_MAX:
            _runs.clear()
        _runs[run] = found
    return found


def index_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower-case ASCII letters and digits.

    The same syllables as ``pypinyin.lazy_pinyin`` (its phrase segmentation, so 重庆 is
    ``chongqing``); other text is NFKC-normalised and kept: ``CCTV-1综合`` →
    (``cctv1zonghe``, ``cctv1zh``). Runs of Chinese characters and words are cached.
    """
    runs = _pinyin_tables()[0]
    full: list[str] = []
    initials: list[str] = []
    for k, part in enumerate(runs.split(name)):
        if not part:
            continue
        if k % 2:  # a run of Chinese characters
            a, b = _run_pinyin(part)
        else:
            a = b = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", part).lower())
        full.append(a)
        initials.append(b)
    return "".join(full), "".join(initials)


SEARCH_SCHEMA = """
CREATE TABLE search_index (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    field TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    pinyin TEXT NOT NULL,
    initials TEXT NOT NULL,
    credit_code TEXT,
    cn_number TEXT,
    issn TEXT
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    name, content="search_index", content_rowid="id", tokenize="trigram", columnsize=0
);
CREATE VIRTUAL TABLE search_chars USING fts5(chars, content="", tokenize="unicode61");
"""
SEARCH_INDEXES = """
CREATE INDEX search_index_pinyin ON search_index (pinyin);
CREATE INDEX search_index_initials ON search_index (initials);
CREATE INDEX search_index_credit_code ON search_index (credit_code) WHERE credit_code IS NOT NULL;
CREATE INDEX search_index_cn_number ON search_index (cn_number) WHERE cn_number IS NOT NULL;
CREATE INDEX search_index_issn ON search_index (issn) WHERE issn IS NOT NULL;
"""
SEARCH_COLUMNS = {  # column descriptions, for Datasette's metadata
    "kind": "publisher or medium",
    "ref": "id of the publisher or medium",
    "field": "name or sponsor_name: which name this row holds",
    "name": "the name searched (FTS5 trigram index search_fts)",
    "label": "the publisher's or medium's name",
    "pinyin": "pinyin of the name, lower-case, no spaces (hunanweishi)",
    "initials": "pinyin initials of the name (hnws)",
    "credit_code": "credit code of the publisher or its sponsor",
    "cn_number": "CN number of a newspaper or periodical",
    "issn": "ISSN of a periodical",
}
_COLUMNS = "kind, ref, field, name, label, credit_code, cn_number, issn"
_SOURCES = {
    "publishers": (
        "SELECT 'publisher' AS kind, id AS ref, 'name' AS field, name, name AS label,"
        " credit_code, NULL AS cn_number, NULL AS issn FROM publishers WHERE name <> ''",
        "SELECT 'publisher', id, 'sponsor_name', sponsor_name, name, sponsor_credit_code,"
        " NULL, NULL FROM publishers WHERE sponsor_name <> ''",
    ),
    "media": (
        "SELECT 'medium' AS kind, id AS ref, 'name' AS field, name, name AS label,"
        " NULL AS credit_code, cn_number, issn FROM media WHERE name <> ''",
    ),
}


def build_search_index(conn: sqlite3.Connection) -> int:
    """Create and fill ``search_index``, ``search_fts`` and ``search_chars``; return rows.

    Reads the ``publishers`` and ``media`` tables, those that exist. Meant to run
    inside the build's transaction.
    """
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    selects = [sql for table, sqls in _SOURCES.items() if table in present for sql in sqls]
    _script(conn, SEARCH_SCHEMA)
    count = 0
    if selects:
        source = conn.execute(
            f"SELECT {_COLUMNS} FROM ({' UNION ALL '.join(selects)})"
            " ORDER BY length(name), name, kind, ref, field"
        )
        cur = conn.executemany(
            "INSERT INTO search_index (kind, ref, field, name, label, pinyin, initials,"
            " credit_code, cn_number, issn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _with_pinyin(source),
        )
        count = cur.rowcount
    conn.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
    conn.create_function("adreg_chars", 1, index_chars, deterministic=True)
    conn.execute(
        "INSERT INTO search_chars (rowid, chars) SELECT id, adreg_chars(name) FROM search_index"
    )
    _script(conn, SEARCH_INDEXES)
    return count


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one (``executescript`` would commit the transaction)."""
    for statement in sql.split(";"):
        if statement.strip():
            conn.execute(statement)


def _with_pinyin(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    last, py = None, ("", "")
    for kind, ref, field, name, label, credit, cn, issn in rows:
        if name != last:  # rows come sorted by name: equal names are neighbours
            last, py = name, index_pinyin(name)
        yield kind, ref, field, name, label, py[0], py[1], credit, cn, issn


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
        key = _NOT_ALNUM.sub("", norm.lower())
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
