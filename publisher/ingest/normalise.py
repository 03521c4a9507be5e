"""Normalise, cell by cell: what one raw cell of a field comes to, and the records of accepted rows.

Parsing is table-driven by :mod:`publisher.ingest.fields`; source quirks come from the
source's YAML lookups. Every parser is memoised per file, since exports repeat
dates, labels, names and codes on thousands of rows. :mod:`publisher.ingest.columnar`
runs these over whole columns and applies the record rules; the builders here make
the :class:`~publisher.model.Decision` or :class:`~publisher.model.Penalty` of an
accepted row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import msgspec
from msgspec.structs import replace

from ..model import Authority, Change, Decision, Medium, Penalty, Provenance, Publisher
from ..values import (
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
from .config import FileConfig, Lookups, Source, base_lookups
from .extract import EXCEL_ERRORS
from .fields import FIELDS, Field
from .personal import find_personal, personal_in_code

# Parsers whose raw values repeat enough to be worth a memo: dates, labels, amounts.
CACHED = frozenset(["date", "lookup", "multi_lookup", "money", "cn_number", "issn", "credit_code"])
MULTI_SEPARATORS = str.maketrans({c: "、" for c in ",，;；/|+"})
CACHE_MAX_CHARS = 100
# Control characters other than tab, line feed and carriage return (which clean to spaces):
# NUL, C0, DEL and C1. A cell holding one is rejected, never published.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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


def merged_lookups(source: Source) -> dict[str, dict[str, str]]:
    """The shipped vocabulary extended by the source's own labels, keyed by label_key."""
    out: dict[str, dict[str, str]] = {}
    for lookups in (base_lookups(), source.config.lookups):
        for name in Lookups.__struct_fields__:
            table = out.setdefault(name, {})
            for label, value in getattr(lookups, name).items():
                table[label_key(label)] = value
    return out


# The empty list of every record without media or changes: one object, never changed in
# place (a merge replaces a record's lists; see publisher.ingest.run).
NONE: list[Any] = []


