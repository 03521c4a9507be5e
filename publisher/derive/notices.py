"""Notices (公告): published decisions grouped the way authorities publish them.

One notice = one authority, one publication date, one or more decisions. Its
id and number derive from the authority and the date, so they are stable from
release to release. The body holds what Article 16 requires the public to see.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

import msgspec

from ..model import Authority, Decision

KIND_ZH = {
    "grant": "准予广告发布登记",
    "change": "准予变更广告发布登记",
    "renewal": "准予延续广告发布登记",
    "cancellation": "注销广告发布登记",
    "revocation": "撤销广告发布登记",
    "withdrawal": "吊销广告发布登记",
}
GROUND_ZH = {
    "expired_not_renewed": "广告发布登记有效期届满且广告发布单位未申请延续（第九条第一项）",
    "legal_person_terminated": "广告发布单位法人资格依法终止（第九条第二项）",
    "registration_revoked": "广告发布登记依法被撤回、撤销或者吊销（第九条第三项）",
    "conditions_not_met": "广告发布单位不具备第四条规定的条件（第九条第四项）",
    "ceased_publishing": "广告发布单位停止从事广告发布（第九条第五项）",
    "other": "依法应当注销广告发布登记的其他情形（第九条第六项）",
}
FIELD_ZH = {
    "publisher_name": "单位名称",
    "legal_representative": "法定代表人",
    "address": "住所",
    "credit_code": "统一社会信用代码",
    "sponsor_name": "主办单位",
    "medium_name": "媒介名称",
    "medium_type": "媒介类型",
    "frequency": "频率",
    "channel": "频道",
    "cn_number": "CN号",
    "issn": "ISSN",
    "licence_number": "许可证号",
    "licence_valid_from": "许可证有效期起",
    "licence_valid_to": "许可证有效期至",
    "business_scope": "经营范围",
    "other": "其他事项",
}


class Notice(msgspec.Struct, kw_only=True):
    id: str
    notice_number: str
    authority_code: str
    publication_date: date
    title: str
    decision_ids: list[str]
    body: str


def notice_date(d: Decision) -> date:
    """A decision is published on its publication date, or else taken as of its decision date."""
    return d.publication_date or d.decision_date


def notice_id(authority_code: str, day: date) -> str:
    return "N" + hashlib.sha1(f"{authority_code}|{day.isoformat()}".encode()).hexdigest()[:16]


def _validity(d: Decision) -> str:
    ends = [m.licence_valid_to for m in d.media if m.licence_valid_to]
    starts = [m.licence_valid_from for m in d.media if m.licence_valid_from]
    if not ends:
        return ""
    start = min(starts).isoformat() if starts else d.decision_date.isoformat()
    return f"有效期：{start}至{max(ends).isoformat()}"


def decision_text(d: Decision) -> str:
    """One decision as a notice item, in Chinese."""
    p = d.publisher
    head = f"{d.decision_number}　{KIND_ZH[d.kind]}　{p.name}"
    parts = [head]
    if d.kind in ("grant", "renewal"):
        if p.legal_representative:
            parts.append(f"法定代表人：{p.legal_representative}")
        if p.address:
            parts.append(f"住所：{p.address}")
        if d.media:
            parts.append("发布媒介：" + "、".join(m.name for m in d.media))
        if d.registration_number:
            parts.append(f"登记证号：{d.registration_number}")
        if v := _validity(d):
            parts.append(v)
    elif d.kind == "change":
        for c in d.changes:
            parts.append(f"{FIELD_ZH.get(c.field, c.field)}：{c.old or '—'} → {c.new or '—'}")
    elif d.kind == "cancellation" and d.cancellation_ground:
        parts.append(f"注销情形：{GROUND_ZH[d.cancellation_ground]}")
    elif d.kind in ("revocation", "withdrawal") and d.legal_basis:
        parts.append(f"法律依据：{d.legal_basis}")
    return "；".join(parts) + "。"


def build_notices(
    decisions: Iterable[Decision], authorities: dict[str, Authority], of: dict[str, str]
) -> Iterator[Notice]:
    """Notices in date order, each made (its text too) as it is asked for; ``of`` gets
    decision id → notice id as they are made."""
    groups: dict[tuple[str, date], list[Decision]] = defaultdict(list)
    for d in decisions:
        groups[(d.authority_code, notice_date(d))].append(d)
    for (code, day), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        items.sort(key=lambda d: (d.decision_number, d.id))
        name = authorities[code].name if code in authorities else code
        nid = notice_id(code, day)
        body = "\n".join(f"{i}. {decision_text(d)}" for i, d in enumerate(items, start=1))
        for d in items:
            of[d.id] = nid
        yield Notice(
            id=nid,
            notice_number=f"{code}广登公告〔{day.year}〕{day.month:02d}{day.day:02d}号",
            authority_code=code,
            publication_date=day,
            title=f"{name}广告发布登记公告（{day.year}年{day.month}月{day.day}日）",
            decision_ids=[d.id for d in items],
            body=body,
        )
