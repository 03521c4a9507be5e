"""Real exports as authorities write them (issue 9): decision numbers in any style, exports
without decision numbers, facts inside free text, several media in one cell, amounts in
Chinese, every penalty kind, personal data in any spelling. Each case is a real source
folder, checked on the ledger row by row and on the release it publishes."""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
from conftest import DECISION_COLUMNS, HEFEI, credit_code, decision, id_number

from publisher.ingest import IngestResult, ingest
from publisher.ingest.personal import id_check_character
from publisher.model import originals
from publisher.read.notices import penalty as read_penalty
from publisher.read.reader import Reader
from publisher.release.publish import PublishConfig, publish
from publisher.values import uscc_check_character
from publisher.vocabulary import VOCABULARY

AS_OF = date(2021, 4, 28)
PROVINCE_COLUMNS = {**DECISION_COLUMNS, "登记机关": "authority"}


def rows_of(result: IngestResult, file: str) -> list[tuple[Any, ...]]:
    """The ledger's rows of one file: (row, outcome, reason, field)."""
    return [(r.row, r.outcome, r.reason, r.field) for r in result.ledger.rows if r.file == file]


def counts(result: IngestResult, file: str) -> tuple[int, ...]:
    (f,) = [f for s in result.ledger.sources for f in s.files if f.file == file]
    c = f.counts
    assert c.read == c.published + c.merged + c.withheld + c.rejected
    return (c.read, c.published, c.merged, c.withheld, c.rejected)


def released(sources: list[Any], tmp_path: Path) -> dict[str, list[dict[str, str]]]:
    """Publish ``sources`` and read back every table of the data package."""
    root = tmp_path / "out"
    publish(sources, root, config=PublishConfig(assertions={}), as_of=AS_OF)
    package = root / "current" / "datapackages" / "adreg"
    csv.field_size_limit(1 << 30)
    tables = {}
    for path in package.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            tables[path.stem] = list(csv.DictReader(fh))
    return tables


def record_id(prefix: str, key: str) -> str:
    return prefix + hashlib.sha1(key.encode()).hexdigest()[:16]


# -- 1. decision numbers that are the same number ------------------------------------------------


def test_one_number_in_every_style_merges(make_source, tmp_path: Path) -> None:
    """〔2017〕001号, 【２０１７】第1号, （2017）第 001 号 and [2017]1号 are one number: the city's
    decision and the province's re-exports of it merge into one record, published once, with
    no duplicate grant; 〔2017〕010号 and [2017]10号 merge too; 〔2018〕1号 stays apart."""
    hefei = make_source("hefei", authority=HEFEI)
    hefei.csv(
        "决定.csv",
        [
            decision(1, decision_number="合广登字〔2017〕001号"),
            decision(2, decision_number="合广登字〔2017〕010号"),
        ],
    )
    anhui = make_source("anhui", other_authorities=[HEFEI])
    city = "合肥市市场监督管理局"
    anhui.csv(
        "汇总.csv",
        [
            decision(1, decision_number="合广登字【２０１７】第1号", authority=city),
            decision(1, decision_number="合广登字（2017）第 001 号", authority=city),
            decision(2, decision_number="合广登字[2017]10号", authority=city),
            decision(3, decision_number="合广登字〔2018〕1号", authority=city),
        ],
        columns=PROVINCE_COLUMNS,
    )
    result = ingest([anhui.folder, hefei.folder])
    first = record_id("D", "340100|合广登字〔2017〕1号")
    tenth = record_id("D", "340100|合广登字〔2017〕10号")
    assert counts(result, "决定.csv") == (2, 2, 0, 0, 0)
    assert counts(result, "汇总.csv") == (4, 1, 3, 0, 0)
    merged = [(r.row, r.outcome, r.reason, r.record_id) for r in result.ledger.rows]
    assert merged == [
        (2, "merged", "duplicate", first),
        (3, "merged", "duplicate", first),
        (4, "merged", "duplicate", tenth),
    ]
    d = result.decisions[first]
    assert d.decision_number == "合广登字〔2017〕001号"  # as the city wrote it
    assert [(p.source, p.row) for p in d.provenance] == [("hefei", 2), ("anhui", 2), ("anhui", 3)]

    tables = released([anhui.folder, hefei.folder], tmp_path)
    numbers = sorted(r["decision_number"] for r in tables["decisions"])
    assert numbers == ["合广登字〔2017〕001号", "合广登字〔2017〕010号", "合广登字〔2018〕1号"]
    assert not [a for a in tables["anomalies"] if a["code"] == "duplicate_grant"]
    (row,) = [r for r in tables["decisions"] if r["id"] == first]
    assert row["sources"] == "hefei/决定.csv#2; anhui/汇总.csv#2; anhui/汇总.csv#3"


