"""Ingest: source folders → the merged, normalised decision log and its ledger.

Runs extract and normalise over every file of every source, merges the same
decision or penalty exported by several sources into one record with all its
provenances, and accounts for every row in the ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import msgspec

from .config import AuthorityConfig, Source, UserError, load_source
from .divisions import division
from .extract import column_indexes, open_table
from .ledger import Counts, FileLedger, Ledger, SourceLedger, reason_key
from .model import Authority, Decision, Penalty, RowOutcome, WithheldValue
from .normalise import FileNormaliser, Rejected, Withheld

LEVEL_ORDER = {"county": 0, "prefecture": 1, "province": 2}
Progress = Callable[[str, int, int], None]


class IngestResult(msgspec.Struct):
    authorities: dict[str, Authority]
    decisions: dict[str, Decision]
    penalties: dict[str, Penalty]
    ledger: Ledger


def _authority(config: AuthorityConfig, where: str) -> Authority:
    found = division(config.division_code)
    if found is None:
        raise UserError(f"{where}: {config.division_code!r} is not a GB/T 2260 division code")
    if found.level != config.level:
        raise UserError(
            f"{where}: division {config.division_code} ({found.name}) is a {found.level}, "
            f"not a {config.level}"
        )
    return Authority(
        division_code=config.division_code,
        name=config.name,
        level=config.level,
        division_name=found.name,
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


def _merge_decision(old: Decision, new: Decision) -> str | None:
    """Fold ``new`` into ``old``; return a conflict reason if they disagree."""
    if old.kind != new.kind:
        return "kind"
    if old.decision_date != new.decision_date:
        return "decision_date"
    if (old.publisher.credit_code, old.publisher.sponsor_credit_code) != (
        new.publisher.credit_code,
        new.publisher.sponsor_credit_code,
    ):
        return "credit_code"
    for m in new.media:
        if not any(m.name == o.name and m.type == o.type for o in old.media):
            old.media.append(m)
    for c in new.changes:
        if c not in old.changes:
            old.changes.append(c)
    for name in ("registration_number", "application_date", "acceptance_date"):
        if getattr(old, name) is None:
            setattr(old, name, getattr(new, name))
    for name in ("publication_date", "cancellation_ground", "legal_basis", "remarks"):
        if getattr(old, name) is None:
            setattr(old, name, getattr(new, name))
    for key, text in new.original.items():
        old.original.setdefault(key, text)
    old.withheld_fields = sorted(set(old.withheld_fields) | set(new.withheld_fields))
    old.provenance.extend(new.provenance)
    return None


def _merge_penalty(old: Penalty, new: Penalty) -> str | None:
    if old.kinds != new.kinds:
        return "kinds"
    if old.party_credit_code != new.party_credit_code:
        return "party_credit_code"
    if old.fine_amount != new.fine_amount:
        return "fine_amount"
    for key, text in new.original.items():
        old.original.setdefault(key, text)
    old.withheld_fields = sorted(set(old.withheld_fields) | set(new.withheld_fields))
    old.provenance.extend(new.provenance)
    return None


def ingest(folders: Iterable[str | Path], progress: Progress | None = None) -> IngestResult:
    """Read every source folder and return the merged log and its ledger."""
    sources = [load_source(f) for f in folders]
    names = Counter(s.name for s in sources)
    if dup := [n for n, c in names.items() if c > 1]:
        raise UserError(f"source folder named {dup[0]!r} given more than once")
    sources.sort(key=lambda s: (LEVEL_ORDER[s.config.authority.level], s.name))
    authorities = authorities_of(sources)
    decisions: dict[str, Decision] = {}
    penalties: dict[str, Penalty] = {}
    rows: list[RowOutcome] = []
    withheld_values: list[WithheldValue] = []
    source_ledgers = []
    for source in sources:
        file_ledgers = []
        reasons: Counter[str] = Counter()
        for spec in source.config.files:
            path = source.folder / spec.path
            table = open_table(path, spec)
            try:
                index = column_indexes(table, spec, path)
            except UserError:
                table.close()
                raise
            norm = FileNormaliser(source, spec, spec.path, table.sheet, index, authorities)
            counts = Counts()
            store: dict = decisions if spec.kind == "decisions" else penalties
            build: Callable[[int, list[str]], tuple[Any, list]] = (
                norm.decision if spec.kind == "decisions" else norm.penalty
            )
            merge: Callable[[Any, Any], str | None] = (
                _merge_decision if spec.kind == "decisions" else _merge_penalty
            )
            label = f"{source.name}/{spec.path}"
            for n, (row, cells) in enumerate(table.rows):
                if progress is not None and n % 4096 == 0:
                    progress(label, table.position(), table.size)
                outcome: RowOutcome | None = None
                try:
                    record, withheld = build(row, cells)
                except Rejected as exc:
                    outcome = RowOutcome(
                        source=source.name,
                        file=spec.path,
                        sheet=table.sheet,
                        row=row,
                        outcome="rejected",
                        reason=exc.reason,
                        field=exc.field,
                        detail=exc.detail or None,
                    )
                except Withheld as exc:
                    outcome = RowOutcome(
                        source=source.name,
                        file=spec.path,
                        sheet=table.sheet,
                        row=row,
                        outcome="withheld",
                        reason=exc.reason,
                    )
                else:
                    old = store.get(record.id)
                    if old is None:
                        store[record.id] = record
                        counts.add("published")
                    else:
                        conflict = merge(old, record)
                        outcome = RowOutcome(
                            source=source.name,
                            file=spec.path,
                            sheet=table.sheet,
                            row=row,
                            outcome="rejected" if conflict else "merged",
                            reason=("conflicting_duplicate" if conflict else "duplicate"),
                            field=conflict,
                            record_id=record.id,
                        )
                    if outcome is None or outcome.outcome == "merged":
                        for field, why in withheld:
                            withheld_values.append(
                                WithheldValue(
                                    source=source.name,
                                    file=spec.path,
                                    sheet=table.sheet,
                                    row=row,
                                    field=field,
                                    reason=why,
                                    record_id=record.id,
                                )
                            )
                if outcome is not None:
                    counts.add(outcome.outcome)
                    rows.append(outcome)
                    reasons[reason_key(outcome)] += 1
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
            file_ledgers.append(
                FileLedger(
                    file=spec.path,
                    kind=spec.kind,
                    counts=counts,
                    sheet=table.sheet,
                    encoding=table.encoding,
                )
            )
        total = Counts()
        for f in file_ledgers:
            total.absorb(f.counts)
        source_ledgers.append(
            SourceLedger(
                source=source.name,
                authority_code=source.config.authority.division_code,
                files=file_ledgers,
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
        rows=rows,
        withheld_values=withheld_values,
    )
    ledger.check()
    return IngestResult(authorities, decisions, penalties, ledger)
