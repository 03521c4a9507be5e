"""Sample generator, part 2: the vocabulary of a publisher's life, and its calendar.

Types shared by the generator's parts: an :class:`Area` (what a source's
publishers have in common), a :class:`Plan` (what happens to one publisher), the
publisher's state (:class:`Pub`), a decision with its rows (:class:`Dec`) and the
run's :class:`Context` (random source and counters); and date helpers.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import chinese_calendar

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
    "withdrawal": "回",
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
    "withdrawal": "《中华人民共和国行政许可法》第八条、" + _REG + "第九条第（三）项",
    "annulment": "《中华人民共和国行政许可法》第六十九条、" + _REG + "第十五条",
    "revocation": "《中华人民共和国广告法》第五十五条、" + _REG + "第十四条",
    "refusal": _REG + "第四条、第五条",
}
REMARKS = {
    "grant": ("首次登记", "材料齐全，当场受理", "补正材料后受理"),
    "change": ("变更事项已核实", "换发登记信息"),
    "renewal": ("按期申请延续", "换发新证后延续"),
    "cancellation": ("已缴回登记材料", "申请人主动申请注销"),
    "withdrawal": (
        "准予登记所依据的客观情况发生重大变化，为了公共利益的需要依法撤回",
        "依法撤回，已告知当事人依法申请补偿",
    ),
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


# The 2018 institutional reform turned each 工商行政管理局 into a 市场监督管理局, on a
# different day in each place. The sample's authorities follow such a history, but the
# days are ILLUSTRATIVE, chosen for the fictional sample (late 2018, early 2019): they are
# not the documented days of the real authorities' renaming.
RENAMED_SOURCE = "示例数据：更名日期为示意，并非有据可查的史实（illustrative date for the sample）"


@dataclass(frozen=True)
class Area:
    """What a source's publishers have in common: the authority, its place names and styles."""

    code: str
    authority: str  # the name in use now
    level: str  # province | prefecture | county
    former_names: tuple[tuple[str, date], ...]  # (name, last day in use), oldest first
    province2: str
    short: str
    city: str
    places: tuple[str, ...]
    districts: tuple[tuple[str, str], ...]
    roads: tuple[str, ...]
    phone_area: str
    # Decision numbers, e.g. "合广{infix}字〔{year}〕{seq:03d}号", and penalty decision numbers,
    # "…〔{year}〕{seq}号"; {org} is 工商 or 市监 by the name in use on the decision's day.
    number: str
    penalty_number: str
    reg_prefix: str
    kind_weights: tuple[float, float, float, float]
    credit_division: str = ""  # division in credit codes; "" → one of ``districts``
    # Numbers of the notices (公告) that publish its decisions, "" if its exports give none;
    # {seq} is the publication day's working day of the year, so one day has one number.
    notice_number: str = ""

    def authority_on(self, day: date) -> str:
        """The authority's name in use on ``day``."""
        for name, until in self.former_names:
            if day <= until:
                return name
        return self.authority

    def org_on(self, day: date) -> str:
        """The short form numbers use for the authority on ``day``: 工商 or 市监."""
        return "工商" if self.authority_on(day).endswith("工商行政管理局") else "市监"

    def authority_names(self) -> tuple[str, ...]:
        """Every name the authority used, oldest first."""
        return (*(name for name, _ in self.former_names), self.authority)


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
    end: str = ""  # "" | cancellation | withdrawal | annulment | revocation
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

    def number(self, authority: str, kind: str, day: date) -> str:
        infix = INFIX[kind]
        seq = self.next((authority, infix, day.year))
        area = self.areas[authority]
        return area.number.format(infix=infix, year=day.year, seq=seq, org=area.org_on(day))

    def notice_number(self, authority: str, published: date) -> str | None:
        area = self.areas[authority]
        if not area.notice_number:
            return None
        seq = workday_of_year(published)
        org = area.org_on(published)
        return area.notice_number.format(year=published.year, seq=seq, org=org)

    def penalty_number(self, authority: str, day: date) -> str:
        seq = self.next((authority, "罚", day.year))
        area = self.areas[authority]
        return area.penalty_number.format(year=day.year, seq=seq, org=area.org_on(day))

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


def official_workday(d: date) -> bool:
    """A working day on China's official calendar (holidays off, swapped weekends on);
    Monday to Friday outside the years ``chinese_calendar`` knows (2004–2026 in 1.11)."""
    if _known_year(d.year):
        return bool(chinese_calendar.is_workday(d))
    return d.weekday() < 5


@cache
def _known_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class _Workdays:
    """The working days of ``FIRST``–``LAST`` as a table, built once: ``before[i]`` is the
    number of working days among the table's first ``i`` days, ``days`` their ordinals."""

    FIRST = date(2010, 1, 1).toordinal()
    LAST = date(2030, 12, 31).toordinal()

    def __init__(self) -> None:
        self.before = array("l", [0])
        self.days = array("l")
        for ordinal in range(self.FIRST, self.LAST + 1):
            if official_workday(date.fromordinal(ordinal)):
                self.days.append(ordinal)
            self.before.append(len(self.days))

    def index(self, d: date) -> int | None:
        i = d.toordinal() - self.FIRST
        return i if 0 <= i <= self.LAST - self.FIRST else None


@cache
def _workdays() -> _Workdays:
    return _Workdays()


def _step(d: date, n: int) -> date:
    """``shift_workdays`` day by day, for dates beyond the table."""
    one = timedelta(days=1 if n > 0 else -1)
    for _ in range(abs(n)):
        d += one
        while not official_workday(d):
            d += one
    return d


_next_workday: dict[date, date] = {}  # a cache: the generator asks about a few thousand days


def workday(d: date) -> date:
    """``d`` if it is a working day, else the next working day."""
    found = _next_workday.get(d)
    if found is None:
        found = _next_workday[d] = d if official_workday(d) else _step(d, 1)
    return found


def shift_workdays(d: date, n: int) -> date:
    """The n-th working day after (n > 0) or before (n < 0) ``d``; ``d`` need not be one."""
    if n == 0:
        return d
    t = _workdays()
    i = d.toordinal() - t.FIRST
    if 0 <= i < len(t.before) - 1:
        # working days up to and including d (forward), or strictly before d (back)
        j = t.before[i + 1] + n - 1 if n > 0 else t.before[i] + n
        if 0 <= j < len(t.days):
            return date.fromordinal(t.days[j])
    return _step(d, n)


def workday_of_year(d: date) -> int:
    """How many working days of ``d``'s year fall on or before ``d``."""
    t = _workdays()
    i, jan1 = t.index(d), t.index(date(d.year, 1, 1))
    if i is None or jan1 is None:  # beyond the table: day by day
        days = (date(d.year, 1, 1) + timedelta(days=n) for n in range(d.timetuple().tm_yday))
        return sum(map(official_workday, days))
    return t.before[i + 1] - t.before[jan1]


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
        out["publication_date"] = published(rng, decided, 0, 7)
    return out


def published(rng: random.Random, decided: date, lo: int, hi: int) -> date:
    """A publication date: the first working day ``lo``..``hi`` days after the decision."""
    return workday(decided + timedelta(days=rng.randint(lo, hi)))


def add_years(d: date, years: int) -> date:
    return d.replace(year=d.year + years)
