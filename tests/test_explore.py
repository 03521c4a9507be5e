"""Datasette configured for a release (publisher/explore): search, labels, metadata, limits.

In process, on real releases: Datasette built by ``datasette_for`` from what publish
shipped in the release's ``datasette/`` folder, asked through its own ASGI client. The
same over real HTTP, under ``/explore/``, is tests/test_serve.py.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from publisher.explore.instance import SETTINGS, datasette_for
from publisher.explore.plugin import SEARCH
from publisher.read.queries import CANNED
from publisher.read.search import match_sql, search
from publisher.release.search_index import syllables


def fetch(folder: Path, *paths: str, **settings: Any) -> list[Any]:
    """GET each path from a fresh Datasette over the release ``folder``."""
    ds = datasette_for(folder, settings=settings)

    async def run() -> list[Any]:
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in paths]

    try:
        return asyncio.run(run())
    finally:
        for db in ds.databases.values():
            db.close()
        ds.executor.shutdown(wait=False)


def current(root: Path) -> tuple[Path, str, sqlite3.Connection]:
    folder = (root / "current").resolve()
    db = next(folder.glob("*.db"))
    conn = sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)
    return folder, db.stem, conn


def queries(conn: sqlite3.Connection, n: int = 12) -> list[str]:
    """Queries of every kind the read side answers, cut from the release's own names."""
    rng = random.Random(3)
    names = [r[0] for r in conn.execute("SELECT name FROM search_index ORDER BY id")]
    picked = rng.sample(names, n)
    out = ["交通", "报", "广播", "hefei", "hf", "jiaotong", "zzzz", "%", "_", '"']
    for name in picked:
        k = rng.randrange(len(name))
        out += [name[k], name[k : k + 2], name[k : k + 4]]
        syl = syllables(name)
        out += ["".join(f for f, _ in syl[1:3]), "".join(i for _, i in syl)]
    for table, column in (("publishers", "credit_code"), ("media", "cn_number")):
        values = [r[0] for r in conn.execute(f"SELECT {column} FROM {table} WHERE {column} > ''")]
        out += [v[:6] for v in rng.sample(values, 3)]
    return [q for q in dict.fromkeys(out) if q.strip()]


def test_the_search_box_finds_what_the_read_side_finds(generated_release: Path) -> None:
    folder, name, conn = current(generated_release)
    qs = queries(conn)
    paths = []
    for q in qs:
        for table in ("publishers", "media", "search_index"):
            paths.append(f"/{name}/{table}.json?_search={quote(q)}&_size=max&_shape=objects")
    answers = iter(fetch(folder, *paths))
    conn.row_factory = sqlite3.Row
    checked = 0
    for q in qs:
        for table, kind in (
            ("publishers", "publisher"),
            ("media", "medium"),
            ("search_index", None),
        ):
            response = next(answers)
            assert response.status_code == 200, (q, table, response.text[:300])
            data = response.json()
            want = {(r["kind"], r["id"]) for r in search(conn, q, limit=10**6, kind=kind)}
            if table == "search_index":
                got = {(r["kind"], r["ref"]) for r in data["rows"]}
            else:
                got = {(kind, r["id"]) for r in data["rows"]}
            if table != "search_index":
                assert data["filtered_table_rows_count"] == len(want), (q, table)
            if len(data["rows"]) == data["filtered_table_rows_count"]:
                assert got == want, (q, table)
                checked += bool(want)
    assert checked > 40


def test_one_and_two_characters_find_every_name_containing_them(generated_release: Path) -> None:
    folder, name, conn = current(generated_release)
    two = conn.execute(
        "SELECT substr(name, 3, 2) FROM media WHERE length(name) > 4 LIMIT 1"
    ).fetchone()[0]
    one = two[0]
    paths = [f"/{name}/search_index.json?_search={quote(q)}&_size=0" for q in (one, two)]
    for q, response in zip((one, two), fetch(folder, *paths), strict=True):
        like = conn.execute(
            "SELECT count(*) FROM search_index WHERE name LIKE ?", [f"%{q}%"]
        ).fetchone()[0]
        assert like > 0
        assert response.json()["filtered_table_rows_count"] == like, q


def test_a_registrants_tables_search_by_the_registrant(generated_release: Path) -> None:
    folder, name, conn = current(generated_release)
    q = conn.execute("SELECT name FROM publishers ORDER BY id LIMIT 1").fetchone()[0][:4]
    want = {r["id"] for r in search(conn, q, limit=10**6, kind="publisher")}
    media = {r["id"] for r in search(conn, q, limit=10**6, kind="medium")}
    want |= {
        r[0]
        for r in conn.execute(
            f"SELECT publisher_id FROM media WHERE id IN ({','.join('?' * len(media))})",
            sorted(media),
        )
    }
    tables = ("registrations", "decisions", "current_status", "registration_overview")
    paths = [f"/{name}/{t}.json?_search={quote(q)}&_size=max&_shape=array" for t in tables]
    for table, response in zip(tables, fetch(folder, *paths), strict=True):
        rows = response.json()
        assert rows, table
        assert {r["publisher_id"] for r in rows} <= want, table


