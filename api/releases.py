"""The release each request is answered from, and the HTTP facts tied to it.

:class:`Releases` resolves an output root's ``current`` link on every request (one
``readlink``) and keeps one :class:`~publisher.read.reader.Reader` per release folder,
so a release switched in while serving is picked up without a restart, and a request
keeps the Reader it started with until it finishes.

:func:`release_layer` is the ASGI layer in front of the whole application (the
OpenAPI document, route-not-found answers and all): it binds the request to its release,
and on the way out adds the headers every answer carries: the release (``Adreg-Release``),
an ETag tied to it with ``Cache-Control`` on successful GETs (and 304 Not Modified for a
matching ``If-None-Match``), and security headers.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from publisher.errors import UserError
from publisher.read.reader import Reader, release_folder

SCOPE_KEY = "adreg.reader"
MAX_OPEN = 4  # releases kept open at once (the current one and those still answering)
CACHE_CONTROL = b"public, max-age=300"
NO_STORE = b"no-store"
DOCS_PREFIX = "/api/schema"
FRAMED_PATHS = ("/api/v1/reconcile/preview",)  # OpenRefine shows previews in a frame

SECURITY = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"cross-origin"),
    (b"strict-transport-security", b"max-age=31536000"),
]
CSP_API = b"default-src 'none'; frame-ancestors 'none'"
DENY = (b"x-frame-options", b"DENY")
CSP_FRAMED = b"default-src 'none'; style-src 'unsafe-inline'"
# The interactive page loads Swagger UI from jsDelivr and calls this API.
CSP_DOCS = (
    b"default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net;"
    b" style-src 'unsafe-inline' https://cdn.jsdelivr.net; img-src data: https:;"
    b" connect-src 'self'; frame-ancestors 'none'"
)
API_HEADERS = [*SECURITY, (b"content-security-policy", CSP_API), DENY]
DOCS_HEADERS = [*SECURITY, (b"content-security-policy", CSP_DOCS), DENY]
FRAMED_HEADERS = [*SECURITY, (b"content-security-policy", CSP_FRAMED)]


class Releases:
    """The release to answer from, resolved per request (see the module's docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._link = self.root / "current"
        self._lock = threading.Lock()
        self._open: OrderedDict[str, Reader] = OrderedDict()

    def current(self) -> Reader:
        """The current release's Reader: one readlink, then a dictionary lookup. A UserError
        says why there is none (no release published yet, not a release, …)."""
        try:
            target = os.readlink(self._link)
        except OSError:
            target = ""  # no link: the root is a release folder itself (or nothing yet)
        reader = self._open.get(target)
        if reader is None:
            with self._lock:
                reader = self._open.get(target)
                if reader is None:
                    reader = Reader(release_folder(self.root / target if target else self.root))
                    self._open[target] = reader
                    while len(self._open) > MAX_OPEN:
                        self._open.popitem(last=False)  # closed when no request holds it
        return reader


def reader_of(scope: Any) -> Reader:
    """The Reader this request was bound to when it started."""
    reader: Reader = scope[SCOPE_KEY]
    return reader


@lru_cache(maxsize=MAX_OPEN * 2)
def etag_of(reader: Reader) -> bytes:
    """A weak ETag for every answer from one release (compressed or not)."""
    return f'W/"{reader.ref.version}-{reader.ref.sha256[:16]}"'.encode()


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    if if_none_match.strip() == b"*":
        return True
    opaque = etag.removeprefix(b"W/")
    return any(t.strip().removeprefix(b"W/") == opaque for t in if_none_match.split(b","))


ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
_DROP_ON_304 = {b"content-length", b"content-type", b"content-encoding"}


def release_layer(
    app: ASGIApp, releases: Releases, scope: Any, receive: Any, send: Any
) -> Awaitable[None]:
    """Bind the request to the current release and add the headers tied to it."""
    path: str = scope["path"]
    if scope["type"] != "http":
        return app(scope, receive, send)
    try:
        reader: Reader | None = releases.current()
        scope[SCOPE_KEY] = reader
    except UserError as exc:
        reader = None
        scope[SCOPE_KEY] = exc  # answered by the handlers as 503, with the reason
    method = scope["method"]
    inm = None
    if method in ("GET", "HEAD"):
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                inm = value
    etag = etag_of(reader) if reader is not None else None
    release = reader.ref.version.encode() if reader is not None else b""
    if path.startswith(DOCS_PREFIX):
        common = DOCS_HEADERS
    elif path.startswith(FRAMED_PATHS):
        common = FRAMED_HEADERS
    else:
        common = API_HEADERS
    if release:
        common = [*common, (b"adreg-release", release)]
    not_modified = False

    async def send_with_headers(message: Any) -> None:
        nonlocal not_modified
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = [*(message.get("headers") or ()), *common]
            cacheable = (
                etag is not None
                and method in ("GET", "HEAD")
                and 200 <= status < 300
                and path != "/healthz"
                and path != "/api/healthz"
            )
            if cacheable:
                assert etag is not None
                headers.append((b"etag", etag))
                headers.append((b"cache-control", CACHE_CONTROL))
                if not any(k == b"vary" for k, _ in message.get("headers") or ()):
                    headers.append((b"vary", b"Accept-Encoding"))
                if inm is not None and _matches(inm, etag):
                    not_modified = True
                    headers = [(k, v) for k, v in headers if k.lower() not in _DROP_ON_304]
                    await send({"type": "http.response.start", "status": 304, "headers": headers})
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
            elif not any(k == b"cache-control" for k, _ in message.get("headers") or ()):
                headers.append((b"cache-control", NO_STORE))
            message = {**message, "headers": headers}
        elif not_modified:
            return  # the body of a 304 is never sent
        await send(message)

    return app(scope, receive, send_with_headers)
