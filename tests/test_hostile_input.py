"""Hostile input: files received from others, read on a shared server.

Each test crafts the attack as a tiny real file and checks what adreg does: it reads
only inside the source folder, never echoes a file's rows, reports every row an
unclosed quote swallows, rejects control characters, refuses zip bombs and absurdly
wide or deep files in seconds and bounded memory, and never shows a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import subprocess
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec
import pytest
from conftest import (
    DECISION_COLUMNS,
    adreg_path,
    assert_one_line_error,
    cells,
    decision,
    penalty,
)

from publisher.errors import UserError
from publisher.ingest import ingest
from publisher.ingest.config import FileConfig
from publisher.ingest.extract import cell_text, open_table
from publisher.ingest.ledger import Ledger
from publisher.ingest.limits import DEFAULTS, EXCEL_MAX_ROWS

SECRET = "root:x:0:0:root:/root:/bin/bash"
MIB = 1 << 20


def ledger_of(tmp_path: Path, adreg, *folders) -> Ledger:
    """Ingest through the CLI (exit 0, nothing on stderr) and read the ledger it wrote."""
    path = tmp_path / "ledger.json"
    proc = adreg("ingest", *(getattr(f, "folder", f) for f in folders), "--ledger", path, "-q")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    return msgspec.json.decode(path.read_bytes(), type=Ledger)


# -- 1. reading only inside the source folder ----------------------------------------------


def outside_file(tmp_path: Path) -> Path:
    """A file outside the source folder whose first line is what must never be shown."""
    path = tmp_path / "secret.csv"
    path.write_text(f"{SECRET}\n{SECRET}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked_folder"])
def test_a_path_leading_outside_the_source_folder_is_refused(
    make_source, tmp_path: Path, adreg, how: str
) -> None:
    secret = outside_file(tmp_path)
    # A valid file outside, too: rows from outside must never be published either.
    good = tmp_path / "good.csv"
    good.write_text(
        ",".join(DECISION_COLUMNS) + "\n" + ",".join(cells(decision(1))) + "\n", encoding="utf-8"
    )
    src = make_source()
    if how == "dotdot":
        path = os.path.relpath(good, src.folder)
        assert path.startswith("..")
    elif how == "absolute":
        path = str(secret)
    elif how == "symlink":
        (src.folder / "d.csv").symlink_to(secret)
        path = "d.csv"
    else:
        (src.folder / "sub").symlink_to(tmp_path)
        path = "sub/secret.csv"
    src.add(path, "decisions", "csv", DECISION_COLUMNS)
    line = assert_one_line_error(adreg("ingest", src.folder), "leads outside the source folder")
    assert "root:" not in line and "测试报" not in line
    assert path in line
    with pytest.raises(UserError, match="outside the source folder"):
        ingest([src.folder])


def test_a_link_inside_the_folder_is_fine(make_source, tmp_path: Path, adreg) -> None:
    src = make_source()
    src.csv("real.csv", [decision(1)])
    (src.folder / "link.csv").symlink_to(src.folder / "real.csv")
    src.add("link.csv", "decisions", "csv", DECISION_COLUMNS)
    assert ledger_of(tmp_path, adreg, src).total.read == 2


def test_a_source_yml_linked_from_outside_is_refused(make_source, tmp_path: Path, adreg) -> None:
    src = make_source()
    outside = tmp_path / "elsewhere.yml"
    src.yml.rename(outside)
    src.yml.symlink_to(outside)
    assert_one_line_error(adreg("ingest", src.folder), "source.yml", "outside the source folder")


def test_errors_never_echo_data_rows_and_cut_headers_short(make_source, adreg) -> None:
    """A header that lacks the mapped columns is shown cut short (10 names of 20 characters
    at most); a row is never shown, not even in an XLSX reader's error about a cell."""
    src = make_source()
    header = [f"{SECRET}{k}" for k in range(50)]
    src.csv("d.csv", [[SECRET] * 50], header=header)
    line = assert_one_line_error(adreg("ingest", src.folder), "lacks mapped column", "40 more")
    assert SECRET not in line and len(line) < 1200
    assert line.count("root:x:0:0:root:/roo…") == 10

    src = make_source("xlsx")
    header_row = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for col, h in zip("ABCDEFGHIJK", DECISION_COLUMNS, strict=True)
    )
    write_xlsx(
        src.folder / "d.xlsx",
        [f'<row r="1">{header_row}</row><row r="2"><c r="A2" t="n"><v>{SECRET}</v></c></row>'],
    )
    src.add("d.xlsx", "decisions", "xlsx", DECISION_COLUMNS)
    line = assert_one_line_error(adreg("ingest", src.folder), "d.xlsx", "cannot read XLSX")
    assert "root:x" not in line and "at row 2 (ValueError)" in line