@functools.cache
def withheld_fields(withheld: tuple[tuple[str, str], ...]) -> list[str]:
    """The fields a row's personal data was withheld from: one list per combination,
    shared by the records (replaced, never changed in place)."""
    return sorted({f for f, _ in withheld})


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
        columns: dict[str, int] | None = None,
    ) -> None:
        """``index``: field → the file's column; ``columns``: the columns the file's
        ``extract`` patterns read (header as written in source.yml → column)."""
        self.source, self.spec, self.file, self.sheet = source, spec, file, sheet
        self.kind = spec.kind
        # A file with an identity needs no decision number; a row without its identity is
        # judged by the rules, after a refusal (never published, it needs none).
        self.fields: dict[str, Field] = {
            name: replace(f, required=False) if name == "decision_number" and spec.identity else f
            for name, f in FIELDS[spec.kind].items()
        }
        # Field → (column, pattern) pairs, in the order tried; field → its separators.
        self.extracted = {
            name: [(f"c{(columns or {})[column]}", pattern) for column, pattern in pairs]
            for name, pairs in spec.extracted().items()
        }
        self.separators = spec.separators
        self.identity = spec.identity
        self.lookups = merged_lookups(source)
        labels = self.lookups["authority"]
        for code, authority in authorities.items():
            for name in (authority.name, *(n.name for n in authority.names)):
                labels.setdefault(label_key(name), code)  # its name now, and former names
            labels.setdefault(code, code)
        self.authority_code = source.config.authority.division_code
        self.known_authorities = set(authorities)
        self.formats = tuple(spec.date_formats)
        # Each field read: (name, the frame column of its raw text, default, spec). The raw
        # text is a file column (c3), found by a pattern (x.name), or none (a.name, empty).
        self.plan: list[tuple[str, str, str, Field]] = [
            (
                name,
                f"c{index[name]}"
                if name in index
                else f"x.{name}"
                if name in self.extracted
                else f"a.{name}",
                spec.defaults.get(name, ""),
                self.fields[name],
            )
            for name in self.fields
            if name in index or name in spec.defaults or name in self.extracted
        ]
        self.caches: dict[str, dict[str, Cell]] = {name: {} for name, *_ in self.plan}
        self.parsers = {name: self._parser(spec) for name, _i, _d, spec in self.plan}
        self.names = [name for name, *_ in self.plan]
        self.empties: dict[str, Cell] = {}

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
        if control := CONTROL.search(raw):
            code = f"U+{ord(control.group()):04X}"
            return (
                None,
                None,
                ("control_character", spec.name, f"holds the control character {code}"),
            )
        try:
            value = self.parsers[spec.name](raw)
        except BadValue as exc:
            # A detail may quote the value: drop it when the value carries personal data.
            detail = "" if find_personal(exc.detail) else exc.detail
            return (None, None, (exc.reason, spec.name, detail))
        if value == "" or value == []:
            return (None, None, ("missing_value", spec.name, "")) if spec.required else EMPTY
        if spec.scan_personal:
            found = (
                personal_in_code(value) if spec.parser == "credit_code" else find_personal(value)
            )
            if found:
                if spec.required or spec.parser == "credit_code":  # no row without its value
                    return (None, None, ("personal_data", spec.name, f"holds a {found}"))
                return (None, None, (None, spec.name, found))
        if isinstance(value, date):
            text = value.isoformat()
        elif isinstance(value, list):
            text = ""
        else:
            text = str(value)
        return (value, raw if raw != text else None, None)

    def release(self) -> None:
        """Forget the memos (the file is read; what remains is building its records)."""
        for cache in self.caches.values():
            cache.clear()
        self.empties.clear()

    def _empty(self, spec: Field, default: str) -> Cell:
        """The cell of an empty raw value: the same for every row of the file."""
        cell = self.empties.get(spec.name)
        if cell is None:
            cell = self.empties[spec.name] = self._cell(spec, "", default)
        return cell

    def column(self, spec: Field, raw: list[str], default: str) -> list[Cell]:
        """A field's cells for distinct raw texts, memoised per file."""
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

    # -- records ---------------------------------------------------------------------------

    def provenance(self, row: int) -> Provenance:
        return Provenance(source=self.source.name, file=self.file, sheet=self.sheet, row=row)

    def decision(
        self,
        row: int,
        rid: str,
        authority: str,
        v: dict[str, Any],
        original: msgspec.Raw,
        withheld: tuple[tuple[str, str], ...],
    ) -> Decision:
        """The record of an accepted row (the rules were applied by the columnar normaliser)."""
        credit = v.get("credit_code")
        kind = v["kind"]
        publisher = Publisher(
            name=v["publisher_name"],
            kind=v["publisher_kind"],
            credit_code=credit,
            legal_representative=v.get("legal_representative"),
            address=v.get("address"),
            sponsor_name=v.get("sponsor_name"),
            sponsor_credit_code=v.get("sponsor_credit_code"),
        )
        media = [self.medium(v)] if v.get("medium_name") is not None else NONE
        changes = NONE
        if v.get("change_field") is not None:
            changes = [
                Change(
                    field=v["change_field"],
                    old=v.get("change_old"),
                    new=v.get("change_new"),
                    changed_on=v.get("changed_on"),
                )
            ]
        decision = Decision(
            id=rid,
            decision_number=v.get("decision_number"),
            authority_code=authority,
            kind=kind,
            publisher=publisher,
            registration_number=v.get("registration_number"),
            application_date=v.get("application_date"),
            acceptance_date=v.get("acceptance_date"),
            decision_date=v["decision_date"],
            publication_date=v.get("publication_date"),
            notice_number=v.get("notice_number"),
            media=media,
            changes=changes,
            cancellation_ground=v.get("cancellation_ground"),
            legal_basis=v.get("legal_basis"),
            remarks=v.get("remarks"),
            withheld_fields=withheld_fields(withheld),
            original=original,
            provenance=[self.provenance(row)],
        )
        return decision

    def medium(self, v: dict[str, Any]) -> Medium:
        cn = v.get("cn_number")
        mtype = v.get("medium_type")
        if mtype is None:
            mtype = cn_medium_type(cn) if cn else DEFAULT_MEDIUM[v["publisher_kind"]]
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
        self,
        row: int,
        rid: str,
        authority: str,
        v: dict[str, Any],
        original: msgspec.Raw,
        withheld: tuple[tuple[str, str], ...],
    ) -> Penalty:
        """The record of an accepted row (the rules were applied by the columnar normaliser)."""
        penalty = Penalty(
            id=rid,
            decision_number=v["decision_number"],
            authority_code=authority,
            party_name=v["party_name"],
            party_credit_code=v.get("party_credit_code"),
            kinds=v["penalty_kinds"],
            violation=v.get("violation"),
            legal_basis=v.get("legal_basis"),
            fine_amount=v.get("fine_amount"),
            confiscation_amount=v.get("confiscation_amount"),
            decision_date=v["decision_date"],
            publication_date=v.get("publication_date"),
            facts=v.get("facts"),
            withheld_fields=withheld_fields(withheld),
            original=original,
            provenance=[self.provenance(row)],
        )
        return penalty
