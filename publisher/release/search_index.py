"""The name search index of a release's database, built from its publishers and media.

Flows in: the loaded ``publishers`` and ``media`` tables. Flows out: ``search_index``
(one row per searchable name with its pinyin, initials and identifiers), ``search_fts``
(FTS5 trigram over names) and ``search_chars`` (one token per ideograph, for 1- and
2-character queries). How these are queried is :mod:`publisher.read.search`.

``search_fts`` names its content table in single quotes: Datasette detects an FTS table
by ``content="<table>"`` and would then answer ``search_index``'s search box with a bare
trigram MATCH, which finds nothing below 3 characters; its search box goes through the
read side instead (:mod:`publisher.explore.plugin`).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from ..read.search import NOT_ALNUM as _NOT_ALNUM
from ..read.search import index_chars

SORT_THREADS = 2  # SQLite's sorter helpers when copying the pinyin keys in order
_CACHE_MAX = 20_000  # words and runs of Chinese cached: names share place names and suffixes


@cache
def _pinyin_tables() -> tuple[re.Pattern[str], frozenset[str], Any]:
    """pypinyin's phrase dictionary as a prefix set, loaded on first use (build time only)."""
    from pypinyin.constants import PHRASES_DICT, RE_HANS

    pattern = RE_HANS.pattern
    hans_class = pattern[pattern.index("[") : pattern.rindex("]") + 1]
    prefixes = frozenset(w[:i] for w in PHRASES_DICT for i in range(1, len(w) + 1))
    return re.compile(f"({hans_class}+)"), prefixes, PHRASES_DICT


Syllables = tuple[tuple[str, str], ...]  # (full pinyin, initial) per syllable
_words: dict[str, Syllables] = {}


def _word_syllables(word: str) -> Syllables:
    found = _words.get(word)
    if found is None:
        from pypinyin import Style, lazy_pinyin

        fulls = lazy_pinyin(word)
        firsts = lazy_pinyin(word, style=Style.FIRST_LETTER)
        found = tuple(
            (_NOT_ALNUM.sub("", f.lower()), _NOT_ALNUM.sub("", i.lower()))
            for f, i in zip(fulls, firsts, strict=True)
        )
        if len(_words) >= _CACHE_MAX:
            _words.clear()
        _words[word] = found
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


_runs: dict[str, Syllables] = {}


def _run_syllables(run: str) -> Syllables:
    found = _runs.get(run)
    if found is None:
        _, prefixes, phrases = _pinyin_tables()
        found = tuple(s for word in _cut(run, prefixes, phrases) for s in _word_syllables(word))
        if len(_runs) >= _CACHE_MAX:
            _runs.clear()
        _runs[run] = found
    return found


def syllables(name: str) -> Syllables:
    """The name's syllables in order, each (full pinyin, initial), lower-case ASCII.

    The same syllables as ``pypinyin.lazy_pinyin`` (its phrase segmentation, so 重庆 is
    ``chongqing``); other text is NFKC-normalised and kept as one syllable per run:
    ``CCTV-1综合`` → (cctv1, cctv1), (zong, z), (he, h). Runs and words are cached.
    """
    runs = _pinyin_tables()[0]
    out: list[tuple[str, str]] = []
    for k, part in enumerate(runs.split(name)):
        if not part:
            continue
        if k % 2:  # a run of Chinese characters
            out.extend(_run_syllables(part))
        elif text := _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", part).lower()):
            out.append((text, text))
    return tuple(out)


def index_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of the whole name: ``湖南卫视`` → (hunanweishi, hnws)."""
    return _joined(syllables(name))


def _joined(syl: Syllables) -> tuple[str, str]:
    return "".join(f for f, _ in syl), "".join(i for _, i in syl)


def pinyin_keys(name: str) -> Iterator[tuple[str, int, str]]:
    """(key, first, style) for a name: its pinyin from the start of every syllable, full
    (style ``p``) and initials (``i``); ``first`` is 1 for the whole name. A prefix search
    on these keys finds a word typed from inside a name (jiaotong → 合肥交通广播)."""
    whole, inside = _keys(syllables(name))
    for key, style in whole:
        yield key, 1, style
    for key, style in inside:
        yield key, 0, style


Keys = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]


def _keys(syl: Syllables) -> Keys:
    """The (key, style) pairs of a name's syllables, from its first syllable (whole) and
    from each later one (inside); a key is kept once per position class, the full pinyin
    before the initials (``CCTV`` has one key, ``p``, where full and initials agree)."""
    fulls, firsts = [""], [""]  # suffixes built from the end: one concatenation each
    for full, first in reversed(syl):
        fulls.append(full + fulls[-1])
        firsts.append(first + firsts[-1])
    n = len(syl)
    whole: list[tuple[str, str]] = []
    if n:
        if fulls[n]:
            whole.append((fulls[n], "p"))
        if firsts[n] and firsts[n] != fulls[n]:
            whole.append((firsts[n], "i"))
    inside: list[tuple[str, str]] = []
    seen: set[str] = set()
    for k in range(n - 1, 0, -1):  # suffix from syllable n - k, in syllable order
        for key, style in ((fulls[k], "p"), (firsts[k], "i")):
            if key and key not in seen:
                seen.add(key)
                inside.append((key, style))
    return tuple(whole), tuple(inside)


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
    name, content='search_index', content_rowid='id', tokenize='trigram', columnsize=0
);
CREATE VIRTUAL TABLE search_chars USING fts5(chars, content="", tokenize="unicode61");
CREATE TABLE search_pinyin (
    first INTEGER NOT NULL,
    style TEXT NOT NULL,
    key TEXT NOT NULL,
    ref INTEGER NOT NULL REFERENCES search_index (id),
    PRIMARY KEY (first, style, key, ref)
) WITHOUT ROWID;
"""
SEARCH_INDEXES = """
CREATE INDEX search_index_name ON search_index (name);
CREATE INDEX search_index_credit_code ON search_index (credit_code) WHERE credit_code IS NOT NULL;
CREATE INDEX search_index_cn_number ON search_index (cn_number) WHERE cn_number IS NOT NULL;
CREATE INDEX search_index_issn ON search_index (issn) WHERE issn IS NOT NULL;
"""
SEARCH_COLUMNS = {  # column descriptions, for Datasette's metadata
    "kind": "publisher or medium",
    "ref": "id of the publisher or medium",
    "field": "name, sponsor_name or former_name: which name this row holds",
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
    "medium_names": (  # former names of media
        "SELECT DISTINCT 'medium', n.medium_id, 'former_name', n.name, m.name, NULL, NULL, NULL"
        " FROM medium_names n JOIN media m ON m.id = n.medium_id"
        " WHERE n.valid_to IS NOT NULL AND n.name <> m.name",
    ),
    "registration_details": (  # former names of publishers
        "SELECT DISTINCT 'publisher', r.publisher_id, 'former_name', d.publisher_name, p.name,"
        " NULL, NULL, NULL FROM registration_details d"
        " JOIN registrations r ON r.id = d.registration_id"
        " JOIN publishers p ON p.id = r.publisher_id WHERE d.publisher_name <> p.name",
    ),
}


