"""Normalise, in frames: a frame of raw text rows → typed columns, each row's outcome.

Text and number columns are cleaned by Polars string kernels; every other parser
(dates, labels, codes, amounts) runs once per distinct raw value through
:meth:`FileNormaliser._cell` and is mapped back onto the rows in native code. Cells
that need a closer look (empty, an Excel error, digits that may be a phone or
ID-card number, control characters) go through ``_cell`` as well, so both paths
give exactly what the cell-by-cell parser gives (a hypothesis test holds them equal).

The record rules (a refusal is withheld, a decision before the regime is rejected,
a change needs its item …) are column expressions too. A row's outcome is ``None``
(accepted), ``("rejected", reason, field, detail)`` or ``("withheld", reason)``:
the first problem of its cells in field order, else the first rule it breaks.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from typing import Any

import polars as pl

from ..values import NUMBER_SERIAL, NUMBER_TABLE, REGIME_START, TEXT_TABLE
from .config import pattern_groups
from .extract import EXCEL_ERRORS
from .fields import Field
from .normalise import Cell, FileNormaliser
from .personal import MAY_BE_PERSONAL

TEXT = frozenset(["text", "number"])
EXCEL_ERROR_LIST = sorted(EXCEL_ERRORS)
# A cell of nothing but spaces and control characters: the cell path decides what it is
# (Python's ``str.isspace`` counts some control characters as space).
BLANKISH = r"^[\s\x00-\x1f\x7f-\x9f\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
SEP = "\x1f"  # joins the parts of an encoded problem; never in a reason, field or detail
ITEMS = "\x1e"  # joins a row's withheld (field, kind) pairs
VALUE_TYPES: dict[str, pl.DataType] = {
    "date": pl.Date(),
    "multi_lookup": pl.List(pl.String),
    "money": pl.Decimal(38, 2),
}
# Characters whose handling differs between Python's str.strip and Polars' (ASCII and C1
# controls): cells holding them take the cell-by-cell path.
CONTROLS = r"[\x00-\x1f\x7f-\x9f]"


def _replacements(table: Mapping[int, int | str | None]) -> tuple[list[str], list[str]]:
    """A str.translate table as the (from, to) lists of Polars' replace_many."""

    def to(v: int | str | None) -> str:
        return "" if v is None else v if isinstance(v, str) else chr(v)

    keys = sorted(table)
    return [chr(k) for k in keys], [to(table[k]) for k in keys]


TEXT_REPLACE = _replacements(TEXT_TABLE)
NUMBER_REPLACE = _replacements(NUMBER_TABLE)


def _hard(chars: list[str], scan: bool) -> str:
    """A cell cleaning could change, or that may hold personal data."""
    pattern = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in chars) + "]|  |^\\s|\\s$|" + CONTROLS
    return pattern + (f"|{MAY_BE_PERSONAL.pattern}" if scan else "")


HARD = {
    (parser, scan): _hard((TEXT_REPLACE if parser == "text" else NUMBER_REPLACE)[0], scan)
    for parser in ("text", "number")
    for scan in (False, True)
}


def _problem(cell: Cell) -> str | None:
    p = cell[2]
    return None if p is None or p[0] is None else f"rejected{SEP}{p[0]}{SEP}{p[1]}{SEP}{p[2]}"


def _personal(cell: Cell) -> str | None:
    p = cell[2]
    return None if p is None or p[0] is not None else f"{p[1]}{SEP}{p[2]}"


def decode_outcome(code: str) -> tuple[str, ...]:
    return tuple(code.split(SEP))


@functools.cache
def decode_withheld(code: str | None) -> tuple[tuple[str, str], ...]:
    """A row's withheld (field, kind) pairs; rows repeat few combinations."""
    if not code:
        return ()
    return tuple(tuple(item.split(SEP)) for item in code.split(ITEMS))  # type: ignore[misc]


def _rejected(reason: str, field: str, detail: str) -> pl.Expr:
    return pl.lit(f"rejected{SEP}{reason}{SEP}{field}{SEP}{detail}")


