"""The Excel copy of a data package: a 说明 sheet, then a sheet per resource, Chinese headers.

The workbook is written as SpreadsheetML directly, streamed into the zip row by
row: a general-purpose writer spends most of its time per cell, and a release of
a million decisions holds tens of millions of cells. Cells are typed (dates as
Excel dates, numbers as numbers); strings are inline, so no shared-string table
has to be held in memory. The same package gives the same bytes.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, TextIO, cast
from xml.sax.saxutils import escape, quoteattr

from .load import Arrivals, open_csv

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included
EXCEL_MAX_CHARS = 32_767  # UTF-16 units per cell

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_EMPTY = "<c/>"
_FLUSH_CHARS = 1 << 20  # a sheet's rows are joined and written about this much at a time


def _text(v: str) -> str:
    """A string cell; Excel holds at most 32,767 UTF-16 units: longer text is cut, with …"""
    if len(v) > 16_383 and len(units := v.encode("utf-16-le")) > 2 * EXCEL_MAX_CHARS:
        v = units[: 2 * (EXCEL_MAX_CHARS - 1)].decode("utf-16-le", "ignore") + "…"
    if _XML_BAD.search(v):
        v = _XML_BAD.sub("", v)
    space = ' xml:space="preserve"' if v != v.strip() else ""
    return f'<c t="inlineStr"><is><t{space}>{escape(v)}</t></is></c>'


def _date(v: str) -> str:
    d = date.fromisoformat(v)
    if d < date(1900, 3, 1):  # Excel's 1900 leap-year bug: keep early dates as text
        return _text(v)
    return f'<c s="1"><v>{d.toordinal() - _EXCEL_EPOCH}</v></c>'


_CELL: dict[str, Callable[[str], str]] = {
    "string": _text,
    "integer": lambda v: f"<c><v>{int(v)}</v></c>",
    "number": lambda v: f"<c><v>{float(v)!r}</v></c>",
    "boolean": lambda v: f'<c t="b"><v>{1 if v == "true" else 0}</v></c>',
    "date": _date,
}


def _column_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class _Book:
    """The zip being written: sheets are streamed in, the parts that list them come last."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[tuple[str, str, str | None]] = []  # (name, part, filter range)

    def part(self, name: str) -> IO[bytes]:
        info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        # ZipFile.open(info) compresses at zlib's default (6) unless the info says (in
        # 3.13 the attribute is public as compress_level): level 1 is 3× faster here.
        info._compresslevel = self.zip.compresslevel  # type: ignore[attr-defined]
        return self.zip.open(info, "w", force_zip64=True)

    def put(self, name: str, xml: str) -> None:
        with self.part(name) as fh:
            fh.write(xml.encode("utf-8"))

    def sheet(
        self,
        name: str,
        widths: Sequence[float],
        rows: Iterable[str],
        header: str,
        table: bool = True,
    ) -> int:
        """Write one sheet; a ``table`` gets a frozen header row and an autofilter.

        Returns the number of rows after the header."""
        part = f"xl/worksheets/sheet{len(self.sheets) + 1}.xml"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        count = 0
        with self.part(part) as fh:
            pane = (
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                if table
                else ""
            )
            fh.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
                f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                f"<row>{header}</row>".encode()
            )
            buf: list[str] = []
            held = 0
            for row in rows:
                buf.append(row)
                count += 1
                held += len(row)
                if held >= _FLUSH_CHARS or len(buf) >= 2000:  # notices' rows are long
                    fh.write("".join(buf).encode("utf-8"))
                    buf.clear()
                    held = 0
            fh.write("".join(buf).encode("utf-8"))
            col = _column_letter(max(len(widths), 1))
            last = count + 1
            tail = f'<autoFilter ref="A1:{col}{last}"/>' if table else ""
            fh.write(f"</sheetData>{tail}</worksheet>".encode())
        self.sheets.append((name, part, f"$A$1:${col}${last}" if table else None))
        return count

    def close(self, title: str, created: str, first: int) -> None:
        """Write the parts that name the sheets; sheet ``first`` is shown first."""
        order = [self.sheets[first], *self.sheets[:first], *self.sheets[first + 1 :]]
        sheets = "".join(
            f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rId{i}"/>'
            for i, (n, _p, _f) in enumerate(order, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(quoteattr(n).replace(chr(34), chr(39)))}!{f}</definedName>"
            for i, (n, _p, f) in enumerate(order)
            if f
        )
        self.put(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}'
            f' xmlns:r="{_REL}"><sheets>{sheets}</sheets><definedNames>{names}</definedNames>'
            "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="{p[3:]}"/>'
            for i, (_n, p, _f) in enumerate(order, start=1)
        )
        rels += f'<Relationship Id="rId{len(order) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        self.put("xl/_rels/workbook.xml.rels", _rels(rels))
        self.put("xl/styles.xml", _STYLES)
        self.put(
            "_rels/.rels",
            _rels(
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            ),
        )
        self.put(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties'
            ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(title)}</dc:title>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape(created)}</dcterms:created>'
            "</cp:coreProperties>",
        )
        overrides = "".join(
            f'<Override PartName="/{p}" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for _n, p, _f in self.sheets
        )
        self.put(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxml'
            f'formats-package.core-properties+xml"/>{overrides}</Types>',
        )
        self.zip.close()