def test_no_table_ignores_a_search(sample_release: Path) -> None:
    folder, name, _ = current(sample_release)
    notices, column, fts = fetch(
        folder,
        f"/{name}/notices.json?_search=合肥",
        f"/{name}/publishers.json?_search_name=合肥",
        f"/{name}/search_fts.json?_search=合肥",
    )
    for response in (notices, column, fts):
        assert response.status_code == 400
        assert "search one of" in response.json()["error"]
    assert "publishers" in notices.json()["error"]


def test_datasette_does_not_take_the_trigram_index_for_search_index_s_search(
    sample_release: Path,
) -> None:
    folder, name, _ = current(sample_release)
    ds = datasette_for(folder)
    assert asyncio.run(ds.get_database(name).fts_table("search_index")) is None


def test_codes_show_their_chinese_label_and_ids_link_to_rows(sample_release: Path) -> None:
    folder, name, conn = current(sample_release)
    rid = conn.execute(
        "SELECT id FROM registrations WHERE registration_number IS NULL LIMIT 1"
    ).fetchone()
    decisions, hits, view, unlabelled = fetch(
        folder,
        f"/{name}/decisions?kind=grant&_size=3",
        f"/{name}/search_index?_search=hf",
        f"/{name}/current_status?_size=3",
        f"/{name}/media?registration_id={quote(rid[0])}" if rid else f"/{name}/media",
    )
    assert '准予广告发布登记 <span class="adreg-code">grant</span>' in decisions.text
    assert f'<a href="/{name}/publishers/' in decisions.text  # a foreign key, by name
    assert f'<a href="/{name}/media/' in hits.text or f'<a href="/{name}/publishers/' in hits.text
    assert f'<a href="/{name}/registrations/' in view.text  # a view's id links to its row
    assert "有效" in view.text or "已注销" in view.text
    if rid:
        assert f">{rid[0]}</a>" in unlabelled.text and ">None</a>" not in unlabelled.text


def test_metadata_describes_every_table_and_column(sample_release: Path) -> None:
    folder, name, conn = current(sample_release)
    meta = json.loads((folder / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    release = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert release["version"] in meta["title"] and meta["license"] and meta["source"]
    assert meta["license_url"].startswith("https://")
    db = meta["databases"][name]
    assert release["version"] in db["title"] and "horizon" not in db["title"]
    package = json.loads(
        (folder / "datapackages" / name / "datapackage.json").read_text(encoding="utf-8")
    )
    for res in package["resources"]:
        table = db["tables"][res["name"]]
        assert any("\u4e00" <= c <= "\u9fff" for c in table["title"]), res["name"]
        assert table["description"], res["name"]
        for field in res["schema"]["fields"]:
            assert " — " in table["columns"][field["name"]], (res["name"], field["name"])
            if "adreg:codes" in field:
                codes = db["plugins"]["adreg"]["codes"][res["name"]][field["name"]]
                assert codes == field["adreg:codes"]
                assert codes in db["plugins"]["adreg"]["labels"]
        for fk in res["schema"].get("foreignKeys", []):
            target = fk["reference"]["resource"]
            label = db["tables"][target].get("label_column")
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{target}])")]
            assert label in columns or {"name", "title"} & set(columns), (res["name"], target)
    tables = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    visible = {t for t in tables if not t.startswith(("search_fts", "search_chars", "sqlite_"))}
    described = {t for t, v in db["tables"].items() if v.get("description") or v.get("hidden")}
    assert visible - described == set()
    assert {q: db["queries"][q]["sql"] for q in CANNED} == {q: v[2] for q, v in CANNED.items()}
    settings = json.loads((folder / "datasette" / "settings.json").read_text(encoding="utf-8"))
    assert settings == SETTINGS and settings["suggest_facets"] is False


