"""A release's static site (``<release>/site/``) over ASGI: GET and HEAD, nothing else.

A path names a file under ``site/``; a folder answers with its ``index.html``, a path
without a suffix with ``<path>.html`` if there is one. Nothing outside ``site/`` is
reachable (``..``, NUL and symbolic links out of it give 404). A release without a
site gets a small page that points to the API and Datasette.
"""

from __future__ import annotations

import html
import mimetypes
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

Scope = dict[str, Any]
CHUNK = 1 << 18
ALLOWED = (b"GET", b"HEAD")
_TEXT = ("text/", "application/xml", "application/json", "application/javascript")
_TYPES = {".atom": "application/atom+xml", ".js": "text/javascript", ".json": "application/json"}


async def send_response(
    send: Any,
    status: int,
    body: bytes,
    content_type: str = "text/plain; charset=utf-8",
    headers: list[tuple[bytes, bytes]] | None = None,
    head: bool = False,
) -> None:
    """One whole response (``head``: the headers only)."""
    out = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": b"" if head else body})


def method_not_allowed(scope: Scope, send: Any) -> Any:
    """405 for anything but GET and HEAD: the site and Datasette are read-only."""
    return send_response(
        send,
        405,
        "405 只读：仅支持 GET 和 HEAD。Read-only: GET and HEAD only.\n".encode(),
        headers=[(b"allow", b"GET, HEAD")],
    )


def resolve(site: Path, path: str) -> Path | None:
    """The file under ``site`` that ``path`` (a URL path, %-encoded) names, or None."""
    text = unquote(path)
    if "\x00" in text or any(part == ".." for part in text.split("/")):
        return None
    base = site.resolve()
    target = (base / text.lstrip("/")).resolve()
    if target != base and base not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    elif not target.exists() and not target.suffix:
        target = target.with_name(target.name + ".html")
    return target if target.is_file() else None


def content_type(path: Path) -> str:
    kind = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT) else kind


async def serve_site(site: Path, scope: Scope, send: Any, *, links: dict[str, str]) -> None:
    """Answer ``scope`` from the folder ``site`` (GET and HEAD only)."""
    if scope["method"].encode() not in ALLOWED:
        await method_not_allowed(scope, send)
        return
    head = scope["method"] == "HEAD"
    if not site.is_dir():
        if scope["path"] in ("/", "/index.html"):
            await send_response(send, 200, _no_site(links), "text/html; charset=utf-8", head=head)
        else:
            await send_response(send, 404, b"404 Not Found\n", head=head)
        return
    path = resolve(site, scope["path"])
    if path is None:
        page = site / "404.html"
        if page.is_file():
            body = page.read_bytes()
            await send_response(send, 404, body, "text/html; charset=utf-8", head=head)
        else:
            await send_response(send, 404, "404 未找到 Not Found\n".encode(), head=head)
        return
    size = path.stat().st_size
    headers = [
        (b"content-type", content_type(path).encode()),
        (b"content-length", str(size).encode()),
        (b"cache-control", b"public, max-age=60"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if head:
        await send({"type": "http.response.body", "body": b""})
        return
    with path.open("rb") as fh:  # pages are small; downloads come in chunks
        while True:
            chunk = fh.read(CHUNK)
            more = len(chunk) == CHUNK
            await send({"type": "http.response.body", "body": chunk, "more_body": more})
            if not more:
                break


def _no_site(links: dict[str, str]) -> bytes:
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>'
        for label, href in links.items()
    )
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>adreg</title>'
        "<h1>广告发布登记公开数据</h1><p>This release has no static site (publish it with"
        f" its site to have one here).</p><ul>{items}</ul></html>\n"
    ).encode()


def release_site(folder: Path) -> Path:
    return Path(os.fspath(folder)) / "site"