class FrameNormaliser(FileNormaliser):
    """Normalises one file's rows a frame at a time."""

    def _cleaning(self, name: str, raw: pl.Series, hard: pl.Series, spec: Field) -> list[pl.Series]:
        """A text or number column cleaned, and which of its cells need the cell path.

        ``hard`` marks the cells cleaning could change (a character of the table, two
        spaces, whitespace at an end, a control character) or that may hold personal
        data; only those go through the string kernels, the rest are already clean."""
        special = (raw == "") | raw.is_in(EXCEL_ERROR_LIST)
        cleaned = raw
        if hard.any():
            where = hard.arg_true()
            sub = raw.gather(where).str.replace_many(
                *(TEXT_REPLACE if spec.parser == "text" else NUMBER_REPLACE)
            )
            if spec.parser == "text":
                sub = sub.str.replace_all(" {2,}", " ")
            sub = sub.str.strip_chars()
            odd = CONTROLS + (f"|{MAY_BE_PERSONAL.pattern}" if spec.scan_personal else "")
            sub_special = (sub == "") | sub.is_in(EXCEL_ERROR_LIST) | sub.str.contains(odd)
            cleaned = raw.clone().scatter(where, sub)
            special = special.clone().scatter(where, sub_special)
        return [cleaned.alias(f"v.{name}"), special.alias(f"s.{name}")]

    def _mapping(
        self, name: str, src: pl.Expr, spec: Field, keys: list[str], default: str, text: bool
    ) -> list[pl.Expr]:
        """Value, original, problem and personal columns from the cells of distinct raw values;
        for text columns only the special cells are looked up, the rest keep the cleaning."""
        cells = (
            [self._cell(spec, r, default) for r in keys]
            if text or spec.parser == "personal"
            else self.column(spec, keys, default)
        )
        dtype = VALUE_TYPES.get(spec.parser, pl.String())
        plain_value = pl.col(f"v.{name}") if text else None
        plain_original = pl.when(src != pl.col(f"v.{name}")).then(src) if text else None
        # A field that is always withheld: every cell with text in it is withheld, whatever
        # the text; only blank cells and Excel errors (``keys``) went through the cell path.
        plain_personal = pl.lit(f"{name}{SEP}{name}") if spec.parser == "personal" else None

        def mapped(values: list[Any], dt: pl.DataType, plain: pl.Expr | None) -> pl.Expr | None:
            if not keys or (plain is None and all(v is None for v in values)):
                return plain
            fallback = plain if plain is not None else pl.lit(None, dt)
            return src.replace_strict(keys, values, default=fallback, return_dtype=dt)

        value = mapped([c[0] for c in cells], dtype, plain_value)
        out = [(value if value is not None else pl.lit(None, dtype)).alias(name)]
        parts = (
            ("o.", [c[1] for c in cells], plain_original),
            ("p.", [_problem(c) for c in cells], None),
            ("h.", [_personal(c) for c in cells], plain_personal),
        )
        for prefix, values, plain in parts:
            expr = mapped(values, pl.String(), plain)
            if expr is not None:
                out.append(expr.alias(prefix + name))
        return out

    def frame(self, raw: pl.DataFrame) -> pl.DataFrame:
        """Typed values (a column per field), originals (``o.<field>``), withheld personal
        data (``_withheld``) and each row's outcome (``_outcome``, null if accepted).

        A file whose cells list several media (``separators``) gives one frame row per
        medium, numbered ``_part`` 0, 1 … within its file row."""
        absent = [pl.lit("", pl.String).alias(s) for _n, s, _d, _s in self.plan if s[0] == "a"]
        stage = raw.with_columns(absent)
        if self.extracted:
            stage = stage.with_columns(extractions(self.extracted, self.fields))
        keep = [pl.col("row")]
        if self.separators:
            stage = self._split(stage)
            keep += [pl.col("_part"), pl.col("p._parts")]
        texts = [(n, src, s) for n, src, _d, s in self.plan if s.parser in TEXT]
        hard = stage.select(
            pl.col(src).str.contains(HARD[spec.parser, spec.scan_personal]).alias(name)
            for name, src, spec in texts
        )
        stage = stage.with_columns(
            [
                column
                for name, src, spec in texts
                for column in self._cleaning(name, stage[src], hard[name], spec)
            ]
        )
        # The distinct raw values each field's cell path must see, in one pass.
        distinct = stage.select(
            (
                pl.col(src).filter(pl.col(f"s.{name}"))
                if spec.parser in TEXT
                else pl.col(src).filter(
                    pl.col(src).str.contains(BLANKISH) | pl.col(src).is_in(EXCEL_ERROR_LIST)
                )
                if spec.parser == "personal"
                else pl.col(src)
            )
            .unique()
            .implode()
            .alias(name)
            for name, src, _d, spec in self.plan
        ).row(0, named=True)
        columns: list[pl.Expr] = keep
        for name, src, default, spec in self.plan:
            text = spec.parser in TEXT
            columns += self._mapping(name, pl.col(src), spec, distinct[name], default, text=text)
        frame = stage.select(columns)
        problems = [pl.col(c) for c in frame.columns if c.startswith("p.")]
        personal = [pl.col(c) for c in frame.columns if c.startswith("h.")]
        outcome = [*problems, *self._rules(frame)]
        withheld = (
            pl.concat_str(personal, separator=ITEMS, ignore_nulls=True)
            if personal
            else pl.lit(None, pl.String)
        )
        authority = pl.coalesce(self._col(frame, "authority"), pl.lit(self.authority_code))
        frame = frame.with_columns(
            pl.coalesce(outcome).alias("_outcome"),
            pl.when(withheld != "").then(withheld).alias("_withheld"),
            authority.alias("authority_code"),
        )
        return frame.drop(c for c in frame.columns if c[:2] in ("p.", "h."))

    def _split(self, stage: pl.DataFrame) -> pl.DataFrame:
        """One row per value of the cells that list several (甲报、乙报), the other cells
        repeated. Values go by position (FM 99.1；；, an empty value: a medium without a
        frequency); a cell of one value goes with each. Cells listing different numbers of
        values (two names, three CN numbers) are left whole and the row is rejected."""
        srcs = [(n, src) for n, src, _d, _s in self.plan if n in self.separators]
        parts = {}
        for name, src in srcs:
            seps = self.separators[name]
            parts[name] = pl.col(src).str.replace_many(seps, [ITEMS] * len(seps)).str.split(ITEMS)
        stage = stage.with_columns(v.alias(f"l.{n}") for n, v in parts.items())
        lengths = {n: pl.col(f"l.{n}").list.len() for n in parts}
        most = pl.max_horizontal(*lengths.values())
        odd = pl.coalesce(
            pl.when((length != 1) & (length != most)).then(
                _rejected("mismatched_values", name, "not as many values as another cell")
            )
            for name, length in lengths.items()
        )
        n = pl.when(odd.is_null()).then(most).otherwise(1)
        stage = stage.with_columns(
            *(
                pl.when(odd.is_not_null())
                .then(pl.concat_list(pl.col(src)))
                .when(lengths[name] == n)
                .then(pl.col(f"l.{name}"))
                .otherwise(pl.col(f"l.{name}").list.first().repeat_by(n))
                .alias(src)
                for name, src in srcs
            ),
            pl.int_ranges(0, n, dtype=pl.Int32).alias("_part"),
            odd.alias("p._parts"),
        )
        return stage.drop(f"l.{n}" for n in parts).explode([src for _n, src in srcs] + ["_part"])

    # -- rules ---------------------------------------------------------------------------

    def _col(self, frame: pl.DataFrame, name: str) -> pl.Expr:
        if name in frame.columns:
            return pl.col(name)
        return pl.lit(None, VALUE_TYPES.get(self.fields[name].parser, pl.String()))

    def _rules(self, frame: pl.DataFrame) -> list[pl.Expr]:
        """The record rules, in the order a row is judged by them."""
        c = lambda name: self._col(frame, name)  # noqa: E731
        authority = pl.coalesce(c("authority"), pl.lit(self.authority_code))
        unknown = pl.when(~authority.is_in(sorted(self.known_authorities))).then(
            _rejected("unknown_authority", "authority", "not declared in any source.yml")
        )
        if self.kind == "penalties":
            kinds = c("penalty_kinds")
            return [
                pl.when(kinds.list.contains("fine") & c("fine_amount").is_null()).then(
                    _rejected("missing_value", "fine_amount", "a fine needs its amount")
                ),
                unknown,
            ]
        kind = c("kind")
        cn = c("cn_number")
        cn_type = (
            pl.when(cn.str.slice(3).cast(pl.Int32) < 1000)
            .then(pl.lit("newspaper"))
            .otherwise(pl.lit("periodical"))
        )
        mtype = c("medium_type")
        return [
            pl.when(kind == "refusal").then(pl.lit(f"withheld{SEP}refusal")),
            *(
                pl.when(c(name).is_null()).then(
                    _rejected("missing_value", name, "part of the decision's identity")
                )
                for name in self.identity
            ),
            pl.when(c("decision_date") < REGIME_START).then(
                _rejected("date_before_regime", "decision_date", "before 2016-12-01")
            ),
            pl.when(c("credit_code").is_null() & c("sponsor_credit_code").is_null()).then(
                _rejected("missing_value", "credit_code", "no credit code of the registrant")
            ),
            pl.when((kind == "cancellation") & c("cancellation_ground").is_null()).then(
                _rejected("missing_value", "cancellation_ground", "a cancellation needs its ground")
            ),
            pl.when((kind == "change") & c("change_field").is_null()).then(
                _rejected("missing_value", "change_field", "a change needs the changed item")
            ),
            pl.when(
                c("medium_name").is_not_null()
                & cn.is_not_null()
                & mtype.is_in(["newspaper", "periodical"])
                & (mtype != cn_type)
            ).then(
                pl.concat_str(
                    pl.lit(f"rejected{SEP}bad_cn_number{SEP}cn_number{SEP}serial of a "), cn_type
                )
            ),
            unknown,
        ]


