"""The HTTP API against Datasette and a bare ASGI handler, side by side, with wrk.

    python benchmarks/bench_api.py [--publishers 210000] [--seed 1] [--rounds 3]
                                   [--duration 10] [--connections 32] [--work benchmarks/work]

The release: ``adreg sample --publishers 210000 --seed 1`` (≈ 1M input rows) published
``--as-of 2021-04-28``, built once into the work dir (rebuilt when the code that builds it
changes). Each side is one server process (one worker) pinned to core 0 with ``taskset``;
``wrk -t1 -c32`` runs pinned to core 1, keep-alive, each request a path drawn at random
from paths made from the release's own data (the same paths for every side):

* ``api-granian``, ``api-uvicorn``: the API (``python -m api``), rate limit on but set so
  high that no request is refused (its middleware runs on every request);
* ``bare-granian``, ``bare-uvicorn``: ``benchmarks/api_bare.py``, the same read-side calls
  encoded with msgspec, no framework;
* ``datasette``: Datasette's ``?sql=`` JSON (``_shape=array``) on the same file (``-i``),
  running the one SQL statement that answers the same question (printed below).

Two endpoints: ``verify`` (``q`` a registration number, medium name or CN number, ``on`` a
random day of the regime) and the registration lookup (``/api/v1/registrations/{id}``).
Rounds are interleaved (every side once per round, in turn), a warm-up run first;
throughput is the median of the rounds. Then p50 / p99 latency at 80 % of each API
server's peak (wrk's ``delay()`` paces each connection; the rate reached is printed).
Goals: API ≥ 5× Datasette, ≥ 0.8× the bare handler. The script checks that every
response was a 200 (wrk's non-2xx count) and exits 1 if not.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from common import ROOT, cached, code_version, sample_dir, stamp, tool

HERE = Path(__file__).resolve().parent
GOAL_DATASETTE = 5.0
GOAL_BARE = 0.8
SERVER_CORE, LOAD_CORE = "0", "1"
# What the release is built by (the read side and the API are not: they only read it).
RELEASE_CODE = [ROOT / "publisher" / p for p in ("ingest", "derive", "release", "samples")] + [
    ROOT / "publisher" / f"{m}.py" for m in ("model", "values", "manifest", "law", "vocabulary")
]
LUA = """
local paths = {}
local pause = 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2]))
  pause = tonumber(args[3] or "0")
end
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
delay = function() return pause end
"""
# The one statement Datasette runs for each question (its ?sql= takes one).
VERIFY_SQL = """WITH hit AS (
  SELECT registration_id AS id FROM media WHERE name = :q
  UNION SELECT registration_id FROM media WHERE cn_number = :q
  UNION SELECT id FROM registrations WHERE registration_number = :q)
SELECT r.id, r.registration_number, s.status, s.valid_from, s.valid_to, s.decision_id
FROM hit JOIN registrations AS r ON r.id = hit.id
LEFT JOIN status_periods AS s ON s.registration_id = r.id
  AND s.valid_from <= :day AND s.valid_to >= :day"""
REGISTRATION_SQL = """SELECT r.*, p.name AS publisher_name, a.name AS authority_name
FROM registrations AS r JOIN publishers AS p ON p.id = r.publisher_id
JOIN authorities AS a ON a.division_code = r.authority_code WHERE r.id = :id"""


def release(work: Path, publishers: int, seed: int, as_of: str) -> Path:
    """The benchmark's release (an output root), published once per version of its code."""
    sample, _ = sample_dir(work, publishers, seed)
    out = work / f"api-release-p{publishers}-s{seed}"

    def build(out: Path) -> dict[str, Any]:
        sources = sorted(str(d) for d in sample.iterdir() if d.is_dir())
        print(f"publishing {sample} as of {as_of} into {out} (several minutes) …", flush=True)
        t0 = time.perf_counter()
        cmd = [tool("adreg"), "publish", *sources, "--out", str(out / "out"), "--as-of", as_of]
        cmd.append("--no-site")  # the site is bench_site.py's to measure
        subprocess.run([*cmd, "-q"], check=True)
        return {"seconds": round(time.perf_counter() - t0)}

    cached(out, stamp(RELEASE_CODE, publishers=publishers, seed=seed, as_of=as_of), build)
    return out / "out"