def _rels(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        f'schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    )


# Cell styles: 0 plain, 1 date (yyyy-mm-dd), 2 bold (headers).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/>'
    '<sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill'
    ' patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"'
    ' xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0"'
    ' applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0"'
    ' applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0"'
    ' builtinId="0"/></cellStyles></styleSheet>'
)


def _bold(v: str) -> str:
    return _text(v).replace("<c ", '<c s="2" ', 1)


def write_workbook(
    package_dir: Path,
    xlsx_path: Path,
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    arriving: Arrivals | None = None,
) -> None:
    """An Excel copy of the package: a 说明 sheet, then one sheet per resource.

    Headers are the Chinese field titles; cells are typed (dates as Excel dates).
    A resource longer than ``max_rows`` (header included) continues on 表名(2), 表名(3)…
    The creation date is the package's, so the same package gives the same file.
    ``arriving``: the package is being written (publish's Excel follower); each sheet is
    written as its table's file is, the 说明 sheet once the package is complete.
    """
    package_dir = Path(package_dir)
    book = _Book(Path(xlsx_path))
    try:
        opener: Callable[[Path], TextIO] = open_csv
        if arriving is None:
            desc = _descriptor(package_dir)
            labels = _labels(package_dir, desc["resources"], opener)
            resources: Iterable[dict[str, Any]] = desc["resources"]
        else:
            labels, resources, opener = {}, arriving.entries(), arriving.open
        listing: list[list[Any]] = []
        for res in resources:
            if arriving is not None and res["name"] == "vocabulary":
                labels = _labels(package_dir, [res], opener)  # written first: it labels the rest
            sheets, count = _write_resource(book, package_dir, res, max_rows, labels, opener)
            listing.append([", ".join(sheets), res["name"], res["path"], count, res.get("title")])
        if arriving is not None:
            desc = _descriptor(package_dir)
            arriving.check([r["name"] for r in desc["resources"]])
        cells = [
            "".join(_bold(v) if k == 0 else _plain(v) for k, v in enumerate(r))
            for r in _readme_rows(desc, listing)
        ]
        rows = (f"<row>{c}</row>" for c in cells[1:])
        book.sheet("说明", [18, 24, 22, 12, 60], rows, cells[0], table=False)
        book.close(desc.get("title", ""), desc.get("created", ""), first=len(book.sheets) - 1)
    except BaseException:
        book.zip.close()
        raise


def _descriptor(package_dir: Path) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((package_dir / "datapackage.json").read_text("utf-8")))


def _plain(v: Any) -> str:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"<c><v>{v}</v></c>"
    return _text(str(v)) if v not in (None, "") else _EMPTY


def _labels(
    package_dir: Path, resources: list[dict[str, Any]], opener: Callable[[Path], TextIO]
) -> dict[str, dict[str, str]]:
    """Code list → code → Chinese label, from the package's ``vocabulary`` resource."""
    res = next((r for r in resources if r["name"] == "vocabulary"), None)
    if res is None:
        return {}
    rows = _read_csv(package_dir / res["path"], opener)
    header = next(rows, [])
    at = {name: i for i, name in enumerate(header)}
    out: dict[str, dict[str, str]] = {}
    for cells in rows:
        out.setdefault(cells[at["list"]], {})[cells[at["code"]]] = cells[at["zh"]]
    return out


