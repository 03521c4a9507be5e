"""Merge, on columns: each accepted row is the first of its record id, or a re-export of it.

These are the merge rules, defined once: what re-exports must agree on (``KEYS``), what a
merged row may fill (``FILL_FIELDS``) and never adds (``DROPPED``). Ingest applies them on
columns (:class:`Firsts`, :func:`prune`); the records made from the staged log apply them
again, record by record (:func:`merge_decision`, :func:`merge_penalty`).

A re-export (the same authority and decision number read again, from the same or
another source) merges into the first row of its id unless it disagrees with it on
what must agree (kind, decision date, credit codes; for penalties the kinds, the
party's credit code and the fine): then it is a conflicting duplicate, rejected.
The first rows of a run are remembered across files and sources.
"""

from __future__ import annotations

import polars as pl

from ..model import Decision, Penalty, merged_originals

# The fields re-exports must agree on, in the order checked, with the name a conflict reports.
KEYS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "decisions": (
        ("kind", ("kind",)),
        ("decision_date", ("decision_date",)),
        ("credit_code", ("credit_code", "sponsor_credit_code")),
    ),
    "penalties": (
        ("kinds", ("penalty_kinds",)),
        ("party_credit_code", ("party_credit_code",)),
        ("fine_amount", ("fine_amount",)),
    ),
}


# Fields a merged decision row fills only where the first row left them empty, in mask order.
FILL_FIELDS = (
    "registration_number",
    "application_date",
    "acceptance_date",
    "publication_date",
    "notice_number",
    "cancellation_ground",
    "legal_basis",
    "remarks",
)
# What a merged row never adds: the first row's publisher stands.
DROPPED = {
    "decisions": ("publisher_name", "legal_representative", "address", "sponsor_name"),
    "penalties": ("party_name", "violation", "legal_basis", "facts", "remarks"),
}


def fill_mask(frame: pl.DataFrame) -> pl.Expr:
    """Bit j set where the row has ``FILL_FIELDS[j]``."""
    bits = [
        pl.col(f).is_not_null().cast(pl.Int32) * (1 << j)
        for j, f in enumerate(FILL_FIELDS)
        if f in frame.columns
    ]
    return pl.sum_horizontal(bits) if bits else pl.lit(0, pl.Int32)


def prune(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Null out what the merged rows of ``frame`` (``_merged``, with their first row's fill
    ``_mask``) cannot add to their first row."""
    frame = frame.rename({"_merged": "_m"}).drop("_conflict")
    if not frame["_m"].any():
        return frame.drop("_m", "_mask")
    drop = [
        pl.when(pl.col("_m")).then(None).otherwise(pl.col(f)).alias(f)
        for f in DROPPED[kind]
        if f in frame.columns
    ]
    if kind == "decisions":
        drop += [
            pl.when(pl.col("_m") & ((pl.col("_mask") // (1 << j)) % 2 == 1))
            .then(None)
            .otherwise(pl.col(f))
            .alias(f)
            for j, f in enumerate(FILL_FIELDS)
            if f in frame.columns
        ]
    return frame.with_columns(drop).drop("_m", "_mask")


DTYPES: dict[str, pl.DataType] = {
    "decision_date": pl.Date(),
    "penalty_kinds": pl.List(pl.String),
    "fine_amount": pl.Decimal(38, 2),
}


def _key(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column in frame.columns:
        return pl.col(column)
    return pl.lit(None, DTYPES.get(column, pl.String())).alias(column)


class Firsts:
    """The first row of every record id seen so far, with the values re-exports must match."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.columns = [c for _name, cols in KEYS[kind] for c in cols]
        self.seen: pl.DataFrame | None = None
        self.rows = 0

    def _keys(self, frame: pl.DataFrame) -> list[pl.Expr]:
        return [_key(frame, c) for c in self.columns]

    def classify(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` (with its ``id``) plus ``_merged`` (not the first of its id),
        ``_conflict`` (the field a merged row disagrees on) and ``_mask`` (the first row's
        fill mask, see :func:`fill_mask`).

        The first rows seen so far are probed for this frame's ids (a pass over them
        with a hash of the frame's ids), never hashed whole, so a run stays linear."""
        frame = frame.with_columns(fill_mask(frame).cast(pl.Int32).alias("_own_mask"))
        earlier = (
            self.seen.filter(pl.col("id").is_in(frame["id"].implode()))
            if self.seen is not None
            else None
        )
        merged = ~pl.col("id").is_first_distinct()
        if earlier is not None and earlier.height:
            merged = merged | pl.col("id").is_in(earlier["id"].implode())
        frame = frame.with_columns(merged.alias("_merged"))
        new = frame.filter(~pl.col("_merged")).select(
            "id",
            *(k.alias(f"f.{c}") for k, c in zip(self._keys(frame), self.columns, strict=True)),
            pl.col("_own_mask").alias("_mask"),
        )
        self.rows += new.height
        if self.seen is None:
            self.seen = new
        else:
            self.seen.vstack(new, in_place=True)
            if self.seen.n_chunks() > 64:
                self.seen = self.seen.rechunk()
        if not frame["_merged"].any():
            return frame.with_columns(
                pl.lit(None, pl.String).alias("_conflict"), pl.lit(0, pl.Int32).alias("_mask")
            ).drop("_own_mask")
        firsts = new if earlier is None else pl.concat([earlier, new])
        frame = frame.join(firsts, on="id", how="left", maintain_order="left")
        differs = []
        for name, cols in KEYS[self.kind]:
            test = pl.lit(False)
            for c in cols:
                test = test | _key(frame, c).ne_missing(pl.col(f"f.{c}"))
            differs.append(pl.when(test).then(pl.lit(name)))
        conflict = pl.when(pl.col("_merged")).then(pl.coalesce(differs))
        mask = pl.when(pl.col("_merged")).then(pl.col("_mask")).otherwise(0)
        return frame.with_columns(
            conflict.alias("_conflict"), mask.cast(pl.Int32).alias("_mask")
        ).drop("_own_mask", *(f"f.{c}" for c in self.columns))


def merge_decision(old: Decision, new: Decision) -> str | None:
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
    # Lists and dicts are replaced, never changed in place: records share empty ones.
    media = [
        m for m in new.media if not any(m.name == o.name and m.type == o.type for o in old.media)
    ]
    if media:
        old.media = [*old.media, *media]
    changes = [c for c in new.changes if c not in old.changes]
    if changes:
        old.changes = [*old.changes, *changes]
    for name in FILL_FIELDS:
        if getattr(old, name) is None:
            setattr(old, name, getattr(new, name))
    old.original = merged_originals(old.original, new.original)
    old.withheld_fields = sorted(set(old.withheld_fields) | set(new.withheld_fields))
    # A row listing several media is read as one row per medium: one provenance.
    old.provenance.extend(p for p in new.provenance if p != old.provenance[-1])
    return None


def merge_penalty(old: Penalty, new: Penalty) -> str | None:
    """Fold ``new`` into ``old``: originals, withheld fields and provenance only."""
    if old.kinds != new.kinds:
        return "kinds"
    if old.party_credit_code != new.party_credit_code:
        return "party_credit_code"
    if old.fine_amount != new.fine_amount:
        return "fine_amount"
    old.original = merged_originals(old.original, new.original)
    old.withheld_fields = sorted(set(old.withheld_fields) | set(new.withheld_fields))
    old.provenance.extend(new.provenance)
    return None
