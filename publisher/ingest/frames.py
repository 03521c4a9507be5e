"""Extract, in frames: a file's data rows as Polars frames of text, a chunk at a time.

A CSV in an ASCII-compatible encoding is cut into chunks of whole records (a newline
outside quotes ends one) and each chunk is parsed by Polars in native code. A
chunk is trusted only if its records account for every line in it; otherwise
(blank lines, stray carriage returns, a record Polars reads differently) that
chunk goes through Python's ``csv`` module, which numbers rows as an editor does.
Other formats are read row by row by :mod:`publisher.ingest.extract` and framed in batches.

A frame has one text column per header position (``c0``, ``c1`` …; short rows are
padded with empty text) and a ``row`` column: the number of the line or sheet row
the record starts on. A CSV's frames also have ``lines`` (the lines each record spans)
and ``broken`` (why a record cannot be trusted, else null): a record over more lines
than a real cell has, with a cell holding what looks like a whole record, or whose
quote is never closed, is what an unclosed quote makes of the rows after it.
"""

from __future__ import annotations

import codecs
import csv
import io
import queue
import re
import threading
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

import polars as pl

from ..errors import UserError
from .limits import MIB, Limits

CHUNK_BYTES = 2 << 20
FRAME_BYTES = 8 << 20
ROWS_PER_FRAME = 100_000
CELLS_PER_FRAME = 2_000_000  # a wide file's frames hold fewer rows
# Encodings in which bytes 0x0A (newline) and 0x22 (quote) only ever stand for themselves.
FAST_ENCODINGS = frozenset(["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312"])

Frames = Iterator[pl.DataFrame]


