"""The SQLite build: tables, types, keys, indexes, views, labels, read-only access.

``sample_tables`` and ``build_sample`` write a small but real data package with
:func:`publisher.release.package.write_package` and build it; ``test_search`` uses them too.
"""

from __future__ import annotations

import asyncio
import csv
import importlib.util
import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import credit_code

from publisher import vocabulary
from publisher.read.db import connect_readonly
from publisher.read.status import STATUS_ON_SQL, status_on
from publisher.release import package
from publisher.release import tables as t
from publisher.release.database import INDEXES, build_database
from publisher.release.datasette import datasette_metadata
from publisher.release.load import PackageError

CREATED = datetime(2024, 5, 1, tzinfo=UTC)
AUTHORITIES = {"430000": "湖南省", "430100": "长沙市", "500000": "重庆市", "340100": "合肥市"}
PLACES = ["湖南", "长沙", "重庆", "合肥", "芜湖", "株洲", "湘潭", "江北", "长乐", "银行"]
CORES = ["日报", "晚报", "都市", "财经", "科技", "广播", "电视", "教育", "健康", "行知", "文艺"]
PUB_SUFFIX = ["报社", "杂志社", "广播电视台", "传媒有限公司", "电台"]
MEDIUM_SUFFIX = ["", "频道", "频率", "周刊", "杂志"]
# Names that exercise pinyin phrases, ASCII, full-width text and LIKE/FTS metacharacters.
SPECIAL_MEDIA = [
    "湖南卫视",
    "重庆日报",
    "长沙晚报",
    "CCTV-1综合",
    "FM101.7交通广播",
    "100%健康",
    "A_B杂志",
    'Quote"刊',
    "ＣＣＴＶ少儿",
    "行知*周刊",
    "卫视",
    "报",
]
SPECIAL_PUBLISHERS = ["湖南广播电视台", "重庆日报社", "长沙晚报社", "银行家杂志社"]
KINDS = {"报社": "newspaper", "杂志社": "periodical", "电台": "radio"}


