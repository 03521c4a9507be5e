"""Releases: built in a temporary folder, validated, then switched into place in one step.

Layout under the output root::

    out/
      releases/<version>/        one immutable folder per release, with release.json
      current -> releases/<v>    a symlink, replaced atomically (rename over it)
      index.json                 every release: version, created, files with bytes + sha256

A build writes into ``out/.build-<pid>-<n>/``; only a complete, validated build
is renamed into ``releases/`` and only then is ``current`` switched. A failed
or killed build leaves the previous release in place and readable.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import msgspec

from ..errors import UserError
from ..manifest import MANIFEST, UNLISTED, Index, Manifest, file_entries, read_manifest


def current_release(root: Path) -> Path | None:
    link = root / "current"
    if not link.exists():
        return None
    return link.resolve()


def releases(root: Path) -> list[Manifest]:
    found = []
    for folder in sorted((root / "releases").glob("*")):
        if (folder / MANIFEST).is_file():
            try:
                found.append(read_manifest(folder))
            except UserError:
                continue
    return sorted(found, key=lambda m: (m.created, m.version))


def next_version(root: Path) -> str:
    """SemVer: 1.<n>.0, n counting the releases made so far (1 = the first)."""
    minors = []
    for m in releases(root):
        parts = m.version.split(".")
        if len(parts) == 3 and parts[0] == "1" and parts[1].isdigit():
            minors.append(int(parts[1]))
    return f"1.{max(minors, default=0) + 1}.0"


def new_build_dir(root: Path) -> Path:
    """A fresh build folder on the same filesystem as the releases; stale ones are removed."""
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".build-*"):
        pid = stale.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_manifest(build: Path, manifest: Manifest) -> None:
    manifest.files = file_entries(build)
    (build / MANIFEST).write_bytes(msgspec.json.format(msgspec.json.encode(manifest), indent=2))


def switch_in(root: Path, build: Path, version: str) -> Path:
    """Move a validated build into releases/ and point ``current`` at it, atomically."""
    target_dir = root / "releases"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / version
    if target.exists():
        raise UserError(f"{target}: a release {version} exists already; releases are immutable")
    unlisted = False
    for path in build.rglob("*"):
        if path.relative_to(build).parts[0] in UNLISTED:
            unlisted = True  # a site of many small files: one sync below, not one each
        elif path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
    if unlisted:
        os.sync()
    os.rename(build, target)
    _fsync_dir(target_dir)
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(Path("releases") / version, tmp_link)
    os.replace(tmp_link, root / "current")
    _fsync_dir(root)
    write_index(root)
    return target


def write_index(root: Path) -> None:
    cur = current_release(root)
    index = Index(current=cur.name if cur else None, releases=releases(root))
    tmp = root / f".index-{os.getpid()}.json"
    tmp.write_bytes(msgspec.json.format(msgspec.json.encode(index), indent=2))
    os.replace(tmp, root / "index.json")


def now() -> datetime:
    """The release's creation time: local, timezone-aware, whole seconds (RFC 3339)."""
    return datetime.now().astimezone().replace(microsecond=0)
