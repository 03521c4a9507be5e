"""What changed between an earlier release and this one: rows added, removed and changed,
with their contents, read from the complete diffs the releases carry.

Each release (but the first) carries ``changes/``: its complete diff against the release
before it, written by :mod:`publisher.release.changes`:

* ``changes/changes.json`` (:class:`ChangesIndex`): the two versions, and per resource its
  key fields, counts and blocks (the first key and byte offset of each gzip member);
* ``changes/<resource>.jsonl.gz``: one line per changed row (:class:`ChangeLine`) in key
  order, as gzip members of at most :data:`BLOCK_ROWS` lines each, so that a page can
  start at its block without reading the file from its beginning.

``changes_since`` walks ``previous`` links from this release back to the one asked about
and merges the diffs on the way key by key (added then removed is nothing; changed then
changed is one change from the first old row to the last new one), so memory holds one
line per release at a time and a page costs a block or two per release.
"""

from __future__ import annotations

import gzip
import heapq
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

import msgspec

from ..errors import UserError
from ..manifest import Index, read_manifest
from . import answers as a
from .reader import Reader

CHANGES_DIR = "changes"
CHANGES_INDEX = "changes.json"
BLOCK_ROWS = 1000
OPS = ("added", "removed", "changed")
MAX_CHAIN = 1000  # releases walked back at the most (a guard against a looping chain)

Row = dict[str, str | None]


