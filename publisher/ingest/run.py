"""Ingest: source folders → the merged, normalised decision log and its ledger.

Runs extract and normalise over every file of every source, merges the same
decision or penalty exported by several sources into one record with all its
provenances, and accounts for every row in the ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
from msgspec.structs import replace

from ..errors import UserError
from ..model import Authority, AuthorityName, Decision, Penalty, RowOutcome, WithheldValue
from ..runtime import paused_gc
from .columnar import SEP, FrameNormaliser, decode_outcome, decode_withheld, record_ids
from .config import AuthorityConfig, FileConfig, Source, load_source, source_file
from .divisions import division
from .extract import column_indexes, open_table
from .frames import prefetched
from .ledger import Counts, FileLedger, Ledger, SourceLedger, reason_key
from .log import Log
from .merge import Firsts, merge_decision, merge_penalty, prune

LEVEL_ORDER = {"county": 0, "prefecture": 1, "province": 2}
Progress = Callable[[str, int, int], None]


class IngestResult:
    """The merged log and its ledger; records are made from the log when first asked for."""

    def __init__(
        self, authorities: dict[str, Authority], log: Log, ledger: Ledger, counts: dict[str, int]
    ) -> None:
        self.authorities = authorities
        self.ledger = ledger
        self.counts = counts  # records of each kind, without making them
        self._log = log
        self._decisions: dict[str, Decision] | None = None
        self._penalties: dict[str, Penalty] | None = None

    def close(self) -> None:
        """Remove the staged log (records already made stay)."""
        self._log.close()

    @property
    def decisions(self) -> dict[str, Decision]:
        if self._decisions is None:
            self._decisions = self._log.records("decisions", merge_decision)
        return self._decisions

    @property
    def penalties(self) -> dict[str, Penalty]:
        if self._penalties is None:
            self._penalties = self._log.records("penalties", merge_penalty)
        return self._penalties


def _authority(config: AuthorityConfig, where: str) -> Authority:
    found = division(config.division_code)
    if found is None:
        raise UserError(f"{where}: {config.division_code!r} is not a GB/T 2260 division code")
    if found.level != config.level:
        raise UserError(
            f"{where}: division {config.division_code} ({found.name}) is a {found.level}, "
            f"not a {config.level}"
        )
    names: list[AuthorityName] = []
    start = None
    for former in sorted(config.former_names, key=lambda f: f.until):
        if start is not None and former.until < start:
            raise UserError(f"{where}: former name {former.name!r}: dates overlap")
        names.append(
            AuthorityName(
                name=former.name, valid_from=start, valid_to=former.until, source=former.source
            )
        )
        start = former.until + timedelta(days=1)
    if names:
        names.append(AuthorityName(name=config.name, valid_from=start))
    return Authority(
        division_code=config.division_code,
        name=config.name,
        level=config.level,
        division_name=found.name,
        names=names,
    )


def authorities_of(sources: Iterable[Source]) -> dict[str, Authority]:
    """Every authority the sources declare; an authority's own source names it."""
    out: dict[str, Authority] = {}
    for s in sources:
        where = str(s.folder / "source.yml")
        out[s.config.authority.division_code] = _authority(s.config.authority, where)
    for s in sources:
        for other in s.config.other_authorities:
            if other.division_code not in out:
                out[other.division_code] = _authority(other, str(s.folder / "source.yml"))
    return out


