"""Write the site's pages, each once, reusing the previous release's unchanged pages.

A page's *input* is a hash of the builder (templates, assets, this code), its template
and the data it renders from. When the previous release's site made the same path from
the same input, its file is hard-linked (copied where links cannot be made) instead of
rendered again; otherwise the page is rendered and written. ``site.json`` records every
path with its input hash, sha256 and bytes: it is the site's manifest (the release's
``release.json`` lists ``site.json`` with its sha256, not the pages one by one).

A page may hold a *part*: a piece of HTML shared by many pages that changes with every
release while the rest of the page does not (the verification pages' citation of the
release: version, date, database sha256). Its template holds :func:`part_mark` where the
part goes; the page's input is its own data without the part, and the manifest keeps
each part's text. A page whose input is unchanged but whose part changed is the previous
page with the old part's text replaced by the new one (the part is in it exactly once,
else it is rendered): the bytes a fresh render makes, without rendering.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import Any

import msgspec

from ..errors import UserError
from ..model import Base
from .templates import render

SITE_MANIFEST = "site.json"
_json = msgspec.json.Encoder().encode


class PageEntry(Base, kw_only=True):
    input: str
    sha256: str
    bytes: int
    part: str | None = None  # the name of the part the page holds (see above)


class SiteManifest(Base, kw_only=True):
    builder: str
    release: str
    pages: dict[str, PageEntry] = {}
    parts: dict[str, str] = {}  # name → the part's HTML, as this site's pages hold it
    stable: str = ""  # what the pages' data depend on besides the rows (see build.stable)


def part_mark(name: str) -> str:
    """Where a template puts the part ``name``."""
    return f"<!--adreg:part:{name}-->"


class Stats(msgspec.Struct, kw_only=True):
    written: int = 0  # rendered, or the previous page with its part replaced, and written
    reused: int = 0  # hard-linked (or copied) from the previous release's site
    seconds: float = 0.0


def read_site_manifest(path: Path) -> SiteManifest | None:
    try:
        return msgspec.json.decode(path.read_bytes(), type=SiteManifest)
    except (OSError, msgspec.DecodeError):
        return None


def manifest_of(site: Path) -> Path:
    """A site folder's manifest, beside it: ``<release>/site`` → ``<release>/site.json``."""
    return site.parent / f"{site.name}.json"


def root_of(path: str) -> str:
    """The relative way up from ``path`` to the site's root: ``a/b.html`` → ``../``."""
    return "../" * path.count("/")


