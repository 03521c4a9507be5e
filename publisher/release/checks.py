"""Our own checks of the published tables: what ``frictionless validate`` would find, fast.

Checks run column by column over the row Structs of :mod:`publisher.release.tables`:
types, required values, enums, patterns, bounds, primary and foreign keys. Row
numbers count the CSV header as row 1, as frictionless does.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from ..runtime import paused_gc
from . import tables as t
from .package import _PY_TYPES, columns
from .pieces import pieces


class Problem(NamedTuple):
    resource: str
    row: int | None  # CSV row number, header = 1 (as frictionless counts)
    field: str | None
    kind: str  # required, type, enum, pattern, minimum, …, primary-key, foreign-key
    message: str

    def __str__(self) -> str:
        where = f" row {self.row}" if self.row is not None else ""
        what = f" {self.field}" if self.field else ""
        return f"{self.resource}{where}{what}: {self.message}"


def check_tables(tables: Mapping[str, Sequence[t.Row]], *, limit: int = 20) -> list[str]:
    """Human-readable problems frictionless would report; empty: the tables are valid.

    Checks types, required (None or ""), enum, pattern, bounds, primary keys (unique,
    not all empty) and foreign keys (a null reference is allowed), column by column.
    Rows are numbered as in the CSV, header = row 1; at most ``limit`` rows are listed
    per (resource, field, problem), then one line counts the rest.
    """
    return [str(p) for p in find_problems(tables, limit=limit)]


_Agg = Callable[[Iterable[Any]], Any]
_same: Callable[[Any], Any] = operator.pos  # identity for numbers
# Table Schema bound → (aggregate that must pass, comparison, measure of a value)
_BOUNDS: dict[str, tuple[_Agg, Callable[[Any, Any], bool], Callable[[Any], Any]]] = {
    "minimum": (min, operator.ge, _same),
    "maximum": (max, operator.le, _same),
    "exclusiveMinimum": (min, operator.gt, _same),
    "exclusiveMaximum": (max, operator.lt, _same),
    "minLength": (min, operator.ge, len),
    "maxLength": (max, operator.le, len),
}


def find_problems(tables: Mapping[str, Sequence[t.Row]], *, limit: int = 20) -> list[Problem]:
    """Check every table column by column; at most ``limit`` rows per (field, kind)."""
    out: list[Problem] = []
    values: dict[tuple[str, str], set[Any]] = {}  # referenced (resource, field) → values
    with paused_gc():
        for res in t.RESOURCES:
            for _, target, field in res.foreign_keys:
                if target in tables and (target, field) not in values:
                    try:
                        col = _column_values(tables[target], field)
                    except AttributeError:  # rows of the wrong Struct: reported below
                        col = [getattr(r, field, None) for r in tables[target]]
                    values[target, field] = set(col) - {None}
        for res in t.RESOURCES:
            if res.name in tables:
                out += _check_resource(res, tables[res.name], values, limit)
    return out


def _column_values(rows: Sequence[t.Row], name: str) -> list[Any]:
    col = list(map(operator.attrgetter(name), rows))
    if "" in col:  # frictionless reads "" as missing
        col = [None if v == "" else v for v in col]
    return col


class _Reporter:
    """Problems of one resource, at most ``limit`` rows listed per (field, kind, message),
    however many pieces the rows are checked in; then one line counts the rest."""

    def __init__(self, resource: str, limit: int) -> None:
        self.resource, self.limit = resource, limit
        self.problems: list[Problem] = []
        self.found: dict[tuple[str | None, str, str], int] = {}

    def __call__(
        self, bad: Iterable[int], field: str | None, kind: str, message: str, offset: int
    ) -> None:
        key = (field, kind, message)
        n = self.found.get(key, 0)
        for i in bad:
            if n < self.limit:
                self.problems.append(Problem(self.resource, offset + i + 2, field, kind, message))
            n += 1
        self.found[key] = n

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for (field, kind, message), n in self.found.items():
            if n > self.limit:
                more = f"{message} (and {n - self.limit} more rows)"
                out.append(Problem(self.resource, None, field, kind, more))
        return out


def _check_resource(
    res: t.Resource,
    rows: Sequence[t.Row],
    values: dict[tuple[str, str], set[Any]],
    limit: int,
) -> list[Problem]:
    reporter = _Reporter(res.name, limit)
    _check_rows(res, rows, values, reporter, 0, {})
    return reporter.finish()


def _check_rows(
    res: t.Resource,
    rows: Sequence[t.Row],
    values: dict[tuple[str, str], set[Any]],
    reporter: _Reporter,
    offset: int,
    keys_seen: dict[Any, int],
) -> dict[str, list[Any]]:
    """Check ``rows`` (the rows from ``offset`` on); ``keys_seen`` holds the primary keys of
    the rows checked before. Returns the rows' columns (None for "")."""
    out = reporter

    def report(bad: Iterable[int], field: str | None, kind: str, message: str) -> None:
        out(bad, field, kind, message, offset)

    if set(map(type, rows)) - {res.row}:
        bad = (i for i, r in enumerate(rows) if type(r) is not res.row)
        report(bad, None, "type", f"not a {res.row.__name__}")
        return {}
    cols: dict[str, list[Any]] = {}
    for c in columns(res.row):
        col = cols[c.name] = list(map(operator.attrgetter(c.name), rows))
        kinds = set(map(type, col))
        if str in kinds and "" in col:  # frictionless reads "" as missing
            col = cols[c.name] = [None if v == "" else v for v in col]
            kinds.add(type(None))
        allowed = _PY_TYPES[c.type]
        if kinds - allowed - {type(None)}:
            bad = (i for i, v in enumerate(col) if v is not None and type(v) not in allowed)
            report(bad, c.name, "type", f"not of type {c.type}")
            continue
        nulls = type(None) in kinds
        if c.required and nulls:
            report((i for i, v in enumerate(col) if v is None), c.name, "required", "missing")
        if not c.enum and not c.constraints and c.type != "number":
            continue
        present = [v for v in col if v is not None] if nulls else col
        if c.type == "number" and not all(map(math.isfinite, present)):
            bad = (i for i, v in enumerate(col) if v is not None and not math.isfinite(v))
            report(bad, c.name, "type", "not a finite number")
            continue
        unique = set(present) if c.enum or "pattern" in c.constraints else set()
        if c.enum and (wrong := unique - set(c.enum)):
            bad = (i for i, v in enumerate(col) if v in wrong)
            report(bad, c.name, "enum", f"not one of {', '.join(map(str, c.enum))}")
        if pattern := c.constraints.get("pattern"):
            rx = re.compile(pattern)
            if wrong := {v for v in unique if not rx.fullmatch(v)}:
                bad = (i for i, v in enumerate(col) if v in wrong)
                report(bad, c.name, "pattern", f"does not match {pattern}")
        for key, (agg, ok, measure) in _BOUNDS.items():
            bound = c.constraints.get(key)
            if bound is not None and present and not ok(agg(map(measure, present)), bound):
                bad = (i for i, v in enumerate(col) if v is not None and not ok(measure(v), bound))
                report(bad, c.name, key, f"{key} is {bound}")
    if res.primary_key:
        label = ", ".join(res.primary_key)
        keys: list[Any] = (
            cols[res.primary_key[0]]
            if len(res.primary_key) == 1
            else list(zip(*(cols[k] for k in res.primary_key), strict=True))
        )
        null = None if len(res.primary_key) == 1 else (None,) * len(res.primary_key)
        if null in keys:  # frictionless: "cells composing the primary keys are all None"
            bad = (i for i, k in enumerate(keys) if k == null)
            report(bad, label, "primary-key", f"primary key ({label}) is empty")
        for i, k in enumerate(keys):
            if k != null:
                keys_seen.setdefault(k, offset + i)
        dups = (i for i, k in enumerate(keys) if k != null and keys_seen[k] != offset + i)
        report(dups, label, "primary-key", f"duplicate primary key ({label})")
    for name, target, field in res.foreign_keys:
        col = cols[name]
        if (target, field) not in values:
            out.problems.append(
                Problem(res.name, None, name, "foreign-key", f"no resource {target}")
            )
            continue
        if dangling := set(col) - values[target, field] - {None}:
            bad = (i for i, v in enumerate(col) if v in dangling)
            report(bad, name, "foreign-key", f"not found in {target}.{field}")
    return cols


