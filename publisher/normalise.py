"""Normalise: one raw row of one file → a typed record, a withheld row or a rejection.

Parsing is table-driven by :mod:`publisher.fields`; source quirks come from the
source's YAML lookups. Every parser is memoised per file, since exports repeat
dates, labels, names and codes on thousands of rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from .config import FileConfig, Lookups, Source, base_lookups
from .extract import EXCEL_ERRORS
from .fields import FIELDS, Field
from .model import Authority, Change, Decision, Medium, Penalty, Provenance, Publisher
from .personal import HAS_DIGITS, find_personal
from .values import (
    NUMBER_TABLE,
    REGIME_START,
    SPACES,
    TEXT_TABLE,
    BadValue,
    clean_number,
    clean_text,
    cn_medium_type,
    label_key,
    parse_cn_number,
    parse_credit_code,
    parse_date,
    parse_issn,
    parse_money,
)

# Parsers whose raw values repeat enough to be worth a memo: dates, labels, amounts.
CACHED = frozenset(["date", "lookup", "multi_lookup", "money", "cn_number", "issn"])
SEP = "\x00"  # joins a column's cells for one-pass cleaning; never in a cleaned value
MULTI_SEPARATORS = str.maketrans({c: "、" for c in ",，;；/|+"})
CACHE_MAX_CHARS = 100
DEFAULT_MEDIUM = {
    "radio": "radio_frequency",
    "tv": "tv_channel",
    "newspaper": "newspaper",
    "periodical": "periodical",
}


# A normalised cell: (value or None, original text where it differs, problem or None).
# A problem is (reason, field, detail) for a rejection, or (None, field, kind) for
# personal data withheld from the field.
Cell = tuple[Any, str | None, tuple | None]
EMPTY: Cell = (None, None, None)


class Rejected(Exception):
    """A row that cannot be trusted: reason code, field and a short detail (no source values)."""

    def __init__(self, reason: str, field: str | None = None, detail: str = "") -> None:
        super().__init__(f"{reason}: {field}")
        self.reason, self.field, self.detail = reason, field, detail


class Withheld(Exception):
    """A row read and accounted for but never published (a refusal, a warning-only penalty)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def record_id(prefix: str, authority_code: str, decision_number: str) -> str:
    """Stable id from the deciding authority and the decision number as the source wrote it."""
    digest = hashlib.sha1(f"{authority_code}|{decision_number}".encode()).hexdigest()
    return f"{prefix}{digest[:16]}"


def merged_lookups(source: Source) -> dict[str, dict[str, str]]:
    """The shipped vocabulary extended by the source's own labels, keyed by label_key."""
    out: dict[str, dict[str, str]] = {}
    for lookups in (base_lookups(), source.config.lookups):
        for name in Lookups.__struct_fields__:
            table = out.setdefault(name, {})
            for label, value in getattr(lookups, name).items():
                table[label_key(label)] = value
    return out


