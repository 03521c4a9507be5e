"""The native CSV reader and the columnar normaliser give what the Python paths give.

Files are real files in UTF-8 and GB18030; chunks are made tiny so that records,
quoted line breaks and multi-byte characters straddle chunk boundaries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import msgspec
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.ingest import authorities_of, frames
from publisher.ingest.columnar import ITEMS, SEP, FrameNormaliser
from publisher.ingest.config import FileConfig, load_source
from publisher.ingest.extract import open_table
from publisher.ingest.fields import DECISION_FIELDS

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sources" / "hefei"
WIDTH = 3

cell = st.text(alphabet=list('ab合肥,"\n\r 　１'), max_size=6)
row = st.lists(cell, min_size=0, max_size=WIDTH + 1)


def python_rows(path: Path, encoding: str, header_lines: int) -> list[tuple[int, list[str]]]:
    """What the Python reader yields: rows numbered by the line they start on, empty ones
    skipped, padded or cut to the header's width (see publisher.ingest.extract)."""
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        out = []
        end = 0
        for cells in reader:
            n, end = end + 1, reader.line_num
            if n <= header_lines or not any(cells[:WIDTH]):
                continue
            out.append((n, (cells + [""] * WIDTH)[:WIDTH]))
    return out


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(row | st.just([]), max_size=30),
    st.sampled_from(["utf-8", "gb18030"]),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from([1, 7, 64, 1 << 20]),
)
def test_csv_frames_number_rows_as_the_python_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows, encoding, newline, chunk
) -> None:
    monkeypatch.setattr(frames, "CHUNK_BYTES", chunk)
    monkeypatch.setattr(frames, "FRAME_BYTES", chunk * 3)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(["x", "y", "z"])
    for r in rows:
        if r:
            writer.writerow(r)
        else:
            buffer.write(newline)  # a blank line: skipped, but it counts in the numbering
    path = tmp_path / "d.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))

    reader = frames.CsvFrames(path, encoding, 1, set(), WIDTH, lambda _n: None)
    got = []
    for frame in reader:
        for values in frame.select("row", *frames.column_names(WIDTH)).iter_rows():
            got.append((values[0], list(values[1:])))
    assert got == python_rows(path, encoding, 1)


def test_a_bad_byte_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(b"x,y,z\n1,2,3\n4,5,6\n" + "合肥,7,8\n".encode("gb18030"))
    reader = frames.CsvFrames(path, "utf-8", 1, set(), WIDTH, lambda _n: None)
    with pytest.raises(Exception, match="not valid utf-8 near line 4"):
        list(reader)


# -- the columnar normaliser against the cell path ------------------------------------------

SOURCE = load_source(SAMPLE)
SPEC = SOURCE.config.files[0]
TEXT_FIELDS = ["address", "publisher_name", "decision_number", "remarks", "licence_number"]
texts = st.text(
    alphabet=st.sampled_from(
        list(
            "合肥广登字〔〕[]()（）【】 \u3000\t\u200b\x1c０１２３ＡＢａ12345678901-／.#DIV/0!号路"
        )
    ),
    max_size=24,
) | st.sampled_from(["", " ", "#DIV/0!", "13912345678", "电话：139 1234 5678", "0551-62345678"])


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=12), st.sampled_from(TEXT_FIELDS))
def test_text_columns_match_the_cell_path(raw: list[str], name: str) -> None:
    """Text and number columns cleaned by Polars kernels equal ``_cell`` cell by cell:
    value, original, rejection and withheld personal data."""
    norm = FrameNormaliser(SOURCE, SPEC, SPEC.path, None, {name: 0}, authorities_of([SOURCE]))
    spec = DECISION_FIELDS[name]
    frame = pl.DataFrame({"c0": raw, "row": list(range(2, 2 + len(raw)))})
    out = norm.frame(frame)
    original = out[f"o.{name}"].to_list() if f"o.{name}" in out.columns else [None] * len(raw)
    for k, r in enumerate(raw):
        value, orig, problem = norm._cell(spec, r, "")
        assert out[name][k] == value, (r, name)
        assert original[k] == orig, (r, name)
        withheld = out["_withheld"][k]
        outcome = out["_outcome"][k]
        if problem is None:
            assert withheld is None
        elif problem[0] is None:
            assert withheld == f"{problem[1]}{SEP}{problem[2]}"
            assert ITEMS not in withheld
        else:
            assert outcome == SEP.join(["rejected", *(str(p) for p in problem)])


