"""Finding personal data in free text, so that it is withheld and reported, never published.

Withheld: ID-card numbers, mobile and landline phone numbers. Columns that hold
contact persons or staff names are withheld whole by their field (see fields.py).
"""

from __future__ import annotations

import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[- ]?[2-9]\d{6,7}(?!\d)")
HAS_DIGITS = re.compile(r"\d(?:[- ]?\d){6}")


def id_check_character(first17: str) -> str:
    """The MOD 11-2 check character of a resident ID-card number (GB 11643).

    We check only this character, not the birth place: python-stdnum's
    ``cn.ric.is_valid`` rejects real numbers from districts renamed since issue.
    """
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def find_personal(text: str) -> str | None:
    """The kind of personal data ``text`` carries (``id_card_number``, ``phone_number``), if any."""
    if not HAS_DIGITS.search(text):
        return None
    for m in _ID_CANDIDATE.finditer(text):
        number = m.group(1)
        if id_check_character(number[:17]) == number[17].upper():
            return "id_card_number"
    if _MOBILE.search(text) or _LANDLINE.search(text):
        return "phone_number"
    return None
