"""Where a request's CPU goes: the registration lookup called in-process, no server, no wrk.

    python benchmarks/bench_api_overhead.py [--release OUT] [--requests 600] [--rounds 5]

Each side is an ASGI application called directly (one event loop, the same 300
registration ids over and over, after a warm-up), timed in CPU seconds of this process:

* ``bare``: benchmarks/api_bare.py (the read side's ``registration`` + msgspec);
* ``litestar``: a Litestar app with that one handler and nothing else;
* ``api``: the API as served (``create_app``, rate limit on, never reached);
* ``api, no rate limit``: the same with ``rate_limit=None``;
* ``api, stock rate limit``: with Litestar's ``RateLimitMiddleware`` as it ships
  (the API subclasses it to count; see api/ratelimit.py).

Rounds are interleaved; the figure is the median over rounds of each round's best of
three runs. The release: ``--release`` (default: bench_api.py's cached ~1M release).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from litestar import Litestar, get
from litestar.middleware.rate_limit import RateLimitConfig

from api import app as api_app
from api import create_app
from publisher.read import answers as a
from publisher.read.entities import registration
from publisher.read.reader import Reader

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "work" / "api-release-p210000-s1" / "out"
READER: list[Reader] = []


@get("/api/v1/registrations/{rid:str}", sync_to_thread=False)
def lookup(rid: str) -> a.Registration | None:
    return registration(READER[0], rid)


def scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"wrk")],
        "client": ("127.0.0.1", 5555),
        "server": ("127.0.0.1", 8000),
    }


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def cpu_per_request(app: Any, paths: list[str], n: int) -> float:
    statuses: list[int] = []
    bodies: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        elif statuses[-1] != 200 and len(bodies) < 1:
            bodies.append(message.get("body", b""))

    async def run(count: int) -> None:
        for i in range(count):
            await app(scope(paths[i % len(paths)]), receive, send)

    asyncio.run(run(len(paths)))  # warm-up
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        asyncio.run(run(n))
        best = min(best, (time.process_time() - t0) / n)
    if set(statuses) != {200}:
        sys.exit(f"not a valid measurement: statuses {sorted(set(statuses))}: {bodies[:1]}")
    return best * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--release", type=Path, default=DEFAULT)
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    root = args.release.resolve()
    os.environ["ADREG_API_RELEASE"] = str(root)
    sys.path.insert(0, str(HERE))
    import api_bare

    READER.append(api_bare.reader)
    db = next((root / "current").glob("*.db")) if (root / "current").exists() else None
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    ids = [
        r[0] for r in conn.execute("SELECT id FROM registrations ORDER BY id LIMIT 300 OFFSET 5000")
    ]
    paths = [f"/api/v1/registrations/{i}" for i in ids]

    limit = ("day", 10**9)
    stock = api_app.rate_limit_config
    api_app.rate_limit_config = lambda lim: RateLimitConfig(rate_limit=lim)  # type: ignore[assignment,misc]
    with_stock = create_app(root, rate_limit=limit)  # type: ignore[arg-type]
    api_app.rate_limit_config = stock
    sides = {
        "bare": api_bare.app,
        "litestar": Litestar([lookup]),
        "api": create_app(root, rate_limit=limit),  # type: ignore[arg-type]
        "api, no rate limit": create_app(root, rate_limit=None),
        "api, stock rate limit": with_stock,
    }
    results: dict[str, list[float]] = {k: [] for k in sides}
    for r in range(args.rounds):
        for name in sides if r % 2 == 0 else list(sides)[::-1]:
            results[name].append(cpu_per_request(sides[name], paths, args.requests))
    print(f"release {root}; CPU µs per registration lookup, median of {args.rounds} rounds:")
    bare = statistics.median(results["bare"])
    for name, values in results.items():
        m = statistics.median(values)
        print(f"  {name:<24} {m:>6.0f} µs  (+{m - bare:.0f} over bare; bare/this {bare / m:.2f})")
    print(
        "reproduce: python benchmarks/bench_api_overhead.py"
        f" --requests {args.requests} --rounds {args.rounds}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
