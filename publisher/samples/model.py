"""Sample generator, part 2: the vocabulary of a publisher's life, and its calendar.

Types shared by the generator's parts: an :class:`Area` (what a source's
publishers have in common), a :class:`Plan` (what happens to one publisher), the
publisher's state (:class:`Pub`), a decision with its rows (:class:`Dec`) and the
run's :class:`Context` (random source and counters); and date helpers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import names as nm

Row = dict[str, object]

REGIME_START = date(2016, 12, 1)
FIRST_DAY = date(2016, 12, 5)
EARLY_END = date(2017, 3, 31)
LAST_DAY = date(2021, 9, 15)
REPRIMAND_FROM = date(2021, 7, 15)
BROADCAST_END = date(2019, 6, 30)
KINDS = ("radio", "tv", "newspaper", "periodical")
INFIX = {
    "grant": "登",
    "change": "变",
    "renewal": "延",
    "cancellation": "注",
    "annulment": "撤",
    "revocation": "吊",
    "refusal": "不",
}
_REG = "《广告发布登记管理规定》"
BASIS = {
    "grant": _REG + "第五条",
    "change": _REG + "第八条",
    "renewal": _REG + "第十条",
    "cancellation": _REG + "第九条",
    "annulment": "《中华人民共和国行政许可法》第六十九条、" + _REG + "第十五条",
    "revocation": "《中华人民共和国广告法》第五十五条、" + _REG + "第十四条",
    "refusal": _REG + "第四条、第五条",
}
REMARKS = {
    "grant": ("首次登记", "材料齐全，当场受理", "补正材料后受理"),
    "change": ("变更事项已核实", "换发登记信息"),
    "renewal": ("按期申请延续", "换发新证后延续"),
    "cancellation": ("已缴回登记材料", "申请人主动申请注销"),
    "annulment": ("依法撤销",),
    "revocation": ("依法吊销，已抄告登记机关",),
    "refusal": ("申请材料不齐全，经告知未补正", "未配备广告审查人员"),
}
GROUNDS = (
    ("expired_not_renewed", 0.25),
    ("legal_person_terminated", 0.2),
    ("conditions_not_met", 0.15),
    ("ceased_publishing", 0.3),
    ("other", 0.1),
)
PENALTY_BASIS = {
    "unreported_statistics": _REG + "第十五条第四款",
    "unregistered_change": _REG + "第十五条第三款",
    "registration_fraud": _REG + "第十五条第二款",
    "illegal_advertising": "《中华人民共和国广告法》第五十五条",
    "other": "《中华人民共和国广告法》第三十四条、" + _REG + "第十一条",
}
PRODUCTS = ("保健食品", "医疗服务", "理财产品", "教育培训", "房地产", "化妆品")


@dataclass(frozen=True)
class Area:
    """What a source's publishers have in common: the authority, its place names and styles."""

    code: str
    province2: str
    short: str
    city: str
    places: tuple[str, ...]
    districts: tuple[tuple[str, str], ...]
    roads: tuple[str, ...]
    phone_area: str
    number: str  # decision numbers: "合广{infix}字〔{year}〕{seq:03d}号"
    penalty_number: str  # penalty decision numbers: "…〔{year}〕{seq}号"
    reg_prefix: str
    kind_weights: tuple[float, float, float, float]
    credit_division: str = ""  # division in credit codes; "" → one of ``districts``


@dataclass
class Plan:
    """What happens to one publisher; random, or fixed by a scenario."""

    kind: str = "newspaper"
    media: int = 1
    refusal: bool = False
    late_grant: bool = False
    sponsor: bool = False
    licence_end: date | None = None
    changes: int = 0
    renewal: str = "on_time"  # on_time | deemed | late | none
    end: str = ""  # "" | cancellation | annulment | revocation
    ground: str = ""
    cross: bool = False  # revoked by the parent authority (Art. 14)
    penalties: tuple[str, ...] = ()  # warning, warning_fine, fine, confiscation, reprimand
    bad_code: bool = False
    phone_remarks: bool = False
    id_remarks: bool = False
    phone_address: bool = False
    phone_facts: bool = False
    reexport: bool = False