def test_a_number_keeps_its_original_text(make_source) -> None:
    src = make_source("anhui")
    src.csv("d.csv", [decision(1, decision_number="皖广登字【２０１７】 第 7 号")])
    (d,) = ingest([src.folder]).decisions.values()
    assert d.decision_number == "皖广登字〔2017〕第7号"
    assert originals(d)["decision_number"] == "皖广登字【２０１７】 第 7 号"
    assert d.id == record_id("D", "340000|皖广登字〔2017〕7号")


# -- 2. exports without a decision-number column -------------------------------------------------

REG_COLUMNS = {
    "登记证号": "registration_number",
    "事项": "kind",
    "决定日期": "decision_date",
    "单位名称": "publisher_name",
    "单位类型": "publisher_kind",
    "统一社会信用代码": "credit_code",
    "媒介名称": "medium_name",
    "CN号": "cn_number",
    "变更事项": "change_field",
    "变更前": "change_old",
    "变更后": "change_new",
    "注销原因": "cancellation_ground",
}
IDENTITY = ["registration_number", "kind", "decision_date"]


def _registration_rows() -> list[dict[str, Any]]:
    reg = "合广登201700001"
    base = {
        "registration_number": reg,
        "publisher_name": "合肥测试报社",
        "publisher_kind": "报社",
        "credit_code": credit_code(1),
    }
    grant = {**base, "kind": "准予登记", "decision_date": "2017-03-05"}
    return [
        {**grant, "medium_name": "合肥测试报", "cn_number": "CN 34-0001"},  # row 2
        {**grant, "medium_name": "合肥测试周刊", "cn_number": "CN 34-1001"},  # row 3: merged
        {**base, "kind": "准予变更", "decision_date": "2018-05-10", "change_field": "住所"}
        | {"change_old": "合肥市长江路1号", "change_new": "合肥市黄山路2号"},  # row 4
        {**base, "kind": "准予变更", "decision_date": "2018-05-10", "change_field": "法定代表人"}
        | {"change_old": "王一", "change_new": "李二"},  # row 5: the same change decision
        {**base, "kind": "准予延续", "decision_date": "2018-12-20"},  # row 6
        {**base, "kind": "注销", "decision_date": "2020-06-01"}
        | {"cancellation_ground": "停止从事广告发布"},  # row 7
        {**base, "registration_number": "", "kind": "准予变更", "decision_date": "2019-03-01"}
        | {"change_field": "住所", "change_new": "合肥市金寨路3号"},  # row 8: no identity
    ]


def test_identity_from_several_columns(make_source, tmp_path: Path) -> None:
    """A registration number reused by every later decision: with the identity declared,
    grant, change, renewal and cancellation are four decisions, not conflicting duplicates,
    with ids from the declared fields; no decision number is made up."""
    src = make_source("hefei", authority=HEFEI)
    src.csv("登记.csv", _registration_rows(), columns=REG_COLUMNS, identity=IDENTITY)
    result = ingest([src.folder])
    assert counts(result, "登记.csv") == (7, 4, 2, 0, 1)
    assert rows_of(result, "登记.csv") == [
        (3, "merged", "duplicate", None),
        (5, "merged", "duplicate", None),
        (8, "rejected", "missing_value", "registration_number"),
    ]
    key = "340100|decision_date={}|kind={}|registration_number=合广登201700001"
    ids = {d.kind: d.id for d in result.decisions.values()}
    assert ids == {
        "grant": record_id("D", key.format("2017-03-05", "grant")),
        "change": record_id("D", key.format("2018-05-10", "change")),
        "renewal": record_id("D", key.format("2018-12-20", "renewal")),
        "cancellation": record_id("D", key.format("2020-06-01", "cancellation")),
    }
    assert {d.id for d in ingest([src.folder]).decisions.values()} == set(ids.values())  # stable
    grant = result.decisions[ids["grant"]]
    assert [m.name for m in grant.media] == ["合肥测试报", "合肥测试周刊"]
    assert [c.field for c in result.decisions[ids["change"]].changes] == [
        "address",
        "legal_representative",
    ]
    assert all(d.decision_number is None for d in result.decisions.values())

    tables = released([src.folder], tmp_path)
    assert sorted(r["kind"] for r in tables["decisions"]) == [
        "cancellation",
        "change",
        "grant",
        "renewal",
    ]
    assert {r["decision_number"] for r in tables["decisions"]} == {""}
    assert {r["registration_number"] for r in tables["decisions"]} == {"合广登201700001"}
    (registration,) = tables["registrations"]
    assert registration["end_kind"] == "cancellation"
    assert not any("决定书文号" in n["body"] for n in tables["notices"])
    assert {a["code"] for a in tables["anomalies"]} == {"validity_unknown"}  # no licence ends


