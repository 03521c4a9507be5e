"""Name search on a real built database: every name match is what ``LIKE '%q%'`` finds."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from test_database import build_sample

from publisher.read.db import connect_readonly
from publisher.read.search import clean_query, escape_like, name_search, plan, search
from publisher.release.search_index import index_pinyin

ALL = 10**6
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("search"))[1]


@pytest.fixture(scope="module")
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    c = connect_readonly(db, check_same_thread=False)
    yield c
    c.close()


@pytest.fixture(scope="module")
def names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM search_index ORDER BY id")]


def like_scan(conn: sqlite3.Connection, q: str, kind: str | None = None) -> list[tuple[str, str]]:
    """The reference: ``LIKE '%q%'`` scans, entities in ``search_index`` row order.

    The set is checked against LIKE over the published tables themselves, so the
    search index can't hide a name either.
    """
    like = f"%{escape_like(q)}%"
    published = conn.execute(
        """SELECT kind, id FROM (
             SELECT 'publisher' AS kind, id, name FROM publishers
             UNION ALL SELECT 'publisher', id, sponsor_name FROM publishers
             UNION ALL SELECT 'medium', id, name FROM media)
           WHERE name LIKE ? ESCAPE '\\' AND (? IS NULL OR kind = ?)""",
        [like, kind, kind],
    ).fetchall()
    scan = conn.execute(
        "SELECT kind, ref FROM search_index WHERE name LIKE ? ESCAPE '\\'"
        " AND (? IS NULL OR kind = ?) ORDER BY id",
        [like, kind, kind],
    ).fetchall()
    ordered = list(dict.fromkeys(scan))
    assert set(ordered) == set(published)
    return ordered


def keys(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["kind"], r["id"]) for r in rows]


def traced(conn: sqlite3.Connection, fn: Any, *args: Any) -> tuple[Any, list[str]]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        return fn(conn, *args), seen
    finally:
        conn.set_trace_callback(None)


@st.composite
def substrings(draw: st.DrawFn, names: list[str], sizes: tuple[int, int]) -> str:
    name = draw(st.sampled_from([n for n in names if len(n) >= sizes[0]]))
    size = draw(st.integers(sizes[0], min(sizes[1], len(name))))
    start = draw(st.integers(0, len(name) - size))
    return name[start : start + size]


@pytest.mark.parametrize("sizes", [(1, 1), (2, 2), (3, 3), (4, 8)], ids=str)
def test_name_search_finds_exactly_what_like_finds(conn, names, sizes):
    @SETTINGS
    @given(q=substrings(names, sizes), kind=st.sampled_from([None, "publisher", "medium"]))
    def check(q: str, kind: str | None) -> None:
        expected = like_scan(conn, q.strip(), kind)
        assert keys(name_search(conn, q, limit=ALL, kind=kind)) == expected
        assert keys(name_search(conn, q, limit=3, kind=kind)) == expected[:3]

    check()


@SETTINGS
@given(q=st.text(max_size=6))
def test_any_text_is_a_valid_query(conn, q):
    # Control characters are dropped from a query: no name holds one (and SQLite's LIKE
    # would end its pattern at a NUL).
    cleaned = clean_query(q)
    expected = like_scan(conn, cleaned) if cleaned else []
    assert keys(name_search(conn, q, limit=ALL)) == expected
    found = search(conn, q, limit=ALL)
    assert set(expected) <= set(keys(found))
    assert len(keys(found)) == len(set(keys(found)))  # one row per entity


@pytest.mark.parametrize(
    ("q", "index"),
    [("湖南卫视", "search_fts"), ("CCTV", "search_fts"), ("卫视", "search_chars"),
     ("报", "search_chars"), ("A_", "search_chars"), ("%", "search_chars"),
     ("1", "search_chars"), ("a", "search_chars"), ("Ｃ", "search_chars")],
)  # fmt: skip
def test_the_strategy_follows_the_query(conn, q, index):
    rows, sql = traced(conn, name_search, q, ALL)
    assert keys(rows) == like_scan(conn, q)
    assert rows, q
    used = [s for s in sql if "search_index AS s" in s]
    assert len(used) == 1
    if index:
        assert f"{index} MATCH" in used[0]
    else:
        assert "MATCH" not in used[0] and "LIKE" in used[0]


def test_fts_queries_use_the_fts_index(conn):
    for q in ("湖南卫", "卫视"):
        _, sql = traced(conn, name_search, q, 20)
        (query,) = [s for s in sql if "search_index AS s" in s]  # as run, values expanded
        steps = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + query)]
        assert steps[0].startswith("SCAN search_") and "VIRTUAL TABLE INDEX" in steps[0]
        assert steps[1] == "SEARCH s USING INTEGER PRIMARY KEY (rowid=?)"
        assert not any("TEMP B-TREE" in s for s in steps)


def test_prefix_queries_use_their_index(conn):
    for q, index in [("9143", "search_index_credit_code"), ("43-00", "search_index_cn_number"),
                     ("1002-0", "search_index_issn")]:  # fmt: skip
        _, sql = traced(conn, search, q, 20)
        query = next(s for s in sql if "search_index AS s WHERE" in s and "LIKE" not in s)
        steps = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + query)]
        assert steps[0].startswith(f"SEARCH s USING INDEX {index} ("), steps
        assert not any("TEMP B-TREE" in s for s in steps)
    _, sql = traced(conn, search, "hunan", 1000)  # every rank: nothing stops it early
    queries = [s for s in sql if "FROM search_pinyin AS p" in s]
    assert len(queries) == 6  # exact, prefix, inside; full pinyin, then initials
    for query in queries:
        steps = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + query)]
        assert steps[0].startswith("SEARCH p USING PRIMARY KEY ("), steps
        assert not any("TEMP B-TREE" in s for s in steps)


def test_wildcards_are_literal(conn):
    assert [r["name"] for r in search(conn, "%")] == ["100%健康"]
    assert [r["name"] for r in search(conn, "_")] == ["A_B杂志"]
    assert [r["name"] for r in search(conn, "*")] == ["行知*周刊"]
    assert [r["name"] for r in search(conn, '"')] == ['Quote"刊']
    assert [r["name"] for r in search(conn, 'e"刊')] == ['Quote"刊']
    for q in ("", "   ", "\\", "'", "NEAR(", "a OR b", "^", "-", "(", "%%%", "___", "\x00", "**"):
        search(conn, q)
        name_search(conn, q)
    assert search(conn, "") == [] and search(conn, "  ") == []


def test_short_names_come_first(conn):
    assert [r["name"] for r in search(conn, "卫视", limit=2)] == ["卫视", "湖南卫视"]
    assert search(conn, "报", limit=1)[0]["name"] == "报"


@pytest.mark.parametrize(
    ("q", "name", "matched_on"),
    [
        ("hunanweishi", "湖南卫视", "pinyin"),
        ("HuNan WeiShi", "湖南卫视", "pinyin"),
        ("hnws", "湖南卫视", "initials"),
        ("chongqingribao", "重庆日报", "pinyin"),  # 重 as in 重庆, not zhòng
        ("cqrbs", "重庆日报社", "initials"),
        ("changshawanbao", "长沙晚报", "pinyin"),
        ("yinhangjia", "银行家杂志社", "pinyin"),
        ("cctv1", "CCTV-1综合", "pinyin"),
        ("cctvshaoer", "ＣＣＴＶ少儿", "pinyin"),
    ],
)
def test_pinyin(conn, q, name, matched_on):
    rows = search(conn, q)
    hit = next(r for r in rows if r["name"] == name)
    assert hit["matched_on"] == matched_on


def test_pinyin_prefix_and_sponsor(conn):
    rows = search(conn, "hunan", limit=ALL)
    assert rows and all(
        r["matched"].startswith("hunan") for r in rows if "pinyin" in r["matched_on"]
    )
    assert {"湖南卫视", "湖南广播电视台"} <= {r["name"] for r in rows}
    pub, sponsor = conn.execute(
        "SELECT id, sponsor_name FROM publishers WHERE sponsor_name IS NOT NULL LIMIT 1"
    ).fetchone()
    key = index_pinyin(sponsor)[0]
    rows = search(conn, key, limit=ALL)
    assert ("publisher", pub) in keys(rows)
    assert all(r["matched"].startswith(key) for r in rows)
    assert {r["matched_on"] for r in rows} == {"sponsor_pinyin"}


def test_credit_code_prefix(conn):
    codes = [r[0] for r in conn.execute("SELECT credit_code FROM publishers ORDER BY credit_code")]
    rows = search(conn, "91430100", limit=ALL)
    found = [r["matched"] for r in rows if r["matched_on"] == "credit_code"]
    assert found == [c for c in codes if c.startswith("91430100")]
    assert search(conn, codes[5].lower())[0]["id"] == codes[5]  # the full code, any case
    sponsor = conn.execute("SELECT sponsor_credit_code FROM publishers WHERE sponsor_credit_code "
                           "IS NOT NULL LIMIT 1").fetchone()[0]  # fmt: skip
    hit = search(conn, sponsor)[0]
    assert (hit["matched_on"], hit["matched"]) == ("sponsor_credit_code", sponsor)


@pytest.mark.parametrize("q", ["43-00", "CN43-00", "CN 43-00", "ＣＮ４３－００"])
def test_cn_number_prefix(conn, q):
    rows = search(conn, q, limit=ALL)
    assert rows
    assert all(r["matched"].startswith("43-00") for r in rows)
    assert {r["matched_on"] for r in rows} == {"cn_number"}
    expected = conn.execute("SELECT count(*) FROM media WHERE cn_number LIKE '43-00%'").fetchone()[
        0
    ]
    assert len(rows) == expected


def test_cn_number_full_and_issn(conn):
    cn, issn = conn.execute(
        "SELECT cn_number, issn FROM media WHERE issn IS NOT NULL LIMIT 1"
    ).fetchone()
    assert search(conn, f"CN {cn}/G4")[0]["matched"] == cn
    assert search(conn, issn)[0]["matched"] == issn
    assert all(r["matched"].startswith("1002-0") for r in search(conn, "ISSN 1002-0"))


def test_kind_filter(conn):
    assert {r["kind"] for r in search(conn, "报", limit=ALL, kind="medium")} == {"medium"}
    assert {r["kind"] for r in search(conn, "hunan", limit=ALL, kind="publisher")} == {"publisher"}
    with pytest.raises(ValueError, match="kind must be one of"):
        search(conn, "报", kind="channel")


def test_limit(conn):
    assert len(search(conn, "报", limit=5)) == 5
    assert search(conn, "报", limit=0) == []


def test_plan():
    assert plan("湖南卫视") == [("name", "湖南卫视")]
    assert plan("CN 34-0012/X")[0] == ("cn_number", "34-0012")
    assert plan("9134")[0] == ("credit_code", "9134")
    assert plan("1002-123")[0] == ("issn", "1002-123")
    assert plan("hnws") == [("pinyin", "hnws"), ("name", "hnws")]
    assert plan("  ") == []


def _reference_pinyin(name: str) -> tuple[str, str]:
    def clean(parts: list[str]) -> str:
        text = unicodedata.normalize("NFKC", "".join(parts)).lower()
        return "".join(c for c in text if c.isascii() and c.isalnum())

    return clean(lazy_pinyin(name)), clean(lazy_pinyin(name, style=Style.FIRST_LETTER))


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from("重庆长沙银行都市乐行调传广朝阿弥陀佛中国人民解放军了的地得"),
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            st.characters(codec="ascii"),
            st.sampled_from("ＣＣＴＶ１２　·－"),
        ),
        max_size=12,
    )
)
def test_index_pinyin_agrees_with_pypinyin(name):
    assert index_pinyin(name) == _reference_pinyin(name)


def test_index_pinyin_examples():
    assert index_pinyin("湖南卫视") == ("hunanweishi", "hnws")
    assert index_pinyin("重庆日报社") == ("chongqingribaoshe", "cqrbs")
    assert index_pinyin("CCTV-1综合") == ("cctv1zonghe", "cctv1zh")
    assert index_pinyin("绿色中国") == ("lvsezhongguo", "lszg")


def test_pinyin_finds_a_word_inside_a_name(conn):
    """People type a word of the name as often as its start: jiaotong, weishi, ribao."""
    assert "FM101.7交通广播" in [r["name"] for r in search(conn, "jiaotong", limit=ALL)]
    assert "FM101.7交通广播" in [r["name"] for r in search(conn, "jtgb", limit=ALL)]
    rows = search(conn, "weishi", limit=ALL)
    assert "湖南卫视" in [r["name"] for r in rows]
    names = [r["name"] for r in search(conn, "ribao", limit=ALL)]
    assert "重庆日报" in names


def test_ranking_is_exact_then_prefix_then_inside(conn):
    for q in ("长沙晚报", "changshawanbao"):
        rows = search(conn, q, limit=ALL)
        assert rows[0]["name"] == "长沙晚报", q  # exact first
    rows = search(conn, "chongqing", limit=ALL)
    firsts = [r["name"].startswith("重庆") for r in rows]
    assert firsts == sorted(firsts, reverse=True)  # names starting with it before others


def test_pinyin_keys_in_the_index_are_each_names_keys(conn):
    """The build stages each name's keys in bulk (JSON arrays split by SQLite): what lands in
    ``search_pinyin`` is, row for row, what ``pinyin_keys`` gives for the row's name, and
    each row's pinyin columns are ``index_pinyin``'s."""
    from publisher.release.search_index import pinyin_keys

    indexed: dict[int, set[tuple[str, int, str]]] = {}
    for first, style, key, ref in conn.execute("SELECT first, style, key, ref FROM search_pinyin"):
        indexed.setdefault(ref, set()).add((key, first, style))
    rows = conn.execute("SELECT id, name, pinyin, initials FROM search_index").fetchall()
    assert len(rows) > 100
    for rid, name, full, initials in rows:
        assert indexed.get(rid, set()) == set(pinyin_keys(name)), name
        assert (full, initials) == index_pinyin(name), name
    assert any(len(keys) > 4 for keys in indexed.values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "湖南卫视",
            {
                ("hunanweishi", 1, "p"),
                ("hnws", 1, "i"),
                ("nanweishi", 0, "p"),
                ("nws", 0, "i"),
                ("weishi", 0, "p"),
                ("ws", 0, "i"),
                ("shi", 0, "p"),
                ("s", 0, "i"),
            },
        ),
        ("CCTV", {("cctv", 1, "p")}),  # full and initials agree: one key
        (
            "上海上海",
            {
                ("shanghaishanghai", 1, "p"),
                ("shsh", 1, "i"),
                ("haishanghai", 0, "p"),
                ("hsh", 0, "i"),
                ("shanghai", 0, "p"),
                ("sh", 0, "i"),
                ("hai", 0, "p"),
                ("h", 0, "i"),
            },
        ),
    ],
)
def test_pinyin_keys_examples(name, expected):
    from publisher.release.search_index import pinyin_keys

    keys = list(pinyin_keys(name))
    assert len(keys) == len(set(keys))
    assert set(keys) == expected