def prefetched(frames: Frames, depth: int = 1) -> Frames:
    """``frames`` read ahead by a thread: reading and parsing the next frame (Polars lets
    go of the GIL) overlaps the work on this one. What the reader raises is raised here,
    in its place; leaving early stops the reader and closes ``frames``."""
    slots: queue.Queue[tuple[pl.DataFrame | None, BaseException | None]] = queue.Queue(depth)
    stop = threading.Event()

    def put(item: tuple[pl.DataFrame | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for frame in frames:
                if not put((frame, None)):
                    break
            else:
                put((None, None))
        except BaseException as exc:  # raised again by the consumer
            put((None, exc))
        finally:
            close = getattr(frames, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="frames", daemon=True)
    reader.start()
    try:
        while True:
            frame, exc = slots.get()
            if exc is not None:
                raise exc
            if frame is None:
                return
            yield frame
    finally:
        stop.set()
        reader.join()


def column_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def frame_of(
    numbers: list[int], cells: list[list[str]], width: int, spans: list[int] | None = None
) -> pl.DataFrame:
    """A frame from Python rows, padded or cut to the header's width; with ``spans`` (a CSV's
    records), the lines each spans."""
    matrix = [c[:width] if len(c) >= width else c + [""] * (width - len(c)) for c in cells]
    frame = pl.DataFrame(matrix, schema=dict.fromkeys(column_names(width), pl.String), orient="row")
    frame = frame.with_columns(pl.Series("row", numbers, dtype=pl.Int64))
    if spans is not None:
        frame = frame.with_columns(pl.Series("lines", spans, dtype=pl.Int64))
    return frame


def rows_per_frame(width: int) -> int:
    return max(1, min(ROWS_PER_FRAME, CELLS_PER_FRAME // max(width, 1)))


def frames_of_rows(rows: Iterator[tuple[int, list[str]]], width: int) -> Frames:
    """Frames of a row iterator (XLSX, JSON)."""
    while batch := list(islice(rows, rows_per_frame(width))):
        yield frame_of([n for n, _ in batch], [c for _, c in batch], width)


def frames_of_records(
    records: Iterator[tuple[int, int, list[str], bool]], width: int, max_lines: int
) -> Frames:
    """Frames of a CSV read by Python's reader: (first line, lines spanned, cells, whether it
    ends inside a quote) each."""
    while batch := list(islice(records, rows_per_frame(width))):
        numbers, spans, cells, open_quote = zip(*batch, strict=True)
        frame = frame_of(list(numbers), list(cells), width, list(spans))
        yield mark_broken(frame, width, max_lines, open_quote[-1])


def _holds_a_record(cell: str, width: int) -> bool:
    """Whether a multi-line cell holds a line with as many commas as a record of the file:
    rows an unclosed quote swallowed."""
    return width > 1 and any(line.count(",") >= width - 1 for line in cell.splitlines()[1:])


def mark_broken(
    frame: pl.DataFrame, width: int, max_lines: int, open_end: bool = False
) -> pl.DataFrame:
    """Add ``broken``: why a record that spans several lines cannot be trusted (see the
    module's docstring); ``open_end``: the last record's quote is never closed."""
    details: list[str | None] = [None] * frame.height
    names = column_names(width)
    last = frame.height - 1
    spread = pl.col("lines") > 1
    if open_end:
        spread = spread | (pl.col("_i") == last)
    multi = frame.with_row_index("_i").filter(spread)
    for i, row, span, *cells in multi.select("_i", "row", "lines", *names).iter_rows():
        where = f"lines {row}-{row + span - 1}" if span > 1 else f"line {row}"
        if open_end and i == last:
            details[i] = f"the quote opened in {where} is never closed"
        elif span > max_lines:
            details[i] = f"spans {where} ({span} lines, more than {max_lines}): an unclosed quote?"
        elif any(_holds_a_record(c, width) for c in cells):
            details[i] = f"a cell over {where} holds what looks like whole rows: an unclosed quote?"
    return frame.with_columns(pl.Series("broken", details, dtype=pl.String))


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
    n = data.count(b"\n")
    if b"\r" in data:  # a fast search; most files have no carriage return
        n += data.count(b"\r") - data.count(b"\r\n")
    return n


def _line_end(data: bytes, n: int) -> int:
    """The offset just after the ``n``-th line break of ``data`` (as :func:`_lines` counts)."""
    for k, m in enumerate(re.finditer(rb"\r\n|\r|\n", data), start=1):
        if k == n:
            return m.end()
    return len(data)


def _cut(data: bytes, quotes_before: int) -> int:
    """The end of the last whole record in ``data`` (after its newline), or 0 if none.

    Quotes are counted once, newline to newline backwards (an odd count, as a stray quote
    makes, would otherwise recount the block for every line)."""
    end = data.rfind(b"\n")
    quotes = quotes_before + data.count(b'"', 0, end) if end >= 0 else 0
    while end >= 0:
        if quotes % 2 == 0:
            return end + 1
        before = data.rfind(b"\n", 0, end)
        quotes -= data.count(b'"', max(before, 0), end)
        end = before
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
        limits: Limits | None = None,
    ) -> None:
        self.path, self.encoding, self.width = path, codecs.lookup(encoding).name, width
        self.header_lines, self.skip, self.progress = header_lines, skip, progress
        self.limits = limits or Limits()
        self.names = column_names(width)
        self.schema = dict.fromkeys(self.names, pl.String)
        self.lines = 0  # the data lines read so far (after the header)

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
                    if len(block) <= self.limits.record_mb * MIB:
                        carry = block
                        continue
                    cut = self._cut_by_parsing(block, line)
                chunk, carry = (block, b"") if cut == len(block) else (block[:cut], block[cut:])
                del block  # nothing of the file but the frame is held while it is worked on
                open_end = last and chunk.count(b'"') % 2 == 1
                breaks = _lines(chunk)  # counted once: the frame's check and the line number
                frame = self._frame(chunk, line, breaks, open_end) if chunk else None
                line += breaks
                # A last line without a line break is a line too.
                self.lines = (
                    line
                    - self.header_lines
                    + int(last and bool(chunk) and not chunk.endswith(b"\n"))
                )
                nbytes = len(chunk)
                del chunk
                self.progress(f.tell() - len(carry))
                if frame is not None and frame.height:
                    yield frame, nbytes
                del frame
                if last:
                    return

    def _cut_by_parsing(self, block: bytes, line: int) -> int:
        """The end of the last whole record in ``block`` as Python's reader finds it, where
        counting quotes finds none (a stray quote inside an unquoted cell makes the count
        odd); an error if the block's first record is longer than the limit."""
        end = block.rfind(b"\n") + 1
        reader = csv.reader(io.StringIO(self._text(block[:end], line), newline=""))
        ends: list[int] = []
        try:
            for _ in reader:
                ends.append(reader.line_num)
            ends.pop()  # the block's end may cut the last record short
        except (csv.Error, IndexError):  # a cell too long for the reader: no whole record
            pass
        if not ends:
            raise UserError(
                f"{self.path}: line {line + 1}: a record longer than {self.limits.record_mb} MiB "
                "(limits.record_mb in source.yml): an unclosed quote?"
            )
        return _line_end(block, ends[-1])

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

    def _frame(self, chunk: bytes, line: int, breaks: int, open_end: bool) -> pl.DataFrame:
        # Polars checks UTF-8 as it parses; a chunk it refuses is decoded here, which
        # names the line of a bad byte, or parsed by Python if it decodes after all.
        utf8 = self.encoding in ("utf-8", "utf-8-sig")
        text = None if utf8 else self._text(chunk, line)
        frame = self._polars(chunk if text is None else text.encode(), chunk, line, breaks)
        if frame is None:
            frame = self._python(self._text(chunk, line) if text is None else text, line)
        frame = mark_broken(frame, self.width, self.limits.record_lines, open_end)
        keep = pl.any_horizontal(pl.col(n) != "" for n in self.names)
        if self.skip:
            keep = keep & ~pl.col("row").is_in(list(self.skip))
        return frame.filter(keep)

    def _polars(self, data: bytes, chunk: bytes, line: int, breaks: int) -> pl.DataFrame | None:
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
        lines = breaks + (0 if chunk.endswith(b"\n") else 1)
        if b'"' in chunk:
            spans = pl.sum_horizontal(pl.col(n).str.count_matches("\n") for n in self.names) + 1
            frame = frame.with_columns(spans.cast(pl.Int64).alias("lines"))
            if frame["lines"].sum() != lines:
                return None
            starts = frame["lines"].cum_sum() - frame["lines"] + line + 1
            return frame.with_columns(starts.alias("row")).select(*self.names, "row", "lines")
        if frame.height != lines:
            return None
        return frame.with_columns(
            pl.int_range(line + 1, line + 1 + lines, dtype=pl.Int64, eager=True).alias("row"),
            pl.lit(1, pl.Int64).alias("lines"),
        )

    def _python(self, text: str, line: int) -> pl.DataFrame:
        reader = csv.reader(io.StringIO(text, newline=""))
        numbers: list[int] = []
        spans: list[int] = []
        cells: list[list[str]] = []
        end = 0
        try:
            for row in reader:
                n, end = end + 1, reader.line_num
                numbers.append(line + n)
                spans.append(end - n + 1)
                cells.append(row)
        except csv.Error as exc:
            raise UserError(f"{self.path}: line {line + reader.line_num}: {exc}") from None
        if not cells:
            return pl.DataFrame(schema={**self.schema, "row": pl.Int64, "lines": pl.Int64})
        return frame_of(numbers, cells, self.width, spans)