def test_without_an_identity_a_reused_number_conflicts(make_source) -> None:
    """What the identity is for: the registration number mapped as the decision number makes
    a change and a renewal conflicting duplicates of the grant."""
    src = make_source("hefei", authority=HEFEI)
    columns = {**REG_COLUMNS, "登记证号": "decision_number"}
    rows = [
        {("decision_number" if k == "registration_number" else k): v for k, v in r.items()}
        for r in _registration_rows()[:6]
    ]
    src.csv("登记.csv", rows, columns=columns)
    result = ingest([src.folder])
    assert [r[2:] for r in rows_of(result, "登记.csv")] == [
        ("duplicate", None),
        *[("conflicting_duplicate", "kind")] * 4,
    ]


# -- 3. facts inside free text -------------------------------------------------------------------

REMARK_COLUMNS = {**{k: v for k, v in DECISION_COLUMNS.items() if v != "cancellation_ground"}}
REMARK_PATTERNS = [
    {"column": "备注", "pattern": "注销原因[:：](?P<cancellation_ground>[^；;。]+)"},
    {
        "column": "备注",
        "pattern": [
            "变更事项[:：](?P<change_field>[^；;]+)[；;]变更前[:：](?P<change_old>[^；;]+)"
            "[；;]变更后[:：](?P<change_new>[^；;。]+)",
            "变更事项[:：](?P<change_field>[^；;。]+)",
        ],
    },
]


def test_facts_from_the_remarks(make_source, tmp_path: Path) -> None:
    """One remarks column feeds the remarks and, by patterns, the ground of a cancellation
    and the changed item with its old and new values; a pattern that matches nothing leaves
    the field empty and the rules decide (a cancellation without its ground is rejected)."""
    src = make_source("anhui")
    src.csv(
        "d.csv",
        [
            decision(1, remarks="首次登记"),  # row 2
            decision(
                2, kind="注销", decision_date="2019-08-01", remarks="注销原因：停止从事广告发布。"
            ),
            decision(3, kind="注销", decision_date="2019-08-01", remarks="申请人主动申请注销"),
            decision(
                4,
                kind="准予变更",
                decision_date="2018-05-10",
                remarks="变更事项：住所；变更前：合肥市长江路1号；变更后：合肥市黄山路2号",
            ),
            decision(
                5, kind="准予变更", decision_date="2018-05-11", remarks="变更事项：法定代表人"
            ),
            decision(6, kind="注销", decision_date="2019-08-01", remarks="注销原因：飞了"),
        ],
        columns=REMARK_COLUMNS,
        extract=REMARK_PATTERNS,
    )
    result = ingest([src.folder])
    assert counts(result, "d.csv") == (6, 4, 0, 0, 2)
    assert rows_of(result, "d.csv") == [
        (4, "rejected", "missing_value", "cancellation_ground"),
        (7, "rejected", "unknown_label", "cancellation_ground"),
    ]
    by_n = {d.decision_number[-4:-1]: d for d in result.decisions.values() if d.decision_number}
    assert by_n["001"].remarks == "首次登记" and by_n["001"].cancellation_ground is None
    assert by_n["002"].cancellation_ground == "ceased_publishing"
    assert by_n["002"].remarks == "注销原因：停止从事广告发布。"
    (change,) = by_n["004"].changes
    assert (change.field, change.old, change.new) == (
        "address",
        "合肥市长江路1号",
        "合肥市黄山路2号",
    )
    assert [(c.field, c.old, c.new) for c in by_n["005"].changes] == [
        ("legal_representative", None, None)
    ]

    tables = released([src.folder], tmp_path)
    changes = {(r["field"], r["old"], r["new"]) for r in tables["decision_changes"]}
    assert ("address", "合肥市长江路1号", "合肥市黄山路2号") in changes
    grounds = [r["cancellation_ground"] for r in tables["decisions"] if r["kind"] == "cancellation"]
    assert grounds == ["ceased_publishing"]


