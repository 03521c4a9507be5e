"""The newspaper fallback (Art. 16): notices of a date range as print-ready pages.

When its portal cannot publish, an authority publishes its decisions in a newspaper.
``newspaper(release, date_from, date_to, authority)`` lays the notices of a date range
(optionally of one authority) out in newspaper columns on A4: HTML with a print
stylesheet (``site/templates/newspaper.html``), rendered to PDF by WeasyPrint with a
CJK font from the system (Debian's ``fonts-noto-cjk``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import UserError
from ..read import notices as rn
from ..read.answers import Notice
from ..read.entities import MAX_PAGE
from ..read.reader import Reader
from .pages import body_lines
from .templates import render


def notices_between(
    reader: Reader, date_from: date, date_to: date, authority: str | None = None
) -> list[Notice]:
    """The notices published from ``date_from`` to ``date_to``, oldest first."""
    out: list[Notice] = []
    after = ""
    while True:
        page = rn.notices(
            reader,
            authority=authority,
            date_from=date_from,
            date_to=date_to,
            after=after,
            limit=MAX_PAGE,
        )
        for s in page:
            n = rn.notice(reader, s.id)
            if n is not None:
                out.append(n)
        if len(page) < MAX_PAGE:
            return out
        after = rn.cursor(page[-1].publication_date, page[-1].id)


def newspaper_html(
    reader: Reader, date_from: date, date_to: date, authority: str | None = None
) -> tuple[str, int]:
    """The print-ready HTML of the notices in the range, and how many notices it holds."""
    if date_to < date_from:
        raise UserError(f"--to {date_to} is before --from {date_from}")
    items = notices_between(reader, date_from, date_to, authority)
    names = sorted({n.authority_name for n in items})
    if authority and not items:
        known = reader.one("SELECT name FROM authorities WHERE division_code = ?", [authority])
        if known is None:
            raise UserError(f"--authority {authority}: no such authority in this release")
        names = [known["name"]]
    html = render(
        "newspaper.html",
        {
            "notices": [{"notice": n, "body": body_lines(n.body)} for n in items],
            "authorities": names,
            "date_from": date_from,
            "date_to": date_to,
            "release": reader.ref,
        },
    )
    return html, len(items)


def write_newspaper(
    release: Path,
    target: Path,
    date_from: date,
    date_to: date,
    authority: str | None = None,
    *,
    as_html: bool = False,
) -> int:
    """Write the notices of the range to ``target`` (PDF, or HTML); return how many."""
    reader = Reader(release)
    try:
        html, count = newspaper_html(reader, date_from, date_to, authority)
    finally:
        reader.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    if as_html:
        target.write_text(html, encoding="utf-8")
        return count
    from weasyprint import HTML

    HTML(string=html, base_url=str(target.parent)).write_pdf(target)
    return count
