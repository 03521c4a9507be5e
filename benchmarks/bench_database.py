"""SQLite build and name search on ~1M plausible publisher/medium names, side by side.

    python benchmarks/bench_database.py [--rows 1000000] [--repeat 2] [--queries 100]

``--rows`` names are split 40 % publishers (a third of the periodical publishers with
a sponsor) and 60 % media; each publisher has one registration and two status
periods, so the package holds about 2.2 × rows table rows. Three comparisons, each
in one run, interleaved A B A B, medians (about 2½ minutes on 2 cores for 1M):

1. DB load: the load phase of ``build_database`` (create tables with sqlite-utils,
   read the CSVs, convert by column type, insert) against a raw ``executemany`` of
   the same, already converted rows into the same empty tables in one transaction,
   journal off. Goal: ratio ≥ 0.5. The full build (indexes, search index with pinyin,
   FTS, ANALYZE) is timed once and shown phase by phase.
2. Name search, 3+ characters: ``name_search`` (FTS5 trigram) against the same
   ``LIKE '%q%'`` scan of ``search_index`` (same rows, same LIMIT), for queries cut
   from random names, absent queries, and with no limit. Goal: ≥ 20× faster.
3. 1–2-character queries: ``name_search`` returns exactly the LIKE scan's rows (asserted,
   with LIMIT 20 and without); timings for ideographs (unigram FTS) and other text.

The rows measured must be the rows meant: the script prints the rows generated and
the rows loaded, table by table, and exits 1 if they differ.
"""

from __future__ import annotations

import argparse
import random
import re
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from common import compare_rows
from sqlite_utils import Database

from publisher.read.search import escape_like, name_search
from publisher.release import package
from publisher.release import tables as t
from publisher.release.database import build_database, transaction
from publisher.release.load import load_tables, read_package
from publisher.samples.names import (
    PAPER_TITLES,
    PERIODICAL_TOPICS,
    RADIO_THEMES,
    TV_THEMES,
    trade_name,
)

_PROVINCES = "北京 天津 河北 山西 辽宁 吉林 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 陕西 甘肃"
_CITIES = (
    "长沙 株洲 湘潭 衡阳 岳阳 常德 合肥 芜湖 蚌埠 安庆 黄山 成都 绵阳 德阳 南充 宜宾 杭州 宁波 温州"
    " 嘉兴 湖州 绍兴 金华 南京 无锡 徐州 常州 苏州 南通 广州 深圳 珠海 汕头 佛山 韶关 厦门 福州 泉州"
    " 漳州 济南 青岛 烟台 潍坊 郑州 洛阳 开封 武汉 宜昌 襄阳 西安 宝鸡 咸阳 昆明 大理 贵阳 遵义 南宁"
    " 桂林 柳州 海口 三亚 太原 大同 石家庄 保定 唐山 沈阳 大连 长春 哈尔滨 兰州 西宁 银川 南昌 九江"
)
PROVINCES, CITIES = _PROVINCES.split(), _CITIES.split()
PUB_SUFFIX = (
    *("日报社", "晚报社", "杂志社", "期刊社", "广播电视台", "人民广播电台", "电视台"),
    *("传媒有限公司", "报业传媒集团", "融媒体中心", "出版传媒有限公司"),
)
SPONSORS = ("大学", "科学技术协会", "文学艺术界联合会", "出版集团", "医学会", "研究院")
KIND = {
    "日报社": "newspaper",
    "晚报社": "newspaper",
    "杂志社": "periodical",
    "期刊社": "periodical",
}
MEDIUM_TYPE = {"radio": "radio_frequency", "tv": "tv_channel"}
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")  # what the unigram index serves


def place(rng: random.Random) -> str:
    return rng.choice(CITIES) if rng.random() < 0.7 else rng.choice(PROVINCES)


