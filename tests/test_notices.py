"""Notices (公告) an authority would sign: complete Art. 16 text, no invented number."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from publisher.derive.notices import build_notices, validity_text, zh_date
from publisher.model import Authority, AuthorityName, Change, Decision, Medium, Publisher

HEFEI = Authority(
    division_code="340100",
    name="合肥市市场监督管理局",
    level="prefecture",
    names=[
        AuthorityName(name="合肥市工商行政管理局", valid_to=date(2019, 1, 20)),
        AuthorityName(name="合肥市市场监督管理局", valid_from=date(2019, 1, 21)),
    ],
)
PAPER = Publisher(
    name="合肥晚报社",
    kind="newspaper",
    legal_representative="张三",
    address="合肥市蜀山区长江西路1号",
    sponsor_name="合肥报业传媒集团",
    sponsor_credit_code="12340100MB0000001X",
)
NEWS = Medium(
    name="合肥晚报",
    type="newspaper",
    cn_number="34-0005",
    licence_number="皖报字第005号",
    licence_valid_from=date(2016, 1, 1),
    licence_valid_to=date(2020, 12, 31),
)


def decision(id: str, kind: str, on: date, **kw: object) -> Decision:
    return Decision(
        id=id,
        decision_number=f"合广{kind[0]}字〔{on.year}〕{id}号",
        authority_code="340100",
        kind=kind,  # type: ignore[arg-type]
        publisher=PAPER,
        decision_date=on,
        registration_number="合广登340100005",
        **kw,  # type: ignore[arg-type]
    )


def notices(*decisions: Decision):
    return list(build_notices(decisions, {"340100": HEFEI}, {}))


def test_a_compiled_notice_has_no_number_and_says_it_is_adregs() -> None:
    (n,) = notices(decision("1", "grant", date(2017, 1, 5), media=[NEWS]))
    assert n.notice_number is None and n.compiled
    assert n.id.startswith("adreg-")
    assert n.publication_date_imputed  # no publication date in the source
    assert "adreg汇编" in n.title
    assert "没有公告编号" in n.body and "决定日期" in n.body
    assert not re.search(r"公告〔\d{4}〕", n.body + n.title)  # no official-looking number


def test_a_source_notice_number_is_kept() -> None:
    d = decision("1", "grant", date(2017, 1, 5), media=[NEWS], publication_date=date(2017, 1, 9))
    d.notice_number = "合市监广告公告〔2017〕第1号"
    (n,) = notices(d)
    assert (n.notice_number, n.compiled, n.publication_date_imputed) == (
        "合市监广告公告〔2017〕第1号",
        False,
        False,
    )
    assert n.notice_number in n.title and "adreg汇编" not in n.body


def test_a_grant_states_every_fact_of_article_16() -> None:
    (n,) = notices(decision("1", "grant", date(2017, 1, 5), media=[NEWS]))
    for fact in (
        "准予广告发布登记",
        "决定书文号：合广g字〔2017〕1号",
        "决定日期：2017年1月5日",
        "登记证号：合广登340100005",
        "广告发布单位：合肥晚报社",
        "主办单位：合肥报业传媒集团（统一社会信用代码：12340100MB0000001X）",
        "法定代表人：张三",
        "住所：合肥市蜀山区长江西路1号",
        "合肥晚报（报纸，CN 34-0005，许可证号：皖报字第005号）",
        # Valid from the grant, never from the licence's earlier start.
        "有效期：2017年1月5日至2020年12月31日",
        "登记机关：合肥市工商行政管理局",  # the name in use on that date
    ):
        assert fact in n.body, fact
    assert n.authority_name == "合肥市工商行政管理局"


def test_changes_grounds_and_bases_are_stated_in_chinese() -> None:
    change = decision(
        "2",
        "change",
        date(2019, 3, 4),
        changes=[Change(field="legal_representative", old="张三", new="李四")],
    )
    cancel = decision(
        "3", "cancellation", date(2020, 5, 6), cancellation_ground="ceased_publishing"
    )
    revoke = decision(
        "4", "revocation", date(2020, 6, 1), legal_basis="《中华人民共和国广告法》第五十五条"
    )
    withdraw = decision("5", "withdrawal", date(2020, 7, 1))
    texts = {n.publication_date: n for n in notices(change, cancel, revoke, withdraw)}
    assert "变更事项：法定代表人由张三变更为李四" in texts[date(2019, 3, 4)].body
    assert texts[date(2019, 3, 4)].authority_name == "合肥市市场监督管理局"
    body = texts[date(2020, 5, 6)].body
    assert (
        "注销情形：广告发布单位停止从事广告发布（《广告发布登记管理规定》第九条第（五）项）" in body
    )
    assert "法律依据：《中华人民共和国广告法》第五十五条" in texts[date(2020, 6, 1)].body
    assert "撤回广告发布登记" in texts[date(2020, 7, 1)].body
    assert "第九条第（三）项" in texts[date(2020, 7, 1)].body
    for n in texts.values():
        assert not re.search(r"\d{4}-\d{2}-\d{2}", n.body)  # dates in Chinese


def test_validity_never_before_the_grant() -> None:
    d = decision("1", "grant", date(2017, 1, 5), media=[NEWS])
    assert validity_text(d) == f"有效期：{zh_date(date(2017, 1, 5))}至2020年12月31日"


def test_published_notices_are_compiled_or_sourced(sample_release: Path) -> None:
    path = sample_release / "current" / "datapackages" / "adreg-samples" / "notices.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for r in rows:
        assert r["id"].startswith("adreg-")
        assert (r["compiled"] == "true") == (r["notice_number"] == "")
        if r["compiled"] == "true":
            assert "adreg汇编" in r["title"] and "没有公告编号" in r["body"]
        if r["publication_date_imputed"] == "true":
            assert "为决定日期" in r["body"]