def sample_tables(seed: int = 7, publishers: int = 120) -> dict[str, list[Any]]:
    """Cross-referenced rows of every resource; names drawn from small pools, so they share
    substrings (what a search property test needs) and repeat (as real names do)."""
    rng = random.Random(seed)
    codes = list(AUTHORITIES)
    rows: dict[str, list[Any]] = {name: [] for name in t.RESOURCE}
    rows["authorities"] = [
        t.AuthorityRow(
            division_code=c,
            name=f"{n}市场监督管理局",
            level="province" if c.endswith("0000") else "prefecture",
            division_name=n,
        )
        for c, n in AUTHORITIES.items()
    ]
    rows["notices"] = [
        t.NoticeRow(
            id="not-1",
            notice_number="2017年第1号",
            authority_code="430000",
            authority_name="湖南省市场监督管理局",
            publication_date=date(2017, 3, 10),
            publication_date_imputed=False,
            compiled=False,
            title="广告发布登记公告",
            decision_count=2,
            body="根据《广告发布登记管理规定》第十六条，\n现予公告。",
        )
    ]
    media_names = iter(SPECIAL_MEDIA)
    for i in range(publishers):
        pub_id = credit_code(i + 1, prefix="91430100" if i % 3 else "12500000")
        if i < len(SPECIAL_PUBLISHERS):
            name = SPECIAL_PUBLISHERS[i]
        else:
            name = rng.choice(PLACES) + rng.choice(CORES) + rng.choice(PUB_SUFFIX)
        kind = next((k for s, k in KINDS.items() if name.endswith(s)), "tv")
        sponsored = kind == "periodical" and i % 2 == 0
        rows["publishers"].append(
            t.PublisherRow(
                id=pub_id,
                name=name,
                kind=kind,  # type: ignore[arg-type]
                credit_code=pub_id,
                sponsor_name=rng.choice(PLACES) + "出版集团" if sponsored else None,
                sponsor_credit_code=credit_code(900 + i, prefix="91340100") if sponsored else None,
            )
        )
        reg = f"reg-{i}"
        rows["registrations"].append(
            t.RegistrationRow(
                id=reg,
                authority_code=codes[i % len(codes)],
                publisher_id=pub_id,
                registration_number=f"湘广登{i:05d}",
                granted_on=date(2017, 1, 5),
                grant_decision_id=f"dec-{i}",
                ended_on=date(2021, 1, 1) if i % 2 else None,
                end_kind="cancellation" if i % 2 else None,
            )
        )
        for j in range(1 + i % 2):
            medium = next(media_names, None) or (
                rng.choice(PLACES) * (j == 0) + rng.choice(CORES) + rng.choice(MEDIUM_SUFFIX)
            )
            print_medium = kind in ("newspaper", "periodical")
            rows["media"].append(
                t.MediumRow(
                    id=f"med-{i}-{j}",
                    registration_id=reg,
                    publisher_id=pub_id,
                    name=medium,
                    type={"radio": "radio_frequency", "tv": "tv_channel"}.get(kind, kind),  # type: ignore[arg-type]
                    cn_number=f"{43 + i % 2}-{i * 2 + j + (1000 if kind == 'periodical' else 1):04d}"
                    if print_medium
                    else None,
                    issn=f"1002-{i:03d}X" if kind == "periodical" else None,
                )
            )
        rows["status_periods"] += [
            t.StatusPeriodRow(
                registration_id=reg,
                status="valid",
                valid_from=date(2017, 1, 5),
                valid_to=date(2020, 12, 31),
                decision_id=f"dec-{i}",
            ),
            t.StatusPeriodRow(
                registration_id=reg,
                status="cancelled" if i % 2 else "expired",
                valid_from=date(2021, 1, 1),
                valid_to=date(2021, 4, 28),
            ),
        ]
        rows["registration_details"].append(
            t.DetailPeriodRow(
                registration_id=reg,
                valid_from=date(2017, 1, 5),
                decision_id=f"dec-{i}",
                publisher_name=name,
                credit_code=pub_id,
            )
        )
        rows["decisions"].append(
            t.DecisionRow(
                id=f"dec-{i}",
                decision_number=f"湘广登字〔2017〕{i:03d}号",
                authority_code=codes[i % len(codes)],
                kind="grant",
                publisher_id=pub_id,
                publisher_name=name,
                decision_date=date(2017, 1, 5),
                registration_id=reg,
                notice_id="not-1" if i < 2 else None,
                workdays_to_decision=i % 7,
                decision_late=i % 7 > 5,
            )
        )
    rows["decision_changes"] = [
        t.DecisionChangeRow(decision_id="dec-0", seq=1, field="名称", old="旧名", new="新名")
    ]
    rows["penalties"] = [
        t.PenaltyRow(
            id="pen-1",
            decision_number="湘市监罚〔2019〕1号",
            authority_code="430000",
            party_name=SPECIAL_PUBLISHERS[0],
            kinds="fine",
            decision_date=date(2019, 6, 10),
            party_credit_code=rows["publishers"][0].id,
            publisher_id=rows["publishers"][0].id,
            fine_amount=5000.5,
            publication_late=False,
        )
    ]
    rows["anomalies"] = [t.AnomalyRow(code="expired_not_cancelled", registration_id="reg-0")]
    rows["ledger"] = [
        t.LedgerRow(
            source="hunan",
            file="a.csv",
            kind="decisions",
            read=3,
            published=3,
            merged=0,
            withheld=0,
            rejected=0,
            excluded=0,
        )
    ]
    rows["vocabulary"] = [
        t.VocabularyRow(list=name, code=code, zh=zh, en=en, basis=basis or None)
        for name, code, zh, en, basis in vocabulary.rows()
    ]
    rows["authority_names"] = [
        t.AuthorityNameRow(division_code=a.division_code, name=a.name) for a in rows["authorities"]
    ]
    rows["medium_names"] = [
        t.MediumNameRow(medium_id=m.id, valid_from=date(2017, 1, 5), name=m.name)
        for m in rows["media"]
    ]
    return rows


