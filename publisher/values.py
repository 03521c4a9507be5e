"""Parsers for single source values: text, dates, identifiers and money.

Each parser takes the raw text of one cell and returns the normalised value or
raises :class:`BadValue` with a reason code. Parsers are pure and memoised by
the raw text, because exports repeat the same dates, codes and names endlessly.
"""

from __future__ import annotations

import operator
import re
from datetime import date, datetime, timedelta
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow

from .law import law

REGIME_START = law().regime.start  # Art. 17: the regulation in force from 2016-12-01


class BadValue(ValueError):
    """A value that cannot be trusted; ``reason`` is a stable code for the ledger."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


# Full-width digits and letters → half-width, ideographic space → space; invisible characters
# removed. Chinese punctuation (，；：（）) stays in text; codes, numbers and dates narrow it too.
_ALNUM = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
_WIDTH = {cp: cp - 0xFEE0 for cp in _ALNUM}
_WIDTH[0x3000] = 0x20
_WIDTH_ALL = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x200E, 0x200F, 0x202A, 0x202C]
)
_TRANSLATE = {**_WIDTH, **_INVISIBLE, 0x00A0: 0x20, 0x09: 0x20, 0x0D: 0x20, 0x0A: 0x20}
SPACES = re.compile(r" {2,}")


_NARROW = {**_TRANSLATE, **_WIDTH_ALL}
TEXT_TABLE = _TRANSLATE


def clean_text(raw: str, table: dict[int, int | None] = _TRANSLATE) -> str:
    """Half-width digits and letters, no invisible characters, single spaces, stripped."""
    text = raw.translate(table)
    if "  " in text:
        text = SPACES.sub(" ", text)
    return text.strip()


def narrow(raw: str) -> str:
    """Cleaned, and all full-width ASCII punctuation made half-width too: for codes and dates."""
    return clean_text(raw, _NARROW)


def label_key(raw: str) -> str:
    """The form lookup labels are matched in: narrowed, no spaces, case-folded."""
    return narrow(raw).replace(" ", "").casefold()


_BRACKETS = str.maketrans(
    {
        **dict.fromkeys("[【〖﹝(", "〔"),
        **dict.fromkeys("]】〗﹞)", "〕"),
    }
)
# clean_number in one table: narrowed, spaces removed, brackets unified (for whole columns).
NUMBER_TABLE: dict[int, int | None] = {}
for _cp in {*_NARROW, 0x20, *_BRACKETS}:
    _to = _NARROW.get(_cp, _cp)
    _to = _BRACKETS.get(_to, _to) if _to is not None else None
    NUMBER_TABLE[_cp] = None if _to == 0x20 else _to


def clean_number(raw: str) -> str:
    """Document numbers: cleaned, no spaces, year brackets unified to 〔〕 (合广登字〔2017〕1号)."""
    return narrow(raw).replace(" ", "").translate(_BRACKETS)


# The serial of a cleaned number: its last run of digits, before 号 or at the end, with the
# 第 before it and its leading zeros. One pattern for Python and Polars (Rust regex) alike.
NUMBER_SERIAL = r"第?0*([0-9]+)(号?)$"
_NUMBER_SERIAL = re.compile(NUMBER_SERIAL)


def number_key(cleaned: str) -> str:
    """The canonical form a cleaned number is matched and identified by: 〔2017〕1号 for
    〔2017〕001号, [2017]第1号, 【2017】001号, （2017）第001号 (see :func:`clean_number`)."""
    return _NUMBER_SERIAL.sub(r"\1\2", cleaned, count=1)


_DATE_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(raw: str, formats: tuple[str, ...] = ()) -> date:
    """Every date form authorities use; the caller keeps the original text."""
    text = _TIME_SUFFIX.sub("", narrow(raw))
    m = _DATE_YMD.match(text) or _DATE_COMPACT.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return date(y, mo, d)
        except ValueError:
            raise BadValue("invalid_date", f"no such day: {y:04d}-{mo:02d}-{d:02d}") from None
    m = _DATE_SERIAL.match(text)
    if m:
        serial = int(m.group(1))
        if 20000 <= serial <= 80000:  # 1954..2119: the plausible range of an Excel serial
            return _EXCEL_EPOCH + timedelta(days=serial)
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue("invalid_date", "not a date in any known form")


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_ALPHABET = set(_USCC_CHARS)
_USCC_INDEX = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_STRIP = str.maketrans("", "", " -")


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character: the same as python-stdnum's ``cn.uscc.calc_check_digit``,
    without its per-call cleaning (the tests hold the two equal)."""
    total = sum(map(operator.mul, map(_USCC_INDEX.__getitem__, first17), _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total) % 31]


