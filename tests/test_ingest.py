"""Ingest across formats: every row accounted for, duplicates merged, personal data withheld."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from conftest import DECISION_COLUMNS, HEFEI, credit_code, decision, id_number, penalty

from publisher.ingest import IngestResult, ingest
from publisher.ingest.ledger import Counts, Ledger
from publisher.model import originals

ID = id_number("34010419900101123")
CONTACT = "张三丰"
MOBILE = "13912345678"
LANDLINE = "0551-62345678"
PERSONAL = [ID, CONTACT, MOBILE, LANDLINE, "62345678"]
BAD_CHECK = credit_code(6)[:-1] + ("0" if credit_code(6)[-1] != "0" else "1")

# The same decision, made by the Hefei authority, in the city's export and the province's.
HEFEI_1 = decision(
    101,
    decision_number="合广登字〔2017〕001号",
    publisher_name="合肥晚报社",
    credit_code=credit_code(101, prefix="12340100"),
    medium_name="合肥晚报",
    cn_number="CN 34-0012/D",
)
HEFEI_2 = decision(
    102,
    decision_number="合广登字〔2017〕002号",
    publisher_name="合肥广播电视台",
    publisher_kind="广播电视台",
    medium_name="合肥新闻综合频道",
    cn_number="",
)
PROVINCE_COLUMNS = {
    **DECISION_COLUMNS,
    "登记机关": "authority",
    "联系人": "contact_person",
    "联系电话": "contact_phone",
}


def fullwidth(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


@pytest.fixture
def sources(make_source) -> list[Path]:
    """A city source and a province source with a CSV in UTF-8 (BOM), a CSV in GB18030
    with title lines, an XLSX with a merged title and a notes row, and nested JSON penalties."""
    hefei = make_source("hefei", authority=HEFEI)
    hefei.csv("决定.csv", [HEFEI_1, HEFEI_2])

    anhui = make_source("anhui")
    anhui.csv(
        "utf8bom.csv",
        [
            decision(  # row 2: published; contact person and phone withheld
                1,
                decision_date="2017年3月5日",
                authority="安徽省市场监督管理局",
                contact_person=CONTACT,
                contact_phone=MOBILE,
            ),
            # row 3: the Hefei decision again, brackets written differently: merged
            {
                **HEFEI_1,
                "decision_number": "合广登字[2017]001号",
                "authority": "合肥市市场监督管理局",
            },
            decision(3, kind="不予登记"),  # row 4: a refusal, withheld
            decision(4, address=f"合肥市包河区某小区5栋 身份证{ID}"),  # row 5: address withheld
            decision(5, remarks=f"如有疑问请联系{LANDLINE}"),  # row 6: remarks withheld
            decision(6, credit_code=BAD_CHECK),  # row 7: rejected
        ],
        columns=PROVINCE_COLUMNS,
        encoding="utf-8-sig",
    )
    anhui.csv(
        "gb18030.csv",
        [
            decision(7, credit_code=fullwidth(credit_code(7)), publisher_name="安徽商报社"),
            decision(
                8, kind="注销", cancellation_ground="停止从事广告发布", decision_date="2019/8/1"
            ),
            decision(9, kind="准予延续", decision_date="20190305", remarks="许可证延续至2024年"),
        ],
        encoding="gb18030",
        above=[
            ["安徽省市场监督管理局广告发布登记信息公示（报纸、期刊）"],
            ["导出日期：2021年9月1日"],
        ],
    )
    anhui.xlsx(
        "登记.xlsx",
        [
            decision(11, decision_date=date(2017, 4, 1)),
            decision(
                12,
                decision_date=42799,  # an Excel serial number, as a number cell
                publisher_kind="期刊社",
                medium_name="安徽测试期刊",
                cn_number="CN 34-1012/G",
            ),
        ],
        title="安徽省广告发布登记信息（2017年）",
        notes="填报说明：本表由登记机关填写，日期格式为年-月-日",
    )
    anhui.json(
        "penalties.json",
        [
            penalty(1, fine_amount="1.2万元"),
            penalty(2, penalty_kinds=["罚款", "没收违法所得"], fine_amount=20000),
            # Warning only: read; whether it is published is the as-of date's rule (publish).
            penalty(3, penalty_kinds="警告", fine_amount=""),
        ],
        kind="penalties",
        wrap="data.list",
    )
    return [anhui.folder, hefei.folder]


EXPECTED = {  # (source, file): read, published, merged, withheld, rejected
    ("anhui", "utf8bom.csv"): (6, 3, 1, 1, 1),
    ("anhui", "gb18030.csv"): (3, 3, 0, 0, 0),
    ("anhui", "登记.xlsx"): (2, 2, 0, 0, 0),
    ("anhui", "penalties.json"): (3, 3, 0, 0, 0),
    ("hefei", "决定.csv"): (2, 2, 0, 0, 0),
}


def counts(c: Counts) -> tuple[int, ...]:
    return (c.read, c.published, c.merged, c.withheld, c.rejected)


def adds_up(c: Counts) -> bool:
    return c.read == c.published + c.merged + c.withheld + c.rejected


def by_number(result: IngestResult, number: str):
    found = [
        d
        for d in [*result.decisions.values(), *result.penalties.values()]
        if d.decision_number == number
    ]
    assert len(found) == 1, (number, found)
    return found[0]


def test_ledger_adds_up(sources: list[Path]) -> None:
    ledger = ingest(sources).ledger
    seen = {}
    for s in ledger.sources:
        total = Counts()
        for f in s.files:
            seen[s.source, f.file] = counts(f.counts)
            assert adds_up(f.counts), (s.source, f.file)
            total.absorb(f.counts)
        assert counts(total) == counts(s.counts)
        assert adds_up(s.counts)
    assert seen == EXPECTED
    assert counts(ledger.total) == tuple(map(sum, zip(*EXPECTED.values(), strict=True)))
    assert adds_up(ledger.total)
    # every row that was not published is listed with its file and row
    listed = {(r.source, r.file, r.row, r.outcome, r.reason) for r in ledger.rows}
    assert listed == {
        ("anhui", "utf8bom.csv", 3, "merged", "duplicate"),
        ("anhui", "utf8bom.csv", 4, "withheld", "refusal"),
        ("anhui", "utf8bom.csv", 7, "rejected", "bad_credit_code"),
    }
    assert ledger.reasons == {
        "merged:duplicate": 1,
        "rejected:bad_credit_code:credit_code": 1,
        "withheld:refusal": 1,
    }
    encodings = {f.file: f.encoding for s in ledger.sources for f in s.files}
    assert encodings["utf8bom.csv"] == "utf-8-sig"
    assert encodings["gb18030.csv"] == "gb18030"


def test_records_across_formats(sources: list[Path]) -> None:
    result = ingest(sources)
    assert set(result.authorities) == {"340000", "340100"}
    assert len(result.decisions) == 10
    assert len(result.penalties) == 3

    d7 = by_number(result, "皖广登字〔2017〕007号")  # GB18030 file under two title lines
    assert d7.publisher.name == "安徽商报社"
    assert d7.publisher.credit_code == credit_code(7)
    assert originals(d7)["credit_code"] == fullwidth(credit_code(7))
    assert d7.provenance[0].file == "gb18030.csv"
    assert d7.provenance[0].row == 4
    assert d7.media[0].cn_number == "34-0008"
    assert d7.media[0].type == "newspaper"

    d8 = by_number(result, "皖广登字〔2017〕008号")
    assert (d8.kind, d8.cancellation_ground) == ("cancellation", "ceased_publishing")
    assert d8.decision_date == date(2019, 8, 1)
    assert by_number(result, "皖广登字〔2017〕009号").kind == "renewal"

    d11 = by_number(result, "皖广登字〔2017〕011号")  # XLSX: title row 1, header 2, notes 3
    assert d11.decision_date == date(2017, 4, 1)
    assert "decision_date" not in originals(d11)
    assert (d11.provenance[0].sheet, d11.provenance[0].row) == ("登记信息", 4)
    d12 = by_number(result, "皖广登字〔2017〕012号")
    assert d12.decision_date == date(2017, 3, 5)
    assert originals(d12)["decision_date"] == "42799"
    assert (d12.publisher.kind, d12.media[0].type) == ("periodical", "periodical")
    assert d12.provenance[0].row == 5

    tv = by_number(result, "合广登字〔2017〕002号")
    assert tv.authority_code == "340100"
    assert tv.media[0].type == "tv_channel"
    assert tv.media[0].cn_number is None

    p1 = by_number(result, "皖市监罚〔2019〕001号")  # JSON records under data.list
    assert p1.kinds == ["fine"]
    assert p1.fine_amount == Decimal("12000.00")
    assert originals(p1)["fine_amount"] == "1.2万元"
    assert p1.violation == "unreported_statistics"
    assert (p1.provenance[0].file, p1.provenance[0].row) == ("penalties.json", 1)
    p2 = by_number(result, "皖市监罚〔2019〕002号")
    assert p2.kinds == ["fine", "confiscation_of_illegal_gains"]
    assert p2.fine_amount == Decimal("20000.00")


def test_originals_kept_where_text_was_normalised(sources: list[Path]) -> None:
    result = ingest(sources)
    d1 = by_number(result, "皖广登字〔2017〕001号")
    assert d1.decision_date == date(2017, 3, 5)
    assert originals(d1)["decision_date"] == "2017年3月5日"
    assert originals(d1)["cn_number"] == "CN 34-0002"
    assert d1.media[0].cn_number == "34-0002"
    assert originals(d1)["kind"] == "准予登记"
    assert "publisher_name" not in originals(d1)  # unchanged text keeps no copy
    assert "decision_number" not in originals(d1)


def test_province_and_city_exports_merge(sources: list[Path]) -> None:
    result = ingest(sources)
    merged = by_number(result, "合广登字〔2017〕001号")
    assert merged.authority_code == "340100"
    assert merged.publisher.credit_code == credit_code(101, prefix="12340100")
    assert [(p.source, p.file, p.row) for p in merged.provenance] == [
        ("hefei", "决定.csv", 2),
        ("anhui", "utf8bom.csv", 3),
    ]
    assert originals(merged)["decision_number"] == "合广登字[2017]001号"
    assert len(merged.media) == 1
    (row,) = [r for r in result.ledger.rows if r.outcome == "merged"]
    assert row.record_id == merged.id


def test_merge_is_independent_of_argument_order(sources: list[Path]) -> None:
    forward = ingest(sources)
    backward = ingest(list(reversed(sources)))
    assert msgspec.json.encode(forward.decisions) == msgspec.json.encode(backward.decisions)
    assert forward.ledger == backward.ledger


def test_refusals_withheld_warnings_kept_for_the_rules_of_the_day(sources: list[Path]) -> None:
    result = ingest(sources)
    numbers = {d.decision_number for d in result.decisions.values()}
    assert "皖广登字〔2017〕003号" not in numbers  # the refusal
    assert not any(d.kind == "refusal" for d in result.decisions.values())
    # A warning-only penalty is read: SAIC Order 71 publishes it, SAMR Order 45 does not.
    assert by_number(result, "皖市监罚〔2019〕003号").kinds == ["warning"]


def test_personal_data_withheld_and_reported(sources: list[Path]) -> None:
    result = ingest(sources)
    d1 = by_number(result, "皖广登字〔2017〕001号")
    assert d1.withheld_fields == ["contact_person", "contact_phone"]
    d4 = by_number(result, "皖广登字〔2017〕004号")
    assert d4.publisher.address is None
    assert d4.withheld_fields == ["address"]
    assert "address" not in originals(d4)
    d5 = by_number(result, "皖广登字〔2017〕005号")
    assert d5.remarks is None
    assert d5.withheld_fields == ["remarks"]
    assert by_number(result, "皖广登字〔2017〕009号").remarks == "许可证延续至2024年"

    reported = {(w.file, w.row, w.field, w.reason) for w in result.ledger.withheld_values}
    assert reported == {
        ("utf8bom.csv", 2, "contact_person", "contact_person"),
        ("utf8bom.csv", 2, "contact_phone", "contact_phone"),
        ("utf8bom.csv", 5, "address", "id_card_number"),
        ("utf8bom.csv", 6, "remarks", "phone_number"),
    }
    record_ids = {w.record_id for w in result.ledger.withheld_values}
    assert record_ids == {d1.id, d4.id, d5.id}

    published = msgspec.json.encode([result.decisions, result.penalties]).decode()
    for value in PERSONAL:
        assert value not in published, value
    assert "张三" not in published


def test_cli_writes_ledger_without_personal_data(
    sources: list[Path], tmp_path: Path, adreg
) -> None:
    # the personal values are really in the input files
    inputs = b"".join(p.read_bytes() for folder in sources for p in folder.iterdir())
    assert ID.encode() in inputs
    assert CONTACT.encode() in inputs

    ledger_path = tmp_path / "out" / "ledger.json"
    proc = adreg("ingest", *sources, "--ledger", ledger_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "total" in proc.stdout
    assert "10 decisions, 3 penalties, 2 authorities" in proc.stdout

    raw = ledger_path.read_bytes()
    text = raw.decode("utf-8")
    for value in PERSONAL:
        assert value not in text, value
    ledger = msgspec.json.decode(raw, type=Ledger)
    assert counts(ledger.total) == (16, 13, 1, 1, 1)
    assert len(ledger.withheld_values) == 4
    data = json.loads(text)
    assert {f["file"] for s in data["sources"] for f in s["files"]} == {f for _, f in EXPECTED}


def test_quiet_cli_prints_nothing(sources: list[Path], tmp_path: Path, adreg) -> None:
    proc = adreg("ingest", *sources, "--ledger", tmp_path / "l.json", "--quiet")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert (tmp_path / "l.json").is_file()


def test_source_lookups_extend_the_shipped_ones(make_source) -> None:
    src = make_source(
        "anhui",
        lookups={"decision_kind": {"核准发布": "grant"}, "publisher_kind": {"日报社": "newspaper"}},
    )
    src.csv(
        "d.csv",
        [
            decision(1, kind="核准发布", publisher_kind="日报社"),
            decision(2, kind=" 准予登记 "),  # the shipped label, with stray spaces
            decision(3, publisher_kind="ＴＶ ", cn_number=""),  # full-width, matched as "tv"
            decision(4, kind="批准"),  # no such label anywhere
        ],
    )
    result = ingest([src.folder])
    assert counts(result.ledger.total) == (4, 3, 0, 0, 1)
    assert by_number(result, "皖广登字〔2017〕001号").kind == "grant"
    assert by_number(result, "皖广登字〔2017〕001号").publisher.kind == "newspaper"
    assert by_number(result, "皖广登字〔2017〕002号").kind == "grant"
    assert by_number(result, "皖广登字〔2017〕003号").publisher.kind == "tv"
    (row,) = result.ledger.rows
    assert (row.row, row.outcome, row.reason, row.field) == (5, "rejected", "unknown_label", "kind")


def test_defaults_fill_missing_columns(make_source) -> None:
    src = make_source("anhui")
    columns = {k: v for k, v in DECISION_COLUMNS.items() if v != "publisher_kind"}
    row = decision(1)
    del row["publisher_kind"]
    src.csv("d.csv", [row], columns=columns, defaults={"publisher_kind": "报社"})
    result = ingest([src.folder])
    assert by_number(result, "皖广登字〔2017〕001号").publisher.kind == "newspaper"


def test_shared_empty_containers_stay_empty(sources: list[Path]) -> None:
    """Records without media, changes or originals share one empty list or originals
    object (memory at a million rows); merging re-exports must replace them, never fill
    them."""
    from publisher.ingest.normalise import NONE
    from publisher.model import NO_ORIGINAL

    result = ingest(sources)
    decisions = list(result.decisions.values())
    assert any(d.changes is NONE for d in decisions)
    assert all(d.original is NO_ORIGINAL for d in decisions if not originals(d))
    assert any(len(d.provenance) > 1 for d in decisions)  # merges happened
    assert NONE == [] and bytes(NO_ORIGINAL) == b"{}"
