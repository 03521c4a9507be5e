"""The read side at index speed: in-process latency of every kind of question.

    python benchmarks/bench_read.py [--publishers 210000] [--seed 1] [--per-kind 300]

Publishes (once, cached in benchmarks/work/) a release of ``adreg sample --publishers N``
(≈1M input rows at 210,000), opens it with the read side's Reader, and for each kind of
query (a medium's full name, 1-, 2- and 3+-character names, a pinyin word from inside a
name and initials, CN number, ISSN, credit code, registration number, an authority's
notices of a month) times each call in process (no process start-up): p50 and p99,
against the floor of the same number of primary-key lookups (the statements the call
issued, counted, each replaced by ``SELECT … WHERE id = ?``). Goals: p50 ≤ 1 ms and p99 ≤
5 ms for every kind. Exits 1 when a kind misses its goal or finds nothing to ask.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import HERE, ROOT, code_version, published
from publisher.read import notices
from publisher.read.reader import Reader
from publisher.read.verify import verify
from publisher.release.search_index import syllables

GOAL_P50_MS, GOAL_P99_MS = 1.0, 5.0
ON = date(2019, 6, 1)


def release(work: Path, publishers: int, seed: int) -> Path:
    name = f"release-p{publishers}-s{seed}"
    return published(work, name, publishers, seed, [ROOT / "publisher"])[0]


def queries(conn: sqlite3.Connection, n: int, rng: random.Random) -> dict[str, list[Any]]:
    def column(sql: str) -> list[Any]:
        values = [r[0] for r in conn.execute(sql) if r[0]]
        return rng.sample(values, min(n, len(values)))

    media = column("SELECT name FROM media")
    words = []
    for name in media:
        syl = syllables(name)
        if len(syl) > 3:
            words.append("".join(f for f, _ in syl[2:4]))  # a word from inside the name
    initials = []
    for name in media:
        syl = syllables(name)
        initials.append("".join(i for _, i in syl[2:]))
    chars = [name[rng.randrange(len(name))] for name in media]
    twos = [
        name[k : k + 2] for name in media if len(name) > 2 for k in [rng.randrange(len(name) - 1)]
    ]
    threes = [
        name[k : k + 3] for name in media if len(name) > 3 for k in [rng.randrange(len(name) - 2)]
    ]
    months = [
        (code, f"{y}-{m:02d}")
        for code, y, m in conn.execute(
            "SELECT DISTINCT authority_code, CAST(substr(publication_date, 1, 4) AS INT),"
            " CAST(substr(publication_date, 6, 2) AS INT) FROM notices"
        )
    ]
    return {
        "full name": media,
        "1-character name": chars,
        "2-character name": twos,
        "3+-character name": threes,
        "pinyin word": words,
        "pinyin initials": initials,
        "CN number": column("SELECT cn_number FROM media WHERE cn_number IS NOT NULL"),
        "ISSN": column("SELECT issn FROM media WHERE issn IS NOT NULL"),
        "credit code": column("SELECT credit_code FROM publishers WHERE credit_code IS NOT NULL"),
        "registration number": column(
            "SELECT registration_number FROM registrations WHERE registration_number IS NOT NULL"
        ),
        "notices of an authority in a month": rng.sample(months, min(n, len(months))),
    }


def ask(reader: Reader, kind: str) -> Callable[[Any], Any]:
    if kind == "notices of an authority in a month":

        def month(q: tuple[str, str]) -> Any:
            code, ym = q
            y, m = map(int, ym.split("-"))
            last = date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1
            return notices.notices(
                reader, authority=code, date_from=date(y, m, 1), date_to=date.fromordinal(last)
            )

        return month
    return lambda q: verify(reader, q, ON)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishers", type=int, default=210_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    root = release(args.work, args.publishers, args.seed)
    reader = Reader(root)
    conn = reader.conn
    rng = random.Random(7)
    ids = [r[0] for r in conn.execute("SELECT id FROM registrations")]
    print(f"commit {code_version()}; {len(ids)} registrations; on {ON}")
    print(
        f"{'query kind':38} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'stmts':>6} {'floor p50':>10}  goal"
    )
    failed = []
    for kind, qs in queries(conn, args.per_kind, rng).items():
        if not qs:
            failed.append(f"{kind}: nothing to ask")
            continue
        run = ask(reader, kind)
        for q in qs[:20]:  # warm the page cache and the statement cache
            run(q)
        times, counts = [], []
        for q in qs:
            issued: list[str] = []
            conn.set_trace_callback(issued.append)
            t0 = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - t0) * 1000)
            conn.set_trace_callback(None)
            counts.append(len(issued))
        stmts = statistics.median(counts)
        floor = []
        for _ in range(len(qs)):
            picks = [rng.choice(ids) for _ in range(int(stmts))]
            t0 = time.perf_counter()
            for rid in picks:
                conn.execute("SELECT * FROM registrations WHERE id = ?", [rid]).fetchone()
            floor.append((time.perf_counter() - t0) * 1000)
        p50, p99 = percentile(times, 50), percentile(times, 99)
        ok = p50 <= GOAL_P50_MS and p99 <= GOAL_P99_MS
        print(
            f"{kind:38} {len(qs):>4} {p50:8.3f} {p99:8.3f} {stmts:6.0f} {percentile(floor, 50):10.3f}"
            f"  {'met' if ok else 'MISSED'}"
        )
        if not ok:
            failed.append(kind)
    if failed:
        print("goals missed: " + "; ".join(failed))
        return 1
    print(f"every kind: p50 ≤ {GOAL_P50_MS} ms and p99 ≤ {GOAL_P99_MS} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
