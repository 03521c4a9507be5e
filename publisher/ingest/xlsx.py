"""Extract, XLSX: a workbook opened within limits and a sheet's rows streamed from its XML.

An XLSX is a zip of XML parts, and a hostile one is a zip bomb: a few hundred KB that
inflate to gigabytes, a sheet declaring A1:XFD1048576, a cell of 300 MB, a shared-string
table of millions of entries. Before anything is parsed the zip's directory is checked
against the limits (:mod:`publisher.ingest.limits`); zipfile itself never inflates a part
past the size the directory declares. Parts are then read as streamed: a run of text
longer than any cell holds is refused as it arrives, and only the rows the sheet's XML
holds are read (not the rows its dimension claims), each only to the header's width.
openpyxl reads the workbook (its sheets, styles and date system); the shared strings and
the sheet's rows are parsed here by expat as they stream in, keeping nothing of the XML
(openpyxl's readers keep it, and are several times slower), with openpyxl's values.
"""

from __future__ import annotations

import functools
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..errors import UserError
from .limits import (
    EXCEL_MAX_ROWS,
    MIB,
    XLSX_MAX_MEMBERS,
    XLSX_MAX_PART,
    XLSX_MAX_TEXT,
    Limits,
    shown,
)

# A row of a sheet: its number and its cells as (column, value, openpyxl's data type).
SheetRow = tuple[int, list[tuple[int, Any, str]]]


def why(exc: BaseException) -> str:
    """What went wrong reading a file, without the file's contents: errors about values
    (``could not convert string to float: '<a cell>'``) are named by their type alone."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, ValueError) and isinstance(
        cause, SyntaxError | zipfile.BadZipFile | expat.ExpatError
    ):
        return why(cause)  # openpyxl's "Unable to read workbook" names the part's problem
    if isinstance(exc, ValueError | KeyError | IndexError | TypeError):
        return type(exc).__name__
    first = str(exc).strip().splitlines()[:1]
    return f"{type(exc).__name__}: {shown(first[0], 100)}" if first else type(exc).__name__


class Guarded:
    """A part of the zip as it is read, refusing a run of more than ``XLSX_MAX_TEXT`` bytes
    without a ``<``: no cell (32,767 characters at most) or tag is that long."""

    def __init__(self, raw: Any, where: str) -> None:
        self.raw, self.where = raw, where
        self.run = 0  # bytes since the last '<'
        self.done = 0  # bytes read

    def read(self, n: int = -1) -> bytes:
        data: bytes = self.raw.read(n)
        self.done += len(data)
        first = data.find(b"<")
        if first < 0:
            self.run += len(data)
        else:
            self.run += first
            self._check()
            self.run = len(data) - data.rfind(b"<") - 1
        self._check()
        return data

    def _check(self) -> None:
        if self.run > XLSX_MAX_TEXT:
            raise UserError(
                f"{self.where}: more than {XLSX_MAX_TEXT // MIB} MiB of text in one cell or "
                "tag (a cell holds at most 32,767 characters): not read"
            )

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> Guarded:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def check_archive(path: Path, limits: Limits) -> None:
    """Refuse a zip whose directory declares more than the limits allow, before reading it."""
    try:
        with path.open("rb") as fh:
            end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]  # the end record alone
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    if end is None:
        raise UserError(f"{path}: cannot read XLSX (BadZipFile: not a zip file)")
    if end[zipfile._ECD_ENTRIES_TOTAL] > XLSX_MAX_MEMBERS:  # type: ignore[attr-defined]
        raise UserError(
            f"{path}: a zip of {end[zipfile._ECD_ENTRIES_TOTAL]:,} files, more than "  # type: ignore[attr-defined]
            f"{XLSX_MAX_MEMBERS:,}: not read"
        )
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UserError(f"{path}: cannot read XLSX ({type(exc).__name__})") from None
    total = sum(i.file_size for i in infos)
    if total > limits.xlsx_inflated_mb * MIB:
        raise UserError(
            f"{path}: inflates to {total / MIB:,.0f} MiB, more than the limit of "
            f"{limits.xlsx_inflated_mb:,} MiB (limits.xlsx_inflated_mb in source.yml): not read"
        )
    for info in infos:
        name = info.filename.lower()
        if name.startswith("xl/worksheets/") or not name.endswith((".xml", ".rels")):
            continue  # sheets are streamed; other files are not read
        strings = name.rsplit("/", 1)[-1].startswith("sharedstrings")
        most = limits.xlsx_strings_mb * MIB if strings else XLSX_MAX_PART
        if info.file_size > most:
            setting = " (limits.xlsx_strings_mb in source.yml)" if strings else ""
            raise UserError(
                f"{path}: part {info.filename[:60]} inflates to {info.file_size / MIB:,.0f} MiB, "
                f"more than the limit of {most // MIB:,} MiB{setting}: not read"
            )


def read_strings(source: Any) -> list[str]:
    """The shared-string table: each entry's text (its runs joined, phonetic runs left out),
    as openpyxl gives it. Parsed by expat event by event, keeping nothing but the strings
    (openpyxl's own reader keeps every entry's parsed XML until the end, and is slower)."""
    strings: list[str] = []
    parts: list[str] = []
    depth = {"phonetic": 0, "text": 0}

    def start(name: str, _attrs: Any) -> None:
        tag = name.rpartition("}")[2]
        if tag == "t":
            depth["text"] += not depth["phonetic"]
        elif tag == "rPh":
            depth["phonetic"] += 1

    def end(name: str) -> None:
        tag = name.rpartition("}")[2]
        if tag == "t":
            depth["text"] = 0
        elif tag == "rPh":
            depth["phonetic"] -= 1
        elif tag == "si":
            strings.append("".join(parts).replace("x005F_", ""))  # as openpyxl does
            parts.clear()

    def text(data: str) -> None:
        if depth["text"]:
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    while chunk := source.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return strings


class GuardedZip(zipfile.ZipFile):
    """The workbook's zip, every part read through :class:`Guarded`."""

    def open(self, name: Any, mode: Any = "r", *args: Any, **kwargs: Any) -> Any:
        raw = super().open(name, mode, *args, **kwargs)
        if mode != "r":
            return raw
        part = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return Guarded(raw, f"{self.filename}: part {str(part)[:60]}")


