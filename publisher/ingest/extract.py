"""Extract: read one export file (CSV, XLSX or JSON) into a header and a stream of text rows.

Readers stream: a CSV is read record by record whatever its size, an XLSX row by
row in openpyxl's read-only mode. Every row carries the number a person sees in
a spreadsheet or text editor, so a rejection can be found in the source file.
Problems with a whole file (missing, unreadable, wrong encoding, no header,
duplicated or missing columns) raise :class:`UserError` with one line of text.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

import msgspec
from charset_normalizer import from_bytes

from ..errors import UserError
from ..values import clean_text
from .config import FileConfig
from .frames import (
    CsvFrames,
    Frames,
    fast_encoding,
    frames_of_records,
    frames_of_rows,
    rows_of_frames,
)
from .limits import MIB, Limits, shown, shown_list

Row = tuple[int, list[str]]
SAMPLE_BYTES = 256 * 1024
# What a damaged XLSX raises: a truncated zip, a corrupt deflate stream, broken XML
# (xml.etree's ParseError and lxml's XMLSyntaxError are both SyntaxErrors).
XLSX_ERRORS = (
    expat.ExpatError,
    zipfile.BadZipFile,
    zlib.error,
    SyntaxError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    EOFError,
)
EXCEL_ERRORS = frozenset(
    ["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"]
)


class Table:
    """One file's header and its data rows, read once, one way whatever the format.

    :meth:`frames` gives the rows as Polars frames (what ingest reads); :meth:`rows`
    gives the same rows one at a time, built from those frames, for callers that
    work row by row. The ``rows`` given are the Python reader's, which frames are made
    of unless the file has a native frame reader (``frames``); read them only this way.
    """

    def __init__(
        self,
        headers: list[str],
        rows: Iterator[Row],
        sheet: str | None,
        size: int,
        position: Callable[[], int],
        encoding: str | None = None,
        close: Callable[[], None] = lambda: None,
        frames: Callable[[], Frames] | None = None,
        lines: Callable[[], int | None] = lambda: None,
    ) -> None:
        self.headers = headers
        self._rows = rows
        self.sheet = sheet
        self.size = size
        self.position = position
        self.encoding = encoding
        # Releases the file when the rows are never read (the rows close it once read).
        self.close = close
        self._frames = frames
        # A CSV's physical lines after its header, once read (None for other formats).
        self.lines = lines

    def frames(self) -> Frames:
        """The data rows as Polars frames of text (see :mod:`publisher.ingest.frames`)."""
        if self._frames is not None:
            return self._frames()
        return frames_of_rows(self._rows, len(self.headers))

    def rows(self) -> Iterator[Row]:
        """The data rows as (row number, cells to the header's width), from :meth:`frames`."""
        return rows_of_frames(self.frames(), len(self.headers))


def header_key(text: str) -> str:
    """Headers are matched without spaces and width differences."""
    return clean_text(text).replace(" ", "")


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # A sample may end inside a multi-byte character: let the incremental decoder wait for it.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeError:
        pass
    best = from_bytes(sample, cp_isolation=["gb18030", "big5", "utf_16"]).best()
    if best is None:
        raise UserError(f"{path}: cannot detect the text encoding; set encoding: in source.yml")
    enc = best.encoding.lower()
    return "gb18030" if enc in ("gb2312", "gbk", "gb18030", "hz") else enc


class _Counting(io.RawIOBase):
    """A binary reader that counts bytes consumed, for the progress bar."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self.f.readinto(b)  # type: ignore[attr-defined]
        self.done += n or 0
        return n or 0


def bad_byte_line(path: Path, encoding: str) -> int | None:
    """The line of the first byte of ``path`` that is not valid ``encoding``, or None.

    Readers decode ahead of the rows they have parsed (a small file is decoded whole
    before its header is parsed), so the line is found again from the bytes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, cr = 0, False
    with path.open("rb") as f:
        while block := f.read(1 << 16):
            state = decoder.getstate()
            try:
                text = decoder.decode(block)
            except UnicodeError:
                decoder.setstate(state)
                text = ""
                for k in range(len(block)):  # the bad byte is in this block: find it
                    try:
                        text += decoder.decode(block[k : k + 1])
                    except UnicodeError:
                        break
                return lines + _text_lines(text) - (cr and text.startswith("\n")) + 1
            lines += _text_lines(text) - (cr and text.startswith("\n"))
            cr = text.endswith("\r")
    return None


def _text_lines(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


class _Lines:
    """The lines of ``text`` for Python's CSV reader; an error for a line longer than
    ``chars`` characters, before it is parsed (a header of a million columns, a file without
    line breaks). ``record`` holds the lines read since it was last cleared: the reader
    reads no further than the end of the record it returns."""

    def __init__(self, text: IO[str], path: Path, chars: int) -> None:
        self.text, self.path, self.chars = text, path, chars
        self.record: list[str] = []

    def __iter__(self) -> Iterator[str]:
        n = 1
        while line := self.text.readline(self.chars + 1):
            if len(line) > self.chars:
                raise UserError(
                    f"{self.path}: line {n}: longer than {self.chars // MIB} MiB "
                    "(limits.record_mb in source.yml)"
                )
            n += 1
            self.record.append(line)
            yield line

    def open_quote(self) -> bool:
        """Whether the record just read ends inside a quote (at the end of the file), and
        forget its lines."""
        odd = sum(line.count('"') for line in self.record) % 2 == 1
        self.record.clear()
        return odd


def trimmed_header(cells: list[str], path: Path, limits: Limits) -> list[str]:
    """A header without its trailing empty cells, within the column limit."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    if width > limits.columns:
        raise UserError(
            f"{path}: the header has {width:,} columns, more than the limit of "
            f"{limits.columns:,} (limits.columns in source.yml)"
        )
    return cells[:width]


def _read_csv(path: Path, spec: FileConfig, size: int) -> Table:
    encoding = _detect_encoding(path) if spec.encoding == "detect" else spec.encoding
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UserError(f"{path}: unknown encoding {encoding!r} in source.yml") from None
    raw = path.open("rb")
    counter = _Counting(raw)
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 16), encoding=encoding, newline="")
    lines = _Lines(text, path, spec.limits.record_mb * MIB)
    reader = csv.reader(lines)

    def decode_error() -> UserError:
        line = bad_byte_line(path, encoding)
        return UserError(
            f"{path}: not valid {encoding} near line {line or reader.line_num + 1} "
            f"(encoding: {spec.encoding} in source.yml); try encoding: gb18030 or detect"
        )

    try:
        header: list[str] | None = None
        for cells in reader:
            if reader.line_num >= spec.header_row:
                header = cells
                break
    except UnicodeError:
        raw.close()
        raise decode_error() from None
    except csv.Error as exc:
        raw.close()
        raise UserError(f"{path}: line {reader.line_num}: {exc}") from None
    except UserError:
        raw.close()
        raise
    if header is None or not any(c.strip() for c in header):
        raw.close()
        raise UserError(f"{path}: empty file: no header at row {spec.header_row}")
    try:
        header = trimmed_header(header, path, spec.limits)
    except UserError:
        raw.close()
        raise

    skip = set(spec.skip_rows)
    read = [0]

    def records() -> Iterator[tuple[int, int, list[str], bool]]:
        # A row is numbered by the line it starts on, as an editor shows it, even when a
        # quoted cell runs over several lines.
        end = first = reader.line_num
        lines.record.clear()
        try:
            for cells in reader:
                n, end = end + 1, reader.line_num
                read[0] = end - first
                open_quote = lines.open_quote()
                if n in skip or not any(cells):
                    continue
                yield n, end - n + 1, cells, open_quote
        except UnicodeError:
            raise decode_error() from None
        except csv.Error as exc:
            raise UserError(f"{path}: line {reader.line_num}: {exc}") from None
        finally:
            raw.close()

    width = len(header)
    if not fast_encoding(encoding):
        return Table(
            header,
            iter(()),
            None,
            size,
            lambda: counter.done,
            encoding,
            raw.close,
            lambda: frames_of_records(records(), width, spec.limits.record_lines),
            lambda: read[0],
        )
    # Native parsing from the line after the header; the Python reader only read the header.
    raw.close()
    done = [counter.done]

    def progress(position: int) -> None:
        done[0] = position

    frames = CsvFrames(path, encoding, reader.line_num, skip, width, progress, spec.limits)
    return Table(
        header,
        iter(()),
        None,
        size,
        lambda: done[0],
        encoding,
        lambda: None,
        frames.__iter__,
        lambda: frames.lines,
    )


def cell_text(value: object) -> str:
    """A spreadsheet or JSON value as the text a person would read in the cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(cell_text(v) for v in value)
    return str(value)


def _xlsx_cell(value: Any, data_type: str) -> str:
    return str(value) if data_type == "e" else cell_text(value)


def _read_xlsx(path: Path, spec: FileConfig, size: int) -> Table:
    from .xlsx import open_book, part_size, sheet_rows, why  # only XLSX pays for openpyxl

    try:
        book, strings = open_book(path, spec.limits)
    except XLSX_ERRORS as exc:
        raise UserError(f"{path}: cannot read XLSX ({why(exc)})") from None
    if spec.sheet is not None and spec.sheet not in book.sheetnames:
        book.close()
        raise UserError(f"{path}: no sheet {spec.sheet!r}; sheets: {shown_list(book.sheetnames)}")
    sheet = book[spec.sheet] if spec.sheet else book.worksheets[0]
    skip = set(spec.skip_rows)
    try:
        it, source = sheet_rows(book, sheet, strings)
        header: list[str] | None = None
        for n, cells in it:
            if n >= spec.header_row:
                if n == spec.header_row:
                    header = [""] * max((c for c, _v, _t in cells), default=0)
                    for c, v, t in cells:
                        header[c - 1] = _xlsx_cell(v, t)
                break
        if header is None or not any(h.strip() for h in header):
            raise UserError(
                f"{path}: empty sheet {shown(sheet.title)!r}: no header at row {spec.header_row}"
            )
        header = trimmed_header(header, path, spec.limits)
    except XLSX_ERRORS as exc:
        book.close()
        raise UserError(f"{path}: cannot read XLSX ({why(exc)})") from None
    except UserError:
        book.close()
        raise
    width = len(header)
    total = max(part_size(book, sheet), 1)

    def rows() -> Iterator[Row]:
        n = spec.header_row
        try:
            for n, cells in it:
                if n in skip or not cells:
                    continue
                values = [""] * width
                for c, v, t in cells:
                    if c <= width:
                        values[c - 1] = _xlsx_cell(v, t)
                if any(v.strip() for v in values):
                    yield n, values
        except XLSX_ERRORS as exc:
            raise UserError(f"{path}: cannot read XLSX after row {n} ({why(exc)})") from None
        finally:
            book.close()

    return Table(
        header,
        rows(),
        sheet.title,
        size,
        lambda: int(size * min(source.done / total, 1)),
        close=book.close,
    )


def _nested(value: Any, limit: int) -> bool:
    """Whether ``value`` nests arrays and objects more than ``limit`` deep (itself the first)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in (item.values() if isinstance(item, dict) else item))
    return False


def _read_json(path: Path, spec: FileConfig, size: int) -> Table:
    """A JSON file's records: the file is held as bytes and each record decoded when read
    (twice: once for the header, the union of their keys, once for the rows)."""
    limits = spec.limits
    if size > limits.json_mb * MIB:
        raise UserError(
            f"{path}: {size / MIB:,.0f} MiB, more than the limit of {limits.json_mb:,} MiB "
            "for a JSON file (limits.json_mb in source.yml)"
        )
    too_deep = UserError(
        f"{path}: nested more than {limits.json_depth} levels deep "
        "(limits.json_depth in source.yml)"
    )

    def decode(data: bytes | msgspec.Raw, type_: Any = Any) -> Any:
        try:
            return msgspec.json.decode(data, type=type_)
        except msgspec.ValidationError:
            raise  # valid JSON of another shape: the caller says what was expected
        except msgspec.DecodeError as exc:
            raise UserError(f"{path}: not valid JSON ({exc})") from None
        except RecursionError:
            raise too_deep from None

    data: Any = decode(path.read_bytes(), msgspec.Raw)
    depth = 1
    for part in (spec.records or "").split("."):
        if not part:
            continue
        try:
            node = decode(data, dict[str, msgspec.Raw])
        except msgspec.ValidationError:
            node = {}
        if part not in node:
            raise UserError(f"{path}: no {spec.records!r} in the JSON (records: in source.yml)")
        data = node[part]
        depth += 1
    try:
        records: list[msgspec.Raw] = decode(data, list[msgspec.Raw])
    except msgspec.ValidationError:
        raise UserError(
            f"{path}: records at {spec.records or 'top level'} are not a list"
        ) from None

    def each() -> Iterator[Any]:
        for raw in records:
            rec = decode(raw)
            if _nested(rec, limits.json_depth - depth):
                raise too_deep
            yield rec

    if not records:  # no records this time: like a CSV with only its header, 0 rows
        return Table(list(spec.columns), iter(()), None, size, lambda: size)
    headers: dict[str, None] = {}
    for rec in each():
        if isinstance(rec, dict):
            headers.update(dict.fromkeys(rec))
            if len(headers) > limits.columns:
                raise UserError(
                    f"{path}: records with more than {limits.columns:,} distinct keys "
                    "(limits.columns in source.yml)"
                )
    if not headers:
        raise UserError(f"{path}: empty file: no records")
    names = list(headers)

    def rows() -> Iterator[Row]:
        for n, rec in enumerate(each(), start=1):
            if not isinstance(rec, dict):
                yield n, [""] * len(names)  # normalised into a rejection (missing values)
                continue
            yield n, [cell_text(rec.get(k)) for k in names]

    return Table(names, rows(), None, size, lambda: size)


def open_table(path: Path, spec: FileConfig) -> Table:
    """Open one export file as declared by its ``files:`` entry."""
    if not path.is_file():
        raise UserError(f"{path}: no such file (files[].path in source.yml)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    if size == 0:
        raise UserError(f"{path}: empty file")
    readers = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}
    try:
        return readers[spec.format](path, spec, size)
    except PermissionError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None


def column_indexes(table: Table, spec: FileConfig, path: Path) -> dict[str, int]:
    """Field → column index, checking that each mapped column is present exactly once."""
    positions: dict[str, list[int]] = {}
    for i, h in enumerate(table.headers):
        positions.setdefault(header_key(h), []).append(i)
    out: dict[str, int] = {}
    missing = []
    for column, field in spec.columns.items():
        found = positions.get(header_key(column), [])
        if not found:
            missing.append(column)
        elif len(found) > 1:
            raise UserError(
                f"{path}: column {column!r} appears {len(found)} times in the header; "
                "rename one so the mapping is not ambiguous"
            )
        else:
            out[field] = found[0]
    if missing:
        raise UserError(
            f"{path}: header lacks mapped column(s) {', '.join(map(repr, missing))}; "
            f"found: {shown_list([h for h in table.headers if h.strip()])}"
        )
    return out
