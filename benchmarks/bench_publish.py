"""The whole ``adreg publish`` against ``frictionless validate`` of the package it produced.

    python benchmarks/bench_publish.py [--publishers 210000] [--rounds 1] [--seed 1]
                                       [--as-of 2021-04-28] [--work benchmarks/work]

A sample of ``--publishers`` publishers (``adreg sample``; 210k ≈ 1M decision rows) is
generated once into the work dir (shared with bench_ingest.py). Each round, in fresh
processes under ``/usr/bin/time -v`` (wall, CPU, peak RSS of the largest process), their
processes' memory together sampled every 0.2 s:

A ``adreg publish <sources> --out <work>/publish-…/round<N> --as-of 2021-04-28 --no-site -q -v``
  (a fresh ``--out`` per round; ``-v`` only prints the build steps, timed here);
B ``frictionless validate datapackage.json --limit-errors 0 --json`` in
  ``<out>/current/datapackages/adreg/`` (every row of every resource, foreign keys).

Rounds are interleaved A B A B. Goals: median wall ratio publish / frictionless ≤ 1.0,
publish peak RSS ≤ 2 GB (2,048 MiB) at 1M decisions, all its processes together.

The rows measured must be the rows meant: publish takes every row of the sample (none
is left out), so the release's own ledger (``ledger.csv``: rows read per input file)
must count, file by file, the rows the generator wrote; and frictionless must read
every row the release's manifest counts. The script prints both sides and exits 1 if
they differ, if publish fails, or if frictionless finds errors in the package.
"""

from __future__ import annotations

import argparse
import csv
import json
import shlex
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from common import TIME, code_version, compare_rows, measured, sample_dir, tool

HERE = Path(__file__).resolve().parent
GOAL_RATIO = 1.0
GOAL_RSS_MIB = 2048


def steps(m: dict[str, Any]) -> str:
    """``adreg: step X`` lines → ``X 12.3s`` (each step until the next, the last until exit)."""
    marks = [(t, s.split("step ", 1)[1]) for t, s in m["lines"] if s.startswith("adreg: step ")]
    ends = [t for t, _ in marks[1:]] + [m["wall"]]
    return ", ".join(f"{name} {end - t:.1f}s" for (t, name), end in zip(marks, ends, strict=True))


def publish_cmd(sources: list[Path], out: Path, as_of: str) -> list[str]:
    # The static site is measured on its own (bench_site.py; its cost at this size is in
    # the README): this benchmark compares making and checking the data.
    return [
        tool("adreg"),
        "publish",
        *map(str, sources),
        "--out",
        str(out),
        "--as-of",
        as_of,
        "--no-site",
    ]


def fl_cmd() -> list[str]:
    return [tool("frictionless"), "validate", "datapackage.json", "--limit-errors", "0", "--json"]


