"""The published tables: one flat msgspec Struct per data-package resource.

This module is the single source of truth for field definitions. Each field's
type, constraints (enums, patterns), Chinese title and English description live
here, in ``Meta``; the data package's Table Schemas are generated from these
Structs (see :mod:`publisher.release.package`), so the code and the package cannot drift.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ..model import (
    AuthorityLevel,
    Base,
    CancellationGround,
    DecisionKind,
    MediumType,
    PublisherKind,
    Violation,
)

Status = Literal[
    "valid", "deemed_renewal", "expired", "cancelled", "withdrawn", "annulled", "revoked"
]

CREDIT_CODE = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
DIVISION = r"^[0-9]{6}$"
CN_NUMBER = r"^[0-9]{2}-[0-9]{4}$"
ISSN = r"^[0-9]{4}-[0-9]{3}[0-9X]$"


def f(title: str, description: str, codes: str | None = None, **kw: object) -> Meta:
    """Field metadata: Chinese title, English description, constraints, and the code list
    of the vocabulary its values come from (their Chinese labels)."""
    extra = {"codes": codes} if codes else None
    return Meta(title=title, description=description, extra=extra, **kw)  # type: ignore[call-overload]


Id = Annotated[str, f("标识", "Stable identifier derived from source values")]
DivisionCode = Annotated[
    str, f("登记机关代码", "GB/T 2260 division code of the authority", pattern=DIVISION)
]
CreditCode = Annotated[
    str, f("统一社会信用代码", "Unified social credit code (GB 32100)", pattern=CREDIT_CODE)
]
CnNumber = Annotated[str, Meta(pattern=CN_NUMBER)]
Issn = Annotated[str, Meta(pattern=ISSN)]
Amount = Annotated[float, Meta(ge=0)]


class Row(Base, kw_only=True):
    """Base of all table rows. ``__primary_key__`` and ``__foreign_keys__`` describe keys."""


class AuthorityRow(Row, kw_only=True):
    """Registration authorities (登记机关), county level or above."""

    division_code: DivisionCode
    name: Annotated[str, f("登记机关", "Name of the registration authority, as now")]
    level: Annotated[AuthorityLevel, f("层级", "Administrative level", "authority_level")]
    division_name: Annotated[str | None, f("行政区划", "Name of the division (GB/T 2260)")] = None


class AuthorityNameRow(Row, kw_only=True):
    """Names of each authority over time (e.g. 工商行政管理局 → 市场监督管理局, 2018 reform)."""

    division_code: DivisionCode
    name: Annotated[str, f("登记机关名称", "Name in use during the period")]
    valid_from: Annotated[date | None, f("起始日期", "First day; empty: from before the data")] = (
        None
    )
    valid_to: Annotated[date | None, f("截止日期", "Last day; empty: still in use")] = None
    source: Annotated[str | None, f("依据", "Where the renaming is documented")] = None


class PublisherRow(Row, kw_only=True):
    """Publishers (广告发布单位): radio and TV stations, newspaper and periodical publishers, as last named."""

    id: Annotated[str, f("广告发布单位标识", "Registrant's credit code (or its sponsor's)")]
    name: Annotated[str, f("广告发布单位名称", "Publisher name, latest known")]
    kind: Annotated[
        PublisherKind, f("单位类型", "radio, tv, newspaper or periodical", "publisher_kind")
    ]
    credit_code: Annotated[CreditCode | None, f("统一社会信用代码", "Publisher's credit code")] = (
        None
    )
    legal_representative: Annotated[
        str | None, f("法定代表人", "Legal representative (public in the credit system)")
    ] = None
    address: Annotated[str | None, f("住所", "Business address")] = None
    sponsor_name: Annotated[str | None, f("主办单位", "Sponsor (Art. 4) of print media")] = None
    sponsor_credit_code: Annotated[
        CreditCode | None, f("主办单位信用代码", "Sponsor's credit code")
    ] = None


class RegistrationRow(Row, kw_only=True):
    """Registrations: one per registrant and authority, from its grant to its terminal decision. Status on a date: status_periods; licence window in force: registration_details."""

    id: Id
    authority_code: DivisionCode
    publisher_id: Annotated[str, f("广告发布单位标识", "Publisher (registrant) id")]
    registration_number: Annotated[str | None, f("登记证号", "Registration number")] = None
    granted_on: Annotated[date | None, f("准予登记日期", "Date of the grant decision")] = None
    grant_decision_id: Annotated[str | None, f("准予登记决定", "Grant decision id")] = None
    ended_on: Annotated[
        date | None, f("终止日期", "Date of the terminal decision; empty: none on record")
    ] = None
    end_kind: Annotated[
        DecisionKind | None,
        f(
            "终止方式",
            "Kind of the terminal decision: cancellation, withdrawal, annulment or revocation",
            "decision_kind",
        ),
    ] = None
    end_decision_id: Annotated[str | None, f("终止决定", "Terminal decision id")] = None


class MediumRow(Row, kw_only=True):
    """Media (发布媒介) covered by a registration: frequencies, channels, newspapers, periodicals."""

    id: Id
    registration_id: Annotated[str, f("登记标识", "Registration covering this medium")]
    publisher_id: Annotated[str, f("广告发布单位标识", "Publisher id")]
    name: Annotated[str, f("媒介名称", "Medium name")]
    type: Annotated[
        MediumType, f("媒介类型", "Frequency, channel, newspaper or periodical", "medium_type")
    ]
    frequency: Annotated[str | None, f("频率", "Radio frequency")] = None
    channel: Annotated[str | None, f("频道", "TV channel")] = None
    cn_number: Annotated[CnNumber | None, f("国内统一连续出版物号", "CN number XX-XXXX")] = None
    issn: Annotated[Issn | None, f("国际标准连续出版物号", "ISSN")] = None
    licence_number: Annotated[str | None, f("许可证号", "Media licence number")] = None
    licence_valid_from: Annotated[date | None, f("许可证有效期起", "Licence validity start")] = None
    licence_valid_to: Annotated[date | None, f("许可证有效期至", "Licence validity end")] = None


class MediumNameRow(Row, kw_only=True):
    """Every name of each medium over time: current and former names, for lookups by a former name."""

    medium_id: Annotated[str, f("媒介标识", "Medium id")]
    valid_from: Annotated[date, f("起始日期", "First day of the name on the registration")]
    name: Annotated[str, f("媒介名称", "Name of the medium during the period")]
    valid_to: Annotated[date | None, f("截止日期", "Last day; empty: the current name")] = None


class StatusPeriodRow(Row, kw_only=True):
    """Status of each registration over time, derived from the decision log: one row per run of days, up to the release's horizon (the regime end or the as-of date, whichever is earlier)."""

    registration_id: Annotated[str, f("登记标识", "Registration id")]
    status: Annotated[Status, f("状态", "Status during the period", "status")]
    valid_from: Annotated[date, f("起始日期", "First day of the period")]
    valid_to: Annotated[date, f("截止日期", "Last day of the period (at most the horizon)")]
    decision_id: Annotated[
        str | None,
        f(
            "依据决定",
            "Decision that began the period; for a deemed renewal the renewal whose timely "
            "application is its basis (Art. 10); empty for an expiry",
        ),
    ] = None