class ChangeLine(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One changed row: its key (primary-key values joined by ``|``) and contents."""

    key: str
    op: str  # added | removed | changed
    old: Row | None = None
    new: Row | None = None


class ResourceChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: list[str]  # the primary key's fields (empty: the whole row is the key)
    added: int = 0
    removed: int = 0
    changed: int = 0
    blocks: list[tuple[str, int]] = []  # (first key, byte offset) of each gzip member


class ChangesIndex(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    old_version: str | None
    new_version: str
    resources: dict[str, ResourceChanges] = {}


# ---- answers -----------------------------------------------------------------------


class RowChange(a.Answer):
    resource: str
    key: str
    op: str  # added | removed | changed
    old: Row | None = None  # the row in the earlier release (removed, changed)
    new: Row | None = None  # the row in this release (added, changed)
    fields: list[str] = []  # changed: the fields whose values differ


class ChangeStep(a.Answer):
    """One release on the way: its diff against the release before it, counted."""

    version: str
    previous: str
    created: str
    added: int
    removed: int
    changed: int


class ChangesPage(a.Answer):
    release: a.ReleaseRef
    since: str
    last_changed: str | None  # when the data last changed (index.json), if known
    steps: list[ChangeStep]
    items: list[RowChange]
    next: str | None = None  # the cursor of the next page; None: this is the last


class ChangesUnavailable(UserError):
    """The diff asked for cannot be given from what the releases carry."""


# ---- reading -----------------------------------------------------------------------


def read_index(folder: Path) -> ChangesIndex | None:
    path = folder / CHANGES_DIR / CHANGES_INDEX
    if not path.is_file():
        return None
    return msgspec.json.decode(path.read_bytes(), type=ChangesIndex)


def _previous_folder(folder: Path, version: str) -> Path:
    """The folder of release ``version``, the one before the release in ``folder``: beside
    it (``<root>/releases/<version>``), or, for a release still being built in
    ``<root>/.build-*`` (its site is made before it is switched in), in ``<root>/releases``."""
    beside = folder.parent / version
    if (beside / "release.json").is_file() or folder.parent.name == "releases":
        return beside
    return folder.parent / "releases" / version


def chain(reader: Reader, since: str) -> list[tuple[Path, ChangesIndex, str]]:
    """The releases after ``since`` up to this one, oldest first, each with its diff and
    creation time. Raises :class:`KeyError` when ``since`` is no earlier release of this one
    and :class:`ChangesUnavailable` when a release on the way carries no complete diff."""
    folder, manifest = reader.folder, reader.manifest
    steps: list[tuple[Path, ChangesIndex, str]] = []
    while manifest.version != since:
        if manifest.previous is None or len(steps) >= MAX_CHAIN:
            raise KeyError(since)
        index = read_index(folder)
        if index is None or index.old_version != manifest.previous:
            raise ChangesUnavailable(
                f"release {manifest.version} carries no complete diff against"
                f" {manifest.previous}: changes can be listed only since a later release"
            )
        steps.append((folder, index, manifest.created))
        folder = _previous_folder(folder, manifest.previous)
        if not (folder / "release.json").is_file():
            raise KeyError(since)
        manifest = read_manifest(folder)
    return steps[::-1]


def last_changed(reader: Reader) -> str | None:
    """The time the data last changed, from the output root's ``index.json`` (if any)."""
    root = reader.folder.parent.parent
    path = root / "index.json"
    if reader.folder.parent.name != "releases" or not path.is_file():
        return None
    try:
        return msgspec.json.decode(path.read_bytes(), type=Index).last_changed
    except (OSError, msgspec.DecodeError):
        return None


def row_changes(reader: Reader, since: str) -> Iterator[tuple[str, ChangeLine]]:
    """Every row that differs between release ``since`` and this one, net over the releases
    between (as :func:`changes_since` merges them), resource by resource: (resource, its
    change with the old and new row). Raises as :func:`chain` does."""
    steps = chain(reader, since)
    names = dict.fromkeys(
        name
        for _, index, _ in steps
        for name, res in index.resources.items()
        if res.added or res.removed or res.changed
    )
    for name in names:
        for line in _composed(steps, name, ""):
            yield name, line


def _lines(folder: Path, resource: str, res: ResourceChanges, after: str) -> Iterator[ChangeLine]:
    """The resource's change lines with a key after ``after`` (all if empty), in key order:
    read from the last block starting at or before ``after``."""
    if not res.blocks:
        return
    i = bisect_right([first for first, _ in res.blocks], after) - 1 if after else 0
    decoder = msgspec.json.Decoder(ChangeLine)
    with (folder / CHANGES_DIR / f"{resource}.jsonl.gz").open("rb") as raw:
        raw.seek(res.blocks[max(i, 0)][1])
        with gzip.GzipFile(fileobj=raw, mode="rb") as fh:
            for line in fh:
                change = decoder.decode(line)
                if change.key > after:
                    yield change


def _composed(
    steps: list[tuple[Path, ChangesIndex, str]], resource: str, after: str
) -> Iterator[ChangeLine]:
    """Changes of one resource over every step, merged key by key, in key order: a row
    keeps its contents before the first step and after the last (added then removed is
    no change; changed twice is one change)."""
    streams = []
    for n, (folder, index, _) in enumerate(steps):
        res = index.resources.get(resource)
        if res is not None:
            streams.append((c.key, n, c) for c in _lines(folder, resource, res, after))
    key: str | None = None
    old: Row | None = None
    new: Row | None = None
    for k, _, change in heapq.merge(*streams, key=lambda t: (t[0], t[1])):
        if k != key:
            if key is not None and (line := _net(key, old, new)) is not None:
                yield line
            key, old = k, (change.old if change.op != "added" else None)
        new = change.new if change.op != "removed" else None
    if key is not None and (line := _net(key, old, new)) is not None:
        yield line


def _net(key: str, old: Row | None, new: Row | None) -> ChangeLine | None:
    """A row's change from ``old`` to ``new`` (None: absent), or None if there is none."""
    if old == new:
        return None
    op = "added" if old is None else "removed" if new is None else "changed"
    return ChangeLine(key=key, op=op, old=old, new=new)


def _fields(change: ChangeLine) -> list[str]:
    if change.op != "changed" or change.old is None or change.new is None:
        return []
    names = list(change.new) + [k for k in change.old if k not in change.new]
    return [k for k in names if change.old.get(k) != change.new.get(k)]


def cursor(resource: str, key: str) -> str:
    return f"{resource}:{key}"


def parse_cursor(value: str) -> tuple[str, str]:
    resource, sep, key = value.partition(":")
    if not sep or not resource:
        raise ValueError(f"not a changes cursor: {value!r}")
    return resource, key


def changes_since(reader: Reader, since: str, *, after: str = "", limit: int = 100) -> ChangesPage:
    """Rows added, removed and changed between release ``since`` and this one, ``limit`` at a
    time in (resource, key) order after the cursor ``after`` (see :func:`cursor`)."""
    steps = chain(reader, since)
    names: list[str] = []
    for _, index, _ in reversed(steps):
        names += [n for n in index.resources if n not in names]
    start_resource, start_key = parse_cursor(after) if after else ("", "")
    if start_resource and start_resource not in names:
        raise ValueError(f"cursor names no resource of these releases: {start_resource!r}")
    items: list[RowChange] = []
    more: str | None = None
    for name in names[names.index(start_resource) if start_resource else 0 :]:
        key_after = start_key if name == start_resource else ""
        for change in _composed(steps, name, key_after):
            if len(items) == limit:
                more = cursor(items[-1].resource, items[-1].key)
                break
            items.append(
                RowChange(
                    resource=name,
                    key=change.key,
                    op=change.op,
                    old=change.old,
                    new=change.new,
                    fields=_fields(change),
                )
            )
        if more is not None:
            break
    return ChangesPage(
        release=reader.ref,
        since=since,
        last_changed=last_changed(reader),
        steps=[
            ChangeStep(
                version=index.new_version,
                previous=index.old_version or "",
                created=created,
                added=sum(r.added for r in index.resources.values()),
                removed=sum(r.removed for r in index.resources.values()),
                changed=sum(r.changed for r in index.resources.values()),
            )
            for _, index, created in steps
        ],
        items=items,
        next=more,
    )
