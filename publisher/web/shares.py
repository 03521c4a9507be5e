"""The bulk pages of a site, shared between two processes: notices, registrants, media and
verification pages, cut into chunks that each process takes in turn from a shared list.

The parent lists the chunks (registrant ids, then notice ids, a batch each) and forks a
child; the child does its own first work (the search index), then takes chunk after
chunk from the front of the list while the parent makes the site's single pages (lists,
downloads, feed), then the parent takes chunks from the back, so both cores stay busy
until the last chunk whatever either side's other work costs. From opposite ends, the two write into different folders (registrants,
media and verification pages; notices) until they meet: two processes creating files in
one folder at once wait for each other in the file system (measured: about as slow as one). Each process writes
its own pages with its own :class:`~publisher.web.writer.Writer`; the child hands its
manifest entries back through a file, which the parent merges (refusing a path made twice).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec

from ..errors import UserError
from ..read import catalog
from ..read.reader import Reader
from . import pages as pg
from .unchanged import Shortcut
from .writer import PageEntry, SiteManifest, Stats, Writer

NOTICE_CHUNK = 250  # notices a chunk (one batch of the bulk read)
PUBLISHER_CHUNK = 50  # registrants a chunk, each with its media and verification pages
ERRNO_EXIT = 100  # the child's exit code for a failed write: this plus its errno

Chunk = tuple[str, list[str]]  # ("notices" | "publishers", ids)


def chunks(reader: Reader, *, entities: bool = True, notices: int | None = None) -> list[Chunk]:
    """The bulk pages as chunks: registrants (when ``entities``), then the first
    ``notices`` notices (all when None) in publication order."""
    out: list[Chunk] = []
    if entities:
        ids = catalog.publisher_ids(reader)
        out += [
            ("publishers", ids[i : i + PUBLISHER_CHUNK])
            for i in range(0, len(ids), PUBLISHER_CHUNK)
        ]
    ids = catalog.notice_ids(reader)[:notices]
    out += [("notices", ids[i : i + NOTICE_CHUNK]) for i in range(0, len(ids), NOTICE_CHUNK)]
    return out


def pages_of(
    reader: Reader, chunk: Chunk, by_code: dict[str, catalog.Authority]
) -> Iterator[pg.Page]:
    kind, ids = chunk
    if kind == "notices":
        for page in catalog.notice_pages_of(reader, ids):
            yield pg.notice_page(page, by_code.get(page.notice.authority_code))
    else:
        yield from pg.entity_pages(reader, ids)


class Shares:
    """The chunks, the two ends both processes take from, and the child (when ``jobs`` > 1
    and the platform forks). Make it before the parent's other work; ``work`` then
    ``join`` after it; ``close`` in any case."""

    def __init__(
        self,
        release: Path,
        out: Path,
        builder: str,
        previous: Path | None,
        work: list[Chunk],
        authorities: list[catalog.Authority],
        jobs: int = 2,
        *,
        parts: dict[str, str] | None = None,
        stable: str = "",
        shortcut: Shortcut | None = None,
        first: Callable[[Reader, Writer], int] | None = None,
        old: SiteManifest | None = None,
    ) -> None:
        self.work = work
        self.out, self.builder, self.previous = out, builder, previous
        self.first = first  # the child's own work before the chunks (its result: first_result)
        self.first_result = 0
        self.old = old  # the previous site's manifest, read once for both processes
        self.parts = parts
        self.stable = stable
        self.shortcut = shortcut
        self.by_code = {a.division_code: a for a in authorities}
        self.part = out.parent / f".{out.name}.shares.json"
        self.child: Any = None
        forks = "fork" in multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if forks else None)
        self.ends = ctx.Array("l", [0, len(work)])  # the next from the front, the back
        if jobs > 1 and forks and len(work) > 1:
            self.child = ctx.Process(target=self._child, args=(release,), daemon=True)
            self.child.start()

    def _take(self, back: bool) -> int | None:
        """The next chunk's index from the front or the back; None when none is left."""
        with self.ends.get_lock():
            front, end = self.ends[0], self.ends[1]
            if front >= end:
                return None
            if back:
                self.ends[1] = end - 1
                return int(end - 1)
            self.ends[0] = front + 1
            return int(front)

    def work_on(self, reader: Reader, writer: Writer, *, back: bool = True) -> int:
        """Make the pages of chunk after chunk (the parent's from the back, the child's
        from the front) until none is left; how many chunks."""
        done = 0
        while (i := self._take(back)) is not None:
            kind, ids = self.work[i]
            if self.shortcut is not None:  # the unchanged taken from the previous site
                ids = self.shortcut.take(writer, kind, ids)
            for page in pages_of(reader, (kind, ids), self.by_code):
                writer.page(*page)
            done += 1
        return done

    def writer(self, reader: Reader) -> Writer:
        """A writer of this site's pages (with its parts), for either process."""
        return Writer(
            self.out,
            self.builder,
            reader.ref.version,
            self.previous,
            parts=self.parts,
            stable=self.stable,
            old=self.old,
        )

    def _child(self, release: Path) -> None:
        """In the child: chunks until none is left, then its manifest entries to the file.

        A failed write (disk full, read-only folder) ends it quietly with exit code
        ``ERRNO_EXIT + errno``, which the parent raises again as that ``OSError``;
        anything else with exit code 1."""
        try:
            reader = Reader(release)  # its own connection: never the parent's
            writer = self.writer(reader)
            first = self.first(reader, writer) if self.first else 0
            self.work_on(reader, writer, back=False)
            self.part.write_bytes(msgspec.json.encode([writer.manifest.pages, writer.stats, first]))
            reader.close()
        except OSError as exc:
            code = exc.errno or 0
            sys.exit(ERRNO_EXIT + code if 0 < code < 255 - ERRNO_EXIT else 1)
        except Exception:
            sys.exit(1)

    def join(self, writer: Writer) -> None:
        """Wait for the child and take its pages into ``writer``'s manifest and counts."""
        child = self.child
        if child is None:
            return
        child.join()
        if child.exitcode is not None and child.exitcode > ERRNO_EXIT:
            code = child.exitcode - ERRNO_EXIT
            raise OSError(code, f"site: writing pages in the second process: {os.strerror(code)}")
        if child.exitcode != 0:
            raise UserError(f"site: the second process failed (exit {child.exitcode})")
        pages, theirs, self.first_result = msgspec.json.decode(
            self.part.read_bytes(), type=tuple[dict[str, PageEntry], Stats, int]
        )
        twice = pages.keys() & writer.manifest.pages.keys()
        if twice:
            raise UserError(f"site: two pages would be written to {min(twice)}")
        writer.manifest.pages.update(pages)
        writer.stats.written += theirs.written
        writer.stats.reused += theirs.reused

    def close(self) -> None:
        if self.child is not None and self.child.is_alive():
            self.child.kill()
            self.child.join()
        self.part.unlink(missing_ok=True)