def extractions(
    extracted: dict[str, list[tuple[str, str]]], fields: dict[str, Field]
) -> list[pl.Expr]:
    """Each field found by patterns (see ``extract`` in source.yml) as a raw text column
    ``x.<field>``: the first pattern's value found, or for a field of several values every
    match of every pattern, joined by 、; empty where none matched."""
    out = []
    for name, pairs in extracted.items():
        if fields[name].parser == "multi_lookup":
            found = [
                pl.col(src)
                .str.extract_all(pattern)
                .list.eval(
                    pl.element().str.extract(pattern, pattern_groups(pattern).index(name) + 1)
                )
                for src, pattern in pairs
            ]
            value = pl.concat_list(found).list.join("、")
        else:
            value = pl.coalesce(
                pl.col(src).str.extract_groups(pattern).struct.field(name) for src, pattern in pairs
            )
        out.append(value.fill_null("").alias(f"x.{name}"))
    return out


def _key_text(name: str, fields: dict[str, Field]) -> pl.Expr:
    """A field's value as the text an id is made of: numbers by their canonical form."""
    value = pl.col(name).cast(pl.String)
    if fields[name].parser == "number":
        value = value.str.replace(NUMBER_SERIAL, "${1}${2}")
    return value


def record_ids(
    prefix: str, frame: pl.DataFrame, identity: list[str], fields: dict[str, Field]
) -> pl.Series:
    """Each row's record id: ``D``/``P`` + 16 hex digits of SHA-1 of the deciding authority
    and the decision number in its canonical form (``340100|合广登字〔2017〕1号``: a number
    written 〔2017〕001号 or [2017]第1号 is the same), or, for a file that declares an
    ``identity``, of the authority and those fields by name, in the order of their names
    (``340100|decision_date=2017-03-05|kind=grant|registration_number=合广登201700001``).
    Stable across runs and sources, so re-exports meet. Hashed once per distinct key."""
    if identity:
        parts = [
            pl.concat_str(pl.lit(f"{name}="), _key_text(name, fields)) for name in sorted(identity)
        ]
    else:
        parts = [_key_text("decision_number", fields)]
    pairs = frame.select(pl.concat_str("authority_code", *parts, separator="|")).to_series()
    distinct = pairs.unique().to_list()
    sha1 = hashlib.sha1
    ids = [prefix + sha1(pair.encode()).hexdigest()[:16] for pair in distinct]
    return pairs.replace_strict(distinct, ids, return_dtype=pl.String).alias("id")