def write_sample(
    folder: Path, tables: dict[str, list[Any]] | None = None, watch: package.Watcher | None = None
) -> Path:
    package.write_package(
        tables or sample_tables(),
        folder,
        name="adreg",
        title="广告发布登记（测试）",
        version="1.0.0",
        created=CREATED,
        sources=[{"title": "测试来源", "path": "https://example.org/source"}],
        description="Test package",
        release={
            "as_of": "2021-04-28",
            "regime_start": "2016-12-01",
            "regime_end": "2021-04-28",
            "horizon": "2021-04-28",
        },
        watch=watch,
    )
    return folder


def build_sample(folder: Path) -> tuple[Path, Path, dict[str, Any]]:
    pkg = write_sample(folder / "package")
    db = folder / "adreg.db"
    return pkg, db, build_database(pkg, db)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    return build_sample(tmp_path_factory.mktemp("db"))


@pytest.fixture
def conn(built: tuple[Path, Path, dict[str, Any]]) -> Iterator[sqlite3.Connection]:
    c = connect_readonly(built[1])
    yield c
    c.close()


def _schema(pkg: Path) -> dict[str, Any]:
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: r["schema"] for r in desc["resources"]}


SQL_TYPE = {
    "string": ("TEXT",),
    "date": ("TEXT",),
    "integer": ("INTEGER",),
    "boolean": ("INTEGER",),
}


def test_every_resource_is_a_typed_table(built, conn):
    pkg, _, result = built
    for name, schema in _schema(pkg).items():
        info = {r[1]: r for r in conn.execute(f'PRAGMA table_info("{name}")')}
        assert [f["name"] for f in schema["fields"]] == list(info), name
        for f in schema["fields"]:
            _, _, sqltype, notnull, _, _ = info[f["name"]]
            # number: REAL (sqlite-utils 4) or FLOAT (3.x), both of REAL affinity
            assert sqltype in SQL_TYPE.get(f["type"], ("REAL", "FLOAT")), (name, f["name"])
            required = f.get("constraints", {}).get("required", False)
            assert notnull == int(required or f["name"] in schema.get("primaryKey", [])), f
        count = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        assert count == result["rows"][name]
    assert result["rows"]["publishers"] == 120
    assert result["foreign_key_violations"] == 0


def test_primary_and_foreign_keys_are_declared(conn):
    for res in t.RESOURCES:
        info = conn.execute(f'PRAGMA table_info("{res.name}")').fetchall()
        pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        assert tuple(pk) == res.primary_key, res.name
        fks = {(r[3], r[2], r[4]) for r in conn.execute(f'PRAGMA foreign_key_list("{res.name}")')}
        assert fks == set(res.foreign_keys), res.name
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_values_are_typed(conn):
    late, days = conn.execute(
        "SELECT decision_late, workdays_to_decision FROM decisions WHERE id = 'dec-6'"
    ).fetchone()
    assert (late, days) == (1, 6)
    assert conn.execute("SELECT decision_late FROM decisions WHERE id = 'dec-1'").fetchone() == (0,)
    fine, published_late, day = conn.execute(
        "SELECT fine_amount, publication_late, decision_date FROM penalties"
    ).fetchone()
    assert (fine, published_late, day) == (5000.5, 0, "2019-06-10")
    assert conn.execute("SELECT typeof(seq) FROM decision_changes").fetchone() == ("integer",)
    # empty cells are NULL, not ''
    assert conn.execute("SELECT count(*) FROM media WHERE issn = ''").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM media WHERE issn IS NULL").fetchone()[0] > 0
    body = conn.execute("SELECT body FROM notices").fetchone()[0]
    assert body == "根据《广告发布登记管理规定》第十六条，\n现予公告。"


