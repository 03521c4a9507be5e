"""Atom feeds (RFC 4287) of the newest notices, overall and per authority.

Dates are the notices' publication dates at midnight China Standard Time; the feed's
``updated`` is its newest entry's (or, with no entry, the release's as-of date): never
the clock of the machine serving it.
"""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

from publisher.read import answers as a

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", ATOM)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def atom(
    *,
    title: str,
    feed_url: str,
    base_url: str,
    release: a.ReleaseRef,
    notices: list[a.Notice],
) -> bytes:
    """The feed's XML: one entry per notice, newest first; links to the notices' JSON."""
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "zh-CN"})
    _el(feed, "id", feed_url)
    _el(feed, "title", title)
    _el(
        feed,
        "subtitle",
        f"《广告发布登记管理规定》第十六条公告；数据版本 {release.version}，"
        f"截至 {release.as_of.isoformat()}",
    )
    newest = max((n.publication_date for n in notices), default=release.as_of)
    _el(feed, "updated", _stamp(newest))
    _el(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    author = _el(feed, "author")
    _el(author, "name", "adreg")
    _el(feed, "generator", "adreg", version=release.version)
    _el(feed, "rights", "ODC-PDDL-1.0")
    for n in notices:
        link = f"{base_url}{a.notice_url(n.id)}"
        entry = _el(feed, "entry")
        _el(entry, "id", link)
        _el(entry, "title", n.title)
        _el(entry, "updated", _stamp(n.publication_date))
        _el(entry, "published", _stamp(n.publication_date))
        _el(entry, "link", rel="alternate", href=link, type="application/json")
        who = _el(entry, "author")
        _el(who, "name", n.authority_name)
        labels = [f"{n.decision_count}项决定"]
        if n.compiled:
            labels.append("adreg汇编（来源未编号）")
        if n.publication_date_imputed:
            labels.append("发布日期按决定日期推定")
        _el(entry, "summary", "；".join(labels))
        _el(entry, "content", n.body, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
