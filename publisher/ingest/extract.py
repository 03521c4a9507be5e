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

import msgspec
from charset_normalizer import from_bytes

from ..errors import UserError
from .config import FileConfig, header_key
from .frames import CsvFrames, Frames, fast_encoding, frames_of_rows, rows_of_frames

Row = tuple[int, list[str]]
SAMPLE_BYTES = 256 * 1024
# What a damaged XLSX raises: a truncated zip, a corrupt deflate stream, broken XML
# (xml.etree's ParseError and lxml's XMLSyntaxError are both SyntaxErrors).
XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, SyntaxError, OSError, ValueError, KeyError, EOFError)
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

    def frames(self) -> Frames:
        """The data rows as Polars frames of text (see :mod:`publisher.ingest.frames`)."""
        if self._frames is not None:
            return self._frames()
        return frames_of_rows(self._rows, len(self.headers))

    def rows(self) -> Iterator[Row]:
        """The data rows as (row number, cells to the header's width), from :meth:`frames`."""
        return rows_of_frames(self.frames(), len(self.headers))


def _detect_encoding(path: Path) -> str:
    """A file's encoding: a BOM; else strict decoders (UTF-8, then GB18030 when most of what
    it decodes is common Chinese, as Chinese text is); only then a statistical detector."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            # A sample may end inside a multi-byte character: let the incremental decoder wait.
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _chinese(text):
            return encoding
    best = from_bytes(sample, cp_isolation=["gb18030", "big5", "utf_16"]).best()
    if best is None:
        raise UserError(f"{path}: cannot detect the text encoding; set encoding: in source.yml")
    enc = best.encoding.lower()
    return "gb18030" if enc in ("gb2312", "gbk", "gb18030", "hz") else enc


def _chinese(text: str) -> bool:
    """Most non-ASCII characters are in GB2312 (common hanzi and Chinese punctuation): text
    in another encoding (Big5, Latin-1) read as GB18030 decodes to rare characters."""
    wide = sum(1 for c in text if c > "\x7f")
    if not wide:
        return True
    rare = text.encode("gb2312", errors="replace").count(b"?") - text.count("?")
    return rare <= 0.1 * wide


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


def _read_csv(path: Path, spec: FileConfig, size: int) -> Table:
    encoding = _detect_encoding(path) if spec.encoding == "detect" else spec.encoding
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UserError(f"{path}: unknown encoding {encoding!r} in source.yml") from None
    raw = path.open("rb")
    counter = _Counting(raw)
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 16), encoding=encoding, newline="")
    reader = csv.reader(text)

    def decode_error(exc: UnicodeDecodeError) -> UserError:
        return UserError(
            f"{path}: not valid {encoding} near line {reader.line_num + 1} "
            f"(encoding: {spec.encoding} in source.yml); try encoding: gb18030 or detect"
        )

    try:
        header: list[str] | None = None
        for cells in reader:
            if reader.line_num >= spec.header_row:
                header = cells
                break
    except UnicodeDecodeError as exc:
        raw.close()
        raise decode_error(exc) from None
    except csv.Error as exc:
        raw.close()
        raise UserError(f"{path}: line {reader.line_num}: {exc}") from None
    if header is None or not any(c.strip() for c in header):
        raw.close()
        raise UserError(f"{path}: empty file: no header at row {spec.header_row}")

    skip = set(spec.skip_rows)

    def rows() -> Iterator[Row]:
        # A row is numbered by the line it starts on, as an editor shows it, even when a
        # quoted cell runs over several lines.
        end = reader.line_num
        try:
            for cells in reader:
                n, end = end + 1, reader.line_num
                if n in skip or not any(cells):
                    continue
                yield n, cells
        except UnicodeDecodeError as exc:
            raise decode_error(exc) from None
        except csv.Error as exc:
            raise UserError(f"{path}: line {reader.line_num}: {exc}") from None
        finally:
            raw.close()

    if not fast_encoding(encoding):
        return Table(header, rows(), None, size, lambda: counter.done, encoding, raw.close)
    # Native parsing from the line after the header; the Python reader only read the header.
    raw.close()
    done = [counter.done]

    def progress(position: int) -> None:
        done[0] = position

    frames = CsvFrames(path, encoding, reader.line_num, skip, len(header), progress)
    return Table(
        header, iter(()), None, size, lambda: done[0], encoding, lambda: None, frames.__iter__
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


def _read_xlsx(path: Path, spec: FileConfig, size: int) -> Table:
    import openpyxl  # imported here: only XLSX sources pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except XLSX_ERRORS as exc:
        raise UserError(f"{path}: cannot read XLSX ({type(exc).__name__}: {exc})") from None
    if spec.sheet is not None and spec.sheet not in book.sheetnames:
        book.close()
        raise UserError(f"{path}: no sheet {spec.sheet!r}; sheets: {', '.join(book.sheetnames)}")
    sheet = book[spec.sheet] if spec.sheet else book.worksheets[0]
    skip = set(spec.skip_rows)
    done = [0]

    def cells_of(row: Any) -> list[str]:
        out = []
        for c in row:
            v = getattr(c, "value", None)
            out.append(str(v) if getattr(c, "data_type", None) == "e" else cell_text(v))
        return out

    try:
        it = sheet.iter_rows()
        header: list[str] | None = None
        for n, row in enumerate(it, start=1):
            if n == spec.header_row:
                header = cells_of(row)
                break
    except XLSX_ERRORS as exc:
        book.close()
        raise UserError(f"{path}: cannot read XLSX ({type(exc).__name__}: {exc})") from None
    if header is None or not any(h.strip() for h in header):
        book.close()
        raise UserError(f"{path}: empty sheet {sheet.title!r}: no header at row {spec.header_row}")

    def rows() -> Iterator[Row]:
        n = spec.header_row
        try:
            for row in it:
                n += 1
                done[0] = n
                if n in skip:
                    continue
                cells = cells_of(row)
                if any(c.strip() for c in cells):
                    yield n, cells
        except XLSX_ERRORS as exc:
            raise UserError(f"{path}: cannot read XLSX at row {n + 1} ({exc})") from None
        finally:
            book.close()

    total_rows = sheet.max_row or 1
    return Table(
        header,
        rows(),
        sheet.title,
        size,
        lambda: int(size * done[0] / total_rows),
        close=book.close,
    )


def _read_json(path: Path, spec: FileConfig, size: int) -> Table:
    try:
        data: Any = msgspec.json.decode(path.read_bytes())
    except msgspec.DecodeError as exc:
        raise UserError(f"{path}: not valid JSON ({exc})") from None
    for part in (spec.records or "").split("."):
        if not part:
            continue
        if not isinstance(data, dict) or part not in data:
            raise UserError(f"{path}: no {spec.records!r} in the JSON (records: in source.yml)")
        data = data[part]
    if not isinstance(data, list):
        raise UserError(f"{path}: records at {spec.records or 'top level'} are not a list")
    if not data:  # no records this time: like a CSV with only its header, 0 rows
        return Table(list(spec.columns), iter(()), None, size, lambda: size)
    headers: dict[str, None] = {}
    for rec in data:
        if isinstance(rec, dict):
            headers.update(dict.fromkeys(rec))
    if not headers:
        raise UserError(f"{path}: empty file: no records")
    names = list(headers)

    def rows() -> Iterator[Row]:
        for n, rec in enumerate(data, start=1):
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
            f"found: {', '.join(h for h in table.headers if h)}"
        )
    return out
