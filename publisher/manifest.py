"""A release's manifest (``release.json``): version, dates, files with bytes and sha256.

Written by :mod:`publisher.release.switch`, read by the read side and by ``verify``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from .errors import UserError
from .model import Base

MANIFEST = "release.json"


class FileEntry(Base, kw_only=True):
    path: str
    bytes: int
    sha256: str


class Manifest(Base, kw_only=True):
    version: str
    created: str
    as_of: str
    regime_end: str | None = None
    previous: str | None = None
    files: list[FileEntry] = []
    counts: dict[str, int] = {}
    changed_rows: int | None = None  # rows added, removed or changed since ``previous``


class Index(Base, kw_only=True):
    current: str | None = None
    releases: list[Manifest] = []
    last_changed: str | None = None  # when the data last changed: see :func:`last_changed`

    def __post_init__(self) -> None:
        if self.last_changed is None:
            self.last_changed = last_changed(self.releases)


def last_changed(releases: list[Manifest]) -> str | None:
    """The creation time of the newest release that changed any row (a release that does
    not say, made before releases counted their changes, is taken to have changed)."""
    return max((m.created for m in releases if m.changed_rows != 0), default=None)


def sha256_file(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def file_entries(folder: Path) -> list[FileEntry]:
    """Every file under ``folder`` except the manifest, with bytes and sha256."""
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        size, digest = sha256_file(path)
        out.append(FileEntry(path=path.relative_to(folder).as_posix(), bytes=size, sha256=digest))
    return out


def verify_release(folder: Path) -> list[str]:
    """Files of a release whose bytes or sha256 differ from its manifest (empty: intact)."""
    manifest = read_manifest(folder)
    problems = []
    for entry in manifest.files:
        path = folder / entry.path
        if not path.is_file():
            problems.append(f"{entry.path}: missing")
            continue
        size, digest = sha256_file(path)
        if (size, digest) != (entry.bytes, entry.sha256):
            problems.append(f"{entry.path}: bytes or sha256 differ from {MANIFEST}")
    return problems


def read_manifest(folder: Path) -> Manifest:
    try:
        return msgspec.json.decode((folder / MANIFEST).read_bytes(), type=Manifest)
    except (OSError, msgspec.DecodeError) as exc:
        raise UserError(f"{folder}: not a release ({MANIFEST}: {exc})") from None