class Writer:
    """Writes pages under ``out``; refuses to write one path twice (an id collision)."""

    def __init__(
        self,
        out: Path,
        builder: str,
        release: str,
        previous: Path | None = None,
        *,
        parts: dict[str, str] | None = None,
        stable: str = "",
        old: SiteManifest | None = None,
    ) -> None:
        """``old``: ``previous``'s manifest if already read (else it is read here)."""
        self.out = out
        self.builder = builder
        self.manifest = SiteManifest(
            builder=builder, release=release, parts=dict(parts or {}), stable=stable
        )
        if old is None and previous is not None:
            old = read_site_manifest(manifest_of(previous))
        same = old is not None and old.builder == builder
        self.previous = old.pages if old and same else {}
        self.old_parts = {
            name: (text.encode(), self.manifest.parts.get(name, "").encode())
            for name, text in (old.parts.items() if old and same else ())
        }
        self._parts = {k: v.encode() for k, v in self.manifest.parts.items()}
        self.stats = Stats()
        self._root = os.fspath(out) + os.sep
        self._old_root = os.fspath(previous) + os.sep if previous else ""
        self._dirs: set[str] = set()
        self._hashes: dict[str, Any] = {}
        self._started = time.perf_counter()

    def _target(self, path: str) -> str:
        """Where ``path`` goes, its folder made (once a folder): a plain string, as a
        page's file is opened once and a ``Path`` object per page cost more than that."""
        if path in self.manifest.pages:
            raise UserError(f"site: two pages would be written to {path}")
        folder, _, _ = path.rpartition("/")
        if folder not in self._dirs:
            os.makedirs(self._root + folder, exist_ok=True)
            self._dirs.add(folder)
        return self._root + path

    def _reuse(self, path: str, key: str, target: str, part: str | None = None) -> bool:
        old = self.previous.get(path)
        if old is None or old.input != key or old.part != part or not self._old_root:
            return False
        source = self._old_root + path
        if part is not None:
            was, now = self.old_parts.get(part, (b"", b""))
            if was != now:
                return self._swap(path, key, target, source, part, was, now)
        try:
            os.link(source, target)
        except FileNotFoundError:
            return False
        except OSError:
            shutil.copyfile(source, target)
        self.manifest.pages[path] = old
        self.stats.reused += 1
        return True

    def _swap(
        self, path: str, key: str, target: str, source: str, part: str, was: bytes, now: bytes
    ) -> bool:
        """The previous page with its part replaced: False (render it) if the old part is
        not in it exactly once, or the file is gone."""
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return False
        if not was or data.count(was) != 1:
            return False
        self._write(path, key, target, data.replace(was, now), part)
        return True

    def again(self, path: str) -> bool:
        """The previous release's page at ``path``, taken as it is (its part swapped), when
        the caller knows that the page's data did not change; False if there is none."""
        old = self.previous.get(path)
        if old is None:
            return False
        return self._reuse(path, old.input, self._target(path), old.part)

    def forget(self, paths: list[str]) -> None:
        """Take back pages written or taken (their files and entries): to make them again."""
        for path in paths:
            entry = self.manifest.pages.pop(path)
            os.unlink(self._root + path)
            if entry is self.previous.get(path):
                self.stats.reused -= 1
            else:
                self.stats.written -= 1

    def _write(
        self, path: str, key: str, target: str, data: bytes, part: str | None = None
    ) -> None:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:  # (no buffered file object: one write of the whole page)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        self.manifest.pages[path] = PageEntry(
            input=key, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data), part=part
        )
        self.stats.written += 1

    def page(
        self, path: str, template: str, context: dict[str, Any], part: str | None = None
    ) -> None:
        """Render ``template`` with ``context`` (plus ``root`` and ``path``) to ``path``;
        with ``part``, the writer's part of that name where the template marks it."""
        context = {"root": root_of(path), "path": path, **context}
        start = self._hashes.get(template)
        if start is None:  # the builder and template, hashed once
            start = hashlib.blake2b(f"{self.builder}\0{template}\0".encode(), digest_size=16)
            self._hashes[template] = start
        h = start.copy()
        h.update(_json(context))
        key = h.hexdigest()
        target = self._target(path)
        if not self._reuse(path, key, target, part):
            data = render(template, context).encode("utf-8")
            if part is not None:
                data = data.replace(part_mark(part).encode(), self._parts[part], 1)
            self._write(path, key, target, data, part)

    def data(self, path: str, data: bytes) -> None:
        """A file whose bytes are its own input (search shards, assets, the feed)."""
        key = hashlib.blake2b(data, digest_size=16).hexdigest()
        target = self._target(path)
        if not self._reuse(path, key, target):
            self._write(path, key, target, data)

    def link(self, path: str, source: Path, sha256: str) -> None:
        """A release file offered for download: hard-linked (or copied), hash known."""
        target = self._target(path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        size = os.stat(target).st_size
        self.manifest.pages[path] = PageEntry(input=sha256, sha256=sha256, bytes=size)
        self.stats.reused += 1

    def close(self, manifest_path: Path) -> SiteManifest:
        self.manifest.pages = dict(sorted(self.manifest.pages.items()))
        manifest_path.write_bytes(msgspec.json.encode(self.manifest))
        self.stats.seconds = time.perf_counter() - self._started
        return self.manifest
