"""Limits: how much work and memory one input file may make adreg spend.

Files come from others and may be hostile (a zip bomb named .xlsx, a header of a
million columns, JSON nested a thousand deep, an unclosed quote that swallows the rest
of a CSV). Each limit below has a default that real exports stay far inside; a file's
``limits:`` in source.yml may raise one, never past its cap. A file over a limit is an
error naming the file and the limit, raised before the work it would cost is done.
"""

from __future__ import annotations

from ..errors import shown
from ..model import Base

MIB = 1 << 20

# name → (default, cap); the README's "Limits and safety" section lists the same.
DEFAULTS: dict[str, tuple[int, int]] = {
    "columns": (1_000, 16_384),  # header width, any format (16,384 = Excel's columns)
    "record_mb": (1, 64),  # one CSV record (a line, or quoted lines) and the header
    "record_lines": (50, 100_000),  # lines one CSV record may span before it is called broken
    "json_mb": (256, 4_096),  # a JSON file is read whole
    "json_depth": (64, 500),  # nesting of arrays and objects in a JSON file
    "xlsx_inflated_mb": (128, 4_096),  # all parts of an XLSX, decompressed
    "xlsx_strings_mb": (32, 1_024),  # an XLSX's shared-string table (held in memory)
}

# Fixed limits (not overridable): what no real spreadsheet comes near.
XLSX_MAX_PART = 8 * MIB  # any other XML part read whole (workbook, styles, rels, theme)
XLSX_MAX_MEMBERS = 10_000  # files in the zip
XLSX_MAX_TEXT = MIB  # text or one tag in a sheet without a '<' (a cell holds ≤ 32,767 chars)
EXCEL_MAX_ROWS = 1_048_576  # rows a sheet can hold: rows read, and the highest row number


class Limits(Base, kw_only=True):
    """A file's ``limits:`` in source.yml (each no higher than its cap in :data:`DEFAULTS`)."""

    columns: int = DEFAULTS["columns"][0]
    record_mb: int = DEFAULTS["record_mb"][0]
    record_lines: int = DEFAULTS["record_lines"][0]
    json_mb: int = DEFAULTS["json_mb"][0]
    json_depth: int = DEFAULTS["json_depth"][0]
    xlsx_inflated_mb: int = DEFAULTS["xlsx_inflated_mb"][0]
    xlsx_strings_mb: int = DEFAULTS["xlsx_strings_mb"][0]


def out_of_bounds(limits: Limits) -> str | None:
    """The first limit set below 1 or above its cap, described, or None."""
    for name, (_default, cap) in DEFAULTS.items():
        value = getattr(limits, name)
        if not 1 <= value <= cap:
            return f"limits.{name} must be between 1 and {cap:,}, not {value:,}"
    return None


def shown_list(items: list[str], most: int = 10, chars: int = 20) -> str:
    """At most ``most`` items, each :func:`shown`, and how many more there are."""
    head = ", ".join(shown(i, chars) for i in items[:most])
    return head + (f", … ({len(items) - most:,} more)" if len(items) > most else "")
