"""The input fields a source YAML may map columns to, and how each is parsed.

This table drives the normaliser: a field's ``parser`` names the function that
turns its raw text into a typed value. Adding a field is a row here, not an
``if`` branch in the normaliser.
"""

from __future__ import annotations

from typing import Literal

import msgspec

RecordKind = Literal["decisions", "penalties"]
Parser = Literal[
    "text",  # cleaned text
    "number",  # decision / registration / licence numbers: cleaned, brackets unified
    "date",
    "credit_code",
    "cn_number",
    "issn",
    "money",
    "lookup",  # a single label mapped through the named lookup
    "multi_lookup",  # several labels separated by 、，,;；/ mapped through the lookup
    "personal",  # always withheld: contact persons, staff names, phones, ID numbers
]


class Field(msgspec.Struct, frozen=True):
    name: str
    parser: Parser
    lookup: str | None = None
    required: bool = False
    # Free text that may carry ID-card or phone numbers; a credit code that is an ID-card
    # number (a valid all-digit code with a birth date where the ID number has one).
    scan_personal: bool = False


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


_COMMON = (
    Field("decision_number", "number", required=True),
    Field("authority", "lookup", lookup="authority"),
    Field("decision_date", "date", required=True),
    Field("publication_date", "date"),
    Field("legal_basis", "text", scan_personal=True),
    Field("remarks", "text", scan_personal=True),
    Field("contact_person", "personal"),
    Field("contact_phone", "personal"),
    Field("staff_name", "personal"),
    Field("id_number", "personal"),
)

DECISION_FIELDS: dict[str, Field] = _fields(
    *_COMMON,
    Field("kind", "lookup", lookup="decision_kind", required=True),
    Field("registration_number", "number"),
    Field("notice_number", "number"),
    Field("application_date", "date"),
    Field("acceptance_date", "date"),
    Field("publisher_name", "text", required=True, scan_personal=True),
    Field("publisher_kind", "lookup", lookup="publisher_kind", required=True),
    Field("credit_code", "credit_code", scan_personal=True),
    Field("legal_representative", "text", scan_personal=True),
    Field("address", "text", scan_personal=True),
    Field("sponsor_name", "text", scan_personal=True),
    Field("sponsor_credit_code", "credit_code", scan_personal=True),
    Field("medium_name", "text", scan_personal=True),
    Field("medium_type", "lookup", lookup="medium_type"),
    Field("frequency", "text", scan_personal=True),
    Field("channel", "text", scan_personal=True),
    Field("cn_number", "cn_number"),
    Field("issn", "issn"),
    Field("licence_number", "number"),
    Field("licence_valid_from", "date"),
    Field("licence_valid_to", "date"),
    Field("change_field", "lookup", lookup="change_field"),
    Field("change_old", "text", scan_personal=True),
    Field("change_new", "text", scan_personal=True),
    Field("changed_on", "date"),
    Field("cancellation_ground", "lookup", lookup="cancellation_ground"),
)

PENALTY_FIELDS: dict[str, Field] = _fields(
    *_COMMON,
    Field("party_name", "text", required=True, scan_personal=True),
    Field("party_credit_code", "credit_code", scan_personal=True),
    Field("violation", "lookup", lookup="violation"),
    Field("penalty_kinds", "multi_lookup", lookup="penalty_kind", required=True),
    Field("fine_amount", "money"),
    Field("confiscation_amount", "money"),
    Field("facts", "text", scan_personal=True),
)

FIELDS: dict[RecordKind, dict[str, Field]] = {
    "decisions": DECISION_FIELDS,
    "penalties": PENALTY_FIELDS,
}
