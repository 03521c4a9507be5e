"""Datasette at /explore/ on a ~1M-decision release, through a real ``adreg serve``.

    python benchmarks/bench_explore.py [--publishers 210000] [--seed 1] [--rounds 5]

Publishes (once, cached in benchmarks/work/) a release of ``adreg sample --publishers N``
as of 2021-04-28 (≈1M input rows → ≈616k decisions at 210,000), serves it with ``adreg
serve`` and times, over HTTP with a kept-alive connection, Datasette's table pages,
filtered pages with live counts, facet pages and searches from the search box, and the
canned queries; each against its floor: the SQL statements the page needs (rows, count,
facets), run directly on the same file opened immutable. Rounds are interleaved (every
page once per round, HTTP then SQL) and medians reported. Nothing may be silently cut
short: a page whose count or a facet did not finish within Datasette's time limits is
reported as such, and the script exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from benchmarks.common import HERE, ROOT, code_version, published
from publisher.explore.instance import SETTINGS
from publisher.manifest import MANIFEST, file_entries, read_manifest
from publisher.release.datasette import write_datasette_config

# What the release's data depends on: all of publisher/ but Datasette's configuration (it is
# rewritten into the cached release on every run) and the server.
SKIP = {"explore", "serve", "cli.py", "datasette.py"}


def release(work: Path, publishers: int, seed: int) -> Path:
    code = [p for p in (ROOT / "publisher").rglob("*") if p.is_file() and not SKIP & set(p.parts)]
    out, _ = published(work, f"explore-release-p{publishers}-s{seed}", publishers, seed, code)
    refresh_datasette_config((out / "current").resolve())
    return out


def refresh_datasette_config(folder: Path) -> None:
    """Datasette's configuration as this code writes it, listed in the manifest again."""
    db = next(folder.glob("*.db"))
    write_datasette_config(folder, folder / "datapackages" / db.stem, db)
    manifest = read_manifest(folder)
    fresh = {e.path: e for e in file_entries(folder / "datasette")}
    kept = [e for e in manifest.files if not e.path.startswith("datasette/")]
    for path, entry in fresh.items():
        entry.path = f"datasette/{path}"
        kept.append(entry)
    manifest.files = sorted(kept, key=lambda e: e.path)
    import msgspec

    (folder / MANIFEST).write_bytes(msgspec.json.format(msgspec.json.encode(manifest), indent=2))