def synthetic(rows: int, seed: int = 1) -> dict[str, list[Any]]:
    """Plausible names: place + optional 字号 + theme + suffix, as in real registers."""
    rng = random.Random(seed)
    n_pub = max(rows * 2 // 5, 1)
    codes = [f"{430000 + 100 * i:06d}" for i in range(40)]
    out: dict[str, list[Any]] = {k: [] for k in ("publishers", "registrations", "media")}
    out["status_periods"], out["decisions"], out["notices"] = [], [], []
    out["authorities"] = [
        t.AuthorityRow(division_code=c, name=f"{c}市场监督管理局", level="prefecture",
                       division_name=c)
        for c in codes
    ]  # fmt: skip
    media_left = rows - n_pub
    for i in range(n_pub):
        where = place(rng)
        trade = trade_name(rng) if rng.random() < 0.8 else ""
        suffix = rng.choice(PUB_SUFFIX)
        kind = KIND.get(suffix) or ("radio" if "电台" in suffix else "tv")
        pub_id = f"91{codes[i % 40]}MA{i:08d}"[:18]
        sponsored = kind == "periodical" and rng.random() < 0.33
        out["publishers"].append(
            t.PublisherRow(
                id=pub_id,
                name=where + trade + suffix,
                kind=kind,  # type: ignore[arg-type]
                credit_code=pub_id,
                sponsor_name=place(rng) + rng.choice(SPONSORS) if sponsored else None,
            )
        )
        reg = f"reg-{i}"
        out["registrations"].append(
            t.RegistrationRow(id=reg, authority_code=codes[i % 40], publisher_id=pub_id)
        )
        out["status_periods"] += [
            t.StatusPeriodRow(registration_id=reg, status="valid", valid_from=date(2017, 1, 5),
                              valid_to=date(2020, 12, 31)),
            t.StatusPeriodRow(registration_id=reg, status="expired", valid_from=date(2021, 1, 1),
                              valid_to=date(2021, 4, 28)),
        ]  # fmt: skip
        for j in range(2 if media_left > n_pub - i else 1):
            if media_left <= 0:
                break
            media_left -= 1
            if kind == "radio":
                name = (
                    where
                    + trade[:1]
                    + rng.choice(RADIO_THEMES)
                    + f"FM{rng.randrange(875, 1080) / 10}"
                )
            elif kind == "tv":
                name = where + trade[:1] + rng.choice(TV_THEMES)
            elif kind == "newspaper":
                name = where + trade + rng.choice(PAPER_TITLES)
            else:
                name = where * (rng.random() < 0.5) + trade + rng.choice(PERIODICAL_TOPICS) + "杂志"
            printed = kind in ("newspaper", "periodical")
            out["media"].append(
                t.MediumRow(
                    id=f"med-{i}-{j}",
                    registration_id=reg,
                    publisher_id=pub_id,
                    name=name,
                    type=MEDIUM_TYPE.get(kind, kind),  # type: ignore[arg-type]
                    cn_number=f"{11 + i % 60}-{i % 6000:04d}" if printed else None,
                )
            )
    return out


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def fresh_db(path: Path) -> Database:
    path.unlink(missing_ok=True)
    db = Database(path, execute_plugins=False)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-131072"):
        db.execute(f"PRAGMA {pragma}")
    return db


def bench_load(pkg: Path, work: Path, repeat: int) -> dict[str, Any]:
    """A: the load phase of ``build_database``; B: raw executemany of the same rows.

    Round 1's A is a full ``build_database`` (its own load timing; its database is the
    one searched below and the source of B's rows); later A rounds run ``load_tables``,
    the function that phase calls, on a fresh file with the same pragmas.
    """
    _, resources = read_package(pkg)
    built = build_database(pkg, work / "bench.db")
    a = [built["seconds"]["load"]]
    conn = sqlite3.connect(work / "bench.db")
    schema = [
        conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [r.name]).fetchone()[0]
        for r in resources
    ]
    data = {
        r.name: conn.execute(f'SELECT * FROM "{r.name}" ORDER BY rowid').fetchall()
        for r in resources
    }
    conn.close()
    total = sum(built["rows"].values())

    def ours() -> None:
        db = fresh_db(work / "a.db")
        with transaction(db):
            load_tables(db, resources, pkg)
        db.close()

    def raw() -> None:
        (work / "b.db").unlink(missing_ok=True)
        conn = sqlite3.connect(work / "b.db")
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-131072"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        for sql in schema:
            conn.execute(sql)
        for r in resources:
            marks = ", ".join("?" * len(r.fields))
            conn.executemany(f'INSERT INTO "{r.name}" VALUES ({marks})', data[r.name])
        conn.execute("COMMIT")
        conn.close()

    b = [timed(raw)]
    for _ in range(repeat - 1):
        a.append(timed(ours))
        b.append(timed(raw))
    ta, tb = statistics.median(a), statistics.median(b)
    return {"rows": total, "ours": ta, "raw": tb, "ratio": tb / ta, "build": built, "a": a, "b": b}