@dataclass
class Pub:
    """A publisher's current state: ``base`` and ``media`` hold the fields its rows carry."""

    kind: str
    stem: str
    suffixes: tuple[str, ...]
    base: Row
    media: list[Row]
    code: str
    district: tuple[str, str]


@dataclass
class Dec:
    """One decision: the deciding authority, its kind and its rows (one per medium or item)."""

    authority: str
    kind: str
    rows: list[Row]
    reexport: bool = False


@dataclass
class Context:
    """Shared state of one ``generate`` run: the random source and the counters."""

    rng: random.Random
    areas: dict[str, Area] = field(default_factory=dict)
    seq: dict[tuple[str, str, int], int] = field(default_factory=dict)
    orgs: set[str] = field(default_factory=set)
    serials: dict[str, int] = field(default_factory=dict)

    def next(self, key: tuple[str, str, int]) -> int:
        n = self.seq.get(key, 0) + 1
        self.seq[key] = n
        return n

    def number(self, authority: str, kind: str, year: int) -> str:
        infix = INFIX[kind]
        seq = self.next((authority, infix, year))
        return self.areas[authority].number.format(infix=infix, year=year, seq=seq)

    def penalty_number(self, authority: str, year: int) -> str:
        seq = self.next((authority, "罚", year))
        return self.areas[authority].penalty_number.format(year=year, seq=seq)

    def serial(self, key: str, lo: int, hi: int) -> int:
        n = self.serials.get(key, lo - 1) + 1
        if n > hi:
            n = lo
        self.serials[key] = n
        return n

    def credit(self, kind2: str, division: str) -> str:
        rng = self.rng
        while True:
            if kind2 == "91" and rng.random() < 0.6:
                body = f"MA{rng.randrange(10**6):06d}"
            else:
                body = {"12": "4", "51": "5", "91": "7"}[kind2] + f"{rng.randrange(10**7):07d}"
            if body not in self.orgs:
                self.orgs.add(body)
                return nm.credit_code(kind2, division, body)


# -- dates -------------------------------------------------------------------------------


def rand_date(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randrange(max((hi - lo).days, 0) + 1))


def workday(d: date) -> date:
    wd = d.weekday()
    return d + timedelta(days=7 - wd) if wd >= 5 else d


def shift_workdays(d: date, n: int) -> date:
    """The n-th Monday-to-Friday day after (n > 0) or before (n < 0) ``d``."""
    wd = d.weekday()
    if wd >= 5:  # from a weekend: as if from the Friday before (forward) or Monday after (back)
        d, wd = (d - timedelta(days=wd - 4), 4) if n > 0 else (d + timedelta(days=7 - wd), 0)
    weeks, rest = divmod(abs(n), 5)
    if n > 0:
        return d + timedelta(days=weeks * 7 + rest + (2 if wd + rest > 4 else 0))
    return d - timedelta(days=weeks * 7 + rest + (2 if wd - rest < 0 else 0))


def dates_before(rng: random.Random, decided: date) -> Row:
    """Application, acceptance and publication dates around a decision date."""
    late = rng.random() < 0.05
    accepted = shift_workdays(decided, -(rng.randint(6, 9) if late else rng.randint(1, 5)))
    accepted = max(accepted, REGIME_START)
    out: Row = {
        "application_date": max(
            accepted - timedelta(days=rng.choice((0, 0, 0, 1, 2, 3))), REGIME_START
        ),
        "acceptance_date": accepted,
        "decision_date": decided,
    }
    if rng.random() < 0.9:
        out["publication_date"] = decided + timedelta(days=rng.randint(0, 7))
    return out


def add_years(d: date, years: int) -> date:
    return d.replace(year=d.year + years)
