"""Typed records of the normalised decision log.

Every record the publisher emits is one of these msgspec Structs. They share
one base that rejects unknown fields, so a record read back from JSON cannot
silently grow or lose a field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import msgspec

# The originals of every record whose text needed no cleaning: one object, never changed
# in place (a merge replaces a record's originals; see publisher.ingest.merge).
NO_ORIGINAL = msgspec.Raw(b"{}")


class Base(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True, gc=False):
    """Shared base: unknown keys are errors, defaults are not written.

    ``gc=False``: records hold no reference cycles, so the cyclic garbage collector need
    not track millions of them (less memory, and no collector pauses while ingesting).

    msgspec does not inherit ``kw_only``: subclasses say ``kw_only=True`` again.
    """


AuthorityLevel = Literal["province", "prefecture", "county"]
PublisherKind = Literal["radio", "tv", "newspaper", "periodical"]
MediumType = Literal["radio_frequency", "tv_channel", "newspaper", "periodical"]
DecisionKind = Literal[
    "grant", "change", "renewal", "cancellation", "withdrawal", "annulment", "revocation"
]
# A refusal (不予登记/不予变更/不予延续) is read so that it can be accounted for, never published.
DecisionKindOrRefusal = Literal[
    "grant", "change", "renewal", "cancellation", "withdrawal", "annulment", "revocation", "refusal"
]
# The six grounds of Article 9, in the article's order.
CancellationGround = Literal[
    "expired_not_renewed",  # (一) 有效期届满且未申请延续
    "legal_person_terminated",  # (二) 法人资格依法终止
    "withdrawn_annulled_or_revoked",  # (三) 依法被撤回、撤销或者吊销
    "conditions_not_met",  # (四) 不具备第四条规定的条件
    "ceased_publishing",  # (五) 停止从事广告发布
    "other",  # (六) 依法应当注销的其他情形
]
# Every kind of penalty the Advertising Law (2015), the regulation and the Administrative
# Penalty Law (2021, art. 9) provide; each with its article in publisher.vocabulary.
PenaltyKind = Literal[
    "warning",  # 警告
    "public_reprimand",  # 通报批评
    "fine",  # 罚款
    "confiscation",  # 没收, what is not said
    "confiscation_of_ad_fees",  # 没收广告费用
    "confiscation_of_illegal_gains",  # 没收违法所得
    "confiscation_of_illegal_property",  # 没收非法财物
    "suspension_of_ad_publishing",  # 暂停广告发布业务
    "registration_revocation",  # 吊销广告发布登记 (Art. 14)
    "registration_annulment",  # 撤销广告发布登记 (Art. 15)
    "business_licence_revocation",  # 吊销营业执照
    "ad_approval_revocation",  # 撤销广告审查批准文件
    "ad_review_ban",  # 一年内不受理其广告审查申请
    "licence_suspension",  # 暂扣许可证件
    "qualification_downgrade",  # 降低资质等级
    "licence_revocation",  # 吊销许可证件
    "business_restriction",  # 限制开展生产经营活动
    "production_suspension",  # 责令停产停业
    "closure",  # 责令关闭
    "practice_restriction",  # 限制从业
    "detention",  # 行政拘留
    "other",  # 法律、行政法规规定的其他行政处罚
]
Violation = Literal[
    "unregistered_publishing",  # 广告法第六十条: 未办理广告发布登记擅自发布
    "registration_fraud",  # 第十五条: 以欺骗、贿赂等不正当手段取得登记
    "unregistered_change",  # 第十五条: 登记事项变化未办理变更登记
    "unreported_statistics",  # 第十五条: 未按规定报送《广告业统计报表》
    "illegal_advertising",  # 发布违法广告 (Advertising Law), e.g. a revocation
    "other",
]
Outcome = Literal["published", "merged", "withheld", "rejected", "excluded"]


class Provenance(Base, kw_only=True):
    """Where a value came from: source folder, file, sheet (XLSX) and 1-based row."""

    source: str
    file: str
    sheet: str | None = None
    row: int


class AuthorityName(Base, kw_only=True):
    """A name an authority used from ``valid_from`` to ``valid_to`` (None: still in use)."""

    name: str
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""


class Authority(Base, kw_only=True):
    """A registration authority (登记机关), identified by its GB/T 2260 code."""

    division_code: str
    name: str  # the name in use now
    level: AuthorityLevel
    division_name: str = ""
    names: list[AuthorityName] = []  # every name with its dates, oldest first

    def name_on(self, day: date) -> str:
        """The name the authority used on ``day``."""
        for n in self.names:
            if (n.valid_from is None or n.valid_from <= day) and (
                n.valid_to is None or day <= n.valid_to
            ):
                return n.name
        return self.name


class Publisher(Base, kw_only=True):
    """The registrant (广告发布单位) as a decision names it."""

    name: str
    kind: PublisherKind
    credit_code: str | None = None
    legal_representative: str | None = None
    address: str | None = None
    sponsor_name: str | None = None
    sponsor_credit_code: str | None = None


class Medium(Base, kw_only=True):
    """A radio frequency, TV channel, newspaper or periodical covered by a registration."""

    name: str
    type: MediumType
    frequency: str | None = None
    channel: str | None = None
    cn_number: str | None = None
    issn: str | None = None
    licence_number: str | None = None
    licence_valid_from: date | None = None
    licence_valid_to: date | None = None


class Change(Base, kw_only=True):
    """One changed registration item of a change decision (准予变更)."""

    field: str
    old: str | None = None
    new: str | None = None
    changed_on: date | None = None


class Decision(Base, kw_only=True):
    """One published registration decision, possibly merged from several exports."""

    id: str
    # As the source wrote it (cleaned); None when the export gives none (see ``identity``).
    decision_number: str | None = None
    authority_code: str
    kind: DecisionKind
    publisher: Publisher
    registration_number: str | None = None
    application_date: date | None = None
    acceptance_date: date | None = None
    decision_date: date
    publication_date: date | None = None
    notice_number: str | None = None  # the number of the notice that published it, if given
    media: list[Medium] = []
    changes: list[Change] = []
    cancellation_ground: CancellationGround | None = None
    legal_basis: str | None = None
    remarks: str | None = None
    withheld_fields: list[str] = []
    original: msgspec.Raw = NO_ORIGINAL  # see originals()
    provenance: list[Provenance] = []


class Penalty(Base, kw_only=True):
    """An administrative penalty (行政处罚) on a publisher."""

    id: str
    decision_number: str
    authority_code: str
    party_name: str
    kinds: list[PenaltyKind]
    decision_date: date
    party_credit_code: str | None = None
    violation: Violation | None = None
    legal_basis: str | None = None
    fine_amount: Decimal | None = None
    confiscation_amount: Decimal | None = None
    publication_date: date | None = None
    facts: str | None = None
    withheld_fields: list[str] = []
    original: msgspec.Raw = NO_ORIGINAL  # see originals()
    provenance: list[Provenance] = []


def originals(record: Decision | Penalty) -> dict[str, str]:
    """The source's text of each field whose value was cleaned, by field name."""
    return _decode_original(record.original)


