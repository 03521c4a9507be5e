"""Our extract + normalise + validate throughput against ``frictionless validate``, same rows.

    python benchmarks/bench_ingest.py [--publishers 210000] [--rows 0] [--planted-rows 100000]
                                      [--rounds 3] [--seed 1] [--work benchmarks/work]

1. The data set (:mod:`ingest_data`, cached in the work dir and rebuilt when the code
   that builds it changes): the decision rows of a sample of ``--publishers``
   publishers (``adreg sample``, ≈ 4.7 decision rows each), from every source and
   format, read through ingest's own reader and rewritten into ONE dedicated source,
   a plain UTF-8 CSV with an equivalent Frictionless Table Schema. Rows our
   normaliser would reject for reasons frictionless cannot see are left out, counted
   by reason. ``--rows N`` keeps the first N rows.
2. Throughput, interleaved A B A B for ``--rounds`` rounds, each in a fresh process
   under ``/usr/bin/time -v`` (peak RSS, CPU):
   A ``publisher.ingest.ingest([source])``: every row read, normalised, checked, merged
     and counted, the accepted rows staged as the normalised log (the Python records
     publish builds from that log are not made here; the publish benchmark counts them);
   B ``frictionless validate decisions.csv --schema schema.json --limit-errors 0``
   (no error limit, no row limit: frictionless reads every row).
   Reported: wall median, rows/s, CPU, peak RSS and the median of the per-round
   ratios frictionless wall / ours wall (goal ≥ 5×).
3. Planted errors: the first ``--planted-rows`` rows with about 1 % planted errors
   of kinds both sides detect (impossible date, missing required value, label
   outside the enum, credit code of wrong length or charset, malformed or
   out-of-range CN number, decision before 2016-12-01). The rows frictionless
   reports (``rowNumber``, header = row 1) must equal the rows our ledger rejects
   (CSV line numbers, header = line 1).

The rows measured must be the rows meant: the script prints the sample's decision
rows, those left out (with reasons) and the rows written, then the rows each side
read, and exits 1 if any of these disagree, if either side finds errors in the clean
file, or if the planted rows are not found alike.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from common import TIME, code_version, measured, tool
from ingest_data import HEADER, PLANTS, SOURCE, accounting, dataset

HERE = Path(__file__).resolve().parent

# ---- measuring -------------------------------------------------------------------------------

OURS = """\
import json, sys
from collections import Counter
from publisher.ingest import ingest
r = ingest([sys.argv[1]])
rejected = {o.row: f"{o.reason}:{o.field}" for o in r.ledger.rows if o.outcome == "rejected"}
out = {"counts": {k: getattr(r.ledger.total, k) for k in r.ledger.total.__struct_fields__},
       "reasons": r.ledger.reasons, "rejected": rejected, "decisions": r.counts["decisions"]}
with open(sys.argv[2], "w") as fh:
    json.dump(out, fh)