def report_summary(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows, kinds, examples = 0, Counter[str](), []
    per: dict[str, int] = {}
    errors = [("package", e) for e in data.get("errors", [])]
    for task in data.get("tasks", []):
        per[task.get("name", "?")] = task.get("stats", {}).get("rows", 0)
        rows += per[task.get("name", "?")]
        errors += [(task.get("name", "?"), e) for e in task.get("errors", [])]
        examples += [f"{task.get('name')}: warning {w}" for w in task.get("warnings", [])]
    for name, e in errors:
        kinds[f"{name}:{e.get('type')}:{e.get('fieldName', '')}"] += 1
        if len(examples) < 10:
            examples.append(f"{name} row {e.get('rowNumber', '—')}: {e.get('message')}")
    return {
        "valid": data.get("valid"),
        "rows": rows,
        "per": per,
        "kinds": dict(kinds),
        "examples": examples,
    }


def rows_read(package: Path) -> dict[str, int]:
    """Rows read per input file (``source/file``), as the release's ledger counts them."""
    with (package / "ledger.csv").open(encoding="utf-8", newline="") as fh:
        return {f"{r['source']}/{r['file']}": int(r["read"]) for r in csv.DictReader(fh)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--publishers", type=int, default=210_000, help="sample size (≈ 4.7 rows each)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2021-04-28")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    args = ap.parse_args()
    work = args.work.resolve()
    sample, info = sample_dir(work, args.publishers, args.seed)
    sources = sorted(d for d in sample.iterdir() if d.is_dir())
    timer = "/usr/bin/time -v" if Path(TIME).is_file() else "getrusage (no /usr/bin/time)"
    print(f"sample: {sample} ({info['rows']:,} input rows in {len(sources)} sources)")
    version = subprocess.run([tool("frictionless"), "--version"], capture_output=True, text=True)
    print(f"frictionless {version.stdout.strip()}; wall from the parent, CPU and peak RSS {timer}")
    print(f"code: {code_version()}")
    base = work / f"publish-p{args.publishers}-s{args.seed}"
    a: list[dict[str, Any]] = []
    b: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    read: dict[str, int] = {}
    for r in range(args.rounds):
        out = base / f"round{r + 1}"
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        m = measured([*publish_cmd(sources, out, args.as_of), "-q", "-v"], work)
        if m["rc"] != 0:
            tail = "\n".join(s for _, s in m["lines"][-20:])
            print(f"adreg publish failed (exit {m['rc']}):\n{tail}")
            return 1
        a.append(m)
        print(f"  round {r + 1}: publish {m['wall']:.1f} s ({steps(m)})", flush=True)
        package = out / "current" / "datapackages" / "adreg"
        manifest = json.loads((out / "current" / "release.json").read_text(encoding="utf-8"))
        counts = manifest.get("counts", {})
        read = rows_read(package)
        report = out / "frictionless.json"
        m = measured(fl_cmd(), package, stdout=report)
        if m["rc"] not in (0, 1):
            tail = "\n".join(s for _, s in m["lines"][-20:])
            print(f"frictionless failed (exit {m['rc']}):\n{tail}")
            return 1
        b.append(m)
        summaries.append(report_summary(report))
        print(f"  round {r + 1}: frictionless {m['wall']:.1f} s", flush=True)
    total = sum(counts.values())
    s = summaries[-1]
    print()
    print(
        f"Package: {counts.get('decisions', 0):,} decisions, {total:,} rows in "
        f"{len(counts)} resources; frictionless read {s['rows']:,} rows"
    )
    head = f"{'side':<14}{'wall s (each round)':<28}{'median':>9}{'CPU s':>9}"
    print(f"{head}{'peak RSS':>12}{'all processes':>16}")
    for name, ms in (("adreg publish", a), ("frictionless", b)):
        walls = [m["wall"] for m in ms]
        each = " ".join(f"{w:.1f}" for w in walls)
        cpu = statistics.median(m["cpu"] for m in ms)
        rss = max(m["rss"] for m in ms)
        tree = max((m["tree"] or 0) for m in ms)
        print(
            f"{name:<14}{each:<28}{statistics.median(walls):>9.1f}{cpu:>9.1f}"
            f"{rss:>8,.0f} MiB{tree:>12,.0f} MiB"
        )
    ratio = statistics.median(x["wall"] / y["wall"] for x, y in zip(a, b, strict=True))
    cpu_ratio = statistics.median(x["cpu"] / y["cpu"] for x, y in zip(a, b, strict=True))
    # Publish runs followers (the Excel copy, the database) beside itself: the goal holds
    # for all of its processes together, sampled, and for the largest one, the kernel's.
    rss = max(max(m["rss"], m["tree"] or 0) for m in a)
    print(
        f"ratio publish / frictionless (median per round): {ratio:.2f} (CPU {cpu_ratio:.2f}); "
        f"goal ≤ {GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'}"
    )
    rows_in = info["rows"]
    verdict = "met" if rss <= GOAL_RSS_MIB else "NOT met"
    if rows_in < 900_000:
        verdict += f" at {rows_in:,} input rows (the goal is for ≈ 1M: --publishers 210000)"
    print(
        f"publish peak RSS (all its processes together): {rss:,.0f} MiB; goal ≤ {GOAL_RSS_MIB:,} MiB at 1M decision rows: {verdict}"
    )
    print(
        "rows per resource (frictionless): " + ", ".join(f"{k} {v:,}" for k, v in s["per"].items())
    )
    title = "input rows per file: written by the generator (none is left out) → read by publish"
    problems = compare_rows(title, info["files"], read)
    print(f"package rows meant (manifest): {total:,}; read by frictionless: {s['rows']:,}")
    if s["rows"] != total:
        problems.append(f"frictionless read {s['rows']:,} rows, the manifest counts {total:,}")
    bad = [x for x in summaries if not x["valid"]]
    if bad:
        problems.append(f"frictionless finds the package invalid: {bad[-1]['kinds']}")
        for e in bad[-1]["examples"]:
            print(f"  {e}")
    cmd = ["python", "benchmarks/bench_publish.py", "--publishers", str(args.publishers)]
    cmd += ["--rounds", str(args.rounds), "--seed", str(args.seed), "--as-of", args.as_of]
    print()
    print("reproduce: " + shlex.join(cmd))
    sample_rel = shlex.quote(str(sample))
    print(f"  A: adreg publish {sample_rel}/* --out OUT --as-of {args.as_of} -q")
    print("  B: (cd OUT/current/datapackages/adreg) " + shlex.join(["frictionless", *fl_cmd()[1:]]))
    if problems:
        print(f"not a valid measurement ({len(problems)} problems): " + "; ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