CONTENT_COLUMNS = {
    "处罚决定书文号": "decision_number",
    "处罚决定日期": "decision_date",
    "当事人名称": "party_name",
    "当事人统一社会信用代码": "party_credit_code",
}
KIND_LABELS = (
    "警告|通报批评|罚款|没收广告费用|没收违法所得|暂停广告发布业务|吊销广告发布登记|吊销营业执照"
)
CONTENT_PATTERNS = [
    {"column": "处罚内容", "pattern": f"(?P<penalty_kinds>{KIND_LABELS})"},
    {
        "column": "处罚内容",
        "pattern": "罚款(?:人民币)?(?P<fine_amount>[0-9.,]+万?元|[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+)",
    },
    {
        "column": "处罚内容",
        "pattern": "没收广告费用(?:人民币)?(?P<confiscation_amount>[0-9.,]+万?元)",
    },
]


def _content(n: int, content: str) -> dict[str, Any]:
    return {
        "处罚决定书文号": f"皖市监罚〔2019〕{n}号",
        "处罚决定日期": "2019-06-10",
        "当事人名称": f"安徽测试报社{n}",
        "当事人统一社会信用代码": credit_code(n),
        "处罚内容": content,
    }


def test_penalty_kinds_and_amounts_from_the_penalty_text(make_source, tmp_path: Path) -> None:
    """A JSON dump of penalties whose kinds and amounts are written in one 处罚内容 text:
    every kind named becomes a kind, the amounts after 罚款 and 没收广告费用 the amounts."""
    src = make_source("anhui")
    records = [
        _content(1, "警告，并处罚款人民币壹万伍仟元整"),
        _content(2, "没收广告费用3,000.00元，并处罚款1.5万元"),
        _content(3, "责令改正，予以警告"),
        _content(4, "罚款"),  # a fine without its amount
        _content(5, "暂停广告发布业务六个月"),
        _content(6, "责令停止发布"),  # no kind the patterns know
    ]
    src.json(
        "penalties.json",
        records,
        kind="penalties",
        columns={**{k: k for k in CONTENT_COLUMNS}, "处罚内容": "处罚内容"},
        wrap="data.rows",
    )
    src.config["files"][0]["columns"] = CONTENT_COLUMNS
    src.config["files"][0]["extract"] = CONTENT_PATTERNS
    src.save()
    result = ingest([src.folder])
    assert counts(result, "penalties.json") == (6, 4, 0, 0, 2)
    assert rows_of(result, "penalties.json") == [
        (4, "rejected", "missing_value", "fine_amount"),
        (6, "rejected", "missing_value", "penalty_kinds"),
    ]
    got = {p.decision_number: p for p in result.penalties.values()}
    p1, p2 = got["皖市监罚〔2019〕1号"], got["皖市监罚〔2019〕2号"]
    assert (p1.kinds, p1.fine_amount) == (["warning", "fine"], Decimal("15000.00"))
    assert originals(p1)["fine_amount"] == "壹万伍仟元整"
    assert p2.kinds == ["confiscation_of_ad_fees", "fine"]
    assert (p2.fine_amount, p2.confiscation_amount) == (Decimal("15000.00"), Decimal("3000.00"))
    assert got["皖市监罚〔2019〕3号"].kinds == ["warning"]
    assert got["皖市监罚〔2019〕5号"].kinds == ["suspension_of_ad_publishing"]

    tables = released([src.folder], tmp_path)
    kinds = {r["decision_number"]: (r["kinds"], r["fine_amount"]) for r in tables["penalties"]}
    assert kinds["皖市监罚〔2019〕2号"] == ("confiscation_of_ad_fees;fine", "15000.0")


