"""Releases: built in a temporary folder, validated, then switched into place in one step.

Layout under the output root::

    out/
      releases/<version>/        one immutable folder per release, with release.json
      current -> releases/<v>    a symlink, replaced atomically (rename over it)
      index.json                 every release switched in: version, created, files
      .lock                      held by the publish that is running (its pid inside)

A publish holds ``.lock`` (an exclusive ``flock``, let go by the kernel however the
process ends) from start to end, so two runs never build into one root at once. It
first repairs what a killed run left (:func:`repair`), then builds into
``out/.build-<pid>-<random>/``; only a complete, validated build is renamed into
``releases/``, then ``current`` is switched, then ``index.json`` rewritten. A failed or
killed build leaves the previous release in place and readable. Releases are readable
by all: folders 0755 and files 0644 under the usual umask 022.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

import msgspec

from ..errors import UserError
from ..faults import fault
from ..manifest import MANIFEST, Index, Manifest, file_entries, read_manifest
from ..runtime import current_umask

INDEX = "index.json"
LOCK = ".lock"
LEFTOVERS = (".build-*", ".current-*", ".index-*")  # what a killed run leaves in the root


def current_release(root: Path) -> Path | None:
    link = root / "current"
    if not link.exists():
        return None
    return link.resolve()


def releases(root: Path, only: set[str] | None = None) -> list[Manifest]:
    """The releases on disk (those named in ``only``, if given), oldest first."""
    found = []
    for folder in sorted((root / "releases").glob("*")):
        if (only is None or folder.name in only) and (folder / MANIFEST).is_file():
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


@contextmanager
def publish_lock(root: Path) -> Iterator[None]:
    """Hold the output root's lock, or fail at once naming the publish that holds it."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except (FileExistsError, NotADirectoryError) as exc:
        raise UserError(f"{root}: not a folder to publish into ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise UserError(f"{root}: another publish is running (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # lets go of the lock


def switched_in(root: Path) -> set[str] | None:
    """The versions that were ever current: those ``index.json`` lists, the current one and
    those it descends from (each release names the one current when it was built). None
    when nothing records it (no readable index, no current release): then no release is
    judged. (Every publish writes the index before it builds, so that only happens when
    someone removed both.)"""
    found: set[str] | None = None
    with suppress(OSError, msgspec.DecodeError):
        index = msgspec.json.decode((root / INDEX).read_bytes(), type=Index)
        found = {m.version for m in index.releases}
    cur = current_release(root)
    seen: set[str] = set()
    while cur is not None and cur.name not in seen and (cur / MANIFEST).is_file():
        seen.add(cur.name)
        try:
            previous = read_manifest(cur).previous
        except UserError:
            break
        cur = root / "releases" / previous if previous else None
    if found is None and not seen:
        return None
    return (found or set()) | seen


def repair(root: Path) -> list[str]:
    """Remove what killed runs left (build folders, temporary links and indexes, releases
    renamed into place but never switched in) and rewrite ``index.json`` from what is on
    disk. Run under the lock. Returns what was removed, by name."""
    removed = []
    for pattern in LEFTOVERS:
        for stale in root.glob(pattern):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
            removed.append(stale.name)
    switched = switched_in(root)
    if switched is not None:
        for m in releases(root):
            if m.version not in switched:
                shutil.rmtree(root / "releases" / m.version, ignore_errors=True)
                removed.append(f"releases/{m.version}")
    write_index(root, switched)
    return removed


def new_build_dir(root: Path) -> Path:
    """A fresh build folder on the same filesystem as the releases, readable by all (as the
    umask allows: ``mkdtemp`` makes it 0700)."""
    root.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".build-{os.getpid()}-", dir=root))
    build.chmod(0o777 & ~current_umask())
    return build


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_manifest(build: Path, manifest: Manifest) -> None:
    manifest.files = file_entries(build)
    (build / MANIFEST).write_bytes(msgspec.json.format(msgspec.json.encode(manifest), indent=2))


def _publishable(build: Path) -> None:
    """Every folder and file of the build readable by all (as the umask allows), and on disk."""
    mask = current_umask()
    for path in [build, *build.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o777 & ~mask)
        else:
            path.chmod(0o666 & ~mask)
            with path.open("rb") as fh:
                os.fsync(fh.fileno())


def switch_in(root: Path, build: Path, version: str) -> Path:
    """Move a validated build into releases/ and point ``current`` at it, atomically.

    Until ``current`` points at it, a failure undoes the move (the build is the caller's to
    remove). The caller then lists it in ``index.json`` (:func:`write_index`); a run killed
    before that leaves an index that lags, repaired by the next run."""
    target_dir = root / "releases"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / version
    if target.exists():
        raise UserError(f"{target}: a release {version} exists already; releases are immutable")
    _publishable(build)
    fault("rename")
    os.rename(build, target)
    tmp_link = root / f".current-{os.getpid()}"
    try:
        _fsync_dir(target_dir)
        fault("link")
        tmp_link.unlink(missing_ok=True)
        os.symlink(Path("releases") / version, tmp_link)
        os.replace(tmp_link, root / "current")
    except BaseException:
        tmp_link.unlink(missing_ok=True)
        if current_release(root) != target.resolve():
            os.rename(target, build)
        raise
    _fsync_dir(root)
    return target


def write_index(root: Path, switched: set[str] | None) -> None:
    """``index.json``: the releases switched in (all on disk when that is not known)."""
    cur = current_release(root)
    index = Index(current=cur.name if cur else None, releases=releases(root, switched))
    tmp = root / f".index-{os.getpid()}.json"
    try:
        tmp.write_bytes(msgspec.json.format(msgspec.json.encode(index), indent=2))
        os.replace(tmp, root / INDEX)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def now() -> datetime:
    """The release's creation time: local, timezone-aware, whole seconds (RFC 3339)."""
    return datetime.now().astimezone().replace(microsecond=0)