def bench_search(db: Path, n_queries: int, seed: int) -> dict[str, Any]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    names = [r[0] for r in conn.execute("SELECT name FROM search_index")]
    rng = random.Random(seed)

    def cut(size: tuple[int, int]) -> str:
        name = rng.choice([n for n in rng.sample(names, 50) if len(n) >= size[1]] or ["新闻广播"])
        k = rng.randint(*size)
        i = rng.randrange(len(name) - k + 1)
        return name[i : i + k]

    def like(q: str, limit: int) -> list[tuple[str, str]]:
        rows = conn.execute(
            "SELECT kind, ref FROM search_index WHERE name LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            [f"%{escape_like(q)}%", 2 * limit],
        )
        return list(dict.fromkeys(rows))[:limit]

    def ours(q: str, limit: int) -> list[tuple[str, str]]:
        return [(r["kind"], r["id"]) for r in name_search(conn, q, limit)]

    absent = ["不存在的名称", "火星日报社", "广告发布登记", "ＸＹＺ"]
    sets = {
        "3–5 chars from a name, LIMIT 20": ([cut((3, 5)) for _ in range(n_queries)], 20),
        "absent names, LIMIT 20": (absent * 5, 20),
        "3–5 chars, all rows (no limit)": ([cut((3, 5)) for _ in range(n_queries // 5)], 10**7),
    }
    out: dict[str, Any] = {}
    for label, (queries, limit) in sets.items():
        ta, tb, ratios = [], [], []
        for q in queries:
            a0 = time.perf_counter()
            got = ours(q, limit)
            a1 = time.perf_counter()
            want = like(q, limit)
            b1 = time.perf_counter()
            assert got == want, (q, got[:3], want[:3])
            ta.append(a1 - a0)
            tb.append(b1 - a1)
            ratios.append((b1 - a1) / (a1 - a0))
        out[label] = (statistics.median(ta), statistics.median(tb), statistics.median(ratios))
    short = [cut((1, 1)) for _ in range(n_queries // 5)]
    short += [cut((2, 2)) for _ in range(n_queries // 4)]
    short += ["鑫", "鑫鑫", "报", "zz", "9", "%"]
    times: dict[bool, tuple[list[float], list[float]]] = {True: ([], []), False: ([], [])}
    for q in short:
        for limit in (20, 10**7):
            a0 = time.perf_counter()
            got = ours(q, limit)
            a1 = time.perf_counter()
            want = like(q, limit)
            b1 = time.perf_counter()
            assert got == want, (q, limit, got[:3], want[:3])
            if limit == 20:
                ta, tb = times[bool(CJK.fullmatch(q))]
                ta.append(a1 - a0)
                tb.append(b1 - a1)
    out["short"] = {
        cjk: (len(ta), statistics.median(ta), max(ta), statistics.median(tb), max(tb))
        for cjk, (ta, tb) in times.items()
    }
    conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="names (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=2, help="A/B rounds of the load")
    parser.add_argument("--queries", type=int, default=100, help="queries per search set")
    args = parser.parse_args()
    command = "python " + shlex.join(sys.argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_database_") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        tables = synthetic(args.rows)
        meant = {name: len(rows) for name, rows in tables.items()}
        package.write_package(
            tables, work / "pkg", name="bench", title="bench", version="1.0.0",
            created=datetime(2024, 1, 1, tzinfo=UTC), sources=[],
        )  # fmt: skip
        del tables
        prepared = time.perf_counter() - t0
        load = bench_load(work / "pkg", work, args.repeat)
        result = load["build"]
        search = bench_search(work / "bench.db", args.queries, seed=2)
    print(f"\n$ {command}")
    print(f"package: {load['rows']:,} table rows written in {prepared:.1f} s")
    print("\n1. DB load (median of A/B rounds)")
    print(
        f"   build_database load phase   {load['ours']:7.2f} s  {load['rows'] / load['ours']:>9,.0f} rows/s"
    )
    print(
        f"   raw executemany, 1 txn      {load['raw']:7.2f} s  {load['rows'] / load['raw']:>9,.0f} rows/s"
    )
    print(f"   ratio (goal ≥ 0.5)          {load['ratio']:7.2f}")
    rounds = " ".join(f"A {x:.2f} B {y:.2f}" for x, y in zip(load["a"], load["b"], strict=True))
    print(f"   rounds (s): {rounds}")
    sec = result["seconds"]
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in sec.items() if k != "total")
    print(f"   full build_database: {sec['total']:.1f} s ({phases}); "
          f"{result['search_rows']:,} names indexed; {result['bytes'] / 1e6:.0f} MB")  # fmt: skip
    print("\n2. name search, 3+ characters: FTS5 trigram vs LIKE scan (medians per query)")
    print(f"   {'query set':34} {'FTS ms':>8} {'LIKE ms':>9} {'ratio':>7}")
    for label, figures in search.items():
        if label != "short":
            a, b, ratio = figures
            print(f"   {label:34} {a * 1e3:8.3f} {b * 1e3:9.2f} {ratio:6.0f}×")
    print("\n3. 1–2 characters, LIMIT 20 and no limit: row lists identical to LIKE's (asserted)")
    print(
        f"   {'LIMIT 20, ms':34} {'n':>4} {'median':>8} {'max':>7} {'LIKE med':>9} {'LIKE max':>9}"
    )
    for cjk, (n, med, worst, like_med, like_worst) in search["short"].items():
        label = "ideographs: unigram FTS" if cjk else "other text: LIKE scan"
        print(f"   {label:34} {n:4} {med * 1e3:8.2f} {worst * 1e3:7.1f} {like_med * 1e3:9.2f}"
              f" {like_worst * 1e3:9.1f}")  # fmt: skip
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    title = f"tables of {args.rows:,} names: rows generated → loaded by build_database"
    if problems := compare_rows(title, meant, result["rows"]):
        sys.exit("not a valid measurement: " + "; ".join(problems))


if __name__ == "__main__":
    main()
