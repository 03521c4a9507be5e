"""Extract, in frames: a file's data rows as Polars frames of text, a chunk at a time.

A CSV in an ASCII-compatible encoding is cut into chunks of whole records (a newline
outside quotes ends one) and each chunk is parsed by Polars in native code. A
chunk is trusted only if its records account for every line in it; otherwise
(blank lines, stray carriage returns, a record Polars reads differently) that
chunk goes through Python's ``csv`` module, which numbers rows as an editor does.
Other formats are read row by row by :mod:`publisher.ingest.extract` and framed in batches.

A frame has one text column per header position (``c0``, ``c1`` …; short rows are
padded with empty text) and a ``row`` column: the number of the line or sheet row
the record starts on.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

import polars as pl

from ..errors import UserError

CHUNK_BYTES = 2 << 20
FRAME_BYTES = 8 << 20
ROWS_PER_FRAME = 100_000
# Encodings in which bytes 0x0A (newline) and 0x22 (quote) only ever stand for themselves.
FAST_ENCODINGS = frozenset(["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312"])

Frames = Iterator[pl.DataFrame]


def column_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def frame_of(numbers: list[int], cells: list[list[str]], width: int) -> pl.DataFrame:
    """A frame from Python rows, padded or cut to the header's width."""
    matrix = [c[:width] if len(c) >= width else c + [""] * (width - len(c)) for c in cells]
    frame = pl.DataFrame(matrix, schema=dict.fromkeys(column_names(width), pl.String), orient="row")
    return frame.with_columns(pl.Series("row", numbers, dtype=pl.Int64))


def frames_of_rows(rows: Iterator[tuple[int, list[str]]], width: int) -> Frames:
    """Frames of a row iterator (XLSX, JSON, or a CSV chunk Polars could not be trusted with)."""
    while batch := list(islice(rows, ROWS_PER_FRAME)):
        yield frame_of([n for n, _ in batch], [c for _, c in batch], width)


def rows_of_frames(frames: Frames, width: int) -> Iterator[tuple[int, list[str]]]:
    """Frames back into rows, ``(row number, cells)``, as :func:`frames_of_rows` takes them."""
    names = column_names(width)
    for frame in frames:
        for n, *cells in frame.select("row", *names).iter_rows():
            yield n, cells


def fast_encoding(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in FAST_ENCODINGS
    except LookupError:
        return False


def _lines(data: bytes) -> int:
    """Line breaks as Python's reader counts them: ``\\n``, ``\\r\\n`` and a lone ``\\r``."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _cut(data: bytes, quotes_before: int) -> int:
    """The end of the last whole record in ``data`` (after its newline), or 0 if none."""
    end = data.rfind(b"\n")
    while end >= 0:
        if (quotes_before + data.count(b'"', 0, end)) % 2 == 0:
            return end + 1
        end = data.rfind(b"\n", 0, end)
    return 0


class CsvFrames:
    """The data records of one CSV, from the line after its header, as frames."""

    def __init__(
        self,
        path: Path,
        encoding: str,
        header_lines: int,
        skip: set[int],
        width: int,
        progress: Callable[[int], None],
    ) -> None:
        self.path, self.encoding, self.width = path, codecs.lookup(encoding).name, width
        self.header_lines, self.skip, self.progress = header_lines, skip, progress
        self.names = column_names(width)
        self.schema = dict.fromkeys(self.names, pl.String)

    def __iter__(self) -> Frames:
        """Frames of about ``FRAME_BYTES``, parsed ``CHUNK_BYTES`` at a time (parsing's working
        memory grows with the chunk, normalising's overhead with the number of frames)."""
        parts: list[pl.DataFrame] = []
        size = 0
        for part, nbytes in self._parts():
            parts.append(part)
            size += nbytes
            if size >= FRAME_BYTES:
                yield pl.concat(parts, rechunk=True)
                parts, size = [], 0
        if parts:
            yield pl.concat(parts, rechunk=True)

    def _parts(self) -> Iterator[tuple[pl.DataFrame, int]]:
        with self.path.open("rb") as f:
            for _ in range(self.header_lines):
                f.readline()
            line = self.header_lines  # lines before the chunk
            carry = b""
            while True:
                block = f.read(CHUNK_BYTES)
                last = not block
                if carry:
                    block = carry + block
                cut = len(block) if last else _cut(block, 0)
                if cut == 0 and not last:
                    carry = block
                    continue
                chunk, carry = (block, b"") if cut == len(block) else (block[:cut], block[cut:])
                del block  # nothing of the file but the frame is held while it is worked on
                frame = self._frame(chunk, line) if chunk else None
                line += _lines(chunk)
                nbytes = len(chunk)
                del chunk
                self.progress(f.tell() - len(carry))
                if frame is not None and frame.height:
                    yield frame, nbytes
                del frame
                if last:
                    return

    def _text(self, chunk: bytes, line: int) -> str:
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        try:
            return chunk.decode(encoding)
        except UnicodeDecodeError as exc:
            at = line + _lines(chunk[: exc.start]) + 1
            raise UserError(
                f"{self.path}: not valid {self.encoding} near line {at} "
                f"(encoding: {self.encoding} in source.yml); try encoding: gb18030 or detect"
            ) from None

    def _frame(self, chunk: bytes, line: int) -> pl.DataFrame:
        # Polars checks UTF-8 as it parses; a chunk it refuses is decoded here, which
        # names the line of a bad byte, or parsed by Python if it decodes after all.
        utf8 = self.encoding in ("utf-8", "utf-8-sig")
        text = None if utf8 else self._text(chunk, line)
        frame = self._polars(chunk if text is None else text.encode(), chunk, line)
        if frame is None:
            frame = self._python(self._text(chunk, line) if text is None else text, line)
        keep = pl.any_horizontal(pl.col(n) != "" for n in self.names)
        if self.skip:
            keep = keep & ~pl.col("row").is_in(list(self.skip))
        return frame.filter(keep)

    def _polars(self, data: bytes, chunk: bytes, line: int) -> pl.DataFrame | None:
        """The chunk parsed by Polars, or None where its row numbers could not be trusted."""
        if b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"):
            return None
        try:
            frame = pl.read_csv(
                data,
                has_header=False,
                schema=self.schema,
                infer_schema=False,
                empty_string_is_null=False,
                truncate_ragged_lines=True,
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError:
            return None
        frame = frame.fill_null("")
        lines = _lines(chunk) + (0 if chunk.endswith(b"\n") else 1)
        if b'"' in chunk:
            spans = pl.sum_horizontal(pl.col(n).str.count_matches("\n") for n in self.names) + 1
            frame = frame.with_columns(spans.cast(pl.Int64).alias("row"))
            if frame["row"].sum() != lines:
                return None
            starts = frame["row"].cum_sum() - frame["row"] + line + 1
            return frame.with_columns(starts.alias("row"))
        if frame.height != lines:
            return None
        return frame.with_columns(
            pl.int_range(line + 1, line + 1 + lines, dtype=pl.Int64, eager=True).alias("row")
        )

    def _python(self, text: str, line: int) -> pl.DataFrame:
        reader = csv.reader(io.StringIO(text, newline=""))
        numbers: list[int] = []
        cells: list[list[str]] = []
        end = 0
        try:
            for row in reader:
                n, end = end + 1, reader.line_num
                numbers.append(line + n)
                cells.append(row)
        except csv.Error as exc:
            raise UserError(f"{self.path}: line {line + reader.line_num}: {exc}") from None
        if not cells:
            return pl.DataFrame(schema={**self.schema, "row": pl.Int64})
        return frame_of(numbers, cells, self.width)
