"""Bad input: every problem is a row outcome with reason, file and row, or one CLI error line.

Never a crash, never a silently dropped row.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import threading
import zipfile
from datetime import date
from pathlib import Path

import msgspec
import pytest
import xlsxwriter
from conftest import (
    DECISION_COLUMNS,
    HEFEI,
    adreg_path,
    assert_one_line_error,
    cells,
    credit_code,
    decision,
    id_number,
    penalty,
)

from publisher.errors import UserError
from publisher.ingest import IngestResult, ingest
from publisher.ingest.ledger import Ledger
from publisher.model import RowOutcome, originals


def run(*folders) -> IngestResult:
    """Ingest and check the ledger: every row read is accounted for exactly once."""
    result = ingest([getattr(f, "folder", f) for f in folders])
    for s in result.ledger.sources:
        for f in s.files:
            c = f.counts
            assert c.read == c.published + c.merged + c.withheld + c.rejected
    return result


def only_row(result: IngestResult) -> RowOutcome:
    (row,) = result.ledger.rows
    return row


def assert_rejected(
    result: IngestResult, file: str, row: int, reason: str, field: str | None
) -> RowOutcome:
    outcome = only_row(result)
    assert (outcome.outcome, outcome.file, outcome.row, outcome.reason, outcome.field) == (
        "rejected",
        file,
        row,
        reason,
        field,
    )
    return outcome


def user_error(folder, *needles: str) -> str:
    with pytest.raises(UserError) as exc:
        run(folder)
    message = str(exc.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, (needle, message)
    return message


# -- whole-file problems: one line, exit code 2 ----------------------------------------------


def test_gb18030_declared_as_utf8(make_source, adreg) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1)], encoding="gb18030", declare="utf-8")
    message = user_error(src, "d.csv", "not valid utf-8", "gb18030")
    assert_one_line_error(adreg("ingest", src.folder), message)


def test_gb18030_rows_late_in_a_utf8_file(make_source, adreg) -> None:
    """The first 256 KB are UTF-8, so detection says UTF-8; a GB18030 row follows."""
    src = make_source()
    path = src.csv("d.csv", [decision(n) for n in range(1, 3001)])
    with path.open("ab") as f:
        f.write(",".join(cells(decision(3001))).encode("gb18030") + b"\r\n")
    assert path.stat().st_size > 256 * 1024
    message = user_error(src, "d.csv", "not valid utf-8")
    assert_one_line_error(adreg("ingest", src.folder), message)


def test_unknown_declared_encoding(make_source, adreg) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1)], declare="klingon")
    assert_one_line_error(adreg("ingest", src.folder), "unknown encoding", "klingon")


def test_truncated_xlsx(make_source, adreg) -> None:
    src = make_source()
    path = src.xlsx("d.xlsx", [decision(n) for n in range(1, 200)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    user_error(src, "d.xlsx", "cannot read XLSX")
    assert_one_line_error(adreg("ingest", src.folder), "d.xlsx", "cannot read XLSX")


def test_corrupt_xlsx_member(make_source, adreg) -> None:
    """The zip directory is intact but the sheet's compressed bytes are damaged: broken
    deflate data or broken XML, found at the start or in the middle of the rows."""
    src = make_source()
    path = src.xlsx("d.xlsx", [decision(n) for n in range(1, 1000)])
    good = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for eighth in range(1, 8):
        data = bytearray(good)
        at = start + info.compress_size * eighth // 8
        data[at : at + 16] = bytes((b ^ 0x5A) for b in data[at : at + 16])
        path.write_bytes(bytes(data))
        user_error(src, "d.xlsx", "cannot read XLSX")
    assert_one_line_error(adreg("ingest", src.folder), "d.xlsx", "cannot read XLSX")


def test_csv_named_xlsx(make_source, adreg) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1)])
    (src.folder / "d.csv").rename(src.folder / "d.xlsx")
    src.config["files"][0].update(path="d.xlsx", format="xlsx")
    src.save()
    assert_one_line_error(adreg("ingest", src.folder), "d.xlsx", "cannot read XLSX")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_empty_file(make_source, adreg, fmt: str) -> None:
    src = make_source()
    (src.folder / f"d.{fmt}").write_bytes(b"")
    src.add(f"d.{fmt}", "decisions", fmt, DECISION_COLUMNS)
    user_error(src, f"d.{fmt}", "empty file")
    if fmt == "csv":
        assert_one_line_error(adreg("ingest", src.folder), f"d.{fmt}", "empty file")


def test_header_only_is_fine(make_source, tmp_path: Path, adreg) -> None:
    """No rows this time: a CSV or XLSX with only its header, a JSON with an empty list."""
    src = make_source()
    src.csv("d.csv", [])
    src.xlsx("d.xlsx", [], title="安徽省广告发布登记")
    src.json("p.json", [], kind="penalties", wrap="data.list")
    result = run(src)
    assert [f.counts.read for f in result.ledger.sources[0].files] == [0, 0, 0]
    assert result.decisions == result.penalties == {}
    proc = adreg("ingest", src.folder, "--ledger", tmp_path / "l.json", "-q")
    assert (proc.returncode, proc.stderr) == (0, "")


def test_json_without_records(make_source, adreg) -> None:
    src = make_source()
    src.json("d.json", [])
    (src.folder / "d.json").write_text('[1, "two", null]', encoding="utf-8")
    assert_one_line_error(adreg("ingest", src.folder), "d.json", "no records")
    (src.folder / "d.json").write_text('{"data": []}', encoding="utf-8")
    assert_one_line_error(adreg("ingest", src.folder), "d.json", "not a list")


def test_missing_file(make_source, adreg) -> None:
    src = make_source()
    src.add("nowhere.csv", "decisions", "csv", DECISION_COLUMNS)
    assert_one_line_error(adreg("ingest", src.folder), "nowhere.csv", "no such file")


def test_header_lacks_mapped_column(make_source, adreg) -> None:
    src = make_source()
    header = [h for h in DECISION_COLUMNS if h != "决定日期"] + ["日期"]
    src.csv("d.csv", [decision(1)], header=header)
    message = user_error(src, "d.csv", "lacks", "'决定日期'")
    assert_one_line_error(adreg("ingest", src.folder), message)


def test_duplicated_mapped_header(make_source, adreg) -> None:
    src = make_source()
    header = [*DECISION_COLUMNS, "决定日期"]
    src.csv("d.csv", [decision(1)], header=header)
    message = user_error(src, "d.csv", "'决定日期'", "2 times")
    assert_one_line_error(adreg("ingest", src.folder), message)


def test_duplicated_unmapped_header_is_fine(make_source) -> None:
    src = make_source()
    src.csv("d.csv", [[*cells(decision(1)), "", ""]], header=[*DECISION_COLUMNS, "空", "空"])
    assert run(src).ledger.total.published == 1


def test_header_matched_across_width_and_spaces(make_source) -> None:
    src = make_source()
    header = [f" {h} " for h in DECISION_COLUMNS]
    header[header.index(" CN号 ")] = "ＣＮ 号"
    src.csv("d.csv", [cells(decision(1))], header=header)
    assert run(src).ledger.total.published == 1


def test_missing_sheet(make_source, adreg) -> None:
    src = make_source()
    src.xlsx("d.xlsx", [decision(1)], sheet="Sheet1")
    src.config["files"][0]["sheet"] = "登记"
    src.save()
    assert_one_line_error(adreg("ingest", src.folder), "no sheet '登记'", "Sheet1")


def test_bad_json(make_source, adreg) -> None:
    src = make_source()
    src.json("d.json", [decision(1)])
    (src.folder / "d.json").write_text('[{"决定书文号": "x",', encoding="utf-8")
    assert_one_line_error(adreg("ingest", src.folder), "d.json", "not valid JSON")


def test_json_records_path_missing(make_source, adreg) -> None:
    src = make_source()
    src.json("d.json", [decision(1)], wrap="data.list")
    src.config["files"][0]["records"] = "data.rows"
    src.save()
    assert_one_line_error(adreg("ingest", src.folder), "d.json", "'data.rows'")


def test_json_record_not_an_object(make_source) -> None:
    src = make_source()
    src.json("d.json", [decision(1), decision(2)])
    data = json.loads((src.folder / "d.json").read_text(encoding="utf-8"))
    data.insert(1, "not a record")
    (src.folder / "d.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run(src)
    assert result.ledger.total.read == 3
    assert_rejected(result, "d.json", 2, "missing_value", "decision_number")


def test_expect_rows(make_source, adreg) -> None:
    src = make_source()
    src.csv("d.csv", [decision(n) for n in range(1, 4)], expect_rows={"min": 5, "max": 10})
    message = user_error(src, "d.csv", "3 data rows", "expect_rows")
    assert_one_line_error(adreg("ingest", src.folder), message)
    src.config["files"][0]["expect_rows"] = {"min": 1, "max": 2}
    src.save()
    user_error(src, "d.csv", "3 data rows", "1..2")
    src.config["files"][0]["expect_rows"] = {"min": 3, "max": 3}
    src.save()
    assert run(src).ledger.total.read == 3


# -- row problems: rejected (or withheld) with reason, file and row ---------------------------


def test_wrong_credit_code_check_character(make_source) -> None:
    good = credit_code(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    src = make_source()
    src.csv("d.csv", [decision(2), decision(1, credit_code=bad)])
    result = run(src)
    row = assert_rejected(result, "d.csv", 3, "bad_credit_code", "credit_code")
    assert row.detail == "wrong check character"
    assert result.ledger.total.published == 1


def test_missing_credit_code(make_source) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1, credit_code="")])
    assert_rejected(run(src), "d.csv", 2, "missing_value", "credit_code")


def test_full_width_digits_in_codes_and_dates(make_source) -> None:
    def fullwidth(text: str) -> str:
        return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})

    code = credit_code(1)
    src = make_source()
    src.csv(
        "d.csv",
        [
            decision(
                1,
                decision_number="皖广登字〔２０１７〕００１号",
                credit_code=fullwidth(code),
                decision_date="２０１７年３月５日",
                cn_number="ＣＮ３４－００３５／Ｄ",
            )
        ],
    )
    result = run(src)
    assert result.ledger.rows == []
    (d,) = result.decisions.values()
    assert d.decision_number == "皖广登字〔2017〕001号"
    assert d.publisher.credit_code == code
    assert d.decision_date == date(2017, 3, 5)
    assert d.media[0].cn_number == "34-0035"
    assert originals(d)["credit_code"] == fullwidth(code)
    assert originals(d)["decision_date"] == "２０１７年３月５日"


@pytest.mark.parametrize("day", ["2017年2月30日", "2017-02-30", "20170230"])
def test_no_such_day(make_source, day: str) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1, decision_date=day)])
    row = assert_rejected(run(src), "d.csv", 2, "invalid_date", "decision_date")
    assert row.detail and "no such day" in row.detail


def test_not_a_date(make_source) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1, decision_date="待定")])
    assert_rejected(run(src), "d.csv", 2, "invalid_date", "decision_date")


def test_date_before_regime(make_source) -> None:
    src = make_source()
    src.csv(
        "d.csv",
        [decision(1, decision_date="2016-11-30"), decision(2, decision_date="2016-12-01")],
    )
    result = run(src)
    assert_rejected(result, "d.csv", 2, "date_before_regime", "decision_date")
    (d,) = result.decisions.values()
    assert d.decision_date == date(2016, 12, 1)


def test_formula_error_cell(make_source) -> None:
    src = make_source()
    path = src.folder / "d.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("登记")
    header = list(DECISION_COLUMNS)
    sheet.write_row(0, 0, header)
    for r, n in enumerate((1, 2), start=1):
        sheet.write_row(r, 0, cells(decision(n)))
    date_col = header.index("决定日期")
    sheet.write_formula(2, date_col, "=1/0", None, "#DIV/0!")
    book.close()
    src.add("d.xlsx", "decisions", "xlsx", DECISION_COLUMNS)
    result = run(src)
    row = assert_rejected(result, "d.xlsx", 3, "formula_error", "decision_date")
    assert row.sheet == "登记"
    assert row.detail and "#DIV/0!" in row.detail
    assert result.ledger.total.published == 1


def test_id_number_in_address(make_source) -> None:
    number = id_number("34012319800202456")
    src = make_source()
    src.csv("d.csv", [decision(1, address=f"长丰县某村 {number}")])
    result = run(src)
    (d,) = result.decisions.values()
    assert d.publisher.address is None
    assert d.withheld_fields == ["address"]
    (w,) = result.ledger.withheld_values
    assert (w.file, w.row, w.field, w.reason, w.record_id) == (
        "d.csv",
        2,
        "address",
        "id_card_number",
        d.id,
    )
    assert (
        number
        not in msgspec.json.encode([result.decisions, result.penalties, result.ledger]).decode()
    )


def test_unknown_authority_label(make_source) -> None:
    columns = {**DECISION_COLUMNS, "登记机关": "authority"}
    src = make_source(lookups={"authority": {"省局": "340000", "火星局": "990000"}})
    src.csv(
        "d.csv",
        [
            decision(1, authority="省局"),
            decision(2, authority="火星市市场监督管理局"),
            decision(3, authority="火星局"),  # a label for a code no source declares
        ],
        columns=columns,
    )
    result = run(src)
    assert result.ledger.total.published == 1
    got = {(r.row, r.reason, r.field) for r in result.ledger.rows}
    assert got == {(3, "unknown_label", "authority"), (4, "unknown_authority", "authority")}


def test_other_authorities_are_known(make_source) -> None:
    columns = {**DECISION_COLUMNS, "登记机关": "authority"}
    src = make_source(other_authorities=[HEFEI])
    src.csv("d.csv", [decision(1, authority="合肥市市场监督管理局")], columns=columns)
    (d,) = run(src).decisions.values()
    assert d.authority_code == "340100"


def test_former_names_are_known(make_source) -> None:
    """A row may name its authority by the name in use on its date (a declared former name)."""
    columns = {**DECISION_COLUMNS, "登记机关": "authority"}
    former = {"name": "合肥市工商行政管理局", "until": "2019-01-16"}
    src = make_source(other_authorities=[{**HEFEI, "former_names": [former]}])
    src.csv(
        "d.csv",
        [
            decision(1, authority="合肥市工商行政管理局"),
            decision(2, authority="合肥市市场监督管理局", decision_date="2019-03-01"),
            decision(3, authority="合肥市工商局"),  # not a declared name: needs a lookup
        ],
        columns=columns,
    )
    result = run(src)
    assert {d.authority_code for d in result.decisions.values()} == {"340100"}
    assert len(result.decisions) == 2
    assert {(r.row, r.reason) for r in result.ledger.rows} == {(4, "unknown_label")}


def test_cancellation_without_ground(make_source) -> None:
    src = make_source()
    src.csv(
        "d.csv",
        [
            decision(1, kind="注销", cancellation_ground="第九条第五项"),
            decision(2, kind="注销"),
            decision(3, kind="注销", cancellation_ground="看心情"),
        ],
    )
    result = run(src)
    got = {(r.row, r.reason, r.field) for r in result.ledger.rows}
    assert got == {
        (3, "missing_value", "cancellation_ground"),
        (4, "unknown_label", "cancellation_ground"),
    }
    (d,) = result.decisions.values()
    assert d.cancellation_ground == "ceased_publishing"


def test_missing_required_values(make_source) -> None:
    src = make_source()
    src.csv("d.csv", [decision(1, publisher_name=" \u3000"), decision(2, kind="")])
    got = {(r.row, r.reason, r.field) for r in run(src).ledger.rows}
    assert got == {(2, "missing_value", "publisher_name"), (3, "missing_value", "kind")}


def test_fine_without_amount(make_source) -> None:
    src = make_source()
    src.csv(
        "p.csv",
        [
            penalty(1, fine_amount=""),
            penalty(2, penalty_kinds="警告、罚款", fine_amount="大约一万"),
            penalty(3, penalty_kinds="警告；罚款", fine_amount="￥8,000"),
            penalty(4, penalty_kinds="罚款、拘留"),
        ],
        kind="penalties",
    )
    result = run(src)
    got = {(r.row, r.reason, r.field) for r in result.ledger.rows}
    assert got == {
        (2, "missing_value", "fine_amount"),
        (3, "bad_amount", "fine_amount"),
        (5, "unknown_label", "penalty_kinds"),
    }
    (p,) = result.penalties.values()
    assert p.kinds == ["warning", "fine"]
    assert str(p.fine_amount) == "8000.00"


def test_conflicting_duplicates(make_source) -> None:
    src = make_source()
    src.csv(
        "d.csv",
        [
            decision(1),
            decision(1, kind="注销", cancellation_ground="1"),  # same number, other kind
            decision(1, decision_date="2017-03-06"),  # same number, other date
            decision(1, credit_code=credit_code(99)),  # same number, other registrant
            decision(1, remarks="同一决定再次导出"),  # a true duplicate
        ],
    )
    result = run(src)
    got = {(r.row, r.outcome, r.reason, r.field) for r in result.ledger.rows}
    assert got == {
        (3, "rejected", "conflicting_duplicate", "kind"),
        (4, "rejected", "conflicting_duplicate", "decision_date"),
        (5, "rejected", "conflicting_duplicate", "credit_code"),
        (6, "merged", "duplicate", None),
    }
    (d,) = result.decisions.values()
    assert d.kind == "grant"
    assert [p.row for p in d.provenance] == [2, 6]
    assert d.remarks == "同一决定再次导出"


def test_conflicting_penalty_duplicates(make_source) -> None:
    src = make_source()
    src.csv(
        "p.csv",
        [penalty(1), penalty(1, fine_amount="6000"), penalty(1, fine_amount="5,000.00元")],
        kind="penalties",
    )
    got = {(r.row, r.outcome, r.reason, r.field) for r in run(src).ledger.rows}
    assert got == {
        (3, "rejected", "conflicting_duplicate", "fine_amount"),
        (4, "merged", "duplicate", None),
    }


def test_cn_number_of_the_wrong_medium(make_source) -> None:
    columns = {**DECISION_COLUMNS, "媒介类型": "medium_type"}
    src = make_source()
    src.csv(
        "d.csv",
        [decision(1, medium_type="报纸", cn_number="CN 34-1001/G"), decision(2, cn_number="34-0")],
        columns=columns,
    )
    got = {(r.row, r.reason, r.field) for r in run(src).ledger.rows}
    assert got == {(2, "bad_cn_number", "cn_number"), (3, "bad_cn_number", "cn_number")}


# -- a big file, streamed ---------------------------------------------------------------------

BIG_BYTES = 50 * 1000 * 1000
DISTINCT = 1000


def peak_rss(args: list[str], cwd: Path, timeout: float = 180) -> tuple[int, int, str]:
    """Run a command; its exit code, its peak resident set size in bytes, and its stderr."""
    err = cwd / "stderr.txt"
    with open(err, "wb") as stderr:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        guard = threading.Timer(timeout, proc.kill)
        guard.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            guard.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024, err.read_text(encoding="utf-8")


def test_50mb_csv_streams_in_bounded_memory(make_source, tmp_path: Path) -> None:
    """~25,000 rows of ~2 KB: 1,000 decisions, each exported again and again with a
    different remark (so merged, and the output stays small). Streaming, peak memory does
    not grow with the file: twice the file costs little more than the file (only the
    ledger's line for each merged row), where reading it whole would cost its size again
    and more. Against a 10-row file it costs less than the file itself: the frames being
    worked on and the native CSV reader's buffers, not the file."""
    small = make_source("small")
    small.csv("d.csv", [decision(n) for n in range(1, 11)])
    big = make_source("big")
    path = big.folder / "d.csv"
    base = [decision(n, decision_date="2017年3月5日") for n in range(1, DISTINCT + 1)]
    filler = "本单位承诺所填写的登记事项真实有效，" * 34  # ~600 characters of free text
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(DECISION_COLUMNS))
        while f.tell() < BIG_BYTES:
            for d in base:
                w.writerow(cells({**d, "remarks": f"{filler}第{rows}次导出"}))
                rows += 1
    size = path.stat().st_size
    assert size >= BIG_BYTES
    big.add("d.csv", "decisions", "csv", DECISION_COLUMNS)
    double = make_source("double")
    with (double.folder / "d.csv").open("wb") as out:
        data = path.read_bytes()
        out.write(data)
        out.write(data[data.index(b"\n") + 1 :])  # the same rows again, without the header
    del data
    double.add("d.csv", "decisions", "csv", DECISION_COLUMNS)

    peaks = {}
    for name, src in (("small", small), ("big", big), ("double", double)):
        code, peaks[name], err = peak_rss(
            [adreg_path(), "ingest", str(src.folder), "--ledger", f"{name}.json", "-q"], tmp_path
        )
        assert (code, err) == (0, "")

    ledger = msgspec.json.decode((tmp_path / "big.json").read_bytes(), type=Ledger)
    total = ledger.total
    assert (total.read, total.published, total.merged) == (rows, DISTINCT, rows - DISTINCT)
    assert total.withheld == total.rejected == 0
    doubled = msgspec.json.decode((tmp_path / "double.json").read_bytes(), type=Ledger).total
    assert (doubled.read, doubled.published) == (2 * rows, DISTINCT)
    mb = 1024 * 1024
    growth = peaks["double"] - peaks["big"]
    assert growth < size * 0.3, (
        f"peak RSS grew {growth / mb:.0f} MB from a {size / mb:.0f} MB file to twice that"
    )
    over_small = peaks["big"] - peaks["small"]
    assert over_small < size, (
        f"peak RSS {over_small / mb:.0f} MB over a 10-row ingest for a {size / mb:.0f} MB file"
    )


def test_a_row_is_numbered_by_the_line_it_starts_on(make_source) -> None:
    """A quoted cell over several lines: the rejection names the row's first line."""
    src = make_source()
    src.csv(
        "d.csv",
        [decision(1, remarks="第一行\n第二行\n第三行"), decision(2, decision_date="2017-02-30")],
    )
    result = run(src)
    (row,) = result.ledger.rows
    assert (row.reason, row.row) == ("invalid_date", 5)  # header 1, first row 2-4, then 5


def test_a_credit_code_without_a_division_code_is_rejected(make_source) -> None:
    """GB 32100: characters 3-8 are the registering department's division code (digits)."""
    from stdnum.cn import uscc

    body = "91A40100MA2000001"
    src = make_source()
    src.csv("d.csv", [decision(1, credit_code=body + uscc.calc_check_digit(body))])
    (row,) = run(src).ledger.rows
    assert (row.reason, row.field) == ("bad_credit_code", "credit_code")