def _labelled(codes: dict[str, str]) -> Callable[[str], str]:
    """A cell showing the Chinese label of a code (codes joined by ; each labelled)."""

    def cell(v: str) -> str:
        return _text("；".join(codes.get(code, code) for code in v.split(";")))

    return cell


def _write_resource(
    book: _Book,
    package_dir: Path,
    res: dict[str, Any],
    max_rows: int,
    labels: dict[str, dict[str, str]] | None = None,
    opener: Callable[[Path], TextIO] = open_csv,
) -> tuple[list[str], int]:
    """Write one resource on as many sheets as it needs; return their names and the rows.
    A coded field (``adreg:codes``) shows the Chinese label of each code."""
    fields = res["schema"]["fields"]
    labels = labels or {}
    writers = [
        _labelled(labels[f["adreg:codes"]]) if f.get("adreg:codes") in labels else _CELL[f["type"]]
        for f in fields
    ]
    header = "".join(_bold(f.get("title") or f["name"]) for f in fields)
    widths = [
        {"date": 11, "integer": 10, "number": 12, "boolean": 8}.get(f["type"])
        or min(max(2 * len(f.get("title") or f["name"]) + 2, 12), 40)
        for f in fields
    ]
    reader = _read_csv(package_dir / res["path"], opener)
    if next(reader, None) != [f["name"] for f in fields]:
        raise ValueError(f"{res['path']}: header differs from the schema")

    def xml_rows() -> Iterator[str]:
        for cells in reader:
            yield (
                "<row>"
                + "".join(w(v) if v else _EMPTY for w, v in zip(writers, cells, strict=True))
                + "</row>"
            )

    names: list[str] = []
    total = 0
    rows = xml_rows()
    pending = next(rows, None)
    while True:
        part = len(names) + 1
        suffix = f"({part})" if part > 1 else ""
        name = _SHEET_BAD.sub("_", res["title"])[: 31 - len(suffix)] + suffix
        chunk = islice(chain([pending], rows), max_rows - 1) if pending is not None else iter(())
        total += book.sheet(name, widths, chunk, header)
        names.append(name)
        pending = next(rows, None)
        if pending is None:
            return names, total


def _read_csv(path: Path, opener: Callable[[Path], TextIO]) -> Iterator[list[str]]:
    limit = csv.field_size_limit(2**31 - 1)  # a notice's text may exceed the 128 KiB default
    try:
        with opener(path) as fh:
            yield from csv.reader(fh)
    finally:
        csv.field_size_limit(limit)


def _readme_rows(desc: dict[str, Any], listing: list[list[Any]]) -> list[list[Any]]:
    """The 说明 sheet: what the package is, its licence, its sheets and its fields."""
    about: list[list[Any]] = [
        ["数据包 package", desc.get("title", "")],
        ["名称 name", desc.get("name", "")],
        ["版本 version", desc.get("version", "")],
        ["生成时间 created", desc.get("created", "")],
        *(
            ["许可 licence", f"{x.get('title', x['name'])} {x.get('path', '')}"]
            for x in desc["licenses"]
        ),
        ["说明 description", desc.get("description", "")],
        *(["来源 source", x.get("title") or x.get("path", "")] for x in desc.get("sources", [])),
    ]
    fields = [
        [res["name"], f["name"], f.get("title", ""), f["type"], _field_note(f)]
        for res in desc["resources"]
        for f in res["schema"]["fields"]
    ]
    return [
        *about,
        [],
        ["工作表 sheet", "数据表 resource", "文件 file", "行数 rows", "标题 title"],
        *listing,
        [],
        ["数据表 resource", "字段 field", "中文名称 title", "类型 type", "说明 description"],
        *fields,
    ]


def _field_note(field: dict[str, Any]) -> str:
    cons = dict(field.get("constraints", {}))
    notes = [field.get("description", ""), "必填 required" if cons.pop("required", False) else ""]
    if enum := cons.pop("enum", None):
        notes.append("取值 one of: " + ", ".join(map(str, enum)))
    notes += [f"{k}: {v}" for k, v in cons.items()]
    return "; ".join(n for n in notes if n)