# -- 2. an unclosed quote swallows rows: each is reported ---------------------------------


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> None:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def decision_lines(n: int) -> list[str]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(DECISION_COLUMNS))
    for k in range(1, n + 1):
        w.writerow(cells(decision(k)))
    return buf.getvalue().splitlines()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_unclosed_quote_is_reported_without_expect_rows(
    make_source, tmp_path: Path, adreg, encoding: str
) -> None:
    """The attack: line 5 opens a quote that never closes: 72 rows became one cell, exit 0,
    ``read 4`` of 76, nothing said. Now that row is rejected, naming the lines it ran over,
    and the ledger counts the file's lines beside its rows."""
    src = make_source()
    lines = decision_lines(76)
    lines[4] += '"摘自来函'  # line 5 (the 4th data row) ends in an open quote
    write_lines(src.folder / "d.csv", lines, encoding)
    src.add("d.csv", "decisions", "csv", DECISION_COLUMNS, encoding=encoding)
    ledger = ledger_of(tmp_path, adreg, src)
    (f,) = ledger.sources[0].files
    assert (f.lines, f.counts.read, f.counts.published, f.counts.rejected) == (76, 4, 3, 1)
    (row,) = ledger.rows
    assert (row.row, row.outcome, row.reason) == (5, "rejected", "unclosed_quote")
    assert row.detail == "the quote opened in lines 5-77 is never closed"
    assert "测试" not in json.dumps(msgspec.to_builtins(ledger), ensure_ascii=False)


def test_a_quote_closed_rows_later_is_reported(make_source, tmp_path: Path, adreg) -> None:
    """A quote opened on line 5 and closed by a stray quote on line 9: the rows between are
    inside one cell, which holds what looks like whole rows."""
    src = make_source()
    lines = decision_lines(20)
    lines[4] += '"摘自'
    lines[8] = lines[8].replace("安徽测试报社8", '安徽"测试报社8', 1)
    write_lines(src.folder / "d.csv", lines)
    src.add("d.csv", "decisions", "csv", DECISION_COLUMNS)
    ledger = ledger_of(tmp_path, adreg, src)
    (row,) = ledger.rows
    assert (row.row, row.reason) == (5, "unclosed_quote")
    assert row.detail and "lines 5-9" in row.detail and "whole rows" in row.detail
    (f,) = ledger.sources[0].files
    assert (f.lines, f.counts.read, f.counts.published) == (20, 16, 15)


def test_a_record_over_more_lines_than_a_cell_has(make_source, tmp_path: Path, adreg) -> None:
    """A quoted remark of 60 lines (more than limits.record_lines, 50) is not trusted; one of
    10 lines is a real multi-line cell; raising the limit accepts the long one."""
    src = make_source()
    src.csv(
        "d.csv",
        [decision(1, remarks="\n".join(["第一段"] * 10)), decision(2, remarks="说明\n" * 60)],
    )
    (row,) = ledger_of(tmp_path, adreg, src).rows
    assert (row.row, row.reason) == (12, "unclosed_quote")
    assert row.detail == "spans lines 12-72 (61 lines, more than 50): an unclosed quote?"
    src.config["files"][0]["limits"] = {"record_lines": 100}
    src.save()
    assert ledger_of(tmp_path, adreg, src).total.published == 2


def test_a_runaway_record_longer_than_the_limit_stops_the_file(make_source, adreg) -> None:
    """An unclosed quote near the top of a 3 MB file: the record would run to the end; it
    is an error naming the line it starts on, before the rest is held in memory."""
    src = make_source()
    lines = decision_lines(15_000)
    lines[5] += '"摘自'
    write_lines(src.folder / "d.csv", lines)
    assert (src.folder / "d.csv").stat().st_size > 2 * MIB
    src.add("d.csv", "decisions", "csv", DECISION_COLUMNS)
    assert_one_line_error(
        adreg("ingest", src.folder), "d.csv: line 6: a record longer than 1 MiB", "record_mb"
    )


