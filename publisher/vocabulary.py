"""One vocabulary: every code the data uses, with its Chinese label and English name.

Each code list maps a code (as it stands in the data) to ``(中文, English)`` and, where
the law names it, the article it rests on. The model's ``Literal`` types list the same
codes (``tests/test_vocabulary.py`` holds them equal); the data package ships this table
as its ``vocabulary`` resource, the Excel copy and the notices show the Chinese, and the
read side, the API and the site label their answers with it.
"""

from __future__ import annotations

from typing import NamedTuple

REG = "《广告发布登记管理规定》"
ADLAW = "《中华人民共和国广告法》"
PENALTY_LAW = "《中华人民共和国行政处罚法》"


class Term(NamedTuple):
    zh: str
    en: str
    basis: str = ""  # the article a term rests on, cited in Chinese


VOCABULARY: dict[str, dict[str, Term]] = {
    "decision_kind": {
        "grant": Term("准予广告发布登记", "grant", f"{REG}第五条"),
        "change": Term("准予变更广告发布登记", "change", f"{REG}第八条"),
        "renewal": Term("准予延续广告发布登记", "renewal", f"{REG}第十条"),
        "cancellation": Term("注销广告发布登记", "cancellation", f"{REG}第九条"),
        "withdrawal": Term("撤回广告发布登记", "withdrawal", f"{REG}第九条第（三）项"),
        "annulment": Term("撤销广告发布登记", "annulment", f"{REG}第十五条第二款"),
        "revocation": Term("吊销广告发布登记", "revocation", f"{REG}第十四条"),
    },
    "status": {
        "valid": Term("有效", "valid", f"{REG}第七条"),
        "deemed_renewal": Term("视为准予延续", "deemed renewal", f"{REG}第十条"),
        "expired": Term("有效期届满未延续、未注销", "expired", f"{REG}第九条第（一）项"),
        "cancelled": Term("已注销", "cancelled", f"{REG}第九条"),
        "withdrawn": Term("已撤回", "withdrawn", f"{REG}第九条第（三）项"),
        "annulled": Term("已撤销", "annulled", f"{REG}第十五条第二款"),
        "revoked": Term("已吊销", "revoked", f"{REG}第十四条"),
    },
    # What the read side answers besides a status (see publisher.read.answers).
    "verdict": {
        "not_registered": Term("该日无有效登记", "not registered on that date"),
        "no_match": Term("本数据版本中无匹配记录", "no match in this release"),
        "before_regime": Term("登记制度施行前", "before the regime", f"{REG}第十七条"),
        "no_longer_required": Term(
            "广告发布登记制度已取消，无需登记",
            "registration no longer required",
            "《中华人民共和国广告法》（2021年4月29日修正）",
        ),
        "ambiguous": Term("匹配到多个登记，请选择", "ambiguous: several registrations match"),
    },
    "medium_type": {
        "radio_frequency": Term("广播频率", "radio frequency", f"{REG}第五条第（二）项"),
        "tv_channel": Term("电视频道", "TV channel", f"{REG}第五条第（二）项"),
        "newspaper": Term("报纸", "newspaper", f"{REG}第五条第（二）项"),
        "periodical": Term("期刊", "periodical", f"{REG}第五条第（二）项"),
    },
    "publisher_kind": {
        "radio": Term("广播电台", "radio station", f"{REG}第二条"),
        "tv": Term("电视台", "TV station", f"{REG}第二条"),
        "newspaper": Term("报纸出版单位", "newspaper publisher", f"{REG}第二条"),
        "periodical": Term("期刊出版单位", "periodical publisher", f"{REG}第二条"),
    },
    "authority_level": {
        "province": Term("省级", "province"),
        "prefecture": Term("地市级", "prefecture"),
        "county": Term("县级", "county"),
    },
    "cancellation_ground": {
        "expired_not_renewed": Term(
            "广告发布登记有效期届满且广告发布单位未申请延续",
            "validity expired and no renewal applied for",
            f"{REG}第九条第（一）项",
        ),
        "legal_person_terminated": Term(
            "广告发布单位法人资格依法终止",
            "legal-person status terminated",
            f"{REG}第九条第（二）项",
        ),
        "withdrawn_annulled_or_revoked": Term(
            "广告发布登记依法被撤回、撤销或者吊销",
            "registration withdrawn, annulled or revoked",
            f"{REG}第九条第（三）项",
        ),
        "conditions_not_met": Term(
            "广告发布单位由于情况发生变化不具备本规定第四条规定的条件",
            "no longer meets the conditions of Art. 4",
            f"{REG}第九条第（四）项",
        ),
        "ceased_publishing": Term(
            "广告发布单位停止从事广告发布",
            "stopped publishing advertisements",
            f"{REG}第九条第（五）项",
        ),
        "other": Term(
            "依法应当注销广告发布登记的其他情形",
            "other grounds provided by law",
            f"{REG}第九条第（六）项",
        ),
    },
    "penalty_kind": {
        "warning": Term("警告", "warning", f"{PENALTY_LAW}第九条第（一）项；{REG}第十五条第四款"),
        "public_reprimand": Term("通报批评", "public reprimand", f"{PENALTY_LAW}第九条第（一）项"),
        "fine": Term("罚款", "fine", f"{PENALTY_LAW}第九条第（二）项"),
        "confiscation": Term("没收", "confiscation", f"{PENALTY_LAW}第九条第（二）项"),
        "confiscation_of_ad_fees": Term(
            "没收广告费用",
            "confiscation of the advertising fees",
            f"{ADLAW}第五十五条、第五十七条、第五十八条",
        ),
        "confiscation_of_illegal_gains": Term(
            "没收违法所得",
            "confiscation of illegal gains",
            f"{PENALTY_LAW}第九条第（二）项；{ADLAW}第六十条",
        ),
        "confiscation_of_illegal_property": Term(
            "没收非法财物", "confiscation of illegal property", f"{PENALTY_LAW}第九条第（二）项"
        ),
        "suspension_of_ad_publishing": Term(
            "暂停广告发布业务",
            "suspension of the advertising-publication business",
            f"{ADLAW}第五十五条、第五十八条",
        ),
        "registration_revocation": Term(
            "吊销广告发布登记",
            "revocation of the advertising-publication registration",
            f"{ADLAW}第五十五条、第五十七条、第五十八条；{REG}第十四条",
        ),
        "registration_annulment": Term(
            "撤销广告发布登记",
            "annulment of a registration obtained by fraud or bribery",
            f"{REG}第十五条第二款",
        ),
        "business_licence_revocation": Term(
            "吊销营业执照",
            "revocation of the business licence",
            f"{ADLAW}第五十五条、第五十七条、第五十八条；{PENALTY_LAW}第九条第（三）项",
        ),
        "ad_approval_revocation": Term(
            "撤销广告审查批准文件",
            "revocation of the advertisement approval",
            f"{ADLAW}第五十五条、第五十七条、第五十八条",
        ),
        "ad_review_ban": Term(
            "一年内不受理其广告审查申请",
            "no advertisement review for one year",
            f"{ADLAW}第五十五条、第五十七条、第五十八条",
        ),
        "licence_suspension": Term(
            "暂扣许可证件", "suspension of a licence", f"{PENALTY_LAW}第九条第（三）项"
        ),
        "qualification_downgrade": Term(
            "降低资质等级", "downgrade of a qualification", f"{PENALTY_LAW}第九条第（三）项"
        ),
        "licence_revocation": Term(
            "吊销许可证件", "revocation of a licence", f"{PENALTY_LAW}第九条第（三）项"
        ),
        "business_restriction": Term(
            "限制开展生产经营活动",
            "restriction of business activities",
            f"{PENALTY_LAW}第九条第（四）项",
        ),
        "production_suspension": Term(
            "责令停产停业",
            "order to suspend production or business",
            f"{PENALTY_LAW}第九条第（四）项",
        ),
        "closure": Term("责令关闭", "order to close", f"{PENALTY_LAW}第九条第（四）项"),
        "practice_restriction": Term(
            "限制从业", "restriction from practice", f"{PENALTY_LAW}第九条第（四）项"
        ),
        "detention": Term("行政拘留", "administrative detention", f"{PENALTY_LAW}第九条第（五）项"),
        "other": Term(
            "法律、行政法规规定的其他行政处罚",
            "other penalty provided by law or administrative regulation",
            f"{PENALTY_LAW}第九条第（六）项",
        ),
    },
    "violation": {
        "unregistered_publishing": Term(
            "未办理广告发布登记擅自从事广告发布业务",
            "publishing without registration",
            f"{ADLAW}第六十条；{REG}第十五条第一款",
        ),
        "registration_fraud": Term(
            "以欺骗、贿赂等不正当手段取得广告发布登记",
            "registration obtained by fraud or bribery",
            f"{REG}第十五条第二款",
        ),
        "unregistered_change": Term(
            "登记事项发生变化未按规定办理变更登记",
            "change not registered",
            f"{REG}第十五条第三款",
        ),
        "unreported_statistics": Term(
            "未按规定报送《广告业统计报表》",
            "advertising statistics not reported",
            f"{REG}第十五条第四款",
        ),
        "illegal_advertising": Term("发布违法广告", "illegal advertising", ADLAW),
        "other": Term("其他违法行为", "other"),
    },
    "change_field": {
        "publisher_name": Term("单位名称", "publisher name"),
        "legal_representative": Term("法定代表人", "legal representative"),
        "address": Term("住所", "address"),
        "credit_code": Term("统一社会信用代码", "credit code"),
        "sponsor_name": Term("主办单位", "sponsor"),
        "medium_name": Term("媒介名称", "medium name"),
        "medium_type": Term("媒介类型", "medium type"),
        "frequency": Term("频率", "frequency"),
        "channel": Term("频道", "channel"),
        "cn_number": Term("国内统一连续出版物号", "CN number"),
        "issn": Term("国际标准连续出版物号", "ISSN"),
        "licence_number": Term("许可证号", "licence number"),
        "licence_valid_from": Term("许可证有效期起", "licence valid from"),
        "licence_valid_to": Term("许可证有效期至", "licence valid to"),
        "business_scope": Term("经营范围", "business scope"),
        "other": Term("其他事项", "other"),
    },
    "outcome": {
        "published": Term("公布", "published"),
        "merged": Term("合并", "merged into another row"),
        "withheld": Term("不予公布", "withheld"),
        "rejected": Term("拒收", "rejected"),
        "excluded": Term("本版本不含", "not in this release"),
    },
}


def zh(code_list: str, code: str | None) -> str:
    """The Chinese label of ``code`` (the code itself when the list does not know it)."""
    if code is None:
        return ""
    term = VOCABULARY[code_list].get(code)
    return term.zh if term else code


def split_codes(code_list: str, joined: str | None) -> tuple[list[str], list[str]]:
    """The codes of a ``;``-joined cell (penalties' ``kinds``) and their Chinese labels."""
    codes = [c for c in (joined or "").split(";") if c]
    return codes, [zh(code_list, c) for c in codes]


def basis(code_list: str, code: str) -> str:
    term = VOCABULARY[code_list].get(code)
    return term.basis if term else ""


def rows() -> list[tuple[str, str, str, str, str]]:
    """The table shipped in the package: (code list, code, 中文, English, basis)."""
    return [
        (name, code, t.zh, t.en, t.basis)
        for name, terms in VOCABULARY.items()
        for code, t in terms.items()
    ]
