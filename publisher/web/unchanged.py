"""Which registrants and notices a release left as they were in the previous release's
site: their pages are taken from it without reading them (the incremental build's
shortcut; :class:`Shortcut`).

The releases carry their complete diffs (``changes/``, :mod:`publisher.read.changes`).
Every row that differs between the release the previous site was made from and this one
(its old and its new contents) is mapped to the pages that show it:

* a registrant's pages (its page, its media's pages and verification pages) show its own
  row, its registrations and everything hung on them (status periods, details, media and
  their names, decisions and their changes, anomalies), and the penalties against its id
  or either credit code;
* a notice's page shows its own row and its decisions (with their changes);
* an authority's row and names over time are on its notices and on the pages of the
  registrants registered with it or fined by it.

A registrant or notice that no changed row maps to has the pages it had. The shortcut is
not taken (every page is read, as in a full build) when a change reaches what every page
shows (the vocabulary), when a resource this module does not know (:data:`NAMES`)
changed, when the previous site was made by other code or for another as-of date
or regime (:func:`stable`), or when the diffs between the two releases cannot be read.
``tests/test_site.py`` holds an incremental build equal, byte for byte, to a fresh one.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from ..read.answers import ReleaseRef
from ..read.changes import ChangesUnavailable, row_changes
from ..read.reader import Reader, marks
from . import pages as pg
from .writer import SiteManifest, Writer

EVERYWHERE = frozenset({"vocabulary"})
NOWHERE = frozenset({"ledger"})  # on no registrant's or notice's page
# A changed row's fields, and what each names: a registrant (``publishers``), a
# registration, medium, decision or notice, a credit code or an authority. The ids are
# then followed to the registrants and notices whose pages show them (see ``shortcut``).
NAMES: dict[str, dict[str, str]] = {
    "publishers": {"id": "publishers"},
    "registrations": {"publisher_id": "publishers", "id": "registrations"},
    "media": {"publisher_id": "publishers", "registration_id": "registrations"},
    "decisions": {
        "publisher_id": "publishers",
        "registration_id": "registrations",
        "notice_id": "notices",
    },
    "medium_names": {"medium_id": "media"},
    "decision_changes": {"decision_id": "decisions"},
    "penalties": {"publisher_id": "codes", "party_credit_code": "codes"},
    "notices": {"id": "notices"},
    "authorities": {"division_code": "authorities"},
    "authority_names": {"division_code": "authorities"},
    "status_periods": {"registration_id": "registrations", "decision_id": "decisions"},
    "registration_details": {"registration_id": "registrations", "decision_id": "decisions"},
    "anomalies": {"registration_id": "registrations", "decision_id": "decisions"},
}
BATCH = 500  # ids a statement


def stable(ref: ReleaseRef) -> str:
    """What the pages' data depend on besides the release's rows: the release without what
    every release changes (:func:`~publisher.web.pages.stable_ref`), hashed."""
    return hashlib.blake2b(msgspec.json.encode(pg.stable_ref(ref)), digest_size=16).hexdigest()


class Shortcut:
    """The registrants and notices changed since the previous site (all others are not)."""

    def __init__(self, publishers: set[str], notices: set[str], media: dict[str, list[str]]):
        self.publishers = publishers
        self.notices = notices
        self.media = media  # registrant id → its media's ids (through its registrations)

    def paths(self, kind: str, ident: str) -> list[str]:
        if kind == "notices":
            return [pg.notice_path(ident)]
        out = [pg.publisher_path(ident)]
        for mid in self.media.get(ident, ()):
            out += [pg.medium_path(mid), pg.verify_path(mid)]
        return out

    def take(self, writer: Writer, kind: str, ids: list[str]) -> list[str]:
        """Take the pages of the unchanged among ``ids`` from the previous site; the ids
        left to make (changed, or with a page the previous site lacks)."""
        changed = self.notices if kind == "notices" else self.publishers
        left = []
        for ident in ids:
            if ident in changed:
                left.append(ident)
                continue
            paths = self.paths(kind, ident)
            if not all(p in writer.previous for p in paths):
                left.append(ident)
                continue
            taken: list[str] = []
            for p in paths:
                if not writer.again(p):
                    writer.forget(taken)
                    left.append(ident)
                    break
                taken.append(p)
        return left


def shortcut(reader: Reader, old: SiteManifest | None, builder: str) -> Shortcut | None:
    """What changed since the site ``old`` (the previous release's manifest), or None when
    the shortcut cannot be taken (see the module's text)."""
    if old is None or old.builder != builder or old.stable != stable(reader.ref):
        return None
    kinds = ("publishers", "notices", "registrations", "media", "decisions", "codes", "authorities")
    named: dict[str, set[str]] = {k: set() for k in kinds}
    try:
        for resource, line in row_changes(reader, old.release):
            if resource in NOWHERE:
                continue
            fields = NAMES.get(resource)
            if fields is None or resource in EVERYWHERE:
                return None
            for row in (r for r in (line.old, line.new) if r is not None):
                for field, target in fields.items():
                    named[target].add(row.get(field) or "")
    except (
        KeyError,
        ChangesUnavailable,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        msgspec.DecodeError,
    ):
        return None
    publishers, notices, registrations, media, decisions, codes, authorities = (
        named[k] for k in kinds
    )
    # an authority's name and names over time: on its notices and its registrations' pages
    for sql, found in (
        ("SELECT id FROM notices WHERE authority_code IN ({})", notices),
        ("SELECT id FROM decisions WHERE authority_code IN ({})", decisions),
        ("SELECT id FROM registrations WHERE authority_code IN ({})", registrations),
        ("SELECT party_credit_code FROM penalties WHERE authority_code IN ({})", codes),
        ("SELECT publisher_id FROM penalties WHERE authority_code IN ({})", codes),
    ):
        found.update(i for (i,) in _rows(reader, sql, authorities) if i)
    for rid, nid in _rows(
        reader, "SELECT registration_id, notice_id FROM decisions WHERE id IN ({})", decisions
    ):
        registrations.add(rid or "")
        notices.add(nid or "")
    for (rid,) in _rows(reader, "SELECT registration_id FROM media WHERE id IN ({})", media):
        registrations.add(rid or "")
    for (pid,) in _rows(
        reader, "SELECT publisher_id FROM registrations WHERE id IN ({})", registrations
    ):
        publishers.add(pid)
    for field in ("id", "credit_code", "sponsor_credit_code"):
        sql = f"SELECT id FROM publishers WHERE {field} IN ({{}})"
        publishers.update(pid for (pid,) in _rows(reader, sql, codes))
    by_publisher: dict[str, list[str]] = {}
    for pid, mid in reader.conn.execute(
        "SELECT r.publisher_id, m.id FROM media m JOIN registrations r ON r.id = m.registration_id"
    ):
        by_publisher.setdefault(pid, []).append(mid)
    publishers.discard("")
    notices.discard("")
    return Shortcut(publishers, notices, by_publisher)


def _rows(reader: Reader, sql: str, ids: Iterable[str]) -> Iterator[Any]:
    wanted = sorted(i for i in ids if i)
    for start in range(0, len(wanted), BATCH):
        part = wanted[start : start + BATCH]
        yield from reader.conn.execute(sql.format(marks(part)), part)
