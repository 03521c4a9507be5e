"""Sample generator, part 3: a new publisher, its media and licences, and its random plan."""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import names as nm
from .model import (
    BROADCAST_END,
    GROUNDS,
    KINDS,
    Area,
    Context,
    Plan,
    Pub,
    Row,
    add_years,
)

# -- the publisher -------------------------------------------------------------------------


def random_plan(rng: random.Random, area: Area, boost: float = 1.0) -> Plan:
    """A random plan; ``boost`` multiplies the share of penalties (for small demo samples)."""
    r = rng.random
    kind = rng.choices(KINDS, area.kind_weights)[0]
    p = Plan(kind=kind)
    if kind in ("radio", "tv"):
        p.media = rng.choices((1, 2, 3), (0.3, 0.4, 0.3))[0]
    elif kind == "newspaper":
        p.media = 1 if r() < 0.65 else 2
    else:
        p.media = 1 if r() < 0.75 else 2
    p.refusal = r() < 0.02
    p.late_grant = r() < 0.15
    p.sponsor = kind in ("newspaper", "periodical") and r() < 0.15
    p.changes = rng.choices((0, 1, 2, 3), (0.25, 0.35, 0.25, 0.15))[0]
    p.renewal = rng.choices(("on_time", "deemed", "late", "none"), (0.75, 0.07, 0.05, 0.13))[0]
    x = r()
    if x < 0.1:
        p.end = "cancellation"
        p.ground = rng.choices([g for g, _ in GROUNDS], [w for _, w in GROUNDS])[0]
    elif x < 0.102:
        p.end = "withdrawal"
    elif x < 0.106:
        p.end = "annulment"
    elif x < 0.110:
        p.end = "revocation"
        p.cross = r() < 0.5
    penalties = []
    for _ in range(2):  # a second penalty, years later, is rarer
        x = r() / boost
        for name, share in (
            ("warning", 0.03),
            ("warning_fine", 0.008),
            ("fine", 0.01),
            ("confiscation", 0.012),
            ("reprimand", 0.004),
        ):
            if x < share:
                penalties.append(name)
                break
            x -= share
        if not penalties or r() < 0.7:
            break
    p.penalties = tuple(penalties)
    p.bad_code = r() < 0.025
    p.phone_address = r() < 0.005
    p.phone_facts = r() < 0.03
    return p


def address(rng: random.Random, area: Area, district: str, phone: bool) -> str:
    text = f"{area.city}{district}{rng.choice(area.roads)}{rng.randint(1, 999)}号"
    if rng.random() < 0.2:
        text += f"{nm.trade_name(rng)}大厦{rng.randint(2, 30)}层"
    if phone:
        text += f"（电话：{nm.landline(rng, area.phone_area)}）"
    return text


def _medium(ctx: Context, area: Area, mkind: str, stem: str, i: int, used: set[str]) -> Row:
    rng = ctx.rng
    if mkind == "radio":
        theme = rng.choice([t for t in nm.RADIO_THEMES if stem + t not in used])
        return {
            "medium_name": stem + theme,
            "medium_type": "radio_frequency",
            "frequency": nm.fm(rng),
        }
    if mkind == "tv":
        theme = rng.choice([t for t in nm.TV_THEMES if stem + t not in used])
        return {
            "medium_name": stem + theme,
            "medium_type": "tv_channel",
            "channel": nm.channel_number(rng, i),
        }
    if mkind == "newspaper":
        title = rng.choice([t for t in nm.PAPER_TITLES if stem + t not in used])
        serial = ctx.serial("n" + area.province2, 1, 999)
        row: Row = {
            "medium_name": stem + title,
            "medium_type": "newspaper",
            "cn_number": nm.cn_number(area.province2, serial, rng),
            "licence_number": f"{area.short}报出证字第{serial:03d}号",
        }
        if rng.random() < 0.4:
            row["issn"] = nm.issn(rng)
        return row
    serial = ctx.serial("p" + area.province2, 1000, 5999)
    title = stem.strip("《》")
    if i:
        title += rng.choice(("（学术版）", "（少年版）", "（下半月刊）", "·英文版"))
    row = {
        "medium_name": title,
        "medium_type": "periodical",
        "cn_number": nm.cn_number(area.province2, serial, rng),
        "licence_number": f"{area.short}期出证字第{serial:04d}号",
    }
    if rng.random() < 0.9:
        row["issn"] = nm.issn(rng)
    return row


def licence_number(ctx: Context, area: Area, mtype: str) -> str:
    if mtype == "newspaper":
        return f"{area.short}报出证字第{ctx.serial('n' + area.province2, 1, 999):03d}号"
    if mtype == "periodical":
        return f"{area.short}期出证字第{ctx.serial('p' + area.province2, 1000, 5999):04d}号"
    return f"（{area.short}）字第{ctx.serial('b' + area.province2, 1, 99999):05d}号"


