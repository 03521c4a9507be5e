"""Rows in pieces of bounded size: by count, and by text for tables with a long text.

Notices carry their whole text (tens of kilobytes for a busy day), so a piece of a
fixed number of rows can be hundreds of megabytes where the next is one: pieces of
such a table are cut by the bytes of that text instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from . import tables as t

# The long text of a row type, whose size decides its pieces.
LONG_TEXT: dict[type[t.Row], str] = {t.NoticeRow: "body"}


def pieces(
    row: type[t.Row], rows: Iterable[t.Row], max_rows: int, max_bytes: int
) -> Iterator[list[t.Row]]:
    """``rows`` in lists of at most ``max_rows`` rows and, for a row type with a long text,
    about ``max_bytes`` of that text (a single longer row is a piece of its own)."""
    it = iter(rows)
    field = LONG_TEXT.get(row)
    if field is None:
        while counted := list(islice(it, max_rows)):
            yield counted
        return
    chunk: list[t.Row] = []
    size = 0
    for r in it:
        text = getattr(r, field) or ""
        if chunk and (len(chunk) >= max_rows or size + len(text) > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(r)
        size += len(text)
    if chunk:
        yield chunk
