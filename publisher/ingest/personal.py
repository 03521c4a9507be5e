"""Finding personal data in free text, so that it is withheld and reported, never published.

Withheld: ID-card numbers, mobile and landline phone numbers, and the name after a
contact or staff label (联系人：…, 经办人…), in any spelling authorities' clerks use:
full-width digits, spaces or hyphens inside a number, +86, (0571). Columns that hold
contact persons or staff names are withheld whole by their field (see fields.py).
"""

from __future__ import annotations

import re
from datetime import date

from ..values import narrow

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province codes, the first two digits of every resident ID-card number.
_PROVINCES = frozenset(
    (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55),
     *range(61, 66), 71, 81, 82)
)  # fmt: skip
# Dashes and separators a number may be written with, as a hyphen once narrowed.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣", "-"))
_GAP = r"[- ]?"  # one space or hyphen between digits: 3401 0419…, 139-1234-5678
_ID_CANDIDATE = re.compile(rf"(?<![0-9A-Za-z])(\d(?:{_GAP}\d){{16}}{_GAP}[\dXx])(?![0-9A-Za-z])")
_CC = r"(?:\(?\+?86\)?[- ]?)"  # +86, 86-, (+86)
_SUBSCRIBER = r"[2-9](?:[- ]?\d){6,7}"
_MOBILE = re.compile(rf"(?<!\d){_CC}?1[3-9]\d(?:[- .]?\d){{8}}(?!\d)")
_LANDLINE = re.compile(
    rf"(?<!\d)(?:(?:\(0\d{{2,3}}\)|0\d{{2,3}})|{_CC}\(?0?\d{{2,3}}\)?)[- ]?{_SUBSCRIBER}(?!\d)"
)
# The name after a contact or staff label: 联系人：张三, 经办人李四.
_LABELS = {"联系人": "contact_person", "经办人": "staff_name", "承办人": "staff_name"}
_NAMED = re.compile(
    r"(联系人|经办人|承办人)(?:(?:员|姓名)?\s*:\s*|(?![员为是的及和与]|电话|手机|方式|地址))"
    r"[\u4e00-\u9fff]{2,4}"
)
# What a cell must contain for any of the above to be in it: seven digits with at most one
# separator between each two (full-width digits count), or a label. Python and Polars (Rust
# regex) read this pattern alike; the columnar normaliser sends such cells to find_personal.
MAY_BE_PERSONAL = re.compile(r"\d(?:[- .\u3000\uff0d‐‑‒–—―−﹣]?\d){6}|联系人|经办人|承办人")


def id_check_character(first17: str) -> str:
    """The MOD 11-2 check character of a resident ID-card number (GB 11643).

    We check only this character, not the birth place: python-stdnum's
    ``cn.ric.is_valid`` rejects real numbers from districts renamed since issue.
    """
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_id_number(number: str) -> bool:
    """18 characters that every resident ID-card number has: a province code, a birth date
    and the MOD 11-2 check character. An all-digit credit code passes the check character
    by chance 1 in 11, but seldom has a birth date where an ID number has it."""
    if number[6:8] not in ("19", "20") or int(number[:2]) not in _PROVINCES:
        return False  # born 1900-2099 in a province: most credit codes fail here, cheaply
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        date(year, month, day)
    except ValueError:
        return False
    return id_check_character(number[:17]) == number[17].upper()


def personal_in_code(code: str) -> str | None:
    """``id_card_number`` if a parsed credit code is an ID-card number: one that passes
    GB 32100 by chance (1 in 31) must not be published as a code."""
    return "id_card_number" if code[:17].isdigit() and is_id_number(code) else None


def find_personal(text: str) -> str | None:
    """The kind of personal data ``text`` carries (``id_card_number``, ``phone_number``,
    ``contact_person``, ``staff_name``), if any."""
    if not MAY_BE_PERSONAL.search(text):
        return None
    text = narrow(text).translate(_DASHES)
    for m in _ID_CANDIDATE.finditer(text):
        if is_id_number(m.group(1).replace(" ", "").replace("-", "")):
            return "id_card_number"
    if _MOBILE.search(text) or _LANDLINE.search(text):
        return "phone_number"
    named = _NAMED.search(text)
    return _LABELS[named.group(1)] if named else None