def test_every_canned_query_runs_with_its_parameters(generated_release: Path) -> None:
    folder, name, conn = current(generated_release)
    code = conn.execute("SELECT authority_code FROM notices LIMIT 1").fetchone()[0]
    credit = conn.execute(
        "SELECT p.credit_code FROM publishers AS p JOIN decisions AS d ON d.publisher_id = p.id"
        " WHERE p.credit_code IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    rid = conn.execute("SELECT registration_id FROM status_periods LIMIT 1").fetchone()[0]
    params = {
        "media_valid_on": "day=2019-06-01",
        "status_on_date": f"registration_id={quote(rid)}&day=2019-06-01",
        "expired_never_cancelled": "",
        "late_decisions": "",
        "penalties_by_authority_year": "",
        "authority_notices": f"authority_code={code}&from_date=2016-12-01&to_date=2021-04-28",
        "registrant_history": f"credit_code={credit}",
        "new_notices": f"authority_code={code}",
    }
    assert set(params) - {"new_notices"} == set(CANNED)
    responses = fetch(folder, *(f"/{name}/{q}.json?_shape=array&{p}" for q, p in params.items()))
    for (query, _), response in zip(params.items(), responses, strict=True):
        assert response.status_code == 200, (query, response.text[:300])
        assert response.json(), query  # every one finds something in this release


def test_the_atom_feed_lists_new_notices(sample_release: Path) -> None:
    from xml.etree import ElementTree

    folder, name, conn = current(sample_release)
    (feed,) = fetch(folder, f"/{name}/new_notices.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ElementTree.fromstring(feed.content)
    assert root.find("a:title", ns).text == "新公告 New notices"
    entries = root.findall("a:entry", ns)
    latest = conn.execute("SELECT max(publication_date) FROM notices").fetchone()[0]
    assert len(entries) == min(100, conn.execute("SELECT count(*) FROM notices").fetchone()[0])
    assert root.find("a:updated", ns).text.startswith(latest)
    link = entries[0].find("a:link", ns).get("href")
    assert link.startswith("notices/")
    (row,) = fetch(folder, f"/{name}/{link}.json")
    assert row.status_code == 200


def test_writes_are_impossible_and_sql_is_time_limited(sample_release: Path) -> None:
    folder, name, _ = current(sample_release)
    slow = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    responses = fetch(
        folder,
        f"/{name}.json?sql=" + quote("insert into ledger (source, file) values ('x', 'y')"),
        f"/{name}.json?sql=" + quote("drop table ledger"),
        f"/{name}.json?sql=" + quote("select 1; delete from ledger"),
        f"/{name}.json?sql=" + quote("pragma query_only = 0"),
        f"/{name}.json?sql=" + quote(slow) + "&_timelimit=200",
        f"/{name}/registrant_history.json?credit_code=" + quote("'; drop table publishers; --"),
        f"/{name}/ledger.json?_shape=array",
    )
    *refused, slow_response, injected, ledger = responses
    for response in refused:
        assert response.status_code == 400, response.text[:200]
    assert "too long" in slow_response.json()["error"]
    assert injected.status_code == 200 and injected.json()["rows"] == []
    assert ledger.status_code == 200 and ledger.json()


def test_a_count_that_does_not_finish_says_so(generated_release: Path) -> None:
    folder, name, _ = current(generated_release)
    # the first page of rows takes ≈ 0.3 ms, counting them all ≈ 20 ms
    path = f"/{name}/search_pinyin?key__contains=a"
    (page,) = fetch(folder, path, sql_time_limit_ms=5)
    assert page.status_code == 200
    assert "行数未能在时限内统计完" in page.text
    assert "within the time limit (5 ms)" in page.text
    (page,) = fetch(folder, path)
    assert "行数未能在时限内统计完" not in page.text


@pytest.mark.parametrize("table", ["publishers", "decisions", "notices"])
def test_table_pages_count_from_the_release(sample_release: Path, table: str) -> None:
    folder, name, conn = current(sample_release)
    (page,) = fetch(folder, f"/{name}/{table}.json")
    rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    assert page.json()["filtered_table_rows_count"] == rows


_SCAN = re.compile(r"\bSCAN (\w+)\b(?! VIRTUAL TABLE)")
_SMALL = {"i", "release_info", "vocabulary", "v", "a", "authorities"}


def test_search_pages_run_on_indexes(generated_release: Path) -> None:
    """The page and the count Datasette runs for a search: driven from the hits through
    indexes, never a walk over a big table in its sort order (EXPLAIN QUERY PLAN)."""
    folder, name, conn = current(generated_release)
    meta = json.loads((folder / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    tables = meta["databases"][name]["tables"]
    bad = []
    for q in ("报", "交通", "交通广播", "jiaotong", "hf", "9134", "34-0"):
        rows, params = match_sql(q)
        for table, (clause, _) in SEARCH.items():
            where = clause.replace("{rows}", rows)
            sort = tables.get(table, {}).get("sort") or tables.get(table, {}).get("sort_desc")
            order = f" ORDER BY {sort}" if sort else ""
            for sql in (
                f"SELECT * FROM {table} WHERE {where}{order} LIMIT 101",
                f"SELECT count(*) FROM {table} WHERE {where}",
            ):
                plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
                found = [
                    line
                    for line in plan
                    if (m := _SCAN.search(line)) and m[1] not in _SMALL and "subquery" not in m[1]
                ]
                if found:
                    bad.append((q, table, found))
    assert bad == []