def _plan(conn: sqlite3.Connection, sql: str, params: Any) -> str:
    return " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_status_on_date_is_one_indexed_lookup(conn):
    plan = _plan(conn, STATUS_ON_SQL, {"registration_id": "reg-1", "day": "2019-01-01"})
    assert plan.startswith("SEARCH s USING INDEX sqlite_autoindex_status_periods_1")
    assert "registration_id=? AND valid_from<?" in plan
    assert "TEMP B-TREE" not in plan

    def status(reg: str, day: date | str) -> str | None:
        period = status_on(conn, reg, day)
        return None if period is None else period["status"]

    assert status("reg-1", date(2019, 1, 1)) == "valid"
    assert status("reg-1", "2020-12-31") == "valid"
    assert status("reg-1", date(2021, 1, 1)) == "cancelled"
    assert status("reg-2", date(2021, 4, 28)) == "expired"
    assert status("reg-2", date(2030, 1, 1)) is None  # beyond the horizon nothing is stated
    assert status_on(conn, "reg-1", date(2017, 1, 4)) is None
    assert status_on(conn, "no-such-registration", date(2019, 1, 1)) is None


@pytest.fixture(scope="module")
def without_stats(built, tmp_path_factory) -> Iterator[sqlite3.Connection]:
    """A copy without ANALYZE statistics: on tiny tables they rightly prefer a scan."""
    copy = tmp_path_factory.mktemp("nostats") / "copy.db"
    copy.write_bytes(built[1].read_bytes())
    with sqlite3.connect(copy) as c:
        c.execute("DELETE FROM sqlite_stat1")
    c.close()
    c = connect_readonly(copy)
    yield c
    c.close()


@pytest.mark.parametrize(
    ("table", "columns"), [(t, c) for t, idx in INDEXES.items() for c in idx], ids=str
)
def test_every_lookup_has_an_index(without_stats, table, columns):
    # A trailing id only orders a page (keyset pagination): the lookup is by the rest.
    columns = [c for c in columns.split(", ") if c != "id"]
    where = " AND ".join(f'"{c}" = ?' for c in columns)
    plan = _plan(without_stats, f'SELECT * FROM "{table}" WHERE {where}', ["x"] * len(columns))
    assert plan.startswith(f"SEARCH {table} USING INDEX idx_{table}_"), plan


def test_statistics_are_gathered(conn):
    analysed = {r[0] for r in conn.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"media", "status_periods", "search_index"} <= analysed


def test_views(conn):
    # "Now" is the release's horizon (as-of date capped at the regime end), never the clock.
    on = conn.execute("SELECT DISTINCT on_date, as_of FROM current_status").fetchall()
    assert on == [("2021-04-28", "2021-04-28")]
    rows = conn.execute("SELECT registration_id, status FROM current_status").fetchall()
    assert len(rows) == 120  # one row per registration
    assert dict(rows)["reg-1"] == "cancelled"
    assert dict(rows)["reg-2"] == "expired"
    labels = dict(conn.execute("SELECT registration_id, status_zh FROM current_status"))
    assert labels["reg-1"] == "已注销"
    row = conn.execute(
        "SELECT publisher_name, authority_name, media_count, decision_count, status_on_horizon"
        " FROM registration_overview WHERE registration_id = 'reg-1'"
    ).fetchone()
    assert row == ("重庆日报社", "长沙市市场监督管理局", 2, 1, "cancelled")
    for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'view'"):
        assert "'now'" not in sql


def test_labels_carry_the_chinese_titles(conn):
    titles = dict(
        ((r, f), title)
        for r, f, title in conn.execute("SELECT resource, field, title FROM _columns")
    )
    for res in t.RESOURCES:
        for col in package.columns(res.row):
            assert titles[res.name, col.name] == col.title
    assert conn.execute(
        "SELECT title, rows FROM _tables WHERE resource = 'publishers'"
    ).fetchone() == ("广告发布单位", 120)


def test_readonly_connection_refuses_writes(conn):
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO authorities VALUES ('110000', 'x', 'province', 'x')")
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("CREATE TABLE x (a)")
    with pytest.raises(FileNotFoundError):
        connect_readonly(Path("/nonexistent/adreg.db"))