class DetailPeriodRow(Row, kw_only=True):
    """Registration details (name, representative, address, media) over time, as changes took effect."""

    registration_id: Annotated[str, f("登记标识", "Registration id")]
    valid_from: Annotated[date, f("起始日期", "First day these details applied")]
    decision_id: Annotated[str, f("依据决定", "Decision that set these details")]
    publisher_name: Annotated[str, f("广告发布单位名称", "Publisher name during the period")]
    valid_to: Annotated[date | None, f("截止日期", "Last day; empty: still current")] = None
    credit_code: Annotated[CreditCode | None, f("统一社会信用代码", "Credit code")] = None
    legal_representative: Annotated[str | None, f("法定代表人", "Legal representative")] = None
    address: Annotated[str | None, f("住所", "Business address")] = None
    sponsor_name: Annotated[str | None, f("主办单位", "Sponsor")] = None
    media_names: Annotated[str | None, f("发布媒介", "Media covered, joined by 、")] = None
    licence_valid_from: Annotated[
        date | None, f("许可证有效期起", "Start of the media licence in force (Art. 7)")
    ] = None
    licence_valid_to: Annotated[
        date | None, f("许可证有效期至", "End of the media licence in force: the validity end")
    ] = None


class DecisionRow(Row, kw_only=True):
    """Published registration decisions (grant, change, renewal, cancellation, annulment, revocation)."""

    id: Id
    decision_number: Annotated[
        str | None, f("决定书文号", "Decision number as published; empty: the source gives none")
    ] = None
    authority_code: DivisionCode
    kind: Annotated[
        DecisionKind, f("决定类型", "grant, change, renewal, cancellation, …", "decision_kind")
    ]
    publisher_id: Annotated[str, f("广告发布单位标识", "Publisher id")]
    publisher_name: Annotated[str, f("广告发布单位名称", "Publisher name on the decision")]
    decision_date: Annotated[date, f("决定日期", "Date of the decision")]
    registration_id: Annotated[str | None, f("登记标识", "Registration id")] = None
    credit_code: Annotated[CreditCode | None, f("统一社会信用代码", "Publisher's credit code")] = (
        None
    )
    legal_representative: Annotated[str | None, f("法定代表人", "Legal representative")] = None
    address: Annotated[str | None, f("住所", "Business address")] = None
    registration_number: Annotated[str | None, f("登记证号", "Registration number")] = None
    application_date: Annotated[date | None, f("申请日期", "Application date")] = None
    acceptance_date: Annotated[date | None, f("受理日期", "Acceptance date")] = None
    publication_date: Annotated[date | None, f("公布日期", "Publication date")] = None
    notice_number: Annotated[
        str | None, f("公告编号", "Number of the notice that published it, as the source gives it")
    ] = None
    media_names: Annotated[str | None, f("发布媒介", "Media covered, joined by 、")] = None
    cancellation_ground: Annotated[
        CancellationGround | None,
        f("注销情形", "Article 9 ground of a cancellation", "cancellation_ground"),
    ] = None
    legal_basis: Annotated[str | None, f("法律依据", "Legal basis")] = None
    remarks: Annotated[str | None, f("备注", "Remarks")] = None
    notice_id: Annotated[str | None, f("公告标识", "Notice that published it")] = None
    workdays_to_decision: Annotated[
        int | None, f("办理工作日", "Working days acceptance → decision (due ≤ 5)")
    ] = None
    decision_late: Annotated[bool | None, f("逾期决定", "Decided after 5 working days")] = None
    workdays_to_publication: Annotated[
        int | None, f("公布工作日", "Working days decision → publication")
    ] = None
    withheld_fields: Annotated[str | None, f("已屏蔽字段", "Fields withheld for personal data")] = (
        None
    )
    original: Annotated[str | None, f("原始值", "Original texts of normalised values (JSON)")] = (
        None
    )
    sources: Annotated[str, f("来源", "Provenance: source/file#row, joined by ; ")] = ""