def test_a_stray_quote_inside_an_unquoted_cell_loses_nothing(
    make_source, tmp_path: Path, adreg
) -> None:
    """12"寸 in an unquoted cell of a file over 2 MB: counting quotes says every later
    newline is inside a quote; the reader finds the records by parsing instead, quickly."""
    src = make_source()
    lines = decision_lines(15_000)
    lines[3] += '12"寸屏幕'  # the last cell, the remark, was empty
    write_lines(src.folder / "d.csv", lines)
    assert (src.folder / "d.csv").stat().st_size > 2 * MIB
    src.add("d.csv", "decisions", "csv", DECISION_COLUMNS)
    started = time.monotonic()
    ledger = ledger_of(tmp_path, adreg, src)
    assert (ledger.total.read, ledger.total.published, ledger.rows) == (15_000, 15_000, [])
    assert time.monotonic() - started < 60  # was quadratic: minutes for a few MB


# -- 3. control characters -------------------------------------------------------------------


def test_nul_and_control_characters_are_rejected(make_source, tmp_path: Path, adreg) -> None:
    """NUL in a CSV name, BEL in a remark, DEL and a C1 control in JSON: each row rejected,
    the ledger naming the field and the character; tabs and line breaks are cleaned."""
    src = make_source()
    src.csv(
        "d.csv",
        [
            decision(1, publisher_name="安徽\x00测试报社1"),
            decision(2, remarks="备注\x07"),
            decision(3, remarks="第一行\n第二行\t完"),
        ],
    )
    src.json(
        "d.json",
        [decision(4, address="合肥市\x7f"), decision(5, medium_name="测试\x85报"), decision(6)],
    )
    ledger = ledger_of(tmp_path, adreg, src)
    got = {(r.file, r.row, r.reason, r.field, r.detail) for r in ledger.rows}
    holds = "holds the control character "
    assert got == {
        ("d.csv", 2, "control_character", "publisher_name", holds + "U+0000"),
        ("d.csv", 3, "control_character", "remarks", holds + "U+0007"),
        ("d.json", 1, "control_character", "address", holds + "U+007F"),
        ("d.json", 2, "control_character", "medium_name", holds + "U+0085"),
    }
    result = ingest([src.folder])
    assert {d.remarks for d in result.decisions.values()} == {"第一行 第二行 完", None}


# -- 4. XLSX bombs ---------------------------------------------------------------------------

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
PARTS = {
    "_rels/.rels": f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
    f'Type="{DOC_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook {NS} xmlns:r="{DOC_NS}"><sheets>'
    '<sheet name="登记" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
}
HEADER_ROW = (
    '<row r="1">'
    + "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for col, h in zip("ABCDEFGHIJK", DECISION_COLUMNS, strict=True)
    )
    + "</row>"
)