def paths(db: Path, n: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """Per endpoint: (API path, Datasette path) pairs for the same question."""
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    start, end = date(2016, 12, 1), date(2021, 4, 28)
    queries = []
    for sql in (
        "SELECT registration_number FROM registrations WHERE registration_number IS NOT NULL",
        "SELECT name FROM media",
        "SELECT cn_number FROM media WHERE cn_number IS NOT NULL",
    ):
        rows = [r[0] for r in conn.execute(sql)]
        queries += rng.sample(rows, n // 3)
    ids = rng.sample([r[0] for r in conn.execute("SELECT id FROM registrations")], n)
    stem = db.stem
    out: dict[str, list[tuple[str, str]]] = {"verify": [], "registration": []}
    for q in queries:
        day = (start + timedelta(rng.randrange((end - start).days))).isoformat()
        out["verify"].append(
            (
                "/api/v1/verify?" + urlencode({"q": q, "on": day}),
                f"/{stem}.json?"
                + urlencode({"sql": VERIFY_SQL, "q": q, "day": day, "_shape": "array"}),
            )
        )
    for rid in ids:
        out["registration"].append(
            (
                f"/api/v1/registrations/{quote(rid, safe='')}",
                f"/{stem}.json?"
                + urlencode({"sql": REGISTRATION_SQL, "id": rid, "_shape": "array"}),
            )
        )
    return out


@dataclass
class Side:
    name: str
    cmd: list[str]
    health: str
    datasette: bool = False
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    def start(self, port: int, log: Path) -> None:
        self.port = port
        cmd = [c.replace("{port}", str(port)) for c in self.cmd]
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                ["taskset", "-c", SERVER_CORE, *cmd],
                cwd=self.cwd,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait(self) -> None:
        import httpx

        for _ in range(600):
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{self.port}{self.health}", timeout=2).status_code
                    == 200
                ):
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def sides(root: Path, db: Path) -> list[Side]:
    env = {"ADREG_API_RELEASE": str(root)}
    py = sys.executable
    api = [py, "-m", "api", "--release", str(root), "--port", "{port}", "--rate-limit"]
    api.append("100000000/day")  # on, but never reached
    bare = ["--port", "{port}"]
    return [
        Side("api-granian", [*api, "--server", "granian"], "/healthz"),
        Side("api-uvicorn", [*api, "--server", "uvicorn"], "/healthz"),
        Side(
            "bare-granian",
            [
                tool("granian"),
                "--interface",
                "asgi",
                "--workers",
                "1",
                "--no-ws",
                *bare,
                "api_bare:app",
            ],
            "/api/v1/verify?q=x",
            env=env,
            cwd=HERE,
        ),
        Side(
            "bare-uvicorn",
            [tool("uvicorn"), "api_bare:app", "--workers", "1", "--no-access-log", *bare],
            "/api/v1/verify?q=x",
            env=env,
            cwd=HERE,
        ),
        Side(
            "datasette",
            [tool("datasette"), "serve", "-i", str(db), "--port", "{port}"],
            "/-/versions.json",
            datasette=True,
        ),
    ]


UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(
    port: int, path_file: Path, seconds: int, connections: int, seed: int, pause_ms: float = 0
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
        script = fh.name
    cmd = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    cmd += ["--latency", "-s", script, f"http://127.0.0.1:{port}", "--"]
    cmd += [str(path_file), str(seed), str(pause_ms)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", out)
    lat = {}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([0-9.]+)(us|ms|s)\b", out)
        lat[pct] = float(m.group(1)) * UNIT[m.group(2)] if m else float("nan")
    return {
        "rps": rps,
        "non2xx": float(bad.group(1)) if bad else 0.0,
        "timeouts": float(timeouts.group(1)) if timeouts else 0.0,
        "p50": lat["50"],
        "p99": lat["99"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--publishers", type=int, default=210_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2021-04-28")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--paths", type=int, default=6000, help="distinct paths per endpoint")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--release", type=Path, help="an existing output root (else built in --work)")
    args = ap.parse_args()
    for needed in ("wrk", "taskset"):
        if shutil.which(needed) is None:
            sys.exit(f"{needed} not found (apt-get install wrk util-linux)")
    work = args.work.resolve()
    root = (
        args.release.resolve()
        if args.release
        else release(work, args.publishers, args.seed, args.as_of)
    )
    db = next((root / "current").glob("*.db"))
    decisions = (
        sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        .execute("SELECT count(*) FROM decisions")
        .fetchone()[0]
    )
    print(
        f"release: {root / 'current'} ({decisions:,} decisions, {db.stat().st_size / 2**30:.1f} GiB db)"
    )
    print(f"code: {code_version()}; server on core {SERVER_CORE}, wrk on core {LOAD_CORE}")
    print(f"load average before: {os.getloadavg()[0]:.2f} (the machine is shared)")
    made = paths(db, args.paths, args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    files: dict[tuple[str, bool], Path] = {}
    for endpoint, pairs in made.items():
        for datasette in (False, True):
            f = tmp / f"{endpoint}-{'datasette' if datasette else 'api'}.txt"
            f.write_text("\n".join(p[1] if datasette else p[0] for p in pairs) + "\n")
            files[(endpoint, datasette)] = f
    servers = sides(root, db)
    port = 18900
    for side in servers:
        side.start(port, tmp / f"{side.name}.log")
        port += 1
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    problems = []
    try:
        for side in servers:
            side.wait()
        for side in servers:  # warm-up: page cache, statement caches
            for endpoint in made:
                wrk(side.port, files[(endpoint, side.datasette)], 3, args.connections, args.seed)
        for r in range(args.rounds):
            for endpoint in made:
                order = servers if r % 2 == 0 else servers[::-1]
                for side in order:
                    m = wrk(
                        side.port,
                        files[(endpoint, side.datasette)],
                        args.duration,
                        args.connections,
                        args.seed + r,
                    )
                    results.setdefault((side.name, endpoint), []).append(m)
                    if m["non2xx"]:
                        problems.append(
                            f"{side.name} {endpoint}: {m['non2xx']:.0f} non-2xx responses"
                        )
                    late = f" ({m['timeouts']:.0f} over wrk's 2 s timeout)" if m["timeouts"] else ""
                    print(
                        f"  round {r + 1} {endpoint:<12} {side.name:<13} {m['rps']:>8,.0f} req/s"
                        + late,
                        flush=True,
                    )
        median = {k: statistics.median(m["rps"] for m in v) for k, v in results.items()}
        print()
        print(f"{'side':<14}" + "".join(f"{e + ' req/s (median)':>28}" for e in made))
        for side in servers:
            print(f"{side.name:<14}" + "".join(f"{median[(side.name, e)]:>28,.0f}" for e in made))
        print()
        for e in made:
            for server in ("granian", "uvicorn"):
                api_rps = median[(f"api-{server}", e)]
                vs_ds = statistics.median(
                    a["rps"] / d["rps"]
                    for a, d in zip(
                        results[(f"api-{server}", e)], results[("datasette", e)], strict=True
                    )
                )
                vs_bare = statistics.median(
                    a["rps"] / b["rps"]
                    for a, b in zip(
                        results[(f"api-{server}", e)], results[(f"bare-{server}", e)], strict=True
                    )
                )
                print(
                    f"{e:<12} api-{server:<8} {api_rps:>7,.0f} req/s: {vs_ds:.2f}× Datasette (goal ≥ {GOAL_DATASETTE}:"
                    f" {'met' if vs_ds >= GOAL_DATASETTE else 'NOT met'}), {vs_bare:.2f}× bare-{server}"
                    f" (goal ≥ {GOAL_BARE}: {'met' if vs_bare >= GOAL_BARE else 'NOT met'})"
                )
        print()
        print("latency at 80 % of peak (wrk delay() paces each connection):")
        for side in servers[:2]:
            for e in made:
                peak = median[(side.name, e)]
                # A connection's cycle is its pause plus the latency: c / rate (in ms). Two
                # short runs find the pause that gives 80 % of the peak, then the measured one.
                cycle = args.connections * 1000 / (0.8 * peak)
                pause = max(0.0, cycle - 1000 / peak)
                short = max(3, args.duration // 2)
                for _ in range(2):
                    m = wrk(side.port, files[(e, False)], short, args.connections, args.seed, pause)
                    if m["rps"] > 0:
                        latency = args.connections * 1000 / m["rps"] - pause
                        pause = max(0.0, cycle - latency)
                m = wrk(
                    side.port, files[(e, False)], args.duration, args.connections, args.seed, pause
                )
                print(
                    f"  {side.name:<12} {e:<12} {m['rps']:>7,.0f} req/s ({m['rps'] / peak:.0%} of peak):"
                    f" p50 {m['p50']:.2f} ms, p99 {m['p99']:.2f} ms"
                )
        faster = max(
            ("granian", "uvicorn"), key=lambda s: sum(median[(f"api-{s}", e)] for e in made)
        )
        print(f"faster server for this app: {faster}")
    finally:
        for side in servers:
            side.stop()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print()
    print(
        "reproduce: "
        + shlex.join(
            [
                "python",
                "benchmarks/bench_api.py",
                "--rounds",
                str(args.rounds),
                "--duration",
                str(args.duration),
            ]
        )
    )
    print(
        f"  wrk: taskset -c {LOAD_CORE} wrk -t1 -c{args.connections} -d{args.duration}s --latency -s paths.lua URL -- PATHS SEED"
    )
    for side in servers:
        print(f"  {side.name}: taskset -c {SERVER_CORE} {shlex.join(side.cmd)}")
    print(f"  Datasette's verify SQL: {' '.join(VERIFY_SQL.split())}")
    print(f"  Datasette's registration SQL: {' '.join(REGISTRATION_SQL.split())}")
    if problems:
        print("not a valid measurement: " + "; ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
