"""The ledger: every input row counted as published, merged, withheld, rejected or excluded.

``excluded`` rows were read and valid but are not in the release: decided after its
as-of date, or penalties not in publicity on it (:meth:`Ledger.exclude`, applied by
publish), so that ``published`` counts exactly the rows in the release.

The counts must add up to the rows read, per file, per source and in total; a
ledger that does not add up stops the build. The ledger holds reasons, files
and row numbers, never source values, so it carries no personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import msgspec

from ..model import Base, Outcome, Provenance, RowOutcome, WithheldValue


class Counts(Base, kw_only=True):
    read: int = 0
    published: int = 0
    merged: int = 0
    withheld: int = 0
    rejected: int = 0
    excluded: int = 0

    def add(self, outcome: Outcome) -> None:
        self.read += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

    def absorb(self, other: Counts) -> None:
        for name in self.__struct_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def adds_up(self) -> bool:
        return self.read == (
            self.published + self.merged + self.withheld + self.rejected + self.excluded
        )


class FileLedger(Base, kw_only=True):
    file: str
    kind: str
    counts: Counts
    sheet: str | None = None
    encoding: str | None = None
    lines: int | None = None  # a CSV's physical lines after its header


class SourceLedger(Base, kw_only=True):
    source: str
    authority_code: str
    files: list[FileLedger]
    counts: Counts
    reasons: dict[str, int] = {}


class Ledger(Base, kw_only=True):
    sources: list[SourceLedger]
    total: Counts
    reasons: dict[str, int] = {}
    rows: list[RowOutcome] = []
    withheld_values: list[WithheldValue] = []

    def check(self) -> None:
        """Raise if any count fails to add up: no row may be lost."""
        for s in self.sources:
            for f in s.files:
                if not f.counts.adds_up():
                    raise AssertionError(f"ledger does not add up for {s.source}/{f.file}")
            summed = Counts()
            for f in s.files:
                summed.absorb(f.counts)
            if summed != s.counts or not s.counts.adds_up():
                raise AssertionError(f"ledger does not add up for source {s.source}")
        summed = Counts()
        for s in self.sources:
            summed.absorb(s.counts)
        if summed != self.total or not self.total.adds_up():
            raise AssertionError("ledger total does not add up")
        listed = Counter(r.outcome for r in self.rows)
        for outcome in ("merged", "withheld", "rejected", "excluded"):
            if listed[outcome] != getattr(self.total, outcome):
                raise AssertionError(f"ledger lists {listed[outcome]} {outcome} rows")

    def write(self, path: Path) -> None:
        """Write the ledger as JSON (see :class:`LedgerWriter`)."""
        LedgerWriter(self).write(path)


class LedgerWriter:
    """Writes a ledger, its listed rows in memory or staged on disk, with exclusions."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._staged: Path | None = None  # rows moved to disk by stage()
        self._excluded: dict[tuple[str, str, int], RowOutcome] = {}

    def stage(self, path: Path) -> None:
        """Move the listed rows to ``path`` and ``path``.values (JSON lines) and out of
        memory; :meth:`write` streams them back. A million-row run lists millions."""
        encode = msgspec.json.Encoder().encode
        values = path.with_name(path.name + ".values")
        for target, items in ((path, self.ledger.rows), (values, self.ledger.withheld_values)):
            with target.open("wb") as fh:
                for item in items:
                    fh.write(encode(item) + b"\n")
        self.ledger.rows, self.ledger.withheld_values = [], []
        self._staged = path

    def exclude(self, records: Iterable[tuple[str, str, Sequence[Provenance]]]) -> int:
        """Move the rows of records not in the release to ``excluded``.

        ``records``: (record id, reason, provenance); a record's first provenance is the
        row counted published, the others rows counted merged (listed as such). Returns
        how many rows moved; the counts still add up.
        """
        files: dict[tuple[str, str], tuple[SourceLedger, FileLedger]] = {
            (s.source, f.file): (s, f) for s in self.ledger.sources for f in s.files
        }
        moved = 0
        for rid, reason, provenance in records:
            for k, p in enumerate(provenance):
                s, f = files[(p.source, p.file)]
                was = "published" if k == 0 else "merged"
                for counts in (f.counts, s.counts, self.ledger.total):
                    setattr(counts, was, getattr(counts, was) - 1)
                    counts.excluded += 1
                for reasons in (s.reasons, self.ledger.reasons):
                    _count(reasons, f"excluded:{reason}", 1)
                    if k:
                        _count(reasons, "merged:duplicate", -1)
                self._excluded[(p.source, p.file, p.row)] = RowOutcome(
                    source=p.source,
                    file=p.file,
                    sheet=p.sheet,
                    row=p.row,
                    outcome="excluded",
                    reason=reason,
                    record_id=rid,
                )
                moved += 1
        return moved

    def _rows(self) -> Iterator[RowOutcome]:
        """The listed rows, staged or not, with the exclusions applied."""
        pending = dict(self._excluded)
        if self._staged is not None:
            decode = msgspec.json.Decoder(RowOutcome).decode
            with self._staged.open("rb") as fh:
                for line in fh:
                    row = decode(line)
                    yield pending.pop((row.source, row.file, row.row), row)
        for row in self.ledger.rows:
            yield pending.pop((row.source, row.file, row.row), row)
        yield from pending.values()

    def _values(self) -> Iterator[bytes]:
        """The withheld values, encoded: staged lines pass through as they are."""
        if self._staged is not None:
            with self._staged.with_name(self._staged.name + ".values").open("rb") as fh:
                for line in fh:
                    yield line.rstrip(b"\n")
        encode = msgspec.json.Encoder().encode
        for value in self.ledger.withheld_values:
            yield encode(value)

    def write(self, path: Path) -> None:
        """Write the ledger as JSON, one listed row per line, streaming the row lists (never
        all in memory), and check that the listed rows agree with the counts."""
        encode = msgspec.json.Encoder().encode
        head = msgspec.structs.replace(self.ledger, rows=[], withheld_values=[])
        text = msgspec.json.format(msgspec.json.encode(head), indent=2).rstrip()
        assert text.endswith(b"}"), "a ledger encodes as an object"
        listed: Counter[str] = Counter()
        with path.open("wb") as fh:
            fh.write(text[:-1].rstrip())  # the object, reopened to stream its row lists in
            fh.write(b',\n  "rows": [')
            for k, row in enumerate(self._rows()):
                listed[row.outcome] += 1
                fh.write((b",\n    " if k else b"\n    ") + encode(row))
            fh.write(b'\n  ],\n  "withheld_values": [')
            for k, line in enumerate(self._values()):
                fh.write((b",\n    " if k else b"\n    ") + line)
            fh.write(b"\n  ]\n}\n")
        for outcome in ("merged", "withheld", "rejected", "excluded"):
            if listed[outcome] != getattr(self.ledger.total, outcome):
                raise AssertionError(f"ledger lists {listed[outcome]} {outcome} rows")
        if self._staged is not None:
            self._staged.with_name(self._staged.name + ".values").unlink(missing_ok=True)
            self._staged.unlink(missing_ok=True)
            self._staged = None


def _count(reasons: dict[str, int], key: str, by: int) -> None:
    n = reasons.get(key, 0) + by
    if n:
        reasons[key] = n
    else:
        reasons.pop(key, None)


def reason_key(outcome: RowOutcome) -> str:
    base = f"{outcome.outcome}:{outcome.reason}"
    return f"{base}:{outcome.field}" if outcome.field else base
