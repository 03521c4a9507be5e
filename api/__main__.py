"""Serve the API: ``python -m api --release out [--port 8000] [--server uvicorn|granian]``.

One worker process (the read side is one SQLite file opened read-only; scale out with
more processes behind a proxy). ``--rate-limit`` is requests per client address (behind
a proxy, run the server with the proxy's forwarded-address option, or every client is the
proxy). A user's mistake prints one line ``adreg: error: …`` and exits 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from publisher.errors import UserError

from .asgi import ENV_RATE, ENV_RELEASE, parse_rate
from .releases import Releases

# The default first: uvicorn measured faster for this app on a quiet machine (bench_api.py).
SERVERS = ("uvicorn", "granian")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m api", description=__doc__.splitlines()[0])
    ap.add_argument("--release", type=Path, default=Path("out"), help="release or output root")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--server", choices=SERVERS, default=SERVERS[0])
    ap.add_argument(
        "--rate-limit",
        default="600/minute",
        help="requests per client address: N/second|minute|hour|day, or 'off'",
    )
    ap.add_argument("--access-log", action="store_true", help="log every request")
    ap.add_argument(
        "--openapi", action="store_true", help="print the OpenAPI document (JSON) and exit"
    )
    args = ap.parse_args(argv)
    if args.openapi:
        sys.stdout.write(openapi_document())
        return 0
    try:
        parse_rate(args.rate_limit)
        Releases(args.release).current()  # fail here, in one line, if there is nothing to serve
    except UserError as exc:
        print(f"adreg: error: {exc}", file=sys.stderr)
        return 2
    os.environ[ENV_RELEASE] = str(args.release.resolve())
    os.environ[ENV_RATE] = args.rate_limit
    if args.server == "uvicorn":
        import uvicorn

        uvicorn.run(
            "api.asgi:from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=1,
            access_log=args.access_log,
            log_level="info",
            proxy_headers=True,
        )
    else:
        from granian.constants import Interfaces
        from granian.server import Server

        Server(
            "api.asgi:from_env",
            factory=True,
            address=args.host,
            port=args.port,
            interface=Interfaces.ASGI,
            workers=1,
            log_access=args.access_log,
        ).serve()
    return 0


def openapi_document() -> str:
    """The OpenAPI document, as served at /api/schema (it depends on no release)."""
    import msgspec

    from .app import create_app

    app = create_app(Path("/nonexistent"), rate_limit=None)
    data = msgspec.json.encode(app.openapi_schema.to_schema())
    return msgspec.json.format(data, indent=2).decode() + "\n"


if __name__ == "__main__":
    sys.exit(main())
