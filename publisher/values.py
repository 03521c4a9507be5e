"""Parsers for single source values: text, dates, identifiers and money.

Each parser takes the raw text of one cell and returns the normalised value or
raises :class:`BadValue` with a reason code. Parsers are pure and memoised by
the raw text, because exports repeat the same dates, codes and names endlessly.
"""

from __future__ import annotations

import operator
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

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


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕"})
# clean_number in one table: narrowed, spaces removed, brackets unified (for whole columns).
NUMBER_TABLE: dict[int, int | None] = {}
for _cp in {*_NARROW, 0x20, *_BRACKETS}:
    _to = _NARROW.get(_cp, _cp)
    _to = _BRACKETS.get(_to, _to) if _to is not None else None
    NUMBER_TABLE[_cp] = None if _to == 0x20 else _to


def clean_number(raw: str) -> str:
    """Document numbers: cleaned, no spaces, year brackets unified to 〔〕 (合广登字〔2017〕1号)."""
    return narrow(raw).replace(" ", "").translate(_BRACKETS)


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


_MONEY = re.compile(r"^(?:人民币|RMB|CNY|¥|￥)?([0-9][0-9,]*(?:\.[0-9]+)?)(万)?元?$")


def parse_money(raw: str) -> Decimal:
    """An amount in CNY: 12000, 12,000.00元, ¥12000, 1.2万元."""
    text = narrow(raw).replace(" ", "")
    m = _MONEY.match(text)
    if not m:
        raise BadValue("bad_amount", "not an amount in CNY")
    try:
        amount = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        raise BadValue("bad_amount", "not an amount in CNY") from None
    if m.group(2):
        amount *= 10000
    try:
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation:  # more digits than the decimal context holds
        raise BadValue("bad_amount", "too many digits for an amount in CNY") from None
