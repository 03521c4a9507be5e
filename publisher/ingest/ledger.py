"""The ledger: every input row counted as published, merged, withheld or rejected.

The counts must add up to the rows read, per file, per source and in total; a
ledger that does not add up stops the build. The ledger holds reasons, files
and row numbers, never source values, so it carries no personal data.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import msgspec

from ..model import Base, Outcome, RowOutcome, WithheldValue


class Counts(Base, kw_only=True):
    read: int = 0
    published: int = 0
    merged: int = 0
    withheld: int = 0
    rejected: int = 0

    def add(self, outcome: Outcome) -> None:
        self.read += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

    def absorb(self, other: Counts) -> None:
        for name in self.__struct_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def adds_up(self) -> bool:
        return self.read == self.published + self.merged + self.withheld + self.rejected


class FileLedger(Base, kw_only=True):
    file: str
    kind: str
    counts: Counts
    sheet: str | None = None
    encoding: str | None = None


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
        for outcome in ("merged", "withheld", "rejected"):
            if listed[outcome] != getattr(self.total, outcome):
                raise AssertionError(f"ledger lists {listed[outcome]} {outcome} rows")

    def write(self, path: Path, chunk: int = 20_000) -> None:
        """Write the ledger as JSON, one listed row per line, streaming the row lists.

        A million-row run lists millions of rows; encoding them in one piece (and then
        indenting a copy) would hold several times the ledger's size in memory at once.
        """
        encode = msgspec.json.Encoder().encode
        head = msgspec.structs.replace(self, rows=[], withheld_values=[])
        text = msgspec.json.format(msgspec.json.encode(head), indent=2).rstrip()
        assert text.endswith(b"}"), "a ledger encodes as an object"
        with path.open("wb") as fh:
            fh.write(text[:-1].rstrip())  # the object, reopened to stream its row lists in
            for name, items in (("rows", self.rows), ("withheld_values", self.withheld_values)):
                fh.write(b',\n  "' + name.encode() + b'": [')
                for start in range(0, len(items), chunk):
                    lines = b",\n    ".join(map(encode, items[start : start + chunk]))
                    fh.write((b",\n    " if start else b"\n    ") + lines)
                fh.write(b"\n  ]")
            fh.write(b"\n}\n")


def reason_key(outcome: RowOutcome) -> str:
    base = f"{outcome.outcome}:{outcome.reason}"
    return f"{base}:{outcome.field}" if outcome.field else base