def open_book(path: Path, limits: Limits) -> tuple[Any, list[str]]:
    """The workbook (read-only: its sheets, styles and date system) and its shared strings
    (:func:`read_strings`), every part read guarded."""
    check_archive(path, limits)
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as src:
                    self.shared_strings = read_strings(src)

    with path.open("rb") as fh:  # a file, not a name: openpyxl would insist on the suffix
        reader = Reader(fh, read_only=True, data_only=True)
        reader.archive.close()
    reader.archive = GuardedZip(path)
    try:
        with warnings.catch_warnings():  # about styles openpyxl supplies: not the data's
            warnings.simplefilter("ignore")
            reader.read()
    except BaseException:
        reader.archive.close()
        raise
    return reader.wb, reader.shared_strings


@functools.cache
def _local(name: str) -> str:
    """An element's name without its namespace."""
    return name.rpartition("}")[2]


def _number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _column(ref: str) -> int:
    """The column of a cell reference (``AB12`` → 28)."""
    return _column_of(ref.rstrip("0123456789"))


@functools.cache
def _column_of(letters: str) -> int:
    letters = letters.replace("$", "").upper()
    column = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            raise ValueError("a cell reference that is not one")
        column = column * 26 + ord(ch) - 64
    if not 1 <= column <= 16_384:
        raise ValueError("a cell reference outside the sheet")
    return column