def parse_credit_code(raw: str) -> str:
    """A unified social credit code checked by its GB 32100 check character.

    python-stdnum's ``validate`` insists the first 8 characters are digits, which
    rejects valid codes of registration departments N, Y, A…; we check the
    alphabet and the check character only.
    """
    code = narrow(raw).upper().translate(_USCC_STRIP)
    if len(code) != 18:
        raise BadValue("bad_credit_code", f"{len(code)} characters, not 18")
    if not set(code) <= _USCC_ALPHABET:
        raise BadValue("bad_credit_code", "character outside the GB 32100 alphabet")
    if not code[2:8].isdigit():
        raise BadValue("bad_credit_code", "characters 3-8 are not a division code")
    if code[-1] != uscc_check_character(code[:17]):
        raise BadValue("bad_credit_code", "wrong check character")
    return code


_CN = re.compile(r"^(?:CN)?(\d{2})-?(\d{4})(?:/[A-Z0-9.]+)?$")


def parse_cn_number(raw: str) -> str:
    """A domestic serial number (CN 11-0001/X) as ``11-0001``."""
    text = narrow(raw).upper().replace(" ", "")
    m = _CN.match(text)
    if not m:
        raise BadValue("bad_cn_number", "not of the form CN XX-XXXX")
    serial = int(m.group(2))
    if not 1 <= serial <= 5999:
        raise BadValue("bad_cn_number", f"serial {m.group(2)} outside 0001-5999")
    return f"{m.group(1)}-{m.group(2)}"


def cn_medium_type(cn: str) -> str:
    """Serials 0001–0999 are newspapers, 1000–5999 periodicals."""
    return "newspaper" if int(cn[3:]) < 1000 else "periodical"


_ISSN_STRIP = str.maketrans("", "", " -")
_ASCII_DIGITS = frozenset("0123456789")


def issn_check_character(first7: str) -> str:
    """The ISSN check character (MOD 11): the same as python-stdnum's ``issn.calc_check_digit``."""
    check = (11 - sum((8 - i) * int(n) for i, n in enumerate(first7))) % 11
    return "X" if check == 10 else str(check)


def parse_issn(raw: str) -> str:
    """An ISSN as ``NNNN-NNNC``, checked by its check character (as stdnum's ``issn`` does)."""
    code = narrow(raw).upper().replace("ISSN", "").strip().translate(_ISSN_STRIP)
    if (
        len(code) != 8
        or not set(code[:7]) <= _ASCII_DIGITS
        or issn_check_character(code[:7]) != code[7]
    ):
        raise BadValue("bad_issn", "not a valid ISSN")
    return f"{code[:4]}-{code[4:]}"


# -- amounts ---------------------------------------------------------------------------------
# An amount as authorities write it: 12000, 12,000.00元, ¥30,000.00, 1.5万元, 人民币30000元,
# 罚款贰万元整, 壹拾万元, 叁仟伍佰元, 3万5千元, and both at once: 叁万元整（¥30,000.00）.
# Never rounded: a fraction of a fen, a negative, an absurd size is a bad_amount.

MAX_AMOUNT = Decimal(10) ** 12  # one trillion yuan: above any fine or confiscation on record
_FEN = Decimal("0.01")
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation, Overflow])
_ROUND = Context(prec=60)
_PREFIX = re.compile(
    r"^(?:并处|处以|处|罚款|罚没款|罚金|人民币|金额|共计|合计|计|大写|小写|RMB|CNY|¥|￥|:)+"
)
_SUFFIX = re.compile(r"(?:元整|圆整|元正|圆正|整|正)$")
_FIGURES = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万|亿)?(?:元|圆)?$")
_DIGIT = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("壹一", 1),
    **dict.fromkeys("贰貳二两兩", 2),
    **dict.fromkeys("叁參三", 3),
    **dict.fromkeys("肆四", 4),
    **dict.fromkeys("伍五", 5),
    **dict.fromkeys("陆陸六", 6),
    **dict.fromkeys("柒七", 7),
    **dict.fromkeys("捌八", 8),
    **dict.fromkeys("玖九", 9),
}
_UNIT = {**dict.fromkeys("拾十", 10), **dict.fromkeys("佰百", 100), **dict.fromkeys("仟千", 1000)}
_BIG = {**dict.fromkeys("万萬", 10**4), **dict.fromkeys("亿億", 10**8)}
_WORD_TOKEN = re.compile(r"\d+(?:\.\d+)?|.")


