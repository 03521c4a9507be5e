"""A bare ASGI application: the API's verify and registration lookup with no framework.

The same read-side calls as ``api/`` (``verify``, ``registration``) on the same release,
encoded with msgspec, answered with the two ASGI messages a response needs: what the
framework adds is the difference. Serve it with ``ADREG_API_RELEASE=<release> uvicorn
api_bare:app`` or ``granian --interface asgi api_bare:app`` (from benchmarks/).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import msgspec

from publisher.read.entities import registration
from publisher.read.reader import Reader
from publisher.read.verify import verify

reader = Reader(Path(os.environ["ADREG_API_RELEASE"]))
encode = msgspec.json.Encoder().encode
REGISTRATION = "/api/v1/registrations/"
JSON = [(b"content-type", b"application/json")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    status, body = 404, b"{}"
    if path == "/api/v1/verify":
        qs = parse_qs(scope["query_string"].decode())
        day = date.fromisoformat(qs["on"][0]) if "on" in qs else reader.ref.as_of
        status, body = 200, encode(verify(reader, qs["q"][0], day))
    elif path.startswith(REGISTRATION):
        found = registration(reader, unquote(path[len(REGISTRATION) :]))
        if found is not None:
            status, body = 200, encode(found)
    headers = [*JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
