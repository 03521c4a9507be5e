"""Lists as pages: a bounded number of answers, the release they come from, and the
cursor of the next page (keyset pagination: the cursor is the last row's sort key, so a
page costs the same wherever it is in the list, and ``next`` is None on the last page).

Cursors: a registration's id for registrations; ``YYYY-MM-DD|id`` for notices (by
publication date) and penalties (by decision date). A malformed cursor is a
:class:`ValueError` with a message for the person who sent it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from . import answers as a
from .entities import find, registrations
from .notices import cursor as dated_cursor
from .notices import notices, penalties
from .reader import Reader

PAGE_MAX = 100  # the largest page a list gives
PAGE_DEFAULT = 50
_DATED = re.compile(r"\d{4}-\d{2}-\d{2}\|.+")

T = TypeVar("T")


class RegistrationPage(a.Answer):
    release: a.ReleaseRef
    items: list[a.RegistrationSummary]
    next: str | None = None


class NoticePage(a.Answer):
    release: a.ReleaseRef
    items: list[a.NoticeSummary]
    next: str | None = None


class PenaltyPage(a.Answer):
    release: a.ReleaseRef
    items: list[a.Penalty]
    next: str | None = None


class SearchPage(a.Answer):
    """Search hits, best first: the first ``limit`` (search results have no next page)."""

    release: a.ReleaseRef
    query: str
    items: list[a.SearchHit]


def _cut(rows: Sequence[T], limit: int, key: Callable[[T], str]) -> tuple[list[T], str | None]:
    """The first ``limit`` rows of ``limit + 1`` fetched, and the cursor if there are more."""
    if len(rows) > limit:
        return list(rows[:limit]), key(rows[limit - 1])
    return list(rows), None


def _limit(limit: int) -> int:
    return max(1, min(limit, PAGE_MAX))


def check_dated_cursor(value: str) -> str:
    """A ``YYYY-MM-DD|id`` cursor (a position in the list's order: any such string is one)."""
    if value and not _DATED.fullmatch(value):
        raise ValueError(f"cursor {value!r} is not one this list gives (YYYY-MM-DD|id)")
    return value


def registration_page(
    reader: Reader,
    *,
    authority: str | None = None,
    status: str | None = None,
    on: date | None = None,
    medium_type: str | None = None,
    q: str | None = None,
    cursor: str = "",
    limit: int = PAGE_DEFAULT,
) -> RegistrationPage:
    n = _limit(limit)
    rows = registrations(
        reader,
        authority=authority,
        status=status,
        on=on,
        medium_type=medium_type,
        q=q,
        after=cursor,
        limit=n + 1,
    )
    items, more = _cut(rows, n, lambda r: r.id)
    return RegistrationPage(release=reader.ref, items=items, next=more)


def notice_page(
    reader: Reader,
    *,
    authority: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    cursor: str = "",
    limit: int = PAGE_DEFAULT,
    newest_first: bool = False,
) -> NoticePage:
    n = _limit(limit)
    rows = notices(
        reader,
        authority=authority,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        after=check_dated_cursor(cursor),
        limit=n + 1,
        newest_first=newest_first,
    )
    items, more = _cut(rows, n, lambda r: dated_cursor(r.publication_date, r.id))
    return NoticePage(release=reader.ref, items=items, next=more)


def penalty_page(
    reader: Reader,
    *,
    party: str | None = None,
    authority: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    cursor: str = "",
    limit: int = PAGE_DEFAULT,
) -> PenaltyPage:
    n = _limit(limit)
    rows = penalties(
        reader,
        party=party,
        authority=authority,
        date_from=date_from,
        date_to=date_to,
        after=check_dated_cursor(cursor),
        limit=n + 1,
    )
    items, more = _cut(rows, n, lambda r: dated_cursor(r.decision_date, r.id))
    return PenaltyPage(release=reader.ref, items=items, next=more)


def search_page(
    reader: Reader,
    q: str,
    *,
    kind: str | None = None,
    medium_type: str | None = None,
    limit: int = PAGE_DEFAULT,
) -> SearchPage:
    """The best ``limit`` publishers or media for ``q`` (names containing it, 1–2 characters
    too, pinyin in full or initials, credit-code, CN and ISSN prefixes); media of
    ``medium_type`` only, if given."""
    n = _limit(limit)
    if medium_type is None:
        hits = find(reader, q, kind=kind, limit=n)
    else:  # the type is known after the search: ask for more, keep the type's
        hits = [h for h in find(reader, q, kind="medium", limit=4 * n) if h.type == medium_type]
    return SearchPage(release=reader.ref, query=q, items=hits[:n])