def merged_originals(old: msgspec.Raw, new: msgspec.Raw) -> msgspec.Raw:
    """``old``'s originals with those of ``new``'s fields that ``old`` lacks."""
    if new is NO_ORIGINAL:
        return old
    first = _decode_original(old)
    extra = {k: t for k, t in _decode_original(new).items() if k not in first}
    return raw_originals({**first, **extra}) if extra else old


def raw_originals(texts: dict[str, str]) -> msgspec.Raw:
    """A record's originals as held: one JSON object (a dict per record would take
    about twice the memory at a million decisions), or the shared empty one."""
    return msgspec.Raw(_encode_original(texts)) if texts else NO_ORIGINAL


_encode_original = msgspec.json.Encoder().encode
_decode_original = msgspec.json.Decoder(dict[str, str]).decode


class RowOutcome(Base, kw_only=True):
    """What became of one input row. Carries no source values, so no personal data."""

    source: str
    file: str
    row: int
    outcome: Outcome
    sheet: str | None = None
    reason: str | None = None
    field: str | None = None
    detail: str | None = None
    record_id: str | None = None


class WithheldValue(Base, kw_only=True):
    """A value removed from a published record because it carried personal data."""

    source: str
    file: str
    row: int
    field: str
    reason: str
    sheet: str | None = None
    record_id: str | None = None