PIECE_BYTES = 8 << 20  # text held at once in a piece of a table with a long text


class CheckedStream(Mapping[str, Iterable[t.Row]]):
    """Tables made one at a time and checked as they are handed over, in RESOURCES order.

    ``stream[name]`` makes that resource's rows (a list, or a generator that makes them as
    they are asked for), checks them a piece at a time (as :func:`find_problems` would,
    foreign keys against the key sets of the resources made before it: every foreign key
    points to an earlier resource), yields them, and lets them go. Problems and row
    counts are known once every resource has been read.
    """

    def __init__(
        self,
        make: Mapping[str, Callable[[], Iterable[t.Row]]],
        limit: int = 20,
        chunk: int = 10_000,
    ) -> None:
        self.make, self.limit, self.chunk = make, limit, chunk
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.key_sets: dict[tuple[str, str], set[Any]] = {}
        self.wanted = {(target, field) for r in t.RESOURCES for _, target, field in r.foreign_keys}

    def __getitem__(self, name: str) -> Iterator[t.Row]:
        if name not in self.make:
            raise KeyError(name)
        return self._rows(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.make)

    def __len__(self) -> int:
        return len(self.make)

    def let_go(self) -> None:
        """Once every table is written: let go of what made them (the makers hold the
        records) and of the key sets. Counts and problems stay."""
        self.make = {}
        self.key_sets.clear()

    def _rows(self, name: str) -> Iterator[t.Row]:
        res = t.RESOURCE[name]
        reporter = _Reporter(name, self.limit)
        keys_seen: dict[Any, int] = {}
        wanted = [field for target, field in self.wanted if target == name]
        for field in wanted:
            self.key_sets[name, field] = set()
        count = 0
        rows = iter(self.make[name]())
        # In pieces: a table made by a generator is never held whole (see flatten), and a
        # piece of notices (whole texts) is kept to about PIECE_BYTES of text.
        for chunk in pieces(res.row, rows, self.chunk, PIECE_BYTES):
            with paused_gc():
                cols = _check_rows(res, chunk, self.key_sets, reporter, count, keys_seen)
                for field in wanted:
                    col = cols[field] if field in cols else _column_values(chunk, field)
                    self.key_sets[name, field].update(col)
                    self.key_sets[name, field].discard(None)
            count += len(chunk)
            yield from chunk
            del chunk
        self.counts[name] = count
        self.problems += reporter.finish()