class DecisionChangeRow(Row, kw_only=True):
    """Changed items of change decisions (准予变更), with old and new values."""

    decision_id: Annotated[str, f("决定标识", "Change decision id")]
    seq: Annotated[int, f("序号", "Order within the decision", ge=1)]
    field: Annotated[str, f("变更事项", "Changed item", "change_field")]
    old: Annotated[str | None, f("变更前", "Value before")] = None
    new: Annotated[str | None, f("变更后", "Value after")] = None
    changed_on: Annotated[date | None, f("变更日期", "Date the change happened")] = None


class NoticeRow(Row, kw_only=True):
    """Notices (公告): one authority, one publication date, one or more decisions (Art. 16). A notice whose number no source gives is compiled by adreg and says so."""

    id: Annotated[str, f("公告标识", "adreg's id for the notice (adreg-…), not an official number")]
    authority_code: DivisionCode
    authority_name: Annotated[str, f("登记机关", "Authority's name on the publication date")]
    publication_date: Annotated[date, f("公告日期", "Publication date")]
    publication_date_imputed: Annotated[
        bool, f("公告日期系推定", "True: no source gives it; the decision date is used")
    ]
    compiled: Annotated[
        bool, f("adreg汇编", "True: adreg grouped these decisions; no source gives the notice")
    ]
    title: Annotated[str, f("标题", "Notice title")]
    decision_count: Annotated[int, f("决定数", "Decisions in the notice", ge=1)]
    body: Annotated[str, f("公告正文", "Notice text (Art. 16), in Chinese")]
    notice_number: Annotated[
        str | None, f("公告编号", "Notice number as the source gives it; empty: none given")
    ] = None