def test_a_failed_build_leaves_the_old_file_alone(tmp_path):
    pkg = write_sample(tmp_path / "package")
    db = tmp_path / "adreg.db"
    build_database(pkg, db)
    before = db.read_bytes()
    with (pkg / "ledger.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["hunan", "b.csv", "decisions", "three", "0", "0", "0", "0", "0"])
    with pytest.raises(PackageError, match=r"ledger \(ledger.csv\) line 3: bad value"):
        build_database(pkg, db)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adreg.db", "package"]


def test_the_same_package_gives_the_same_file(tmp_path):
    pkg = write_sample(tmp_path / "package")
    build_database(pkg, tmp_path / "a.db")
    build_database(pkg, tmp_path / "b.db")
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()


def test_foreign_key_violations_fail_the_build(tmp_path):
    tables = sample_tables(publishers=8)
    tables["media"][0] = t.MediumRow(
        id="med-x", registration_id="reg-missing", publisher_id=tables["publishers"][0].id,
        name="孤儿报", type="newspaper",
    )  # fmt: skip
    tables["medium_names"] = [n for n in tables["medium_names"] if n.medium_id != "med-0-0"]
    pkg = write_sample(tmp_path / "package", tables)
    with pytest.raises(PackageError, match="1 foreign-key violations in media"):
        build_database(pkg, tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()
    result = build_database(pkg, tmp_path / "x.db", check_foreign_keys=False)
    assert result["foreign_key_violations"] == 1


def test_duplicate_primary_key_is_reported(tmp_path):
    tables = sample_tables(publishers=8)
    tables["authorities"].append(tables["authorities"][0])
    pkg = write_sample(tmp_path / "package", tables)
    with pytest.raises(PackageError, match=r"authorities.*UNIQUE constraint failed"):
        build_database(pkg, tmp_path / "x.db")


def test_a_package_with_some_resources_builds(tmp_path):
    pkg = write_sample(tmp_path / "package", sample_tables(publishers=6))
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    keep = {"authorities", "publishers", "registrations", "media", "status_periods", "vocabulary"}
    desc["resources"] = [r for r in desc["resources"] if r["name"] in keep]
    (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    result = build_database(pkg, tmp_path / "x.db")
    assert set(result["rows"]) == keep
    assert result["skipped_foreign_keys"] == ["status_periods.decision_id → decisions"]
    assert result["views"] == ["current_status"]  # registration_overview needs decisions
    assert result["search_rows"] > 6


def test_datasette_metadata(built):
    pkg = built[0]
    meta = datasette_metadata(pkg)
    assert meta["title"] == "广告发布登记（测试） 1.0.0"  # the release's version shows
    assert meta["license_url"] == "https://opendatacommons.org/licenses/pddl/1-0/"
    assert "测试来源" in meta["source"]
    assert meta["source_url"] == "https://example.org/source"
    db = meta["databases"]["adreg"]
    tables = db["tables"]
    assert tables["publishers"]["title"] == "广告发布单位 publishers"
    assert tables["publishers"]["columns"]["name"].startswith("广告发布单位名称 — ")
    assert tables["publishers"]["label_column"] == "name"
    assert "current_status" in tables
    assert "status_on_date" in db["queries"] and "new_notices" in db["queries"]
    assert db["plugins"]["adreg"]["codes"]["decisions"]["kind"] == "decision_kind"
    json.dumps(meta)  # serialisable as metadata.json


@pytest.mark.skipif(
    importlib.util.find_spec("datasette") is None,
    reason="datasette is not installed in this environment (it is a test dependency)",
)
def test_datasette_serves_the_database(built):
    from datasette.app import Datasette

    pkg, db, _ = built
    ds = Datasette(immutables=[str(db)], metadata=datasette_metadata(pkg))

    async def requests() -> list[Any]:
        await ds.invoke_startup()
        return [
            await ds.client.get("/adreg/publishers.json?_shape=array&_size=5"),
            await ds.client.get("/adreg/current_status.json?_shape=array&registration_id=reg-1"),
            await ds.client.get("/adreg/search_index.json?_shape=array&_search=湖南卫视"),
        ]

    publishers, status, found = asyncio.run(requests())
    assert publishers.status_code == 200, publishers.text
    assert len(publishers.json()) == 5
    assert status.json()[0]["status"] == "cancelled"
    assert "湖南卫视" in [r["name"] for r in found.json()]  # through the adreg plugin