# -- 4. several values in one cell ---------------------------------------------------------------

MEDIA_COLUMNS = {
    **DECISION_COLUMNS,
    "媒介类型": "medium_type",
    "频率": "frequency",
    "频道": "channel",
    "许可证编号": "licence_number",
}


def test_several_media_in_one_cell(make_source, tmp_path: Path) -> None:
    """新闻综合频道；公共频道 and 甲报、乙报 are two media each, with their channels and CN
    numbers by position (an empty place: that medium has none); what the row says once (a
    licence) goes with each medium, and so does a cell listing one value; cells listing
    different numbers of values are rejected."""
    src = make_source("anhui")
    tv = {"publisher_kind": "广播电视台", "cn_number": "", "licence_number": "（皖）字第00001号"}
    src.csv(
        "d.csv",
        [
            decision(
                1,
                medium_name="新闻广播；新闻综合频道；公共频道",
                medium_type="频率；频道；频道",
                frequency="FM 99.1；；",
                channel="；1；2",
                **tv,
            ),  # row 2
            decision(2, medium_name="甲报、乙报", cn_number="CN 34-0001、CN 34-0002"),
            decision(3, medium_name="丙报、 丁报", cn_number="34-0003、 34-0004"),
            decision(4, medium_name="戊报、己报", cn_number="34-0005、34-0006、34-0007"),
            decision(5, medium_name="庚报", cn_number="34-0008"),  # row 6
        ],
        columns=MEDIA_COLUMNS,
        separators={
            "medium_name": ["；", "、"],
            "medium_type": ["；"],
            "frequency": ["；"],
            "channel": ["；"],
            "cn_number": ["、"],
        },
    )
    result = ingest([src.folder])
    assert counts(result, "d.csv") == (5, 4, 0, 0, 1)
    assert rows_of(result, "d.csv") == [(5, "rejected", "mismatched_values", "medium_name")]
    media = {
        d.decision_number[-4:-1]: [
            (m.name, m.type, m.frequency or m.channel, m.cn_number, m.licence_number)
            for m in d.media
        ]
        for d in result.decisions.values()
        if d.decision_number
    }
    licence = "〔皖〕字第00001号"  # a number: brackets unified
    assert media == {
        "001": [
            ("新闻广播", "radio_frequency", "FM 99.1", None, licence),
            ("新闻综合频道", "tv_channel", "1", None, licence),
            ("公共频道", "tv_channel", "2", None, licence),
        ],
        "002": [
            ("甲报", "newspaper", None, "34-0001", None),
            ("乙报", "newspaper", None, "34-0002", None),
        ],
        "003": [
            ("丙报", "newspaper", None, "34-0003", None),
            ("丁报", "newspaper", None, "34-0004", None),
        ],
        "005": [("庚报", "newspaper", None, "34-0008", None)],
    }
    assert all(len(d.provenance) == 1 for d in result.decisions.values())

    tables = released([src.folder], tmp_path)
    assert sorted(m["name"] for m in tables["media"]) == sorted(
        ["新闻广播", "新闻综合频道", "公共频道", "甲报", "乙报", "丙报", "丁报", "庚报"]
    )
    media_names = {r["media_names"] for r in tables["decisions"]}
    assert "新闻广播、新闻综合频道、公共频道" in media_names and "甲报、乙报" in media_names
    (ledger,) = tables["ledger"]
    assert (ledger["read"], ledger["published"], ledger["rejected"]) == ("5", "4", "1")


# -- 5. amounts as authorities write them --------------------------------------------------------

AMOUNTS = {
    "1.5万元": "15000.00",
    "人民币30000元": "30000.00",
    "￥30,000.00": "30000.00",
    "罚款贰万元整": "20000.00",
    "壹拾万元": "100000.00",
    "叁仟伍佰元": "3500.00",
    "并处罚款人民币叁万元整（¥30,000.00）": "30000.00",
    "５０００元": "5000.00",
}
BAD_AMOUNTS = ["-500元", "NaN", "1" * 27, "0.001元", "壹壹元", "叁万元整（¥20,000.00）", "五千美元"]


