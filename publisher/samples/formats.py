"""Sample generator, part 5: writing rows the way each authority's export writes them.

A :class:`FileSpec` says how one export looks (format, encoding, title lines,
headers, date and amount styles, labels); a :class:`Writer` streams rows into it.
Rows arrive as dicts of field → value with ``date`` objects and our vocabulary;
the writer turns them into the export's text, with its share of messiness: mixed
date styles, full-width digits, labels with stray spaces and alternative labels.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import msgspec

from .model import Area, Row
from .names import full_width

FIXED_TIME = datetime(2021, 9, 30, 9, 0, 0)  # workbook creation time: files are reproducible
EXCEL_EPOCH = date(1899, 12, 30)

DATE_FIELDS = frozenset(
    {
        "application_date",
        "acceptance_date",
        "decision_date",
        "publication_date",
        "licence_valid_from",
        "licence_valid_to",
        "changed_on",
    }
)
MONEY_FIELDS = frozenset({"fine_amount", "confiscation_amount"})
CODE_FIELDS = frozenset({"credit_code", "sponsor_credit_code", "party_credit_code"})


def _date_text(style: str, d: date) -> Any:
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "cn0":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "compact":
        return f"{d:%Y%m%d}"
    if style == "iso_time":
        return f"{d.isoformat()} 00:00:00"
    if style == "int":  # JSON: a number such as 20170305
        return int(f"{d:%Y%m%d}")
    if style == "serial":  # XLSX: a bare Excel serial number without a date format
        return (d - EXCEL_EPOCH).days
    if style == "cell":  # XLSX: a real date cell
        return d
    raise ValueError(style)


def _money_text(style: str, n: int) -> Any:
    if style == "number":
        return n
    if style == "yuan":
        return f"{n}元"
    if style == "comma":
        return f"{n:,.2f}"
    if style == "yen":
        return f"¥{n}"
    if style == "wan" and n % 100 == 0:
        return f"{n / 10000:g}万元"
    return str(n)


@dataclass(frozen=True)
class FileSpec:
    """How one export file looks."""

    path: str
    kind: str  # decisions | penalties
    format: str  # csv | xlsx | json
    columns: tuple[tuple[str, str], ...]  # (header or JSON key, field); field "" = a row number
    encoding: str = "utf-8-sig"  # what the file is written in
    declared_encoding: str = ""  # what source.yml says ("detect"); "" = the encoding
    title_lines: tuple[str, ...] = ()  # CSV: lines above the header
    title: str = ""  # XLSX: merged title row above the header
    note: str = ""  # XLSX: notes row under the header (skip_rows)
    sheet: str = "Sheet1"
    records: str = ""  # JSON: dotted path to the record list
    date_styles: tuple[str, ...] = ("iso",)  # repeated entries weigh more
    money_styles: tuple[str, ...] = ("plain",)
    labels: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    join: str = "、"  # separator of several penalty kinds


class Writer:
    """Streams rows into one export file; ``close`` returns the number of data rows.

    ``messy`` is the share of rows typed by the sloppy clerk (one flaw each).
    """

    def __init__(self, spec: FileSpec, folder: Path, rng: random.Random, messy: float) -> None:
        self.spec, self.rng, self.messy = spec, rng, messy
        self.path = folder / spec.path
        self.rows = 0
        self.fields = fields = [f for _, f in spec.columns]

        def where(test: Any) -> list[int]:
            return [i for i, f in enumerate(fields) if test(f)]

        self.seq_at = where(lambda f: f == "")
        self.dates_at = where(DATE_FIELDS.__contains__)
        self.money_at = where(MONEY_FIELDS.__contains__)
        self.codes_at = where(lambda f: f in CODE_FIELDS or f == "decision_number")
        self.multi_at = where(lambda f: f == "penalty_kinds")
        self.labels_at = [
            (i, f) for i, f in enumerate(fields) if f in spec.labels and f != "penalty_kinds"
        ]
        # A row uses an export's usual labels, or (one row in five) its alternative spellings.
        self.usual = {f: {k: v[0] for k, v in t.items()} for f, t in spec.labels.items()}
        self.other = {
            f: {k: v[min(1, len(v) - 1)] for k, v in t.items()} for f, t in spec.labels.items()
        }
        self.dates: dict[str, dict[date, Any]] = {style: {} for style in spec.date_styles}
        self._open()

    # -- formats --------------------------------------------------------------------------

    def _open(self) -> None:
        spec = self.spec
        self.file: IO[str] | None = None
        if spec.format == "csv":
            self.file = self.path.open("w", encoding=spec.encoding, newline="")
            self.csv = csv.writer(self.file)
            for line in spec.title_lines:
                self.csv.writerow([line])
            self.csv.writerow([h for h, _ in spec.columns])
        elif spec.format == "xlsx":
            self._open_xlsx()
        else:
            self.records: list[dict[str, Any]] = []

    def _open_xlsx(self) -> None:
        import xlsxwriter

        spec = self.spec
        self.book = xlsxwriter.Workbook(
            str(self.path),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.book.set_properties(
            {"title": spec.title, "author": "adreg sample", "created": FIXED_TIME}
        )
        self.sheet = self.book.add_worksheet(spec.sheet)
        bold = self.book.add_format({"bold": True, "align": "center", "border": 1})
        big = self.book.add_format({"bold": True, "align": "center", "font_size": 14})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.sheet.merge_range(0, 0, 0, len(spec.columns) - 1, spec.title, big)
        for c, (h, _) in enumerate(spec.columns):
            self.sheet.write_string(1, c, h, bold)
        self.sheet.write_string(2, 0, spec.note)
        self.sheet.set_column(0, len(spec.columns) - 1, 16)

    def write(self, row: Row) -> None:
        self.rows += 1
        values = self.cells(row)
        fmt = self.spec.format
        if fmt == "csv":
            self.csv.writerow(values)
        elif fmt == "xlsx":
            self._xlsx_row(values)
        else:
            self.records.append({h: v for (h, _), v in zip(self.spec.columns, values, strict=True)})

    def _xlsx_row(self, values: list[Any]) -> None:
        r = self.rows + 2  # title, header and notes rows come first
        sheet = self.sheet
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                sheet.write_string(r, c, v)
            elif isinstance(v, date):
                sheet.write_datetime(r, c, datetime(v.year, v.month, v.day), self.date_format)
            else:
                sheet.write_number(r, c, v)

    def close(self) -> int:
        spec = self.spec
        if spec.format == "csv" and self.file is not None:
            self.file.close()
        elif spec.format == "xlsx":
            self.book.close()
        elif spec.format == "json":
            doc: Any = self.records
            for key in reversed(spec.records.split(".")):
                doc = {"total": len(self.records), key: doc} if key == "items" else {key: doc}
            doc = {"code": 200, "message": "操作成功", **doc}
            self.path.write_bytes(msgspec.json.format(msgspec.json.encode(doc), indent=1) + b"\n")
        return self.rows

    # -- cells ------------------------------------------------------------------------------

    def cells(self, row: Row) -> list[Any]:
        """One row's cells. A messy row has one flaw: full-width dates, full-width codes
        and amounts, or a label with a stray space."""
        draw = self.rng.random
        spec = self.spec
        out: list[Any] = list(map(row.get, self.fields))
        for i in self.seq_at:
            out[i] = self.rows if spec.format != "json" else str(self.rows)
        styles = spec.date_styles
        style = styles[int(draw() * len(styles))]
        cache = self.dates[style]
        for i in self.dates_at:
            v = out[i]
            if v is not None:
                text = cache.get(v)
                if text is None:
                    text = cache[v] = _date_text(style, v)
                out[i] = text
        tables = self.other if draw() < 0.2 else self.usual
        for i, f in self.labels_at:
            v = out[i]
            if v is not None:
                out[i] = tables[f][v]
        for i in self.multi_at:
            v = out[i]
            if v is not None:
                table = tables["penalty_kinds"]
                out[i] = spec.join.join(table[k] for k in v)
        for i in self.money_at:
            v = out[i]
            if v is not None:
                out[i] = _money_text(spec.money_styles[int(draw() * len(spec.money_styles))], v)
        if draw() < self.messy:
            self._flaw(out, int(draw() * 3))
        return out

    def _flaw(self, out: list[Any], flaw: int) -> None:
        if flaw == 0:
            at = self.dates_at
        elif flaw == 1:
            at = self.codes_at + self.money_at
        else:
            at = [i for i, _ in self.labels_at if out[i]][:1]
        for i in at:
            v = out[i]
            if not isinstance(v, str) or not v:
                continue
            if flaw < 2:
                out[i] = full_width(v)
            else:
                where = int(self.rng.random() * 3)
                out[i] = " " + v if where == 0 else v + "　" if where == 1 else v[:1] + " " + v[1:]


# -- sources ---------------------------------------------------------------------------------

B = date(2019, 6, 30)  # the broadcast licence cluster
P = date(2018, 12, 31)  # a print licence cycle

GROUND_TEXT = {
    "expired_not_renewed": ("有效期届满且未申请延续", "有效期届满未申请延续"),
    "legal_person_terminated": ("法人资格依法终止",),
    "withdrawn_annulled_or_revoked": ("登记依法被撤回、撤销或者吊销", "依法被撤回、撤销或者吊销"),
    "conditions_not_met": ("不具备第四条规定的条件", "情况发生变化不具备登记条件"),
    "ceased_publishing": ("停止从事广告发布", "停止广告发布业务"),
    "other": ("依法应当注销的其他情形", "其他"),
}
PENALTY_KINDS = {
    "warning": ("警告",),
    "fine": ("罚款",),
    "confiscation": ("没收广告费用", "没收违法所得"),
    "registration_revocation": ("吊销广告发布登记",),
    "public_reprimand": ("通报批评",),
}


def label_tables(
    kind: list[tuple[str, ...]],
    publisher: list[tuple[str, ...]],
    medium: list[tuple[str, ...]],
    change: dict[str, tuple[str, ...]],
    ground: dict[str, tuple[str, ...]],
    **more: dict[str, tuple[str, ...]],
) -> dict[str, dict[str, tuple[str, ...]]]:
    """An export's labels per field: our value → its usual label, then its alternatives."""
    kinds = (
        "grant",
        "change",
        "renewal",
        "cancellation",
        "withdrawal",
        "annulment",
        "revocation",
        "refusal",
    )
    return {
        "kind": dict(zip(kinds, kind, strict=True)),
        "publisher_kind": dict(
            zip(("radio", "tv", "newspaper", "periodical"), publisher, strict=True)
        ),
        "medium_type": dict(
            zip(("radio_frequency", "tv_channel", "newspaper", "periodical"), medium, strict=True)
        ),
        "change_field": change,
        "cancellation_ground": ground,
        **more,
    }


@dataclass(frozen=True)
class SourceSpec:
    """One fictional authority's export: its folder name, authority, files and scenarios."""

    name: str
    title: str
    area: Area
    share: float  # of the requested publishers
    decisions: FileSpec
    penalties: FileSpec | None = None
    penalty_codes: tuple[str, ...] = ()  # authorities whose penalties the penalties file lists
    parent: str | None = None  # re-exports some decisions and may withdraw (Art. 14)
    reexport: float = 0.0  # share of grants the parent re-exports
    authority_column: bool = False  # own decisions name the authority (登记机关)
    other_authorities: tuple[Area, ...] = ()  # authorities whose decisions it re-exports
    lookups: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    forced: tuple[dict[str, Any], ...] = ()

    @property
    def authority(self) -> str:
        return self.area.authority
