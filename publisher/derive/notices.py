"""Notices (公告): published decisions grouped the way authorities publish them (Art. 16).

A notice is one authority's publication of one or more decisions. Where the source gives
the notice's number, the decisions with that number form it; otherwise adreg groups the
decisions of one authority and one publication date and says so: ``compiled`` is true,
the notice has no number (adreg never makes one up), and its id ``adreg-…`` is plainly
adreg's. A publication date that no source gives is the decision date, flagged
``publication_date_imputed``.

Each decision is stated as real 广告发布登记公告 state it: authority, decision number and
date, registration number, registrant with credit code, the sponsor (主办单位) where it is
the registrant, legal representative, address, media with CN number, ISSN, frequency or
channel and licence number, validity (grants, renewals), each change as 由…变更为…, the
Art. 9 ground of a cancellation, the legal basis of a withdrawal, annulment or revocation;
dates in Chinese (2016年1月1日), articles cited in Chinese.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

import msgspec

from ..model import Authority, Decision, Medium
from ..vocabulary import REG, basis, zh


class Notice(msgspec.Struct, kw_only=True):
    id: str
    notice_number: str | None
    authority_code: str
    authority_name: str
    publication_date: date
    publication_date_imputed: bool
    compiled: bool
    title: str
    decision_ids: list[str]
    body: str


def zh_date(d: date) -> str:
    """``2016年1月1日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def notice_date(d: Decision) -> date:
    """A decision is published on its publication date, or else taken as of its decision date."""
    return d.publication_date or d.decision_date


def notice_id(authority_code: str, day: date, imputed: bool, number: str | None) -> str:
    """adreg's id of a notice: stable from release to release, never an official number."""
    key = f"{authority_code}|{day.isoformat()}|{int(imputed)}|{number or ''}"
    return "adreg-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def _medium_text(m: Medium) -> str:
    facts = [zh("medium_type", m.type)]
    if m.frequency:
        facts.append(f"频率：{m.frequency}")
    if m.channel:
        facts.append(f"频道：{m.channel}")
    if m.cn_number:
        facts.append(f"CN {m.cn_number}")
    if m.issn:
        facts.append(f"ISSN {m.issn}")
    if m.licence_number:
        facts.append(f"许可证号：{m.licence_number}")
    return f"{m.name}（{'，'.join(facts)}）"


def validity_text(d: Decision) -> str | None:
    """The validity a grant or renewal states: never from before the grant (Art. 7)."""
    ends = [m.licence_valid_to for m in d.media if m.licence_valid_to]
    if not ends:
        return None
    end = max(ends)
    starts = [m.licence_valid_from for m in d.media if m.licence_valid_to == end]
    start = max((s for s in starts if s), default=None)
    if d.kind == "grant":
        start = max(start, d.decision_date) if start else d.decision_date
    if start is None or start > end:
        return f"有效期至{zh_date(end)}"
    return f"有效期：{zh_date(start)}至{zh_date(end)}"


def decision_lines(d: Decision, authority_name: str) -> list[str]:
    """One decision as the lines of a notice item, in Chinese."""
    p = d.publisher
    lines = [f"{zh('decision_kind', d.kind)}（{basis('decision_kind', d.kind)}）"]
    lines.append(f"登记机关：{authority_name}")
    number = f"决定书文号：{d.decision_number}　" if d.decision_number else ""
    lines.append(f"{number}决定日期：{zh_date(d.decision_date)}")
    if d.registration_number:
        lines.append(f"登记证号：{d.registration_number}")
    code = f"（统一社会信用代码：{p.credit_code}）" if p.credit_code else ""
    lines.append(f"广告发布单位：{p.name}{code}")
    if p.sponsor_name or p.sponsor_credit_code:
        scode = f"（统一社会信用代码：{p.sponsor_credit_code}）" if p.sponsor_credit_code else ""
        lines.append(f"主办单位：{p.sponsor_name or ''}{scode}")
    if p.legal_representative:
        lines.append(f"法定代表人：{p.legal_representative}")
    if p.address:
        lines.append(f"住所：{p.address}")
    if d.media:
        lines.append("发布媒介：" + "；".join(_medium_text(m) for m in d.media))
    if d.kind in ("grant", "renewal") and (v := validity_text(d)):
        lines.append(v)
    for c in d.changes:
        old, new = c.old or "（无）", c.new or "（无）"
        lines.append(f"变更事项：{zh('change_field', c.field)}由{old}变更为{new}")
    if d.kind == "cancellation":
        ground = d.cancellation_ground
        if ground:
            lines.append(
                f"注销情形：{zh('cancellation_ground', ground)}（{basis('cancellation_ground', ground)}）"
            )
        else:
            lines.append("注销情形：来源数据未载明")
    if d.kind in ("withdrawal", "annulment", "revocation"):
        lines.append(f"法律依据：{d.legal_basis or basis('decision_kind', d.kind)}")
    return lines


def _authority_name(authorities: dict[str, Authority], code: str, day: date) -> str:
    a = authorities.get(code)
    return a.name_on(day) if a else code


def build_notices(
    decisions: Iterable[Decision], authorities: dict[str, Authority], of: dict[str, str]
) -> Iterator[Notice]:
    """Notices in date order, each made (its text too) as it is asked for; ``of`` gets
    decision id → notice id as they are made."""
    groups: dict[tuple[str, date, bool, str | None], list[Decision]] = defaultdict(list)
    for d in decisions:
        imputed = d.publication_date is None
        groups[(d.authority_code, notice_date(d), imputed, d.notice_number)].append(d)
    for (code, day, imputed, number), items in sorted(
        groups.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2], kv[0][3] or "")
    ):
        items.sort(key=lambda d: (d.decision_number or "", d.id))
        name = _authority_name(authorities, code, day)
        nid = notice_id(code, day, imputed, number)
        for d in items:
            of[d.id] = nid
        yield Notice(
            id=nid,
            notice_number=number,
            authority_code=code,
            authority_name=name,
            publication_date=day,
            publication_date_imputed=imputed,
            compiled=number is None,
            title=_title(name, day, number, imputed),
            decision_ids=[d.id for d in items],
            body=_body(items, name, day, number, imputed),
        )


def _title(name: str, day: date, number: str | None, imputed: bool) -> str:
    if number:
        return f"{name}广告发布登记公告（{number}）"
    when = f"{zh_date(day)}决定" if imputed else zh_date(day)
    return f"{name}广告发布登记公告（{when}，adreg汇编）"


def _body(items: list[Decision], name: str, day: date, number: str | None, imputed: bool) -> str:
    """The notice text. A compiled notice is not signed: it is adreg's, not the authority's."""
    when = zh_date(day)
    if number:
        lines = [f"{name}于{when}公布下列广告发布登记决定（{REG}第十六条）："]
    else:
        lines = [f"下列广告发布登记决定由{name}作出，依{REG}第十六条应当公布："]
    for i, d in enumerate(items, start=1):
        item = decision_lines(d, name)
        lines.append(f"{i}. " + item[0])
        lines.extend("   " + line for line in item[1:])
    notes = []
    if number is None:
        notes.append("本公告由adreg依据登记机关公开的决定汇编，不是登记机关的原公告，没有公告编号")
    if imputed:
        notes.append(f"来源数据未载明公布日期，{when}为决定日期")
    if notes:
        lines.append("注：" + "；".join(notes) + "。")
    return "\n".join(lines)