"""


def run_ours(folder: Path, result: Path) -> dict[str, Any]:
    m = measured([sys.executable, "-c", OURS, str(folder / SOURCE), str(result)], folder)
    if m["rc"] != 0:
        sys.exit("ingest failed:\n" + "\n".join(line for _, line in m["lines"][-20:]))
    return m


def fl_cmd() -> list[str]:
    return [
        *[tool("frictionless"), "validate", "decisions.csv", "--schema", "schema.json"],
        *["--encoding", "utf-8", "--limit-errors", "0", "--json"],
    ]


def run_frictionless(folder: Path, report: Path) -> dict[str, Any]:
    m = measured(fl_cmd(), folder / SOURCE, stdout=report)
    if m["rc"] not in (0, 1):
        sys.exit("frictionless failed:\n" + "\n".join(line for _, line in m["lines"][-20:]))
    return m


def frictionless_rows(report: Path) -> tuple[dict[int, list[str]], list[str], int]:
    """Rows with errors (rowNumber → error descriptions), other errors, rows read."""
    data = json.loads(report.read_text(encoding="utf-8"))
    rows: dict[int, list[str]] = {}
    other = [f"{e.get('type')}: {e.get('message')}" for e in data.get("errors", [])]
    read = 0
    for task in data.get("tasks", []):
        read += task.get("stats", {}).get("rows", 0)
        other += [f"warning: {w}" for w in task.get("warnings", [])]
        for e in task.get("errors", []):
            if "rowNumber" in e:
                what = f"{e['type']}:{e.get('fieldName')}"
                rows.setdefault(int(e["rowNumber"]), []).append(what)
            else:
                other.append(f"{e.get('type')}: {e.get('message')}")
    return rows, other, read


def mib(x: float) -> str:
    return f"{x:,.0f} MiB"


# ---- main ------------------------------------------------------------------------------------


def throughput(data: Path, rounds: int, rows: int) -> list[str]:
    big = data / "big"
    ours_out, fl_out = data / "big-ours.json", data / "big-frictionless.json"
    a: list[dict[str, Any]] = []
    b: list[dict[str, Any]] = []
    for r in range(rounds):
        a.append(run_ours(big, ours_out))
        print(f"  round {r + 1}: ours {a[-1]['wall']:.1f} s", end="", flush=True)
        b.append(run_frictionless(big, fl_out))
        print(f", frictionless {b[-1]['wall']:.1f} s", flush=True)
    ours = json.loads(ours_out.read_text(encoding="utf-8"))
    fl_rows, fl_other, fl_read = frictionless_rows(fl_out)
    ratios = [y["wall"] / x["wall"] for x, y in zip(a, b, strict=True)]
    cpu_ratios = [y["cpu"] / x["cpu"] for x, y in zip(a, b, strict=True)]
    print()
    print(f"Throughput on {rows:,} rows × {len(HEADER)} columns, {rounds} rounds (A B A B)")
    head = f"{'side':<14}{'wall s (each round)':<28}{'median':>9}{'rows/s':>10}"
    print(head + f"{'CPU s':>9}{'peak RSS':>12}")
    for name, ms in (("ours (ingest)", a), ("frictionless", b)):
        walls = [m["wall"] for m in ms]
        med = statistics.median(walls)
        each = " ".join(f"{w:.1f}" for w in walls)
        cpu = statistics.median(m["cpu"] for m in ms)
        rss = max(m["rss"] for m in ms)
        print(f"{name:<14}{each:<28}{med:>9.1f}{rows / med:>10,.0f}{cpu:>9.1f}{mib(rss):>12}")
    ratio = statistics.median(ratios)
    print(
        f"speed ratio ours/frictionless (median of frictionless wall ÷ ours wall per round): "
        f"{ratio:.2f}× (CPU: {statistics.median(cpu_ratios):.2f}×)  goal ≥ 5×: "
        f"{'met' if ratio >= 5 else 'NOT met'}"
    )
    c = ours["counts"]
    print(
        f"ours: read {c['read']:,}, published {c['published']:,}, merged {c['merged']:,}, "
        f"withheld {c['withheld']:,}, rejected {c['rejected']:,}"
    )
    print(f"frictionless: read {fl_read:,} rows, {len(fl_rows):,} rows with errors")
    problems = rows_measured(rows, c["read"], fl_read)
    if c["rejected"]:
        ex = list(ours["rejected"].items())[:5]
        problems.append(f"ours rejects {c['rejected']} rows of the clean file, e.g. {ex}")
    if fl_rows or fl_other:
        ex2 = list(fl_rows.items())[:5]
        problems.append(f"frictionless finds errors in the clean file: {ex2} {fl_other[:5]}")
    for p in problems:
        print(f"SUSPICIOUS: {p}")
    return problems


def rows_measured(meant: int, ours: int, frictionless: int) -> list[str]:
    """Print the rows each side read against the rows meant; a problem if they differ."""
    equal = ours == frictionless == meant
    print(
        f"rows measured: ours read {ours:,}, frictionless read {frictionless:,}; "
        f"rows meant: {meant:,}: {'equal' if equal else 'MISMATCH'}"
    )
    return (
        []
        if equal
        else [f"rows read: ours {ours:,}, frictionless {frictionless:,}, meant {meant:,}"]
    )


def planted_check(data: Path, meant: int) -> list[str]:
    folder = data / "planted"
    text = (folder / SOURCE / "planted.json").read_text(encoding="utf-8")
    planted = {int(k): v for k, v in json.loads(text).items()}
    ours_out, fl_out = data / "planted-ours.json", data / "planted-frictionless.json"
    ma = run_ours(folder, ours_out)
    mb = run_frictionless(folder, fl_out)
    ours = json.loads(ours_out.read_text(encoding="utf-8"))
    rejected = {int(k): v for k, v in ours["rejected"].items()}
    fl_rows, fl_other, fl_read = frictionless_rows(fl_out)
    n = ours["counts"]["read"]
    print()
    print(f"Planted errors: {len(planted):,} rows of {n:,} ({', '.join(PLANTS)})")
    print(f"  ours: {len(rejected):,} rows rejected ({n / ma['wall']:,.0f} rows/s)")
    print(f"  frictionless: {len(fl_rows):,} rows with errors ({fl_read / mb['wall']:,.0f} rows/s)")
    same = set(rejected) == set(fl_rows)
    print(f"  invalid row sets equal: {'yes' if same else 'NO'}")
    for name, found in (("ours", set(rejected)), ("frictionless", set(fl_rows))):
        missed, extra = set(planted) - found, found - set(planted)
        print(
            f"  {name} vs planted: {len(missed)} planted rows missed, {len(extra)} unplanted found"
        )
    by_kind: Counter[str] = Counter(v.split(":")[0] for v in planted.values())
    for kind in PLANTS:
        rows = [r for r, v in planted.items() if v.startswith(kind + ":")]
        a, b = sum(r in rejected for r in rows), sum(r in fl_rows for r in rows)
        print(f"    {kind:<20} planted {by_kind[kind]:>6}  ours {a:>6}  frictionless {b:>6}")
    # Row numbers: the first planted line must be reported as that line by both sides.
    first = min(planted)
    print(
        f"  numbering: planted line {first} ({planted[first]}) → ours row "
        f"{first if first in rejected else '—'} {rejected.get(first, '')}, frictionless "
        f"rowNumber {first if first in fl_rows else '—'} {fl_rows.get(first, '')}"
    )
    if not same:
        for row in sorted(set(rejected) ^ set(fl_rows))[:15]:
            print(
                f"    line {row}: planted {planted.get(row, '—')}; ours {rejected.get(row, '—')};"
                f" frictionless {fl_rows.get(row, '—')}"
            )
    problems = rows_measured(meant, n, fl_read)
    if not same:
        problems.append("the rows found invalid differ")
    if fl_other:
        print(f"  frictionless errors without a row: {fl_other[:5]}")
        problems.append("frictionless errors without a row")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--publishers", type=int, default=210_000, help="sample size (≈ 4.7 rows each)")
    ap.add_argument("--rows", type=int, default=0, help="keep the first N rows (0: all)")
    ap.add_argument("--planted-rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args()
    work = args.work.resolve()
    data, info = dataset(work, args.publishers, args.seed, args.rows, args.planted_rows)
    print(f"data set: {data}")
    if problems := accounting(info):
        print("the data set does not hold the rows meant: " + "; ".join(problems))
        return 1
    version = subprocess.run([tool("frictionless"), "--version"], capture_output=True, text=True)
    timer = "/usr/bin/time -v" if Path(TIME).is_file() else "getrusage (no /usr/bin/time)"
    print(f"frictionless {version.stdout.strip()}; peak RSS and CPU from {timer}")
    print(f"code: {code_version()}")
    if not args.skip_throughput:
        problems += throughput(data, args.rounds, info["rows"])
    problems += planted_check(data, info["planted_rows"])
    cmd = ["python", "benchmarks/bench_ingest.py", "--publishers", str(args.publishers)]
    cmd += ["--rows", str(args.rows), "--planted-rows", str(args.planted_rows)]
    cmd += ["--rounds", str(args.rounds), "--seed", str(args.seed)]
    print()
    print("reproduce: " + shlex.join(cmd))
    code = f'from publisher.ingest import ingest; ingest(["{SOURCE}"])'
    print(f"  A: (cd {data / 'big'}) python -c {shlex.quote(code)}")
    print(f"  B: (cd {data / 'big' / SOURCE}) {shlex.join(['frictionless', *fl_cmd()[1:]])}")
    if problems:
        print(f"not a valid measurement ({len(problems)} problems): " + "; ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