class _Run:
    """What an ingest run accumulates: the accepted rows and every row's outcome."""

    def __init__(self, authorities: dict[str, Authority], stage: Path | None) -> None:
        self.authorities = authorities
        self.log = Log(stage)
        self.firsts = {kind: Firsts(kind) for kind in ("decisions", "penalties")}
        self.rows: list[RowOutcome] = []
        self.withheld_values: list[WithheldValue] = []

    def file(self, source: Source, spec: FileConfig, progress: Progress | None) -> FileLedger:
        """Read, normalise and classify one file; count each of its rows once."""
        path = source_file(source, spec)
        table = open_table(path, spec)
        try:
            index = column_indexes(table, spec, path)
            # The columns extract patterns read, found as mapped columns are (header → index).
            read = {rule.column: rule.column for rule in spec.extract}
            columns = column_indexes(table, replace(spec, columns=read), path) if read else {}
        except UserError:
            table.close()
            raise
        norm = FrameNormaliser(
            source, spec, spec.path, table.sheet, index, self.authorities, columns
        )
        counts = Counts()
        label = f"{source.name}/{spec.path}"
        where: dict[str, Any] = {"source": source.name, "file": spec.path, "sheet": table.sheet}
        for raw in prefetched(table.frames()):
            if progress is not None:
                progress(label, table.position(), table.size)
            self._frame(spec.kind, norm, broken(raw, norm.frame(raw)), counts, where)
        norm.release()  # the log keeps it to build records; its memos are done with
        if progress is not None:
            progress(label, table.size, table.size)
        bounds = spec.expect_rows
        if bounds is not None and (
            counts.read < bounds.min or (bounds.max is not None and counts.read > bounds.max)
        ):
            raise UserError(
                f"{path}: {counts.read} data rows, expected {bounds.min}..{bounds.max or '∞'} "
                "(expect_rows in source.yml): not publishing"
            )
        return FileLedger(
            file=spec.path,
            kind=spec.kind,
            counts=counts,
            sheet=table.sheet,
            encoding=table.encoding,
            lines=table.lines(),
        )

    def _frame(
        self,
        kind: str,
        norm: FrameNormaliser,
        frame: pl.DataFrame,
        counts: Counts,
        where: dict[str, Any],
    ) -> None:
        """Count and classify one frame's rows; keep the accepted ones in the log."""
        source, file, sheet = where["source"], where["file"], where["sheet"]
        outcomes: list[RowOutcome] = []

        def outcome(row: int, **what: Any) -> None:
            outcomes.append(RowOutcome(source=source, file=file, sheet=sheet, row=row, **what))

        bad = frame.filter(pl.col("_outcome").is_not_null())
        parts = "_part" in frame.columns  # a row listing several media: a frame row for each
        if parts:  # a row is judged whole: its first bad part decides, the others go with it
            bad = bad.unique("row", keep="first", maintain_order=True)
        for row, code in zip(bad["row"].to_list(), bad["_outcome"].to_list(), strict=True):
            kind_of, reason, *rest = decode_outcome(code)
            field, detail = rest if rest else (None, "")
            outcome(row, outcome=kind_of, reason=reason, field=field or None, detail=detail or None)
            setattr(counts, kind_of, getattr(counts, kind_of) + 1)
        good = frame.filter(pl.col("_outcome").is_null()).drop("_outcome")
        if parts:
            good = good.filter(~pl.col("row").is_in(bad["row"].implode()))
        prefix = "D" if kind == "decisions" else "P"
        good = good.with_columns(record_ids(prefix, good, norm.identity, norm.fields))
        good = self.firsts[kind].classify(good)
        # A row's further media merge into its first medium, as rows of one decision do,
        # and count with it: only a row's first part is counted and listed.
        first = pl.col("_part") == 0 if parts else pl.lit(True)
        dups = good.filter(pl.col("_merged") & first).select("row", "id", "_conflict")
        for row, rid, conflict in dups.iter_rows():
            outcome(
                row,
                outcome="rejected" if conflict else "merged",
                reason="conflicting_duplicate" if conflict else "duplicate",
                field=conflict,
                record_id=rid,
            )
        good = good.filter(pl.col("_conflict").is_null())
        rows = good.filter(first) if parts else good
        conflicts = dups.height - (merged := int(rows["_merged"].sum()))
        counts.merged += merged
        counts.rejected += conflicts
        counts.published += rows.height - merged
        held = good.filter(pl.col("_withheld").is_not_null()).select("row", "id", "_withheld")
        values = [
            WithheldValue(
                source=source, file=file, sheet=sheet, row=row, field=f, reason=why, record_id=rid
            )
            for row, rid, code in held.iter_rows()
            for f, why in decode_withheld(code)
        ]
        if parts:  # a row's parts carry the row's withheld values again
            unique: dict[tuple[int, str, str], WithheldValue] = {}
            for v in values:
                unique.setdefault((v.row, v.field, v.reason), v)
            values = list(unique.values())
        self.withheld_values.extend(values)
        counts.read += frame.filter(first).height if parts else frame.height
        outcomes.sort(key=lambda o: o.row)
        self.rows.extend(outcomes)
        if parts:
            good = good.drop("_part")
        self.log.add(kind, norm, prune(good, kind))


def broken(raw: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of a CSV record that cannot be trusted (an unclosed quote: see
    :mod:`publisher.ingest.frames`) are rejected, whatever their cells hold."""
    if "broken" not in raw.columns or raw["broken"].null_count() == raw.height:
        return frame
    code = pl.concat_str(pl.lit(f"rejected{SEP}unclosed_quote{SEP}{SEP}"), raw["broken"])
    return frame.with_columns(
        pl.when(raw["broken"].is_not_null())
        .then(code)
        .otherwise(pl.col("_outcome"))
        .alias("_outcome")
    )


def ingest(
    folders: Iterable[str | Path], progress: Progress | None = None, stage: Path | None = None
) -> IngestResult:
    """Read every source folder and return the merged log and its ledger; the log is staged
    in ``stage`` (a new folder), else a temporary one, until its records are made."""
    sources = [load_source(f) for f in folders]
    names = Counter(s.name for s in sources)
    if dup := [n for n, c in names.items() if c > 1]:
        raise UserError(f"source folder named {dup[0]!r} given more than once")
    sources.sort(key=lambda s: (LEVEL_ORDER[s.config.authority.level], s.name))
    run = _Run(authorities_of(sources), stage)
    source_ledgers = []
    for source in sources:
        first = len(run.rows)
        with paused_gc():
            files = [run.file(source, spec, progress) for spec in source.config.files]
        total = Counts()
        for f in files:
            total.absorb(f.counts)
        reasons = Counter(reason_key(r) for r in run.rows[first:])
        source_ledgers.append(
            SourceLedger(
                source=source.name,
                authority_code=source.config.authority.division_code,
                files=files,
                counts=total,
                reasons=dict(sorted(reasons.items())),
            )
        )
    grand = Counts()
    all_reasons: Counter[str] = Counter()
    for s in source_ledgers:
        grand.absorb(s.counts)
        all_reasons.update(s.reasons)
    ledger = Ledger(
        sources=source_ledgers,
        total=grand,
        reasons=dict(sorted(all_reasons.items())),
        rows=run.rows,
        withheld_values=run.withheld_values,
    )
    ledger.check()
    counts = {kind: firsts.rows for kind, firsts in run.firsts.items()}
    run.firsts.clear()
    return IngestResult(run.authorities, run.log, ledger, counts)