class FileNormaliser:
    """Normalises the rows of one file of one source."""

    def __init__(
        self,
        source: Source,
        spec: FileConfig,
        file: str,
        sheet: str | None,
        index: dict[str, int],
        authorities: dict[str, Authority],
    ) -> None:
        self.source, self.spec, self.file, self.sheet = source, spec, file, sheet
        self.kind = spec.kind
        self.fields: dict[str, Field] = FIELDS[spec.kind]
        self.lookups = merged_lookups(source)
        labels = self.lookups["authority"]
        for code, authority in authorities.items():
            labels.setdefault(label_key(authority.name), code)
            labels.setdefault(code, code)
        self.authority_code = source.config.authority.division_code
        self.known_authorities = set(authorities)
        self.formats = tuple(spec.date_formats)
        self.plan: list[tuple[str, int | None, str, Field]] = [
            (name, index.get(name), spec.defaults.get(name, ""), self.fields[name])
            for name in self.fields
            if name in index or name in spec.defaults
        ]
        self.caches: dict[str, dict[str, Cell]] = {name: {} for name, *_ in self.plan}
        self.parsers = {name: self._parser(spec) for name, _i, _d, spec in self.plan}
        self.names = [name for name, *_ in self.plan]
        self.empties: dict[str, Cell] = {}
        self.width = 1 + max((i for _n, i, _d, _s in self.plan if i is not None), default=-1)

    # -- value parsing -------------------------------------------------------------------

    def _parser(self, spec: Field) -> Callable[[str], Any]:
        p = spec.parser
        if p == "text":
            return clean_text
        if p == "number":
            return clean_number
        if p == "date":
            return lambda raw: parse_date(raw, self.formats)
        if p == "credit_code":
            return parse_credit_code
        if p == "cn_number":
            return parse_cn_number
        if p == "issn":
            return parse_issn
        if p == "money":
            return parse_money
        if p == "personal":
            return clean_text  # never called: personal cells are withheld unread
        table = self.lookups[spec.lookup or ""]
        if p == "lookup":

            def lookup(raw: str) -> str:
                value = table.get(label_key(raw))
                if value is None:
                    raise BadValue("unknown_label", f"no {spec.lookup} lookup for this label")
                return value

            return lookup

        def multi(raw: str) -> list[str]:
            out: list[str] = []
            for part in clean_text(raw).translate(MULTI_SEPARATORS).split("、"):
                if part.strip():
                    value = table.get(label_key(part))
                    if value is None:
                        raise BadValue("unknown_label", f"no {spec.lookup} lookup for a label")
                    if value not in out:
                        out.append(value)
            return out

        return multi

    def _cell(self, spec: Field, raw: str, default: str) -> Cell:
        """What one raw cell of a field comes to: (value, original text, problem)."""
        if not raw or raw.isspace():
            if not default:
                return (None, None, ("missing_value", spec.name, "")) if spec.required else EMPTY
            raw = default
        if raw in EXCEL_ERRORS:
            return (None, None, ("formula_error", spec.name, f"cell holds the Excel error {raw}"))
        if spec.parser == "personal":
            return (None, None, (None, spec.name, spec.name))
        try:
            value = self.parsers[spec.name](raw)
        except BadValue as exc:
            # A detail may quote the value: drop it when the value carries personal data.
            detail = "" if find_personal(exc.detail) else exc.detail
            return (None, None, (exc.reason, spec.name, detail))
        if value == "" or value == []:
            return (None, None, ("missing_value", spec.name, "")) if spec.required else EMPTY
        if spec.scan_personal:
            found = find_personal(value)
            if found:
                if spec.required:
                    return (None, None, ("personal_data", spec.name, f"holds a {found}"))
                return (None, None, (None, spec.name, found))
        if isinstance(value, date):
            text = value.isoformat()
        elif isinstance(value, list):
            text = ""
        else:
            text = str(value)
        return (value, raw if raw != text else None, None)

    def _empty(self, spec: Field, default: str) -> Cell:
        """The cell of an empty raw value: the same for every row of the file."""
        cell = self.empties.get(spec.name)
        if cell is None:
            cell = self.empties[spec.name] = self._cell(spec, "", default)
        return cell

    def text_column(self, spec: Field, raw: list[str], default: str) -> list[Cell] | None:
        """Text and number columns, cleaned in one pass over the joined column (C speed).

        Cells that need a closer look (empty, an Excel error, digits that may be a phone
        or ID-card number) go through :meth:`_cell`; None if the column can't be joined.
        """
        joined = SEP.join(raw)
        if joined.count(SEP) != len(raw) - 1:
            return None
        cleaned = joined.translate(TEXT_TABLE if spec.parser == "text" else NUMBER_TABLE)
        if "  " in cleaned:
            cleaned = SPACES.sub(" ", cleaned)
        values = list(map(str.strip, cleaned.split(SEP)))
        out: list[Cell] = [
            (v, r if r != v else None, None) for r, v in zip(raw, values, strict=True)
        ]
        scan = HAS_DIGITS.search if spec.scan_personal else None
        special = [
            k
            for k, v in enumerate(values)
            if not v or v in EXCEL_ERRORS or (scan is not None and scan(v))
        ]
        if special:
            cells = self.column(spec, [raw[k] for k in special], default, fast=False)
            for k, cell in zip(special, cells, strict=True):
                out[k] = cell
        return out

    def column(self, spec: Field, raw: list[str], default: str, fast: bool = True) -> list[Cell]:
        """A field's cells for a batch of rows, memoised per distinct raw text."""
        if fast and spec.parser in ("text", "number"):
            cells = self.text_column(spec, raw, default)
            if cells is not None:
                return cells
        if spec.parser not in CACHED:
            return [self._cell(spec, r, default) if r else self._empty(spec, default) for r in raw]
        cache = self.caches[spec.name]
        get = cache.get
        out: list[Any] = [get(r) for r in raw]
        for k, cell in enumerate(out):
            if cell is None:
                r = raw[k]
                cell = out[k] = self._cell(spec, r, default)
                # Only short values repeat (dates, codes, labels, names); caching long free
                # text would keep a copy of the whole column in memory.
                if len(r) <= CACHE_MAX_CHARS and len(cache) < 200_000:
                    cache[r] = cell
        return out

    def batch(self, rows: list[tuple[int, list[str]]]) -> Iterator[tuple[int, Any, list]]:
        """Normalise a batch of rows column by column; yield (row, record or exception, withheld).

        The record is a Decision or Penalty; the exception a :class:`Rejected` or
        :class:`Withheld`; withheld lists (field, reason) of personal data removed.
        """
        width = self.width
        matrix = [c if len(c) >= width else c + [""] * (width - len(c)) for _, c in rows]
        n = len(rows)
        empty = [""] * n
        problems: list[tuple | None] = [None] * n
        withheld: list[list | None] = [None] * n
        originals: list[dict[str, str] | None] = [None] * n
        columns = []
        for name, i, default, spec in self.plan:
            cells = self.column(spec, [c[i] for c in matrix] if i is not None else empty, default)
            columns.append([c[0] for c in cells])
            flagged = [k for k, c in enumerate(cells) if c[1] is not None or c[2] is not None]
            for k in flagged:
                _value, original, problem = cells[k]
                if problem is not None:
                    if problem[0] is None:  # personal data withheld from this field
                        held = withheld[k]
                        if held is None:
                            held = withheld[k] = []
                        held.append((problem[1], problem[2]))
                    elif problems[k] is None:
                        problems[k] = problem
                elif original is not None:
                    if originals[k] is None:
                        originals[k] = {}
                    originals[k][name] = original  # type: ignore[index]
        build = self.decision if self.kind == "decisions" else self.penalty
        names = self.names
        for k, ((row, _), values) in enumerate(zip(rows, zip(*columns, strict=True), strict=True)):
            problem = problems[k]
            if problem is not None:
                yield row, Rejected(*problem), []
                continue
            v = dict(zip(names, values, strict=True))
            held = withheld[k] or []
            try:
                record = build(row, v, originals[k] or {}, held)
            except (Rejected, Withheld) as exc:
                yield row, exc, []
                continue
            yield row, record, held

    # -- records ---------------------------------------------------------------------------

    def authority_of(self, values: dict[str, Any]) -> str:
        code: str = values.get("authority") or self.authority_code
        if code not in self.known_authorities:
            raise Rejected("unknown_authority", "authority", "not declared in any source.yml")
        return code

    def provenance(self, row: int) -> Provenance:
        return Provenance(source=self.source.name, file=self.file, sheet=self.sheet, row=row)

    def decision(
        self, row: int, v: dict[str, Any], original: dict[str, str], withheld: list[tuple]
    ) -> Decision:
        if v["kind"] == "refusal":
            raise Withheld("refusal")
        if v["decision_date"] < REGIME_START:
            raise Rejected("date_before_regime", "decision_date", "before 2016-12-01")
        credit = v.get("credit_code")
        if credit is None and v.get("sponsor_credit_code") is None:
            raise Rejected("missing_value", "credit_code", "no credit code of the registrant")
        kind = v["kind"]
        if kind == "cancellation" and v.get("cancellation_ground") is None:
            raise Rejected(
                "missing_value", "cancellation_ground", "a cancellation needs its ground"
            )
        if kind == "change" and v.get("change_field") is None:
            raise Rejected("missing_value", "change_field", "a change needs the changed item")
        publisher = Publisher(
            name=v["publisher_name"],
            kind=v["publisher_kind"],
            credit_code=credit,
            legal_representative=v.get("legal_representative"),
            address=v.get("address"),
            sponsor_name=v.get("sponsor_name"),
            sponsor_credit_code=v.get("sponsor_credit_code"),
        )
        media = [self.medium(v)] if v.get("medium_name") is not None else []
        changes = []
        if v.get("change_field") is not None:
            changes.append(
                Change(
                    field=v["change_field"],
                    old=v.get("change_old"),
                    new=v.get("change_new"),
                    changed_on=v.get("changed_on"),
                )
            )
        authority = self.authority_of(v)
        decision = Decision(
            id=record_id("D", authority, v["decision_number"]),
            decision_number=v["decision_number"],
            authority_code=authority,
            kind=kind,
            publisher=publisher,
            registration_number=v.get("registration_number"),
            application_date=v.get("application_date"),
            acceptance_date=v.get("acceptance_date"),
            decision_date=v["decision_date"],
            publication_date=v.get("publication_date"),
            media=media,
            changes=changes,
            cancellation_ground=v.get("cancellation_ground"),
            legal_basis=v.get("legal_basis"),
            remarks=v.get("remarks"),
            withheld_fields=sorted({f for f, _ in withheld}),
            original=original,
            provenance=[self.provenance(row)],
        )
        return decision

    def medium(self, v: dict[str, Any]) -> Medium:
        cn = v.get("cn_number")
        mtype = v.get("medium_type")
        if mtype is None:
            mtype = cn_medium_type(cn) if cn else DEFAULT_MEDIUM[v["publisher_kind"]]
        if cn and mtype in ("newspaper", "periodical") and cn_medium_type(cn) != mtype:
            raise Rejected("bad_cn_number", "cn_number", f"serial of a {cn_medium_type(cn)}")
        return Medium(
            name=v["medium_name"],
            type=mtype,  # type: ignore[arg-type]  # a MediumType: from the lookup or the table
            frequency=v.get("frequency"),
            channel=v.get("channel"),
            cn_number=cn,
            issn=v.get("issn"),
            licence_number=v.get("licence_number"),
            licence_valid_from=v.get("licence_valid_from"),
            licence_valid_to=v.get("licence_valid_to"),
        )

    def penalty(
        self, row: int, v: dict[str, Any], original: dict[str, str], withheld: list[tuple]
    ) -> Penalty:
        kinds = v["penalty_kinds"]
        if set(kinds) == {"warning"}:
            raise Withheld("warning_only")
        if "fine" in kinds and v.get("fine_amount") is None:
            raise Rejected("missing_value", "fine_amount", "a fine needs its amount")
        authority = self.authority_of(v)
        penalty = Penalty(
            id=record_id("P", authority, v["decision_number"]),
            decision_number=v["decision_number"],
            authority_code=authority,
            party_name=v["party_name"],
            party_credit_code=v.get("party_credit_code"),
            kinds=kinds,
            violation=v.get("violation"),
            legal_basis=v.get("legal_basis"),
            fine_amount=v.get("fine_amount"),
            confiscation_amount=v.get("confiscation_amount"),
            decision_date=v["decision_date"],
            publication_date=v.get("publication_date"),
            facts=v.get("facts"),
            withheld_fields=sorted({f for f, _ in withheld}),
            original=original,
            provenance=[self.provenance(row)],
        )
        return penalty