def pages(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(what, path under /explore/adreg/) for each page measured."""
    code = conn.execute("SELECT authority_code FROM notices LIMIT 1").fetchone()[0]
    credit = conn.execute(
        "SELECT credit_code FROM publishers WHERE credit_code IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    return [
        ("table page: decisions (HTML)", "decisions"),
        ("table page: decisions (JSON)", "decisions.json"),
        (
            "filtered page, live count: decisions?kind=cancellation",
            "decisions.json?kind=cancellation",
        ),
        ("facet page: decisions?_facet=kind", "decisions.json?_facet=kind"),
        ("facet page: decisions?_facet=authority_code", "decisions.json?_facet=authority_code"),
        (
            "date facet: decisions?_facet_date=decision_date",
            "decisions.json?_facet_date=decision_date",
        ),
        ("facet page: status_periods?_facet=status", "status_periods.json?_facet=status"),
        ("facet page (HTML): media?_facet=type", "media?_facet=type"),
        ("search 1 character: search_index?_search=报", f"search_index.json?_search={quote('报')}"),
        (
            "search 2 characters: search_index?_search=交通",
            f"search_index.json?_search={quote('交通')}",
        ),
        (
            "search 4 characters: search_index?_search=交通广播",
            f"search_index.json?_search={quote('交通广播')}",
        ),
        ("search pinyin: media?_search=jiaotong", "media.json?_search=jiaotong"),
        ("search initials: publishers?_search=hfjt (HTML)", "publishers?_search=hfjt"),
        (
            "search a registrant's decisions: decisions?_search=交通",
            f"decisions.json?_search={quote('交通')}",
        ),
        (
            "canned: media_valid_on?day=2019-06-01 (1,000 rows)",
            "media_valid_on.json?day=2019-06-01",
        ),
        (
            "canned: authority_notices, one authority, 2017",
            f"authority_notices.json?authority_code={code}&from_date=2017-01-01&to_date=2017-12-31",
        ),
        (
            "canned: registrant_history by credit code",
            f"registrant_history.json?credit_code={credit}",
        ),
        ("canned: late_decisions (1,000 rows)", "late_decisions.json"),
        ("Atom feed of new notices", "new_notices.atom"),
    ]


def as_json(path: str) -> str:
    """The JSON form of a page: the same statements, without the HTML or the feed."""
    base, _, query = path.partition("?")
    base = base.removesuffix(".atom").removesuffix(".json") + ".json"
    return f"{base}?{query}&_trace=1" if query else f"{base}?_trace=1"


def traced(folder: Path, name: str, paths: list[str]) -> dict[str, list[tuple[str, Any]]]:
    """The SQL statements (with parameters) Datasette runs on the database for each page:
    for a table page as its own trace (``trace_debug``) reports them, for a canned query its
    SQL with the page's parameters (Datasette runs nothing else of note; its trace of a
    large canned query fails). The page's floor, run directly."""
    import asyncio
    from urllib.parse import parse_qsl

    from publisher.explore.instance import datasette_for, read_config

    queries = read_config(folder)[0]["databases"][name]["queries"]
    ds = datasette_for(folder, settings={"trace_debug": True})

    async def run() -> dict[str, list[tuple[str, Any]]]:
        await ds.invoke_startup()
        out = {}
        for path in paths:
            base, _, query = path.partition("?")
            canned = base.split(".")[0]
            if canned in queries:
                sql = queries[canned]["sql"]
                params = {k: "" for k in re.findall(r":(\w+)", sql)} | dict(parse_qsl(query))
                out[path] = [(sql, params)]
                continue
            await ds.client.get(f"/{name}/{as_json(path)}")  # schema refresh, caches
            data = (await ds.client.get(f"/{name}/{as_json(path)}")).json()
            traces = data["_trace"]["traces"]
            out[path] = [(t["sql"], t["params"] or ()) for t in traces if t["database"] == name]
        return out

    return asyncio.run(run())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cut_short(response: httpx.Response) -> tuple[list[str], str]:
    """What Datasette did not finish in time on this page (empty: nothing), and a note
    when it returned its maximum of rows and said so (``truncated``)."""
    if response.status_code != 200:
        return [f"HTTP {response.status_code}: {response.text[:200]}"], ""
    if not response.headers["content-type"].startswith("application/json"):
        timed_out = "These facets timed out" in response.text or "行数未能" in response.text
        return (["a facet or the count timed out"] if timed_out else []), ""
    data = response.json()
    out = [f"facet {name} timed out" for name in data.get("facets_timed_out", [])]
    if "filtered_table_rows_count" in data and data["filtered_table_rows_count"] is None:
        out.append("count timed out")
    return out, ("yes; first 1,000 rows, marked truncated" if data.get("truncated") else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishers", type=int, default=210_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--build-only", action="store_true", help="Build the release and stop.")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    root = release(args.work, args.publishers, args.seed)
    if args.build_only:
        return 0
    folder = (root / "current").resolve()
    db = next(folder.glob("*.db"))
    conn = sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)
    todo = pages(conn)
    floors = traced(folder, db.stem, [path for _, path in todo])
    port = free_port()
    adreg = str(Path(sys.executable).with_name("adreg"))
    cmd = [adreg, "serve", "--release", str(root), "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/explore/{db.stem}/"
    try:
        with httpx.Client(timeout=60) as client:
            for _ in range(600):
                try:
                    if client.get(base + "vocabulary.json").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            http: dict[str, list[float]] = {what: [] for what, _ in todo}
            sql: dict[str, list[float]] = {what: [] for what, _ in todo}
            problems: dict[str, list[str]] = {}
            notes: dict[str, str] = {}
            for _what, path in todo:  # warm-up: page cache and statement caches
                client.get(base + path)
            for _ in range(args.rounds):
                for what, path in todo:
                    t0 = time.perf_counter()
                    response = client.get(base + path)
                    http[what].append((time.perf_counter() - t0) * 1000)
                    short, note = cut_short(response)
                    if short:
                        problems[what] = short
                    if note:
                        notes[what] = note
                    t0 = time.perf_counter()
                    for statement, params in floors[path]:  # as Datasette fetches
                        conn.execute(statement, params).fetchmany(1001)
                    sql[what].append((time.perf_counter() - t0) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = json.loads((folder / "datasette" / "counts.json").read_text())
    print(
        f"commit {code_version()}; {counts['decisions']:,} decisions, {counts['search_index']:,}"
        f" names; {args.rounds} interleaved rounds, medians; settings: sql_time_limit_ms"
        f" {SETTINGS['sql_time_limit_ms']}, facet_time_limit_ms {SETTINGS['facet_time_limit_ms']}"
    )
    print(f"{'page':58} {'HTTP ms':>9} {'SQL ms':>8} {'ratio':>6}  finished?")
    for what, _ in todo:
        h, s = statistics.median(http[what]), statistics.median(sql[what])
        said = "; ".join(problems.get(what, [])) or notes.get(what) or "yes"
        print(f"{what:58} {h:9.1f} {s:8.1f} {h / max(s, 0.01):6.1f}  {said}")
    if problems:
        print("cut short: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items()))
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