class SheetParser:
    """A sheet's rows, parsed by expat as the XML streams in, each cell's value as openpyxl's
    reader gives it with ``data_only``: numbers as int or float, dates by their cell style,
    shared and inline strings (phonetic runs left out), booleans, error codes. Nothing of
    the XML is kept: rows are handed on as they end."""

    def __init__(self, book: Any, strings: list[str]) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.strings = strings
        self.dates, self.timedeltas = book._date_formats, book._timedelta_formats
        self.epoch = book.epoch
        self.done: list[SheetRow] = []
        self.row = 0
        self.cells: list[tuple[int, Any, str]] = []
        self.column = 0
        self.cell: tuple[str, str | None, str | None] | None = None
        self.value: str | None = None
        self.inline: list[str] | None = None
        self.text: list[str] | None = None  # collecting the text of a <v> or an inline <t>
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            self.cell = (attrs.get("t", "n"), attrs.get("r"), attrs.get("s"))
            self.value, self.inline = None, None
        elif tag == "v" and self.cell is not None:
            self.text = []
        elif tag == "is" and self.cell is not None:
            self.inline = []
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.text = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "row":
            r = attrs.get("r")
            self.row = (int(float(r)) if "." in r else int(r)) if r else self.row + 1
            self.column, self.cells = 0, []

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "v" and self.text is not None:
            self.value, self.text = "".join(self.text), None
        elif tag == "t" and self.text is not None and self.inline is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.cell is not None:
            self.cells.append(self._cell(*self.cell))
            self.cell = None
        elif tag == "row":
            self.done.append((self.row, self.cells))

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def _cell(self, kind: str, ref: str | None, style: str | None) -> tuple[int, Any, str]:
        self.column = _column(ref) if ref else self.column + 1
        value: Any = self.value or None
        if kind == "inlineStr":
            value = None
            if self.inline is not None:
                kind, value = "s", "".join(self.inline)
        elif value is not None:
            if kind == "n":
                value = _number(value)
                sid = int(style) if style else 0
                if sid in self.dates:
                    kind = "d"
                    try:
                        value = self.from_excel(value, self.epoch, timedelta=sid in self.timedeltas)
                    except (OverflowError, ValueError):  # as openpyxl: an error cell
                        kind, value = "e", "#VALUE!"
            elif kind == "s":
                value = self.strings[int(value)]
            elif kind == "b":
                value = bool(int(value))
            elif kind == "str":
                kind = "s"
            elif kind == "d":
                value = self.from_iso(value)
        return (self.column, value, kind)


def _no_doctype(*_args: Any) -> None:
    raise expat.ExpatError("a document type declaration, which XLSX does not allow")


def sheet_rows(book: Any, sheet: Any, strings: list[str]) -> tuple[Iterator[SheetRow], Guarded]:
    """The rows the sheet's XML holds, in order, with the guarded part (its ``done`` bytes
    against the part's size measure progress); an error past Excel's last row."""
    source = book._archive.open(sheet._worksheet_path)
    state = SheetParser(book, strings)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.buffer_text = True
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.data

    def rows() -> Iterator[SheetRow]:
        seen = 0
        try:
            while True:
                chunk = source.read(1 << 16)
                try:
                    parser.Parse(chunk, not chunk)
                except (expat.ExpatError, ValueError, IndexError, TypeError) as exc:
                    raise UserError(
                        f"{book._archive.filename}: cannot read XLSX at row {state.row} "
                        f"({why(exc)})"
                    ) from None
                for n, cells in state.done:
                    seen += 1
                    if n > EXCEL_MAX_ROWS or seen > EXCEL_MAX_ROWS:
                        raise UserError(
                            f"{book._archive.filename}: sheet {sheet.title[:40]!r}: more rows "
                            f"than a sheet holds ({EXCEL_MAX_ROWS:,})"
                        )
                    yield n, cells
                state.done.clear()
                if not chunk:
                    return
        finally:
            source.close()

    return rows(), source


def part_size(book: Any, sheet: Any) -> int:
    """The inflated size of a sheet's XML part."""
    return int(book._archive.getinfo(sheet._worksheet_path).file_size)
