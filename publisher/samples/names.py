"""Sample generator, part 1: fictional names and valid-looking identifiers.

Everything here draws from a ``random.Random`` passed in, never the global one, so
the same seed gives the same names and codes. Publishers, people and numbers are
fictional; division codes (GB/T 2260) and check characters are real.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from operator import mul
from typing import TypeVar

from stdnum import issn as stdnum_issn
from stdnum.cn import ric

T = TypeVar("T")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力永健世广志义兴良海山仁波宁"
    "贵福生龙元全国胜学祥才发武新利清飞彬富顺信昌成康星光天达安岩中茂进林有坚和博诚先敬震振会"
    "思群豪心邦承乐绍功松善厚庆民友裕河哲江浩亮政谦奇翰朗伯宏言若鸣朋斌栋维启克伦翔旭鹏泽晨辰"
)
# Two characters of a 字号 are drawn from this pool: 40 × 40 combinations per place.
TRADE = "新华光明金星天宇恒泰瑞丰嘉和安康鸿远博文正信德盛永昌东方卓越腾飞海峰云山春晓晨阳清风雅韵"

RADIO_SUFFIX = ("人民广播电台", "广播电台", "交通广播电台", "经济广播电台")
TV_SUFFIX = ("电视台", "广播电视台", "教育电视台")
NEWSPAPER_SUFFIX = ("日报社", "晚报社", "商报社", "都市报社")
NEWSPAPER_COMPANY = ("报业传媒有限公司", "报业有限责任公司")
RADIO_THEMES = (
    "新闻综合广播",
    "交通广播",
    "经济广播",
    "音乐广播",
    "文艺广播",
    "农村广播",
    "故事广播",
)
TV_THEMES = ("新闻综合频道", "经济生活频道", "影视娱乐频道", "公共频道", "教育频道", "都市频道")
PAPER_TITLES = ("日报", "晚报", "商报", "都市报", "晨报", "法治报", "老年报", "少年报")
PERIODICAL_TOPICS = (
    "文学",
    "科技",
    "教育",
    "经济",
    "画报",
    "青年",
    "健康",
    "农业",
    "法治",
    "艺术",
    "旅游",
    "财经",
    "社会科学",
    "少年",
    "家庭",
    "体育",
    "汽车",
    "建筑",
    "医学",
    "职业教育",
)
SPONSOR_KINDS = (
    ("{place}大学", "12"),
    ("{place}科学技术协会", "51"),
    ("{place}文学艺术界联合会", "51"),
    ("{place}出版传媒集团有限公司", "91"),
    ("{place}医学会", "51"),
)
CN_CLASSES = ("X", "Z", "I", "G4", "F", "C", "R", "S", "TP", "D")
ISSN_STEMS = ("1002", "1003", "1005", "1006", "1008", "1672", "1673", "1674", "2095", "2096")


class SampleRandom(random.Random):
    """``random.Random`` with simple, fast draws built on ``random()`` alone.

    The standard methods are exact but slow, and their algorithms have changed
    between Python versions; these depend only on the Mersenne Twister stream,
    so a seed gives the same sample on every Python version.
    """

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def choices(  # type: ignore[override]
        self,
        population: Sequence[T],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[T]:
        if weights is None or cum_weights is not None or k != 1:
            raise NotImplementedError("choices(population, weights) with k=1 only")
        x = self.random() * sum(weights)
        for value, w in zip(population, weights, strict=True):
            x -= w
            if x < 0:
                return [value]
        return [population[-1]]

    def sample(self, population: Sequence[T], k: int, *, counts: object = None) -> list[T]:
        pool = list(population)
        return [pool.pop(int(self.random() * len(pool))) for _ in range(k)]


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_FULL_WIDTH = {cp: cp + 0xFEE0 for cp in range(0x21, 0x7F)}


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (２０１７-…)."""
    return text.translate(_FULL_WIDTH)


def person(rng: random.Random) -> str:
    r = rng.random
    given = GIVEN[int(r() * len(GIVEN))]
    if r() < 0.7:
        given += GIVEN[int(r() * len(GIVEN))]
    return SURNAMES[int(r() * len(SURNAMES))] + given


TRADE_NAMES = tuple(a + b for a in TRADE for b in TRADE if a != b)


def trade_name(rng: random.Random) -> str:
    return TRADE_NAMES[int(rng.random() * len(TRADE_NAMES))]


def org_code(body8: str) -> str:
    """A GB 11714 organisation code: eight characters (A = 10 …) and their check character."""
    c = 11 - sum(map(mul, map(_ORG_VALUE.__getitem__, body8), _ORG_WEIGHTS)) % 11
    return body8 + ("X" if c == 10 else "0" if c == 11 else str(c))


_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check(first17: str) -> str:
    """The GB 32100 check character; as ``stdnum.cn.uscc.calc_check_digit``, minus its
    input cleaning, which costs more than the sum (tests compare the two)."""
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def credit_code(kind2: str, division: str, body8: str) -> str:
    """A unified social credit code (GB 32100) with its check character."""
    first17 = kind2 + division + org_code(body8)
    return first17 + uscc_check(first17)


def spoil_check(code: str, rng: random.Random) -> str:
    """The same code with a wrong check character: a typing error in an export."""
    wrong = [c for c in _USCC_ALPHABET if c != code[-1]]
    return code[:-1] + rng.choice(wrong)


def issn(rng: random.Random) -> str:
    body = rng.choice(ISSN_STEMS) + f"{rng.randrange(1000):03d}"
    return f"{body[:4]}-{body[4:]}{stdnum_issn.calc_check_digit(body)}"


def cn_number(province2: str, serial: int, rng: random.Random) -> str:
    """CN 34-0012/X: serials 0001–0999 are newspapers, 1000–5999 periodicals."""
    return f"CN {province2}-{serial:04d}/{rng.choice(CN_CLASSES)}"


def id_number(rng: random.Random, division: str) -> str:
    """An 18-character resident ID number with a correct MOD 11-2 check character."""
    r = rng.random
    born = f"{1960 + int(r() * 35)}{1 + int(r() * 12):02d}{1 + int(r() * 28):02d}"
    first17 = f"{division}{born}{1 + int(r() * 999):03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10):d}{rng.randrange(10**8):08d}"


def landline(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.choice('2345678')}{rng.randrange(10**7):07d}"


def fm(rng: random.Random) -> str:
    if rng.random() < 0.85:
        return f"FM {rng.randrange(875, 1080) / 10:.1f}"
    return f"AM {531 + 9 * rng.randrange(120)}"


def channel_number(rng: random.Random, i: int) -> str:
    return rng.choice((f"第{i + 1}套", f"CH-{rng.randrange(5, 60):02d}", f"{i + 1}频道"))
