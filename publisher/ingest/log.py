"""The normalised decision log: accepted rows kept in frames, made into records on demand.

Ingest decides every row's outcome on columns and keeps the accepted rows
(published and merged) as typed Polars frames, which cost a fraction of the
Python records they stand for. :meth:`Log.records` folds them, in the order they
were read, into one :class:`~publisher.model.Decision` or
:class:`~publisher.model.Penalty` per record id, merging re-exports exactly as
ingest classified them.

A merged row only adds media, changes, empty fields, originals, withheld fields
and its provenance to the first row of its id, so ingest drops what it cannot add
(the publisher's details, free text the first row already has) before keeping it.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from ..model import NO_ORIGINAL, Decision, Penalty, raw_originals
from ..runtime import paused_gc
from .columnar import FrameNormaliser, decode_withheld


class Chunk:
    """Accepted rows of one frame of one file, staged on disk, with their normaliser."""

    __slots__ = ("norm", "path")

    def __init__(self, norm: FrameNormaliser, path: Path) -> None:
        self.norm, self.path = norm, path


class Log:
    """The accepted rows of a run, per record kind, in reading order, staged on disk
    (Arrow IPC files in a temporary folder, or in ``under``: publish stages them in its
    build folder, so a killed build leaves nothing elsewhere) so that a run's
    memory does not grow with them."""

    def __init__(self, under: Path | None = None) -> None:
        self.chunks: dict[str, list[Chunk]] = {"decisions": [], "penalties": []}
        if under is None:
            self.folder = Path(tempfile.mkdtemp(prefix="adreg-log-"))
        else:
            self.folder = under
            under.mkdir(parents=True)
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, True)
        self.count = 0

    def add(self, kind: str, norm: FrameNormaliser, frame: pl.DataFrame) -> None:
        if frame.height:
            self.count += 1
            path = self.folder / f"{self.count:06d}.arrow"
            frame.write_ipc(path, compression="lz4", compat_level=pl.CompatLevel.oldest())
            self.chunks[kind].append(Chunk(norm, path))

    def close(self) -> None:
        """Remove the staged rows (the records made from them stay)."""
        self._cleanup()

    def records(self, kind: str, merge: Callable[[Any, Any], str | None]) -> dict[str, Any]:
        """Every record of ``kind``, merged by id; the frames are released as they are read."""
        with paused_gc():  # a million records and no cycles (see paused_gc)
            store: dict[str, Any] = {}
            shared: dict[Any, Any] = {}
            chunks = self.chunks[kind]
            while chunks:
                chunk = chunks.pop(0)
                norm = chunk.norm
                frame = pl.read_ipc(chunk.path)
                chunk.path.unlink()
                build: Callable[..., Decision | Penalty] = (
                    norm.decision if kind == "decisions" else norm.penalty
                )
                names = [n for n in norm.names if n in frame.columns]
                share = shared.setdefault  # one object per distinct value, across chunks
                columns = [
                    frame[name].to_list()
                    if norm.fields[name].parser == "multi_lookup"  # lists: each record its own
                    else [v if v is None else share(v, v) for v in frame[name].to_list()]
                    for name in names
                ]
                originals: list[dict[str, str] | None] = [None] * frame.height
                for column in frame.columns:
                    if not column.startswith("o."):
                        continue
                    texts = frame[column]
                    present = texts.is_not_null()
                    for k, text in zip(
                        present.arg_true().to_list(), texts.filter(present).to_list(), strict=True
                    ):
                        held = originals[k]
                        if held is None:
                            held = originals[k] = {}
                        held[column[2:]] = share(text, text)
                rows = frame["row"].to_list()
                ids = frame["id"].to_list()
                authorities = [share(a, a) for a in frame["authority_code"].to_list()]
                withheld = frame["_withheld"].to_list()
                del frame, chunk
                for k, row_values in enumerate(zip(*columns, strict=True)):
                    v = dict(zip(names, row_values, strict=True))
                    held = originals[k]
                    original = raw_originals(held) if held else NO_ORIGINAL
                    record = build(
                        rows[k], ids[k], authorities[k], v, original, decode_withheld(withheld[k])
                    )
                    old = store.get(ids[k])
                    if old is None:
                        store[ids[k]] = record
                    else:
                        merge(old, record)
            return store