def make_publisher(ctx: Context, area: Area, plan: Plan) -> Pub:
    rng = ctx.rng
    kind = plan.kind
    place = rng.choice(area.places)
    trade = nm.trade_name(rng)
    district_code, district_name = rng.choice(area.districts)
    division = area.credit_division or district_code
    kind2 = "12"
    suffixes: tuple[str, ...]
    base: Row = {"publisher_kind": kind}
    if kind == "radio":
        stem, suffixes = place + trade, nm.RADIO_SUFFIX
    elif kind == "tv":
        stem, suffixes = place + trade, nm.TV_SUFFIX
    elif kind == "newspaper":
        stem, suffixes = place + trade, nm.NEWSPAPER_SUFFIX
        if not plan.sponsor and rng.random() < 0.25:
            suffixes, kind2 = nm.NEWSPAPER_COMPANY, "91"
    else:
        stem = f"《{trade}{rng.choice(nm.PERIODICAL_TOPICS)}》"
        suffixes = ("杂志社", "期刊社")
        if not plan.sponsor and rng.random() < 0.3:
            suffixes, kind2 = ("期刊社有限公司", "杂志社有限公司"), "91"
    if plan.sponsor:
        title = rng.choice(nm.PAPER_TITLES) if kind == "newspaper" else ""
        name = f"《{stem}{title}》编辑部" if kind == "newspaper" else f"{stem}编辑部"
        sponsor, sponsor_kind2 = rng.choice(nm.SPONSOR_KINDS)
        base["sponsor_name"] = sponsor.format(place=area.city if rng.random() < 0.5 else place)
        code = ctx.credit(sponsor_kind2, division)
        base["sponsor_credit_code"] = code
    else:
        name = stem + rng.choice(suffixes)
        code = ctx.credit(kind2, division)
        base["credit_code"] = code
    base["publisher_name"] = name
    base["legal_representative"] = nm.person(rng)
    base["address"] = address(rng, area, district_name, plan.phone_address)
    base["contact_person"] = nm.person(rng)
    base["contact_phone"] = (
        nm.mobile(rng) if rng.random() < 0.7 else nm.landline(rng, area.phone_area)
    )
    base["id_number"] = nm.id_number(rng, district_code)
    used: set[str] = set()
    media: list[Row] = []
    count = 1 if plan.sponsor else plan.media
    for i in range(count):
        radio_first = kind == "tv" and i == 0 and count > 1 and name.endswith("广播电视台")
        m = _medium(ctx, area, "radio" if radio_first else kind, stem, i, used)
        if i == 0 and kind in ("radio", "newspaper"):
            # 晚报社 publishes 晚报, 交通广播电台 broadcasts 交通广播; a sponsor's 编辑部 its title
            if plan.sponsor:
                m["medium_name"] = name[1:-4]
            elif name.endswith(("交通广播电台", "经济广播电台")):
                m["medium_name"] = name[:-2]
            elif name.endswith("报社"):
                m["medium_name"] = name[:-1]
        used.add(str(m["medium_name"]))
        media.append(m)
    if kind in ("radio", "tv"):
        licence = licence_number(ctx, area, "radio_frequency")
        for m in media:
            m["licence_number"] = licence
    return Pub(kind, stem, suffixes, base, media, code, (district_code, district_name))


def licence_period(rng: random.Random, pub: Pub, granted: date, forced: date | None) -> date:
    """Give every medium its licence period; returns the end of the period."""
    if forced is not None:
        years = 3 if pub.kind in ("radio", "tv") else 5
        start, end = add_years(forced, -years) + timedelta(days=1), forced
    else:
        if pub.kind in ("radio", "tv"):
            options = [
                (0.85, date(2016, 7, 1), BROADCAST_END),
                (0.08, date(2015, 1, 1), date(2017, 12, 31)),
                (0.07, date(2018, 1, 1), date(2020, 12, 31)),
            ]
            years = 3
        else:
            options = [
                (0.6, date(2014, 1, 1), date(2018, 12, 31)),
                (0.25, date(2017, 1, 1), date(2021, 12, 31)),
                (0.15, date(2016, 1, 1), date(2020, 12, 31)),
            ]
            years = 5
        fits = [o for o in options if o[2] > granted + timedelta(days=60) and o[1] <= granted]
        if fits:
            _, start, end = rng.choices(fits, [w for w, _, _ in fits])[0]
        else:
            start = date(granted.year, 1, 1)
            end = date(granted.year + years - 1, 12, 31)
    for m in pub.media:
        m["licence_valid_from"] = start
        m["licence_valid_to"] = end
    return end