# -- one way to read a table: rows come from the frames, in every format -----------------------

TABLE = [["x", "y", "z"], ["1", "合肥", "a\nb"], [], ["2", "", ""], ["3", "长丰"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_table_rows_are_read_alike_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    """Native (UTF-8, GB18030) and Python-read (UTF-16) CSVs give the same numbered rows,
    whether read as frames or as rows; blank lines are skipped, short rows padded."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for r in TABLE:
        if r:
            writer.writerow(r)
        else:
            buffer.write("\n")  # a blank line
    path = tmp_path / "d.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    columns = {"x": "decision_number", "y": "publisher_name", "z": "remarks"}
    spec = FileConfig(
        path="d.csv", kind="decisions", format="csv", encoding=encoding, columns=columns
    )
    want = [(2, ["1", "合肥", "a\nb"]), (5, ["2", "", ""]), (6, ["3", "长丰", ""])]
    assert list(open_table(path, spec).rows()) == want
    framed = pl.concat(open_table(path, spec).frames())
    assert framed.select("row", *frames.column_names(WIDTH)).rows() == [
        (n, *cells) for n, cells in want
    ]


# -- several values in one cell: one frame row per value, by position ----------------------------

names = st.lists(st.text(alphabet=list("甲乙报 　a"), max_size=4), min_size=1, max_size=4)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(names, st.sampled_from(["；", "、"])), min_size=1, max_size=8))
def test_cells_of_several_values_split_by_position(cells: list[tuple[list[str], str]]) -> None:
    """A cell listing media gives a frame row per value, numbered ``_part`` within its file row
    and in order, each value normalised like a cell of its own."""
    spec = msgspec.structs.replace(SPEC, separators={"medium_name": ["；", "、"]})
    norm = FrameNormaliser(
        SOURCE, spec, SPEC.path, None, {"medium_name": 0}, authorities_of([SOURCE])
    )
    raw = [sep.join(parts) for parts, sep in cells]
    rows = list(range(2, 2 + len(raw)))
    out = norm.frame(pl.DataFrame({"c0": raw, "row": rows}))
    want = [
        (row, k, norm._cell(DECISION_FIELDS["medium_name"], part, "")[0])
        for row, (parts, _sep) in zip(rows, cells, strict=True)
        for k, part in enumerate(parts)
    ]
    assert list(zip(out["row"], out["_part"], out["medium_name"], strict=True)) == want


def test_prefetched_frames_come_in_order_and_errors_in_their_place() -> None:
    """Frames read ahead by a thread: the same frames in the same order, the reader's
    error raised where it happened, and a consumer that stops early stops the reader."""
    from publisher.errors import UserError
    from publisher.ingest.frames import prefetched

    def reader(n: int, fail: bool, closed: list[bool]) -> Iterator[pl.DataFrame]:
        try:
            for k in range(n):
                yield pl.DataFrame({"row": [k]})
            if fail:
                raise UserError("data.csv: line 4: a record longer than 1 MiB")
        finally:
            closed.append(True)

    closed: list[bool] = []
    assert [f["row"][0] for f in prefetched(reader(5, False, closed))] == [0, 1, 2, 3, 4]
    assert closed == [True]
    got = []
    with pytest.raises(UserError, match="line 4"):
        for frame in prefetched(reader(3, True, closed)):
            got.append(frame["row"][0])
    assert got == [0, 1, 2]
    closed.clear()
    early = prefetched(reader(1000, False, closed))
    next(early)
    early.close()
    assert closed == [True]  # the reader was stopped and its generator closed
