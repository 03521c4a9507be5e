"""Normalise: one raw row of one file → a typed record, a withheld row or a rejection.

Parsing is table-driven by :mod:`publisher.fields`; source quirks come from the
source's YAML lookups. Every parser is memoised per file, since exports repeat
dates, labels, names and codes on thousands of rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from .config import FileConfig, Lookups, Source, base_lookups
from .extract import EXCEL_ERRORS
from .fields import FIELDS, Field
from .model import Authority, Change, Decision, Medium, Penalty, Provenance, Publisher
from .personal import find_personal
from .values import (
    REGIME_START,
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

MULTI_SEPARATORS = str.maketrans({c: "、" for c in ",，;；/|+"})
CACHE_MAX_CHARS = 100
DEFAULT_MEDIUM = {
    "radio": "radio_frequency",
    "tv": "tv_channel",
    "newspaper": "newspaper",
    "periodical": "periodical",
}


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
        self.caches: dict[str, dict[str, Any]] = {}
        self.scanned: dict[str, str | None] = {}

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

    def parse(self, spec: Field, raw: str) -> Any:
        cache = self.caches.get(spec.name)
        if cache is None:
            cache = self.caches[spec.name] = {}
            cache["__parser__"] = self._parser(spec)
        hit = cache.get(raw, cache)
        if hit is cache:
            try:
                hit = cache["__parser__"](raw)
            except BadValue as exc:
                hit = exc
            # Only short values repeat (dates, codes, labels, names); caching long free
            # text would keep a copy of the whole column in memory.
            if len(cache) < 200_000 and len(raw) <= CACHE_MAX_CHARS:
                cache[raw] = hit
        if isinstance(hit, BadValue):
            # A detail quotes the value: drop it when the value carries personal data.
            detail = "" if find_personal(hit.detail) else hit.detail
            raise Rejected(hit.reason, spec.name, detail)
        return hit

    # -- rows ----------------------------------------------------------------------------

    def values(self, cells: list[str]) -> tuple[dict[str, Any], dict[str, str], list[tuple]]:
        """Typed values, original texts (where they differ), and withheld (field, reason)."""
        values: dict[str, Any] = {}
        original: dict[str, str] = {}
        withheld: list[tuple[str, str]] = []
        width = len(cells)
        for name, i, default, spec in self.plan:
            raw = cells[i] if i is not None and i < width else ""
            if not raw or raw.isspace():
                raw = default
                if not raw:
                    if spec.required:
                        raise Rejected("missing_value", name)
                    continue
            if raw in EXCEL_ERRORS:
                raise Rejected("formula_error", name, f"cell holds the Excel error {raw}")
            if spec.parser == "personal":
                withheld.append((name, name))
                continue
            value = self.parse(spec, raw)
            if spec.scan_personal:
                found = self.scanned.get(value, "")
                if found == "":
                    found = find_personal(value)
                    if len(value) <= CACHE_MAX_CHARS and len(self.scanned) < 200_000:
                        self.scanned[value] = found
                if found:
                    if spec.required:
                        raise Rejected("personal_data", name, f"a required field holds a {found}")
                    withheld.append((name, found))
                    continue
            if value == "" or value == []:
                if spec.required:
                    raise Rejected("missing_value", name)
                continue
            values[name] = value
            if (
                (raw != value and not isinstance(value, list | date))
                or (isinstance(value, date) and raw != value.isoformat())
                or isinstance(value, list)
            ):
                original[name] = raw
        return values, original, withheld

    def authority_of(self, values: dict[str, Any]) -> str:
        code: str = values.get("authority", self.authority_code)
        if code not in self.known_authorities:
            raise Rejected("unknown_authority", "authority", "not declared in any source.yml")
        return code

    def provenance(self, row: int) -> Provenance:
        return Provenance(source=self.source.name, file=self.file, sheet=self.sheet, row=row)

    def decision(self, row: int, cells: list[str]) -> tuple[Decision, list[tuple]]:
        v, original, withheld = self.values(cells)
        if v["kind"] == "refusal":
            raise Withheld("refusal")
        if v["decision_date"] < REGIME_START:
            raise Rejected("date_before_regime", "decision_date", "before 2016-12-01")
        credit = v.get("credit_code")
        if credit is None and v.get("sponsor_credit_code") is None:
            raise Rejected("missing_value", "credit_code", "no credit code of the registrant")
        kind = v["kind"]
        if kind == "cancellation" and "cancellation_ground" not in v:
            raise Rejected(
                "missing_value", "cancellation_ground", "a cancellation needs its ground"
            )
        if kind == "change" and "change_field" not in v:
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
        media = [self.medium(v)] if "medium_name" in v else []
        changes = []
        if "change_field" in v:
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
        return decision, withheld

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

    def penalty(self, row: int, cells: list[str]) -> tuple[Penalty, list[tuple]]:
        v, original, withheld = self.values(cells)
        kinds = v["penalty_kinds"]
        if set(kinds) == {"warning"}:
            raise Withheld("warning_only")
        if "fine" in kinds and "fine_amount" not in v:
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
        return penalty, withheld
