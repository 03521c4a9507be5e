"""Sample source in Zhejiang: 温州市, an export as a portal writes it, not as a database would.

Decisions in a GB18030 CSV (declared ``detect``) without decision numbers: a decision is
known by its registration number, kind and date (``identity``), the registration number
reused by every later decision; one row per decision listing its media in one cell
(新闻综合频道；公共频道, their frequencies and channels by position); the cancellation
ground and the changed items written in the remarks (注销原因：…；变更事项：…), with
phone and ID-card numbers in every spelling and contact persons named. Penalties in a
JSON API dump whose kinds and amounts are one text (警告，并处罚款人民币伍仟元整), amounts
in figures or capital numerals.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from .formats import GROUND_TEXT, PENALTY_KINDS, B, FileSpec, SourceSpec, label_tables
from .model import Area, Row
from .names import full_width

if TYPE_CHECKING:
    from .formats import Writer

_CAPITAL = "零壹贰叁肆伍陆柒捌玖"


def in_words(fen: int) -> str:
    """An amount in capital numerals as a cheque or a penalty decision writes it (大写):
    sections of 亿 and 万, 零 for a gap, 元, then 角 and 分, or 整."""

    def section(n: int) -> str:
        out, gap = "", False
        for value, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
            digit = n // value % 10
            if digit:
                out += ("零" if gap and out else "") + _CAPITAL[digit] + unit
            gap = not digit
        return out

    yuan, jiao, fen_ = fen // 100, fen // 10 % 10, fen % 10
    words = ""
    for big, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        n = yuan // big % 10**4
        if n:
            words += ("零" if words and n < 1000 else "") + section(n) + unit
    words += "元" if yuan else ""
    if jiao:
        words += _CAPITAL[jiao] + "角"
    if fen_:
        words += ("零" if yuan and not jiao else "") + _CAPITAL[fen_] + "分"
    return words if jiao or fen_ else words + "整"


def _amount(yuan: int, style: int) -> str:
    if style == 0:
        return f"人民币{in_words(yuan * 100)}"
    if style == 1:
        return f"人民币{in_words(yuan * 100)}（¥{yuan:,.2f}）"
    if style == 2 and yuan % 100 == 0:
        return f"{yuan / 10000:g}万元"
    if style == 3:
        return f"￥{yuan:,.2f}"
    return f"人民币{yuan}元"


def _int(value: object) -> int:
    assert isinstance(value, int), value
    return value


def penalty_text(row: Row, writer: Writer) -> str:
    """处罚内容: the kinds and amounts of a penalty in one text."""
    style = int(writer.rng.random() * 5)
    kinds = row["penalty_kinds"]
    assert isinstance(kinds, list)
    parts: list[str] = []
    for kind in kinds:
        label = writer.usual["penalty_kinds"][kind]
        if kind == "fine":
            amount = _amount(_int(row["fine_amount"]), style)
            if row.get("_bad_amount"):  # a typing slip: a fraction of a fen
                amount = f"{_int(row['fine_amount']):,}.005元"
            parts.append(("并处" if parts else "") + label + amount)
        elif kind == "confiscation_of_ad_fees":
            parts.append(label + _amount(_int(row["confiscation_amount"]), style))
        else:
            parts.append(label)
    return "，".join(parts)


_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0(\d{2,3})-(\d{7,8})")
_ID = re.compile(r"\d{17}[\dX]")


def respelled(text: str, writer: Writer) -> str:
    """Phone and ID-card numbers as clerks type them: spaced, hyphenated, with +86 or
    (0577), in full-width digits."""
    draw = writer.rng.random

    def mobile(m: re.Match[str]) -> str:
        n = m.group(0)
        return (
            f"+86 {n[:3]} {n[3:7]} {n[7:]}",
            f"{n[:3]}-{n[3:7]}-{n[7:]}",
            full_width(n),
            f"（+86）{n}",
        )[int(draw() * 4)]

    def landline(m: re.Match[str]) -> str:
        area, number = m.groups()
        half = len(number) // 2
        return (
            f"（0{area}）{number}",
            f"0{area}-{number[:half]} {number[half:]}",
            f"+86 {area} {number}",
            full_width(m.group(0)),
        )[int(draw() * 4)]

    def id_number(m: re.Match[str]) -> str:
        n = m.group(0)
        return (
            f"{n[:6]} {n[6:14]} {n[14:]}",
            " ".join(n[i : i + 4] for i in range(0, 18, 4)),
            full_width(n),
        )[int(draw() * 3)]

    text = _ID.sub(id_number, text)
    return _LANDLINE.sub(landline, _MOBILE.sub(mobile, text))


def decision_text(row: Row, writer: Writer) -> Row:
    """A decision row with its ground or changed item written in the remarks, contact
    persons named there, and personal numbers respelled."""
    labels = writer.usual
    said = []
    ground = row.get("cancellation_ground")
    if ground and not row.get("_ground_unsaid"):
        said.append(f"注销原因：{labels['cancellation_ground'][str(ground)]}")
    item = row.get("change_field")
    if item:
        text = f"变更事项：{labels['change_field'][str(item)]}"
        if row.get("change_old"):
            text += f"；变更前：{row['change_old']}"
        if row.get("change_new"):
            text += f"；变更后：{row['change_new']}"
        said.append(text)
    if row.get("remarks"):
        said.append(str(row["remarks"]))
    if row.get("_contact") or writer.rng.random() < 0.01:
        said.append(f"联系人：{row['contact_person']}")
    out = dict(row)
    out["remarks"] = respelled("。".join(said), writer) if said else None
    if row.get("address"):
        out["address"] = respelled(str(row["address"]), writer)
    return out


def penalty_row(row: Row, writer: Writer) -> Row:
    out = {**row, "_text": penalty_text(row, writer)}
    if row.get("facts"):
        out["facts"] = respelled(str(row["facts"]), writer)
    return out


# Every label of a kind, longest first (a pattern takes the first alternative that matches).
KIND_PATTERN = "|".join(
    sorted(
        {label for labels in PENALTY_KINDS.values() for label in labels}, key=lambda t: (-len(t), t)
    )
)
AMOUNT = r"[^，；。]+"

WENZHOU = SourceSpec(
    name="wenzhou",
    title="温州市市场监督管理局 广告发布登记与行政处罚公示（示例数据，内容虚构）",
    area=Area(
        code="330300",
        authority="温州市市场监督管理局",
        level="prefecture",
        former_names=(("温州市工商行政管理局", date(2019, 1, 22)),),
        province2="33",
        short="浙",
        city="温州市",
        places=("温州", "瓯江", "鹿城", "龙湾", "瓯海", "乐清", "瑞安", "永嘉", "雁荡", "楠溪"),
        districts=(
            ("330302", "鹿城区"),
            ("330303", "龙湾区"),
            ("330304", "瓯海区"),
            ("330381", "瑞安市"),
            ("330382", "乐清市"),
        ),
        roads=("人民路", "车站大道", "学院路", "飞霞路", "府东路", "瓯江路", "锦绣路"),
        phone_area="0577",
        number="温{org}广{infix}〔{year}〕{seq}号",  # not in its exports: they give none
        penalty_number="温{org}罚字〔{year}〕{seq}号",
        reg_prefix="温广登",
        kind_weights=(0.2, 0.2, 0.35, 0.25),
    ),
    share=0.04,
    decisions=FileSpec(
        path="登记公示.csv",
        kind="decisions",
        format="csv",
        encoding="gb18030",
        declared_encoding="detect",
        title_lines=("温州市市场监督管理局广告发布登记公示", "（示例数据，内容虚构）"),
        columns=(
            ("登记证号", "registration_number"),
            ("事项", "kind"),
            ("单位名称", "publisher_name"),
            ("单位类别", "publisher_kind"),
            ("统一社会信用代码", "credit_code"),
            ("法定代表人", "legal_representative"),
            ("住所", "address"),
            ("主办单位", "sponsor_name"),
            ("主办单位代码", "sponsor_credit_code"),
            ("发布媒介", "medium_name"),
            ("媒介类型", "medium_type"),
            ("频率", "frequency"),
            ("频道", "channel"),
            ("CN", "cn_number"),
            ("ISSN", "issn"),
            ("许可证号", "licence_number"),
            ("有效期起", "licence_valid_from"),
            ("有效期止", "licence_valid_to"),
            ("申请日期", "application_date"),
            ("受理日期", "acceptance_date"),
            ("决定日期", "decision_date"),
            ("公示日期", "publication_date"),
            ("备注", "remarks"),
        ),
        date_styles=("cn",) * 3 + ("iso",),
        labels=label_tables(
            [
                ("准予登记",),
                ("准予变更",),
                ("准予延续",),
                ("注销",),
                ("撤回",),
                ("撤销",),
                ("吊销",),
                ("不予登记",),
            ],
            [("广播电台",), ("电视台",), ("报社",), ("期刊社",)],
            [("广播频率",), ("电视频道",), ("报纸",), ("期刊",)],
            {
                "legal_representative": ("法定代表人",),
                "address": ("住所",),
                "publisher_name": ("单位名称",),
                "medium_name": ("媒介名称",),
                "licence_number": ("许可证号",),
                "frequency": ("频率",),
                "channel": ("频道",),
            },
            GROUND_TEXT,
        ),
        media_joined="；",
        compose=decision_text,
        identity=("registration_number", "kind", "decision_date"),
        extract=(
            {"column": "备注", "pattern": "注销原因[:：](?P<cancellation_ground>[^；;。]+)"},
            {
                "column": "备注",
                "pattern": (
                    "变更事项[:：](?P<change_field>[^；;。]+)"
                    "(?:[；;]变更前[:：](?P<change_old>[^；;。]+))?"
                    "(?:[；;]变更后[:：](?P<change_new>[^；;。]+))?"
                ),
            },
        ),
        separators={
            "medium_name": ["；", "、"],
            **{f: ["；"] for f in ("medium_type", "frequency", "channel", "cn_number", "issn")},
            "licence_number": ["；"],
        },
    ),
    penalties=FileSpec(
        path="xzcf.json",
        kind="penalties",
        format="json",
        records="result.records",
        columns=(
            ("cfjdswh", "decision_number"),
            ("xdrmc", "party_name"),
            ("tyshxydm", "party_credit_code"),
            ("wfxwlx", "violation"),
            ("cfyj", "legal_basis"),
            ("cfnr", "_text"),
            ("cfjdrq", "decision_date"),
            ("gsrq", "publication_date"),
            ("wfss", "facts"),
        ),
        date_styles=("iso",) * 3 + ("int",),
        labels={
            "violation": {
                "unreported_statistics": ("未按规定报送广告业统计报表",),
                "unregistered_change": ("未按规定办理变更登记",),
                "registration_fraud": ("以欺骗手段取得广告发布登记",),
                "illegal_advertising": ("发布虚假广告",),
                "other": ("其他",),
            },
            "penalty_kinds": {k: v[:1] for k, v in PENALTY_KINDS.items()},
        },
        compose=penalty_row,
        extract=(
            {"column": "cfnr", "pattern": f"(?P<penalty_kinds>{KIND_PATTERN})"},
            {"column": "cfnr", "pattern": f"罚款(?P<fine_amount>{AMOUNT})"},
            {"column": "cfnr", "pattern": f"没收广告费用(?P<confiscation_amount>{AMOUNT})"},
        ),
    ),
    penalty_codes=("330300",),
    forced=(
        {"kind": "tv", "media": 3, "licence_end": B, "changes": 2},
        {"kind": "newspaper", "media": 2, "changes": 1, "phone_remarks": True},
        {
            "kind": "radio",
            "media": 2,
            "end": "cancellation",
            "ground": "ceased_publishing",
            "contact_remarks": True,
        },
        {
            "kind": "periodical",
            "end": "cancellation",
            "ground": "conditions_not_met",
            "ground_unsaid": True,
        },
        {"kind": "newspaper", "penalties": ("warning_fine",), "id_remarks": True},
        {"kind": "tv", "penalties": ("suspension",), "phone_address": True},
        {"kind": "periodical", "penalties": ("fine",), "bad_amount": True},
        {"kind": "newspaper", "end": "annulment"},
        {"kind": "radio", "refusal": True},
        {"kind": "tv", "end": "revocation", "phone_facts": True},
    ),
)