def test_amounts_in_every_spelling(make_source, tmp_path: Path, adreg) -> None:
    """Amounts in figures and in capital numerals are read to the fen; impossible or
    absurd ones are rejected as bad_amount, never a traceback, never rounded."""
    src = make_source("anhui")
    written = [*AMOUNTS, *BAD_AMOUNTS]
    src.csv(
        "p.csv",
        [{**_penalty_row(n), "fine_amount": text} for n, text in enumerate(written, start=1)],
        kind="penalties",
    )
    result = ingest([src.folder])
    good = len(AMOUNTS)
    assert counts(result, "p.csv") == (len(written), good, 0, 0, len(BAD_AMOUNTS))
    assert rows_of(result, "p.csv") == [
        (good + 2 + k, "rejected", "bad_amount", "fine_amount") for k in range(len(BAD_AMOUNTS))
    ]
    fines = {originals(p).get("fine_amount"): str(p.fine_amount) for p in result.penalties.values()}
    assert fines == AMOUNTS
    proc = adreg("ingest", src.folder, "--ledger", tmp_path / "ledger.json", "--quiet")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr

    tables = released([src.folder], tmp_path)
    assert sorted(float(r["fine_amount"]) for r in tables["penalties"]) == sorted(
        float(v) for v in AMOUNTS.values()
    )


def _penalty_row(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "decision_number": f"皖市监罚〔2019〕{n:03d}号",
        "decision_date": "2019-06-10",
        "party_name": f"安徽测试报社{n}",
        "party_credit_code": credit_code(n),
        "violation": "其他",
        "penalty_kinds": "罚款",
        "fine_amount": "5000元",
        **fields,
    }


# -- 6. every penalty kind the law provides --------------------------------------------------------

KINDS_IN_LAW = {
    "警告": "warning",
    "通报批评": "public_reprimand",
    "罚款": "fine",
    "没收广告费用": "confiscation_of_ad_fees",
    "没收违法所得": "confiscation_of_illegal_gains",
    "没收非法财物": "confiscation_of_illegal_property",
    "暂停广告发布业务": "suspension_of_ad_publishing",
    "吊销广告发布登记": "registration_revocation",
    "撤销广告发布登记": "registration_annulment",
    "吊销营业执照": "business_licence_revocation",
    "撤销广告审查批准文件": "ad_approval_revocation",
    "一年内不受理其广告审查申请": "ad_review_ban",
    "暂扣许可证件": "licence_suspension",
    "降低资质等级": "qualification_downgrade",
    "吊销许可证件": "licence_revocation",
    "限制开展生产经营活动": "business_restriction",
    "责令停产停业": "production_suspension",
    "责令关闭": "closure",
    "限制从业": "practice_restriction",
    "行政拘留": "detention",
}


def test_every_penalty_kind_has_its_article() -> None:
    terms = VOCABULARY["penalty_kind"]
    for label, code in KINDS_IN_LAW.items():
        assert terms[code].zh.startswith(label[:4]), code
        assert "第" in terms[code].basis and "条" in terms[code].basis, code
    assert "第十四条" in terms["registration_revocation"].basis
    assert "第十五条" in terms["registration_annulment"].basis
    assert "《中华人民共和国广告法》" in terms["suspension_of_ad_publishing"].basis


def test_penalties_of_several_kinds(make_source, tmp_path: Path) -> None:
    """Every kind is read from its label, a penalty carries several, an unknown label is
    still rejected; the release and the read side label each in Chinese."""
    src = make_source("anhui")
    labels = list(KINDS_IN_LAW)
    src.csv(
        "p.csv",
        [
            _penalty_row(1, penalty_kinds="、".join(labels[:10]), fine_amount="2万元"),
            _penalty_row(2, penalty_kinds="；".join(labels[10:]), fine_amount=""),
            _penalty_row(3, penalty_kinds="撤销广告发布登记，罚款", fine_amount="1万元"),
            _penalty_row(4, penalty_kinds="罚酒三杯", fine_amount=""),
        ],
        kind="penalties",
    )
    result = ingest([src.folder])
    assert rows_of(result, "p.csv") == [(5, "rejected", "unknown_label", "penalty_kinds")]
    got = {p.decision_number: p.kinds for p in result.penalties.values()}
    assert got["皖市监罚〔2019〕001号"] == [KINDS_IN_LAW[k] for k in labels[:10]]
    assert got["皖市监罚〔2019〕002号"] == [KINDS_IN_LAW[k] for k in labels[10:]]
    assert got["皖市监罚〔2019〕003号"] == ["registration_annulment", "fine"]

    tables = released([src.folder], tmp_path)
    shipped = {r["code"] for r in tables["vocabulary"] if r["list"] == "penalty_kind"}
    assert set(KINDS_IN_LAW.values()) <= shipped
    reader = Reader(tmp_path / "out")
    pid = next(p.id for p in result.penalties.values() if p.decision_number.endswith("003号"))
    answer = read_penalty(reader, pid)
    assert answer is not None and answer.kinds_zh == ["撤销广告发布登记", "罚款"]