def write_xlsx(
    path: Path,
    rows: Iterable[str],
    *,
    dimension: str = "A1:K2",
    strings: Iterable[str] = (),
    members: int = 0,
) -> Path:
    """A hand-made workbook: one sheet of ``rows`` (XML, streamed in), an optional shared-
    string table and ``members`` extra empty files; compressed as hard as zip does."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", TYPES)
        for name, xml in PARTS.items():
            z.writestr(name, xml)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<worksheet {NS}><dimension ref="{dimension}"/><sheetData>'.encode())
            for chunk in rows:
                f.write(chunk.encode())
            f.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f"<sst {NS}>".encode())
            for chunk in strings:
                f.write(chunk.encode())
            f.write(b"</sst>")
        for k in range(members):
            z.writestr(f"xl/media/empty{k}.bin", b"")
    return path


def repeat(text: str, total: int) -> Iterator[str]:
    """``text`` repeated in chunks of about 1 MiB, ``total`` bytes in all."""
    chunk = text * max(1, MIB // len(text))
    for _ in range(total // len(chunk)):
        yield chunk


def empty_rows(first: int, last: int) -> Iterator[str]:
    for start in range(first, last + 1, 10_000):
        yield "".join(f'<row r="{r}"/>' for r in range(start, min(start + 10_000, last + 1)))


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10 if k > 1 else "&lol;" * 10}">'
        for k in range(1, 10)
    )
    + "]>"
)

# name → (how to make it, expected exit code, text of the error or None)
BOMBS = {
    # The reported attack: 300 KB inflating to 300 MB (one cell of 300 MB).
    "inflates_to_300_mb": (
        lambda p: write_xlsx(
            p,
            [HEADER_ROW, '<row r="2"><c r="A2" t="inlineStr"><is><t>', *repeat("x", 300 * MIB)],
        ),
        2,
        "inflates to 300 MiB, more than the limit of 128 MiB",
    ),
    # The shared-string table of 3.7 million entries openpyxl keeps as parsed XML.
    "shared_strings_64_mb": (
        lambda p: write_xlsx(p, [HEADER_ROW], strings=repeat("<si><t>ab</t></si>", 64 * MIB)),
        2,
        "xl/sharedStrings.xml inflates to 64 MiB, more than the limit of 32 MiB",
    ),
    # Under the limit: read, fast, in bounded memory.
    "shared_strings_31_mb": (
        lambda p: write_xlsx(p, [HEADER_ROW], strings=repeat("<si><t>ab</t></si>", 31 * MIB)),
        0,
        None,
    ),
    # The reported attack: 13 KB declaring A1:XFD1048576, one cell in the last row.
    "last_row_of_a_full_dimension": (
        lambda p: write_xlsx(
            p,
            [HEADER_ROW, f'<row r="{EXCEL_MAX_ROWS}">{inline(f"A{EXCEL_MAX_ROWS}", "x")}</row>'],
            dimension="A1:XFD1048576",
        ),
        0,
        None,
    ),
    "one_cell_in_the_last_column": (
        lambda p: write_xlsx(
            p, [HEADER_ROW, f'<row r="2">{inline("XFD2", "x")}</row>'], dimension="A1:XFD1048576"
        ),
        0,
        None,
    ),
    # A million empty rows really in the XML (formatting applied to whole columns).
    "a_million_empty_rows": (
        lambda p: write_xlsx(p, [HEADER_ROW, *empty_rows(2, EXCEL_MAX_ROWS)]),
        0,
        None,
    ),
    "more_rows_than_a_sheet_holds": (
        lambda p: write_xlsx(p, [HEADER_ROW, f'<row r="{EXCEL_MAX_ROWS + 1}"/>']),
        2,
        "more rows than a sheet holds",
    ),
    "a_header_of_16384_columns": (
        lambda p: write_xlsx(p, [f'<row r="1">{HEADER_ROW[10:-6]}{inline("XFD1", "x")}</row>']),
        2,
        "the header has 16,384 columns, more than the limit of 1,000",
    ),
    # Under the inflated limit, but one cell of 8 MB: refused as it streams in.
    "one_cell_of_8_mb": (
        lambda p: write_xlsx(
            p,
            [HEADER_ROW, '<row r="2"><c r="L2" t="inlineStr"><is><t>', *repeat("x", 8 * MIB)],
        ),
        2,
        "more than 1 MiB of text in one cell or tag",
    ),
    "twenty_thousand_files": (
        lambda p: write_xlsx(p, [HEADER_ROW], members=20_000),
        2,
        "more than 10,000",
    ),
}


def run_limited(args: list[str], cwd: Path) -> tuple[int, float, float, float, str]:
    """Run a command under a 2 GiB address-space and 60 s CPU ceiling; its exit code, wall
    and CPU seconds (CPU time varies less on a busy machine), peak resident memory in MiB,
    and stderr."""

    def ceiling() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

    started = time.monotonic()
    with open(cwd / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(
            args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=ceiling
        )
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    code = proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = (cwd / "stderr.txt").read_text(encoding="utf-8")
    return code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_xlsx_bombs_end_in_seconds_in_bounded_memory(
    make_source, tmp_path: Path, bomb: str
) -> None:
    """Each bomb is read, or refused with one line, by ``adreg ingest`` in a subprocess held
    under resource limits; its peak memory stays under 500 MiB (measured by the kernel)."""
    make, code, message = BOMBS[bomb]
    src = make_source()
    path = make(src.folder / "d.xlsx")
    src.add("d.xlsx", "decisions", "xlsx", DECISION_COLUMNS)
    args = [adreg_path(), "ingest", str(src.folder), "--ledger", str(tmp_path / "l.json"), "-q"]
    rc, wall, cpu, peak, stderr = run_limited(args, tmp_path)
    size = path.stat().st_size / 1024
    print(f"{bomb}: {size:,.0f} KB, exit {rc}, {wall:.1f} s ({cpu:.1f} s CPU), {peak:.0f} MiB")
    assert "Traceback" not in stderr
    assert rc == code, stderr
    if message:
        proc = subprocess.CompletedProcess(args, rc, "", stderr)
        assert_one_line_error(proc, "d.xlsx", message)
    assert peak < 500, f"{bomb}: peak {peak:.0f} MiB"
    if bomb == "last_row_of_a_full_dimension":
        ledger = msgspec.json.decode((tmp_path / "l.json").read_bytes(), type=Ledger)
        assert [(r.row, r.reason) for r in ledger.rows] == [(EXCEL_MAX_ROWS, "missing_value")]


def test_an_xml_entity_bomb_is_refused(make_source, adreg) -> None:
    src = make_source()
    path = src.folder / "d.xlsx"
    write_xlsx(path, [HEADER_ROW])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/sharedStrings.xml"] = (
        BILLION_LAUGHS + f"<sst {NS}><si><t>&lol9;</t></si></sst>"
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    src.add("d.xlsx", "decisions", "xlsx", DECISION_COLUMNS)
    assert_one_line_error(adreg("ingest", src.folder), "d.xlsx", "cannot read XLSX")


def test_a_workbook_read_the_new_way_reads_as_before(make_source) -> None:
    """Shared strings with rich-text runs and a phonetic guide, inline strings, numbers and
    an error cell: the values openpyxl's own reader gives."""
    import openpyxl

    src = make_source()
    rows = [
        HEADER_ROW,
        '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>'
        '<c r="C2"><v>42801</v></c><c r="D2" t="s"><v>2</v></c>'
        '<c r="E2" t="inlineStr"><is><t>报社</t></is></c><c r="K2" t="e"><v>#N/A</v></c></row>',
    ]
    strings = [
        "<si><t>皖广登字〔2017〕001号</t></si>",
        "<si><r><t>准予</t></r><r><rPr><b/></rPr><t>登记</t></r></si>",
        "<si><t>安徽测试报社</t><rPh sb='0' eb='2'><t>アンキ</t></rPh></si>",
    ]
    path = write_xlsx(src.folder / "d.xlsx", rows, dimension="A1:K2", strings=strings)
    spec = FileConfig(path="d.xlsx", kind="decisions", format="xlsx", columns=DECISION_COLUMNS)
    got = list(open_table(path, spec).rows())
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    (want,) = book.worksheets[0].iter_rows(min_row=2, values_only=True)
    book.close()
    assert got == [(2, [cell_text(v) for v in want])]
    assert got[0][1][:4] == ["皖广登字〔2017〕001号", "准予登记", "42801", "安徽测试报社"]