def _bad(detail: str) -> BadValue:
    return BadValue("bad_amount", detail)


def _words(text: str) -> Decimal:
    """An amount in Chinese numerals (大写 or 小写, Arabic digits allowed before a unit):
    拾佰仟 within a section, 万 and 亿 between sections, then 元, 角 and 分."""
    total = section = Decimal(0)
    digit: Decimal | None = None
    last_unit = 10**5  # units within a section go down: 仟 then 佰 then 拾
    last_big = 10**9
    after = ""  # "" in yuan; "元", "角" or "分" once reached
    fraction = Decimal(0)
    for token in _WORD_TOKEN.findall(text):
        if token in _DIGIT or token[0].isdigit():
            if digit is not None:
                raise _bad("two digits without a unit between them")
            value = Decimal(_DIGIT[token]) if token in _DIGIT else Decimal(token)
            digit = None if value == 0 and token in _DIGIT else value
        elif token in "角分" and (
            after in ("元", "角" if token == "分" else "元") or not (after or section or total)
        ):
            if digit is None:
                raise _bad(f"{token} without a digit")
            fraction += digit * (Decimal("0.1") if token == "角" else _FEN)
            digit, after = None, token
        elif after:
            raise _bad("more after the fen")
        elif token in _UNIT:
            unit = _UNIT[token]
            if unit >= last_unit:
                raise _bad("units out of order")
            if digit is None:  # 拾万 = 100000, 十五 = 15: a leading 拾 means one ten
                if unit != 10 or section or total:
                    raise _bad(f"{token} without a digit")
                digit = Decimal(1)
            section += digit * unit
            digit, last_unit = None, unit
        elif token in _BIG:
            big = _BIG[token]
            section += digit or 0
            if big == 10**4:
                if last_big <= big or not section:
                    raise _bad("万 out of place")
                total += section * big
            else:  # 亿 multiplies all before it: 壹万亿 = 10¹²
                if not (section or total):
                    raise _bad("亿 out of place")
                total = (total + section) * big
            section, digit, last_unit, last_big = Decimal(0), None, 10**5, big
        elif token in "元圆":
            total += section + (digit or 0)
            section, digit, after = Decimal(0), None, "元"
        else:
            raise _bad("not an amount in CNY")
    if digit is not None:
        if after:  # 伍元伍: a digit left over after the yuan
            raise _bad("a digit without its unit")
        section += digit
    if not after:
        total += section
    if not any(t in _DIGIT or t in _UNIT or t[0].isdigit() for t in _WORD_TOKEN.findall(text)):
        raise _bad("no amount")
    return total + fraction


def _amount(text: str) -> Decimal:
    text = _SUFFIX.sub("", _PREFIX.sub("", text))
    if not text:
        raise _bad("no amount")
    if text[0] in "-−负":
        raise _bad("a negative amount")
    m = _FIGURES.match(text)
    if m:
        figures, decimals, big = m.groups()
        if len(figures.replace(",", "")) > 15:
            raise _bad("implausibly large")
        amount = Decimal(figures.replace(",", "") + (decimals or ""))
        if big:
            amount = _EXACT.multiply(amount, _BIG[big])
        return amount
    if len(text) > 40:
        raise _bad("not an amount in CNY")
    return _words(text)


def parse_money(raw: str) -> Decimal:
    """An amount in CNY (see above), to the fen; in words and figures they must agree."""
    text = narrow(raw).replace(" ", "")
    words, bracket, rest = text.partition("(")
    try:
        amount = _amount(words)
        # 叁万元整(¥30,000.00): the same amount twice
        if bracket and (not rest.endswith(")") or _amount(rest[:-1]) != amount):
            raise _bad("the amounts in the text disagree")
        if amount >= MAX_AMOUNT:
            raise _bad("implausibly large")
        fen = amount.quantize(_FEN, context=_ROUND)
        if fen != amount:
            raise _bad("a fraction of a fen")
        return fen
    except (InvalidOperation, ArithmeticError):
        raise _bad("not an amount in CNY") from None
