"""The one ASGI application of ``adreg serve``: a dispatcher by path.

* ``/api`` and below → the API (``api.create_app(root)``, which follows the root's
  ``current`` release per request itself), the scope passed on untouched;
* ``/explore/`` and below → Datasette for the current release, its ``base_url`` set to
  ``/explore/`` and the prefix taken off the request's path, as a proxy would: Datasette
  puts ``base_url`` in front of each link it makes, and those it makes from the request's
  own path (JSON, CSV, sort links) would carry the prefix twice if it were left on
  (tests/test_serve.py crawls every link); ``/explore`` redirects there;
* anything else → the current release's static site (``site/``).

Which release is current is read per request (one ``readlink``). A release is
immutable, so each gets its own Datasette, made when it is first asked for (checked
first: a damaged release is never served) while requests keep going to the one before;
a release no longer current is closed once its last request is done. Only GET and HEAD
reach the site and Datasette: everything they serve is read-only.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..explore.instance import datasette_for
from ..manifest import read_manifest
from ..read.reader import Reader
from .static import ALLOWED, method_not_allowed, send_response, serve_site

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]
EXPLORE = "/explore/"
API = "/api/"
log = logging.getLogger("adreg.serve")


def check_release(folder: Path) -> list[str]:
    """What is wrong with the release in ``folder`` (empty: it can be served): its
    manifest, every file it lists (present, with its size), its database (opens, has
    ``release_info``) and the Datasette configuration it ships."""
    try:
        manifest = read_manifest(folder)
    except UserError as exc:
        return [str(exc)]
    problems = []
    for entry in manifest.files:
        path = folder / entry.path
        try:
            size = path.stat().st_size
        except OSError:
            problems.append(f"{entry.path}: missing")
            continue
        if size != entry.bytes:
            problems.append(f"{entry.path}: {size} bytes, release.json says {entry.bytes}")
    if not any(f.path == "datasette/metadata.json" for f in manifest.files):
        problems.append("datasette/metadata.json: not in the release (publish it again)")
    if not problems:
        try:
            Reader(folder).close()
        except (UserError, OSError) as exc:
            problems.append(str(exc))
    return problems


class Release:
    """One release being served: its folder, site and Datasette, and requests in flight."""

    def __init__(self, folder: Path, secret: str | None) -> None:
        self.folder = folder
        self.site = folder / "site"
        self.version = read_manifest(folder).version
        self.datasette = datasette_for(folder, base_url=EXPLORE, secret=secret)
        self.app: ASGIApp = self.datasette.app()
        self.inflight = 0

    def close(self) -> None:
        for db in self.datasette.databases.values():
            db.close()
        self.datasette.executor.shutdown(wait=False)


class Server:
    """The dispatcher over ``root``: an output root (its ``current`` release, followed per
    request) or one release folder."""

    def __init__(self, root: Path, api: ASGIApp | None, secret: str | None = None) -> None:
        self.root = Path(root).absolute()
        self.api = api
        self.secret = secret
        self.follows = (self.root / "current").is_symlink() or not (
            self.root / "release.json"
        ).is_file()
        self.releases: dict[Path, Release] = {}
        self.active: Release | None = None
        self.damaged: dict[Path, str] = {}
        self.pending: dict[Path, asyncio.Task[Release | None]] = {}

    def current(self) -> Path | None:
        """The current release folder (resolved), or None when there is none."""
        if not self.follows:
            return self.root
        try:
            target = os.readlink(self.root / "current")
        except OSError:
            return None
        return (self.root / target).resolve()

    async def release(self) -> Release | None:
        """The release to answer with: the current one once it is ready and sound; until
        then (or if it is damaged) the one answered with before."""
        folder = self.current()
        if folder is not None and folder in self.releases:
            found = self.releases[folder]
            self.active = found
            return found
        if folder is None or folder in self.damaged:
            return self.active
        task = self.pending.get(folder)
        if task is None:
            task = asyncio.ensure_future(self._open(folder))
            self.pending[folder] = task
        if self.active is not None and not task.done():
            return self.active  # the new release is being opened: the old one answers
        opened = await task
        if opened is not None:
            self.active = opened
        return self.active

    async def _open(self, folder: Path) -> Release | None:
        try:
            problems = await asyncio.to_thread(check_release, folder)
            if problems:
                raise UserError("; ".join(problems[:3]))
            release = await asyncio.to_thread(Release, folder, self.secret)
            await release.datasette.invoke_startup()
        except Exception as exc:
            self.damaged[folder] = str(exc)
            print(f"adreg: release {folder} not served, it is damaged: {exc}", file=sys.stderr)
            return None
        finally:
            self.pending.pop(folder, None)
        self.releases[folder] = release
        if folder == self.current():
            self.active = release  # from now on new requests go to it
        return release

    def _retire(self) -> None:
        for folder, release in list(self.releases.items()):
            if release is not self.active and release.inflight == 0:
                del self.releases[folder]
                release.close()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self.lifespan(scope, receive, send)
            return
        path = scope.get("path", "")
        if path == "/api" or path.startswith(API):
            if self.api is None:
                await send_response(send, 404, b"no API in this server\n")
            else:
                await self.api(scope, receive, send)
            return
        if kind != "http":
            return
        if path == EXPLORE.rstrip("/"):
            location = EXPLORE + (
                f"?{scope['query_string'].decode()}" if scope.get("query_string") else ""
            )
            await send_response(send, 302, b"", headers=[(b"location", location.encode())])
            return
        if scope["method"].encode() not in ALLOWED:
            await method_not_allowed(scope, send)
            return
        release = await self.release()
        if release is None:
            why = next(iter(self.damaged.values()), "no current release (run adreg publish first)")
            await send_response(send, 503, f"503 adreg: {why}\n".encode())
            return
        release.inflight += 1
        try:
            if path.startswith(EXPLORE):
                await release.app(_unprefixed(scope), receive, send)
            else:
                links = {"API /api/": API, "Datasette /explore/": EXPLORE}
                await serve_site(release.site, scope, send, links=links)
        finally:
            release.inflight -= 1
            self._retire()

    async def lifespan(self, scope: Scope, receive: Any, send: Any) -> None:
        """Open the current release at start-up; pass start-up and shut-down on to the API."""
        api = _Lifespan(self.api, scope) if self.api is not None else None
        message = await receive()
        assert message["type"] == "lifespan.startup"
        try:
            if api is not None:
                await api.send("lifespan.startup")
            await self.release()
        except Exception as exc:
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        assert message["type"] == "lifespan.shutdown"
        for release in self.releases.values():
            release.close()
        self.releases.clear()
        if api is not None:
            await api.send("lifespan.shutdown")
        await send({"type": "lifespan.shutdown.complete"})


class _Lifespan:
    """Runs a sub-application's lifespan protocol (it may not support one)."""

    def __init__(self, app: ASGIApp, scope: Scope) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task = asyncio.ensure_future(app(scope, self.inbox.get, self.outbox.put))

    async def send(self, kind: str) -> None:
        if self.task.done():  # no lifespan support: nothing to start or stop
            return
        await self.inbox.put({"type": kind})
        waiter = asyncio.ensure_future(self.outbox.get())
        done, _ = await asyncio.wait({waiter, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if waiter in done:
            reply = waiter.result()
            if reply["type"].endswith(".failed"):
                raise RuntimeError(f"the API failed to start: {reply.get('message', '')}")
        else:
            waiter.cancel()


def _unprefixed(scope: Scope) -> Scope:
    """The scope as Datasette wants it under a ``base_url``: the prefix gone from ``path``
    and ``raw_path`` (it puts ``base_url`` in front of every link it makes; left in the
    request path, a link made from it would carry the prefix twice)."""
    cut = len(EXPLORE) - 1
    raw = scope.get("raw_path")
    return {
        **scope,
        "path": scope["path"][cut:],
        "raw_path": raw[cut:] if raw and raw.startswith(EXPLORE.encode()) else raw,
    }


def create(root: Path, secret: str | None = None) -> Server:
    """The server over ``root`` with the API mounted at ``/api/``."""
    from api import create_app

    return Server(root, create_app(root), secret=secret)