# -- 5. wide and deep ------------------------------------------------------------------------


def test_a_csv_header_of_a_million_columns(make_source, adreg) -> None:
    """The attack took 70 s and 7 GB. A header line over 1 MiB is refused before it is
    parsed; a header of 5,000 columns is refused by the column limit, unless raised."""
    src = make_source()
    header = ",".join(DECISION_COLUMNS) + ",x" * 1_000_000
    (src.folder / "d.csv").write_text(header + "\n" + ",".join(cells(decision(1))) + "\n")
    src.add("d.csv", "decisions", "csv", DECISION_COLUMNS)
    started = time.monotonic()
    assert_one_line_error(adreg("ingest", src.folder), "d.csv: line 1: longer than 1 MiB")
    assert time.monotonic() - started < 30
    header = ",".join(DECISION_COLUMNS) + "".join(f",c{k}" for k in range(5_000))
    (src.folder / "d.csv").write_text(header + "\n" + ",".join(cells(decision(1))) + "\n")
    assert_one_line_error(
        adreg("ingest", src.folder), "5,011 columns, more than the limit of 1,000", "limits.columns"
    )
    src.config["files"][0]["limits"] = {"columns": 6_000}
    src.save()
    assert adreg("ingest", src.folder, "-q").returncode == 0


def test_limits_beyond_their_cap_are_refused(make_source, adreg) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1)], limits={"columns": 100_000})
    assert_one_line_error(
        adreg("ingest", src.folder), "source.yml:", "limits.columns must be between 1 and 16,384"
    )
    src.config["files"][0]["limits"] = {"rows": 5}
    src.save()
    assert_one_line_error(adreg("ingest", src.folder), "source.yml:", "unknown field `rows`")