# -- 8. personal data in any spelling ------------------------------------------------------------

ID = id_number("34010419900101123")
SPELLINGS = {
    "身份证号 " + " ".join([ID[:6], ID[6:14], ID[14:]]): "id_card_number",
    "身份证：" + "-".join([ID[:6], ID[6:14], ID[14:]]): "id_card_number",
    "身份证" + ID.translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}): "id_card_number",
    "电话：+86 139 1234 5678": "phone_number",
    "电话（0571）87654321": "phone_number",
    "电话：0571-8765 4321": "phone_number",
    "电话：１３９－１２３４－５６７８": "phone_number",
    "联系人：张三丰": "contact_person",
    "经办人：李四": "staff_name",
}


def _id_like_credit_code() -> str:
    """An ID-card number whose check character also fits as a credit code's."""
    for n in range(1000):
        number = id_number(f"34010419900101{n:03d}")
        if uscc_check_character(number[:17]) == number[17]:
            return number
    raise AssertionError("none found")


def _digit_credit_code() -> str:
    """An all-digit credit code whose last character also fits as an ID check character."""
    for n in range(10**6):
        body = f"12340100{n:09d}"
        check = uscc_check_character(body)
        if check.isdigit() and id_check_character(body) == check:
            return body + check
    raise AssertionError("none found")


def test_personal_data_in_any_spelling_is_withheld(make_source, tmp_path: Path) -> None:
    src = make_source("anhui")
    code = _digit_credit_code()
    rows = [decision(n, remarks=text) for n, text in enumerate(SPELLINGS, start=1)]
    rows.append(decision(20, remarks=f"统一社会信用代码：{code}"))  # a credit code, kept
    # ID-card numbers where the credit code goes: not a valid credit code, or one by chance
    rows.append(decision(21, credit_code=ID))
    rows.append(decision(22, credit_code=_id_like_credit_code()))
    src.csv("d.csv", rows)
    result = ingest([src.folder])
    withheld = {(w.row, w.field, w.reason) for w in result.ledger.withheld_values}
    assert withheld == {
        (row, "remarks", kind) for row, kind in enumerate(SPELLINGS.values(), start=2)
    }
    last = len(rows) + 1
    assert rows_of(result, "d.csv") == [
        (last - 1, "rejected", "bad_credit_code", "credit_code"),
        (last, "rejected", "personal_data", "credit_code"),
    ]
    kept = [d for d in result.decisions.values() if d.remarks and code in d.remarks]
    assert len(kept) == 1

    tables = released([src.folder], tmp_path)
    published = " ".join(str(r) for r in tables["decisions"])
    assert "13912345678" not in published and "张三丰" not in published
    assert ID not in published and "8765" not in published
    assert code in published
    held = [r for r in tables["decisions"] if r["withheld_fields"] == "remarks"]
    assert len(held) == len(SPELLINGS) and all(r["remarks"] == "" for r in held)


def test_the_ledger_names_rows_never_values(make_source) -> None:
    src = make_source("anhui")
    src.csv("d.csv", [decision(1, remarks="联系人：张三丰，电话+86 139 1234 5678")])
    ledger = ingest([src.folder]).ledger
    (held,) = ledger.withheld_values
    assert (held.row, held.field, held.reason) == (2, "remarks", "phone_number")
    text = msgspec.json.encode(ledger).decode()
    assert "张三丰" not in text and "1234" not in text
