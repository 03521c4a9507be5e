"""The Excel copy of a data package: a sheet per resource, Chinese headers, typed cells."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def write_workbook(package_dir: Path, xlsx_path: Path, *, max_rows: int = EXCEL_MAX_ROWS) -> None:
    """An Excel copy of the package: a 说明 sheet, then one sheet per resource.

    Headers are the Chinese field titles; cells are typed (dates as Excel dates).
    A resource longer than ``max_rows`` (header included) continues on 表名(2), 表名(3)…
    The creation date is the package's, so the same package gives the same file.
    """
    package_dir = Path(package_dir)
    desc = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    created = datetime.fromisoformat(desc["created"]).astimezone(UTC)
    options = {"constant_memory": True, "strings_to_numbers": False}
    options |= {"strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(xlsx_path), options) as book:
        book.set_properties(
            {
                "title": desc.get("title", ""),
                "subject": desc.get("name", ""),
                "comments": f"version {desc.get('version', '')}",
                "created": created.replace(tzinfo=None),
            }
        )
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        readme = book.add_worksheet("说明")
        listing: list[list[Any]] = []
        for res in desc["resources"]:
            sheets, count = _write_sheets(book, package_dir, res, max_rows, bold, day)
            listing.append([", ".join(sheets), res["name"], res["path"], count, res.get("title")])
        _write_readme(readme, desc, listing, bold)


def _write_sheets(
    book: Any, package_dir: Path, res: dict[str, Any], max_rows: int, bold: Any, day: Any
) -> tuple[list[str], int]:
    """Write one resource on as many sheets as it needs; return their names and the rows."""
    fields = res["schema"]["fields"]
    writers = [_CELL[f["type"]] for f in fields]
    sheets: list[Any] = []
    r = count = 0
    reader = _read_csv(package_dir / res["path"])
    if next(reader, None) != [f["name"] for f in fields]:
        raise ValueError(f"{res['path']}: header differs from the schema")
    for cells in reader:
        if not sheets or r >= max_rows:
            _finish(sheets, r, len(fields))
            sheets.append(_new_sheet(book, res["title"], len(sheets) + 1, fields, bold))
            r = 1
        ws = sheets[-1]
        for c, (write, value) in enumerate(zip(writers, cells, strict=True)):
            if value:
                write(ws, r, c, value, day)
        r += 1
        count += 1
    if not sheets:
        sheets.append(_new_sheet(book, res["title"], 1, fields, bold))
        r = 1
    _finish(sheets, r, len(fields))
    return [ws.name for ws in sheets], count


def _read_csv(path: Path) -> Iterator[list[str]]:
    limit = csv.field_size_limit(2**31 - 1)  # a notice's text may exceed the 128 KiB default
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            yield from csv.reader(fh)
    finally:
        csv.field_size_limit(limit)


def _new_sheet(book: Any, title: str, part: int, fields: list[dict[str, Any]], bold: Any) -> Any:
    suffix = f"({part})" if part > 1 else ""
    ws = book.add_worksheet(_SHEET_BAD.sub("_", title)[: 31 - len(suffix)] + suffix)
    for c, f in enumerate(fields):
        title = f.get("title") or f["name"]
        width = {"date": 11, "integer": 10, "number": 12, "boolean": 8}.get(f["type"])
        ws.set_column(c, c, width or min(max(2 * len(title) + 2, 12), 40))
        ws.write_string(0, c, title, bold)
    ws.freeze_panes(1, 0)
    return ws


def _finish(sheets: list[Any], rows: int, cols: int) -> None:
    if sheets:
        sheets[-1].autofilter(0, 0, max(rows - 1, 0), cols - 1)


def _write_date(ws: Any, r: int, c: int, v: str, fmt: Any) -> None:
    d = date.fromisoformat(v)
    if d < date(1900, 3, 1):  # Excel's 1900 leap-year bug: keep early dates as text
        ws.write_string(r, c, v)
    else:
        ws.write_number(r, c, d.toordinal() - _EXCEL_EPOCH, fmt)


def _write_text(ws: Any, r: int, c: int, v: str, fmt: Any) -> None:
    """A string cell; Excel holds at most 32,767 UTF-16 units: longer text is cut, with …"""
    if len(v) > 16_383 and len(units := v.encode("utf-16-le")) > 2 * 32_767:
        v = units[: 2 * 32_766].decode("utf-16-le", "ignore") + "…"
    ws.write_string(r, c, v)


_CELL: dict[str, Callable[[Any, int, int, str, Any], None]] = {
    "string": _write_text,
    "integer": lambda ws, r, c, v, fmt: ws.write_number(r, c, int(v)),
    "number": lambda ws, r, c, v, fmt: ws.write_number(r, c, float(v)),
    "boolean": lambda ws, r, c, v, fmt: ws.write_boolean(r, c, v == "true"),
    "date": _write_date,
}


def _write_readme(ws: Any, desc: dict[str, Any], listing: list[list[Any]], bold: Any) -> None:
    """The 说明 sheet: what the package is, its licence, its sheets and its fields."""
    for c, width in enumerate((18, 24, 22, 12, 60)):
        ws.set_column(c, c, width)
    about = [
        ("数据包 package", desc.get("title", "")),
        ("名称 name", desc.get("name", "")),
        ("版本 version", desc.get("version", "")),
        ("生成时间 created", desc.get("created", "")),
        *(
            ("许可 licence", f"{x.get('title', x['name'])} {x.get('path', '')}")
            for x in desc["licenses"]
        ),
        ("说明 description", desc.get("description", "")),
        *(("来源 source", x.get("title") or x.get("path", "")) for x in desc.get("sources", [])),
    ]
    fields = [
        [res["name"], f["name"], f.get("title", ""), f["type"], _field_note(f)]
        for res in desc["resources"]
        for f in res["schema"]["fields"]
    ]
    r = 0
    for label, value in about:
        ws.write_string(r, 0, label, bold)
        ws.write_string(r, 1, str(value))
        r += 1
    for header, rows in (
        (["工作表 sheet", "数据表 resource", "文件 file", "行数 rows", "标题 title"], listing),
        (
            ["数据表 resource", "字段 field", "中文名称 title", "类型 type", "说明 description"],
            fields,
        ),
    ):
        r += 1
        ws.write_row(r, 0, header, bold)
        for row in rows:
            r += 1
            ws.write_row(r, 0, row)


def _field_note(field: dict[str, Any]) -> str:
    cons = dict(field.get("constraints", {}))
    notes = [field.get("description", ""), "必填 required" if cons.pop("required", False) else ""]
    if enum := cons.pop("enum", None):
        notes.append("取值 one of: " + ", ".join(map(str, enum)))
    notes += [f"{k}: {v}" for k, v in cons.items()]
    return "; ".join(n for n in notes if n)