@pytest.mark.parametrize("depth", [100, 1_000, 100_000])
def test_json_nested_deep(make_source, adreg, depth: int) -> None:
    """The attack (1,000 deep) gave a RecursionError traceback."""
    src = make_source()
    src.json("d.json", [decision(1)])
    nested = "[" * depth + "]" * depth
    (src.folder / "d.json").write_text(f'[{{"决定书文号": {nested}}}]', encoding="utf-8")
    assert_one_line_error(
        adreg("ingest", src.folder), "d.json: nested more than 64 levels deep", "limits.json_depth"
    )


def test_json_wide_and_big(make_source, adreg) -> None:
    src = make_source()
    src.json("d.json", [decision(1)])
    record = {**cells_by_header(decision(1)), **{f"k{k}": k for k in range(2_000)}}
    (src.folder / "d.json").write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    assert_one_line_error(adreg("ingest", src.folder), "more than 1,000 distinct keys")
    src.config["files"][0]["limits"] = {"json_mb": 1}
    src.save()
    records = [cells_by_header(decision(n)) for n in range(1, 6_000)]
    (src.folder / "d.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert_one_line_error(
        adreg("ingest", src.folder), "more than the limit of 1 MiB for a JSON file"
    )


def cells_by_header(row: dict) -> dict[str, str]:
    return dict(zip(DECISION_COLUMNS, cells(row), strict=True))


def test_the_readme_lists_every_limit() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Limits and safety", 1)[1].split("\n## ", 1)[0]
    for name, (default, cap) in DEFAULTS.items():
        assert f"`{name}`" in section, name
        assert f"{default:,}" in section and f"{cap:,}" in section, name


# -- 6. huge numbers -------------------------------------------------------------------------


def test_an_amount_of_27_digits_is_rejected_not_a_crash(make_source, tmp_path: Path, adreg) -> None:
    src = make_source()
    src.csv(
        "p.csv",
        [
            penalty(1, fine_amount="1" * 27),
            penalty(2, fine_amount="9" * 40 + "元"),
            penalty(3, fine_amount="1" * 26 + "万元"),
            penalty(4),
        ],
        kind="penalties",
    )
    ledger = ledger_of(tmp_path, adreg, src)
    got = {(r.row, r.reason, r.field) for r in ledger.rows}
    assert got == {(n, "bad_amount", "fine_amount") for n in (2, 3, 4)}
    assert ledger.total.published == 1


# -- 12. the line of a bad byte --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_bad_byte_in_a_small_file_is_named_by_its_line(make_source, adreg, encoding: str) -> None:
    """A file under 64 KB is decoded whole before its header is parsed: the error said
    "near line 1" for a bad byte on line 8. UTF-8 is read natively, UTF-16 by Python."""
    src = make_source()
    text = "\n".join(",".join(cells(decision(n))) for n in range(1, 7))
    body = (",".join(DECISION_COLUMNS) + "\n" + text + "\n").encode(encoding)
    rest = "\n8,y\n".encode("utf-16-le" if encoding == "utf-16" else encoding)
    bad = b"\xff\xfe\xff" if encoding == "utf-8" else b"7\x00,\x00\x00\xd8A\x00"
    (src.folder / "d.csv").write_bytes(body + bad + rest)
    src.add("d.csv", "decisions", "csv", DECISION_COLUMNS, encoding=encoding)
    assert_one_line_error(adreg("ingest", src.folder), f"not valid {encoding} near line 8")


def test_utf16_without_a_byte_order_mark(make_source, adreg) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1)], encoding="utf-16-le", declare="utf-16")
    assert_one_line_error(adreg("ingest", src.folder), "not valid utf-16 near line 1")
