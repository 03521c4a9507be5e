"""The complete diff a release carries against the release before it, with row contents.

:func:`publisher.release.diff.diff_packages` feeds a :class:`ChangesWriter` the rows it
finds added, removed or changed; each resource's rows are spooled to disk as they come
(memory holds their keys and offsets only), then written in key order as
``changes/<resource>.jsonl.gz`` (gzip members of a bounded number of lines, so a reader
can start at any block) with ``changes/changes.json`` indexing them. The format and its
reader are :mod:`publisher.read.changes`.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import IO

import msgspec

from ..read.changes import (
    BLOCK_ROWS,
    CHANGES_INDEX,
    ChangeLine,
    ChangesIndex,
    ResourceChanges,
    Row,
)

_encode = msgspec.json.Encoder().encode


def _row(header: list[str], values: list[str]) -> Row:
    """A CSV row as the diff carries it: field → value, an empty cell as null."""
    return {
        name: (value if value != "" else None) for name, value in zip(header, values, strict=False)
    }


class ChangeSpool:
    """One resource's changed rows, spooled unsorted; :meth:`finish` writes them sorted."""

    def __init__(self, folder: Path, name: str, key: list[str]) -> None:
        self.folder = folder
        self.name = name
        self.key = key
        self._tmp: IO[bytes] = (folder / f".{name}.spool").open("w+b")
        # key → [op, new offset, new length, old offset, old length]
        self._entries: dict[str, list] = {}

    def _put(self, header: list[str], values: list[str]) -> tuple[int, int]:
        data = _encode(_row(header, values))
        offset = self._tmp.tell()
        self._tmp.write(data)
        return offset, len(data)

    def new_row(self, key: str, op: str, header: list[str], values: list[str]) -> None:
        """A row of the new release: ``added`` or ``changed``."""
        offset, size = self._put(header, values)
        self._entries[key] = [op, offset, size, -1, 0]

    def old_row(self, key: str, header: list[str], values: list[str]) -> None:
        """A row of the old release: ``removed``, or the old side of a changed row."""
        offset, size = self._put(header, values)
        entry = self._entries.setdefault(key, ["removed", -1, 0, -1, 0])
        entry[3], entry[4] = offset, size

    def _read(self, offset: int, size: int) -> Row | None:
        if offset < 0:
            return None
        self._tmp.seek(offset)
        return msgspec.json.decode(self._tmp.read(size))

    def finish(self) -> ResourceChanges:
        """Write ``<name>.jsonl.gz`` in key order; the spool goes."""
        counts = {"added": 0, "removed": 0, "changed": 0}
        blocks: list[tuple[str, int]] = []
        with (self.folder / f"{self.name}.jsonl.gz").open("wb") as out:
            lines: list[bytes] = []
            first = ""
            for key in sorted(self._entries):
                op, new_off, new_size, old_off, old_size = self._entries[key]
                counts[op] += 1
                line = ChangeLine(
                    key=key,
                    op=op,
                    old=self._read(old_off, old_size),
                    new=self._read(new_off, new_size),
                )
                if not lines:
                    first = key
                lines.append(_encode(line) + b"\n")
                if len(lines) == BLOCK_ROWS:
                    blocks.append((first, out.tell()))
                    out.write(gzip.compress(b"".join(lines), mtime=0))
                    lines = []
            if lines:
                blocks.append((first, out.tell()))
                out.write(gzip.compress(b"".join(lines), mtime=0))
        self._tmp.close()
        (self.folder / f".{self.name}.spool").unlink()
        self._entries.clear()
        return ResourceChanges(key=self.key, blocks=blocks, **counts)


class ChangesWriter:
    """``changes/`` of a release: one :class:`ChangeSpool` per resource, then the index."""

    def __init__(self, folder: Path, old_version: str | None, new_version: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.index = ChangesIndex(old_version=old_version, new_version=new_version)

    def spool(self, name: str, key: list[str]) -> ChangeSpool:
        return ChangeSpool(self.folder, name, key)

    def add(self, spool: ChangeSpool) -> None:
        self.index.resources[spool.name] = spool.finish()

    def close(self) -> ChangesIndex:
        data = msgspec.json.format(msgspec.json.encode(self.index), indent=1)
        (self.folder / CHANGES_INDEX).write_bytes(data)
        return self.index