class PenaltyRow(Row, kw_only=True):
    """Administrative penalties in publicity on the release's as-of date (SAMR Order No. 45)."""

    id: Id
    decision_number: Annotated[str, f("处罚决定书文号", "Penalty decision number")]
    authority_code: DivisionCode
    party_name: Annotated[str, f("当事人", "Party (organisation) name")]
    kinds: Annotated[
        str, f("处罚种类", "warning, public_reprimand, fine, … joined by ;", "penalty_kind")
    ]
    decision_date: Annotated[date, f("处罚决定日期", "Decision date")]
    party_credit_code: Annotated[CreditCode | None, f("统一社会信用代码", "Party credit code")] = (
        None
    )
    publisher_id: Annotated[str | None, f("广告发布单位标识", "Publisher id, if registered")] = None
    violation: Annotated[Violation | None, f("违法行为类型", "Violation", "violation")] = None
    legal_basis: Annotated[str | None, f("处罚依据", "Legal basis")] = None
    fine_amount: Annotated[Amount | None, f("罚款金额", "Fine in CNY")] = None
    confiscation_amount: Annotated[Amount | None, f("没收金额", "Confiscated in CNY")] = None
    publication_date: Annotated[date | None, f("公示日期", "Publication date")] = None
    facts: Annotated[str | None, f("违法事实", "Facts")] = None
    workdays_to_publication: Annotated[
        int | None, f("公示工作日", "Working days decision → publication (due ≤ 20)")
    ] = None
    publication_late: Annotated[bool | None, f("逾期公示", "Published after 20 working days")] = (
        None
    )
    publicity_end: Annotated[
        date | None, f("公示截止", "Last day of publicity; empty: the rule sets no end")
    ] = None
    publicity_rule: Annotated[
        str | None, f("公示规则", "Rule set that decides the publicity (see law.yml)")
    ] = None
    withheld_fields: Annotated[str | None, f("已屏蔽字段", "Fields withheld")] = None
    original: Annotated[str | None, f("原始值", "Original texts (JSON)")] = None
    sources: Annotated[str, f("来源", "Provenance")] = ""


class AnomalyRow(Row, kw_only=True):
    """Inconsistencies found in the decision log, reported rather than hidden."""

    code: Annotated[str, f("异常类型", "Anomaly code")]
    registration_id: Annotated[str | None, f("登记标识", "Registration id")] = None
    decision_id: Annotated[str | None, f("决定标识", "Decision id")] = None
    detail: Annotated[str | None, f("说明", "Detail")] = None