def build_search_index(conn: sqlite3.Connection) -> int:
    """Create and fill ``search_index``, ``search_fts``, ``search_chars`` and
    ``search_pinyin``; return the rows of ``search_index``.

    Reads the ``publishers`` and ``media`` tables and the former names
    (``medium_names``, ``registration_details``), those that exist. Meant to run inside
    the build's transaction.
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
        # Each distinct name's syllables once: its row's pinyin, and its keys staged as
        # JSON arrays (one stage row per name row, split by json_each in SQLite), then
        # copied in key order: search_pinyin is its own index (WITHOUT ROWID), filled as
        # one sorted run by SQLite's external sorter, in bounded memory.
        conn.execute("CREATE TEMP TABLE pinyin_stage (ref, p1, i1, inside_p, inside_i)")
        for rows, staged in _batches(source):
            conn.executemany(
                "INSERT INTO search_index (id, kind, ref, field, name, label, pinyin, initials,"
                " credit_code, cn_number, issn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.executemany("INSERT INTO pinyin_stage VALUES (?, ?, ?, ?, ?)", staged)
            count += len(rows)
        conn.execute(f"PRAGMA threads = {SORT_THREADS}")
        conn.execute(
            "INSERT OR IGNORE INTO search_pinyin SELECT first, style, key, ref FROM ("
            " SELECT 1 AS first, 'p' AS style, p1 AS key, ref FROM pinyin_stage"
            " WHERE p1 IS NOT NULL"
            " UNION ALL SELECT 1, 'i', i1, ref FROM pinyin_stage WHERE i1 IS NOT NULL"
            " UNION ALL SELECT 0, 'p', j.value, s.ref"
            " FROM pinyin_stage AS s, json_each(s.inside_p) AS j"
            " UNION ALL SELECT 0, 'i', j.value, s.ref"
            " FROM pinyin_stage AS s, json_each(s.inside_i) AS j"
            ") ORDER BY first, style, key, ref"
        )
        conn.execute("DROP TABLE pinyin_stage")
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


_BATCH = 20_000  # name rows inserted per executemany


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[list[Any], list[Any]]]:
    """``search_index`` rows (ids from 1, in the order given) with their pinyin, and the
    pinyin stage rows of the same ids, a batch at a time."""
    last: str | None = None
    entry: tuple[Any, ...] = ()
    out: list[Any] = []
    staged: list[Any] = []
    for ref, (kind, obj, field, name, label, credit, cn, issn) in enumerate(rows, 1):
        if name != last:  # rows come sorted by name: equal names are neighbours
            last, entry = name, _entry(name)
        out.append((ref, kind, obj, field, name, label, entry[0], entry[1], credit, cn, issn))
        staged.append((ref, *entry[2:]))
        if len(out) >= _BATCH:
            yield out, staged
            out, staged = [], []
    if out:
        yield out, staged


def _entry(name: str) -> tuple[Any, ...]:
    """A name's (pinyin, initials) and its stage row: the whole name's full and initials
    keys (or None) and the keys from inside it, full and initials, as JSON arrays."""
    syl = syllables(name)
    first_keys, inside = _keys(syl)
    whole = dict((style, key) for key, style in first_keys)
    return (
        *_joined(syl),
        whole.get("p"),
        whole.get("i"),
        _json_list([key for key, style in inside if style == "p"]),
        _json_list([key for key, style in inside if style == "i"]),
    )


def _json_list(keys: list[str]) -> str:
    """A JSON array of keys: letters and digits only (``NOT_ALNUM`` removed the rest), so
    no character needs escaping."""
    return '["' + '","'.join(keys) + '"]' if keys else "[]"