class LedgerRow(Row, kw_only=True):
    """Every input row accounted for: read, published, merged, withheld, rejected, per source file."""

    source: Annotated[str, f("数据来源", "Source folder")]
    file: Annotated[str, f("文件", "File within the source")]
    kind: Annotated[str, f("记录类型", "decisions or penalties")]
    read: Annotated[int, f("读取行数", "Rows read", ge=0)]
    published: Annotated[int, f("公布", "Rows published", ge=0)]
    merged: Annotated[int, f("合并", "Rows merged into another", ge=0)]
    withheld: Annotated[int, f("不予公布", "Rows withheld", ge=0)]
    rejected: Annotated[int, f("拒收", "Rows rejected", ge=0)]
    excluded: Annotated[
        int, f("本版本不含", "Rows read and valid but not in this release (as-of date)", ge=0)
    ]


class VocabularyRow(Row, kw_only=True):
    """Every code the data uses, with its Chinese label and English name: code list → code → 中文."""

    list: Annotated[str, f("代码表", "Code list (decision_kind, status, …)")]
    code: Annotated[str, f("代码", "Code as it stands in the data")]
    zh: Annotated[str, f("中文", "Chinese label")]
    en: Annotated[str, f("英文", "English name")]
    basis: Annotated[str | None, f("依据", "Article it rests on")] = None


class Resource(msgspec.Struct, frozen=True):
    name: str
    title: str
    row: type[Row]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (field, resource, field)


RESOURCES: tuple[Resource, ...] = (
    Resource("vocabulary", "代码表", VocabularyRow, ("list", "code")),
    Resource("authorities", "登记机关", AuthorityRow, ("division_code",)),
    Resource(
        "authority_names",
        "登记机关名称沿革",
        AuthorityNameRow,
        ("division_code", "name"),
        (("division_code", "authorities", "division_code"),),
    ),
    Resource("publishers", "广告发布单位", PublisherRow, ("id",)),
    Resource(
        "registrations",
        "广告发布登记",
        RegistrationRow,
        ("id",),
        (
            ("authority_code", "authorities", "division_code"),
            ("publisher_id", "publishers", "id"),
        ),
    ),
    Resource(
        "media",
        "发布媒介",
        MediumRow,
        ("id",),
        (("registration_id", "registrations", "id"), ("publisher_id", "publishers", "id")),
    ),
    Resource(
        "medium_names",
        "媒介名称沿革",
        MediumNameRow,
        ("medium_id", "valid_from"),
        (("medium_id", "media", "id"),),
    ),
    Resource(
        "notices",
        "公告",
        NoticeRow,
        ("id",),
        (("authority_code", "authorities", "division_code"),),
    ),
    Resource(
        "decisions",
        "登记决定",
        DecisionRow,
        ("id",),
        (
            ("authority_code", "authorities", "division_code"),
            ("registration_id", "registrations", "id"),
            ("publisher_id", "publishers", "id"),
            ("notice_id", "notices", "id"),
        ),
    ),
    Resource(
        "status_periods",
        "登记状态期间",
        StatusPeriodRow,
        ("registration_id", "valid_from"),
        (("registration_id", "registrations", "id"), ("decision_id", "decisions", "id")),
    ),
    Resource(
        "registration_details",
        "登记事项期间",
        DetailPeriodRow,
        ("registration_id", "valid_from"),
        (("registration_id", "registrations", "id"), ("decision_id", "decisions", "id")),
    ),
    Resource(
        "decision_changes",
        "变更事项",
        DecisionChangeRow,
        ("decision_id", "seq"),
        (("decision_id", "decisions", "id"),),
    ),
    Resource(
        "penalties",
        "行政处罚",
        PenaltyRow,
        ("id",),
        (
            ("authority_code", "authorities", "division_code"),
            ("publisher_id", "publishers", "id"),
        ),
    ),
    Resource("anomalies", "数据异常", AnomalyRow, ()),
    Resource("ledger", "处理台账", LedgerRow, ("source", "file")),
)
RESOURCE = {r.name: r for r in RESOURCES}
