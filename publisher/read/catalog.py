"""A release read whole, for publishing it as pages: authorities with their names over
time, notices in bulk and by month and decision kind, every registrant and medium, the
names' pinyin, the data package's Table Schemas, and a medium's evidence.

The site builder reads a release only through here and the rest of the read side. The
answers are the read side's own Structs, built by the same functions (``decision_from``,
``publisher``, ``registration``, ``verify``'s answer): a page never defines an answer again.
Bulk reads are ordered scans, batched, so a release of a million decisions streams.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import msgspec

from ..vocabulary import zh
from . import answers as a
from .entities import decision_rows
from .notices import NOTICE_SUMMARY, notice_summary, notice_with
from .reader import Reader, marks
from .verify import answers_for

BATCH = 500


class AuthorityName(a.Answer):
    name: str
    valid_from: date | None = None
    valid_to: date | None = None
    source: str | None = None


class Authority(a.Answer):
    """A registration authority: its GB/T 2260 division, level and names over time."""

    division_code: str
    name: str  # the name in use on the release's horizon
    level: str
    level_zh: str
    division_name: str | None
    names: list[AuthorityName]
    notices: int
    first_notice: date | None = None
    last_notice: date | None = None


class Count(a.Answer):
    key: str  # a month (YYYY-MM) or a decision kind
    label: str  # 2017年3月, 准予广告发布登记
    notices: int


class IndexedNotice(a.Answer):
    """A notice as lists show it, with the kinds of its decisions and what to search by."""

    notice: a.NoticeSummary
    kinds: list[str]
    names: list[str]  # registrants', sponsors' and media names, decision numbers


class NamePinyin(a.Answer):
    kind: str  # publisher | medium
    ref: str
    name: str  # the name searched: a publisher's or medium's, or a sponsor's
    label: str  # the publisher's or medium's own name
    pinyin: str
    initials: str
    codes: list[str]  # credit code, CN number, ISSN


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def authorities(reader: Reader) -> list[Authority]:
    """Every authority of the release with its dated names and how many notices it made."""
    names: dict[str, list[AuthorityName]] = {}
    for r in reader.all(
        "SELECT division_code, name, valid_from, valid_to, source FROM authority_names"
        " ORDER BY division_code, coalesce(valid_from, '')"
    ):
        names.setdefault(r["division_code"], []).append(
            AuthorityName(
                name=r["name"],
                valid_from=_d(r["valid_from"]),
                valid_to=_d(r["valid_to"]),
                source=r["source"] or None,
            )
        )
    counts = {
        r["authority_code"]: r
        for r in reader.all(
            "SELECT authority_code, count(*) AS n, min(publication_date) AS first,"
            " max(publication_date) AS last FROM notices GROUP BY authority_code"
        )
    }
    out = []
    for r in reader.all("SELECT * FROM authorities ORDER BY division_code"):
        c = counts.get(r["division_code"], {})
        out.append(
            Authority(
                division_code=r["division_code"],
                name=r["name"],
                level=r["level"],
                level_zh=zh("authority_level", r["level"]),
                division_name=r.get("division_name"),
                names=names.get(r["division_code"], []),
                notices=c.get("n", 0),
                first_notice=_d(c.get("first")),
                last_notice=_d(c.get("last")),
            )
        )
    return out


def month_label(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


def notice_months(reader: Reader) -> list[Count]:
    """Months with notices, newest first, with how many were published in each."""
    return [
        Count(key=r["m"], label=month_label(r["m"]), notices=r["n"])
        for r in reader.all(
            "SELECT substr(publication_date, 1, 7) AS m, count(*) AS n FROM notices"
            " GROUP BY m ORDER BY m DESC"
        )
    ]


def notice_kinds(reader: Reader) -> list[Count]:
    """Decision kinds with how many notices publish at least one decision of each."""
    return [
        Count(key=r["kind"], label=zh("decision_kind", r["kind"]), notices=r["n"])
        for r in reader.all(
            "SELECT kind, count(DISTINCT notice_id) AS n FROM decisions"
            " WHERE notice_id IS NOT NULL GROUP BY kind ORDER BY n DESC, kind"
        )
    ]


def notice_index(reader: Reader) -> Iterator[IndexedNotice]:
    """Every notice, newest first (publication date, then id, descending), with the kinds
    of its decisions and the names it can be found by. One scan of each table."""
    extra: dict[str, tuple[set[str], list[str]]] = {}
    for r in reader.conn.execute(
        "SELECT d.notice_id, d.kind, d.decision_number, d.publisher_name, d.media_names,"
        " p.sponsor_name FROM decisions d LEFT JOIN publishers p ON p.id = d.publisher_id"
        " WHERE d.notice_id IS NOT NULL ORDER BY d.notice_id, d.decision_number, d.id"
    ):
        kinds, names = extra.setdefault(r[0], (set(), []))
        kinds.add(r[1])
        for name in (r[3], r[5], *(r[4] or "").split("、"), r[2]):
            if name and name not in names:
                names.append(name)
    # the summaries only (the notices' indexes cover them): never a notice's body
    for row in reader.all(
        f"SELECT id, authority_code, publication_date, {NOTICE_SUMMARY} FROM notices"
        " ORDER BY publication_date DESC, id DESC"
    ):
        kinds, names = extra.get(row["id"], (set(), []))
        yield IndexedNotice(notice=notice_summary(row), kinds=sorted(kinds), names=names)


def notice_ids(reader: Reader) -> list[str]:
    """Every notice's id in publication order (date, then id)."""
    return [
        r[0] for r in reader.conn.execute("SELECT id FROM notices ORDER BY publication_date, id")
    ]


def _notice_rows(reader: Reader, ids: list[str]) -> list[dict[str, Any]]:
    """The ``notices`` rows of ``ids`` (body included), in publication order (date, id)."""
    return reader.all(
        f"SELECT * FROM notices WHERE id IN ({marks(ids)}) ORDER BY publication_date, id", ids
    )


def notices_of(reader: Reader, ids: list[str]) -> list[a.Notice]:
    """The notices ``ids`` with their decisions, each as :func:`publisher.read.notices.notice`
    answers it, in three statements for all of them (not three a notice); in publication
    order (date, then id). An unknown id is left out, as ``notice`` answers None for it."""
    if not ids:
        return []
    placeholders = marks(ids)
    by_notice: dict[str, list[a.Decision]] = {}
    for d in decision_rows(
        reader, f"notice_id IN ({placeholders}) ORDER BY notice_id, decision_number, id", ids
    ):
        by_notice.setdefault(d.notice_id or "", []).append(d)
    rows = _notice_rows(reader, ids)
    return [notice_with(r, by_notice.get(r["id"], [])) for r in rows]


class NoticePage(msgspec.Struct, frozen=True):
    """A notice as its page shows it: the notice (row and body, as :func:`notices_of`
    makes it, without its decisions) and its registrants (id, name) in its decisions'
    order, each once."""

    notice: a.Notice
    registrants: list[tuple[str, str]]


def notice_pages_of(reader: Reader, ids: list[str]) -> list[NoticePage]:
    """The notices ``ids`` as their pages show them (:class:`NoticePage`), in publication
    order (date, then id), unknown ids left out: two statements for all of them. A notice's
    page shows its text and its registrants, not its decisions one by one, so they are not
    read (at 10k notices that read was a fifth of the notice pages' time)."""
    if not ids:
        return []
    placeholders = marks(ids)
    registrants: dict[str, dict[str, str]] = {}
    for nid, pid, name in reader.conn.execute(
        "SELECT notice_id, publisher_id, publisher_name FROM decisions"
        f" WHERE notice_id IN ({placeholders}) ORDER BY notice_id, decision_number, id",
        ids,
    ):
        registrants.setdefault(nid, {}).setdefault(pid, name)
    rows = _notice_rows(reader, ids)
    return [
        NoticePage(notice_with(r, []), list(registrants.get(r["id"], {}).items())) for r in rows
    ]


def all_notices(reader: Reader, batch: int = BATCH) -> Iterator[a.Notice]:
    """Every notice with its decisions, as :func:`publisher.read.notices.notice` answers it,
    read in batches (:func:`notices_of`); only the ids are held for all notices, their
    bodies a batch at a time."""
    ids = notice_ids(reader)
    for start in range(0, len(ids), batch):
        yield from notices_of(reader, ids[start : start + batch])


def publisher_ids(reader: Reader) -> list[str]:
    return [r[0] for r in reader.conn.execute("SELECT id FROM publishers ORDER BY id")]


class EntityName(a.Answer):
    id: str
    name: str
    kind: str  # the publisher's kind or the medium's type
    kind_zh: str
    code: str | None = None  # credit code; CN number, ISSN, channel or frequency


def entity_names(reader: Reader) -> tuple[list[EntityName], list[EntityName]]:
    """Every publisher and every medium, by id: what lists of them show."""
    publishers = [
        EntityName(id=r[0], name=r[1], kind=r[2], kind_zh=zh("publisher_kind", r[2]), code=r[3])
        for r in reader.conn.execute(
            "SELECT id, name, kind, credit_code FROM publishers ORDER BY id"
        )
    ]
    media = [
        EntityName(id=r[0], name=r[1], kind=r[2], kind_zh=zh("medium_type", r[2]), code=r[3])
        for r in reader.conn.execute(
            "SELECT id, name, type, coalesce(cn_number, issn, channel, frequency) FROM media"
            " ORDER BY id"
        )
    ]
    return publishers, media


def media_ids(reader: Reader) -> list[tuple[str, str]]:
    """(medium id, registration id) of every medium, grouped by registration."""
    return [
        (r[0], r[1])
        for r in reader.conn.execute("SELECT id, registration_id FROM media ORDER BY 2, 1")
    ]


def names_pinyin(reader: Reader) -> Iterator[NamePinyin]:
    """Every searchable name of a publisher or medium with its pinyin and initials, as the
    release's search index holds them (computed once, at publish)."""
    for r in reader.conn.execute(
        "SELECT kind, ref, name, label, pinyin, initials, credit_code, cn_number, issn"
        " FROM search_index ORDER BY kind DESC, ref, field"
    ):
        yield NamePinyin(
            kind=r[0],
            ref=r[1],
            name=r[2],
            label=r[3],
            pinyin=r[4],
            initials=r[5],
            codes=[c for c in r[6:] if c],
        )


def descriptor(reader: Reader) -> dict[str, Any]:
    """The release's data package descriptor (``datapackage.json``): its Table Schemas."""
    found = sorted(reader.folder.glob("datapackages/*/datapackage.json"))
    if not found:
        return {"resources": []}
    loaded: dict[str, Any] = json.loads(found[0].read_text(encoding="utf-8"))
    return loaded


def package_folder(reader: Reader) -> str | None:
    """The data package's folder, relative to the release (``datapackages/<name>``)."""
    found = sorted(reader.folder.glob("datapackages/*/datapackage.json"))
    return found[0].parent.relative_to(reader.folder).as_posix() if found else None


def registrations_evidence(
    reader: Reader, registration_ids: list[str], day: date
) -> dict[str, Callable[[a.Medium], a.VerifyAnswer]]:
    """``verify``'s answer on ``day`` for the media of each of ``registration_ids`` (unknown
    ids left out), as if each medium were asked by its id: the status of its registration,
    the evidence, and the release (version, database sha256). The answers are made once
    per registration, a dozen statements for all of them (:func:`~.verify.answers_for`);
    each medium's differs only in the query and the match."""
    if not registration_ids:
        return {}
    placeholders = marks(registration_ids)
    matches = [
        a.Match(field="medium_id", value="", registration_id=r[0], publisher_id=r[1])
        for r in reader.rows(
            f"SELECT id, publisher_id FROM registrations WHERE id IN ({placeholders}) ORDER BY id",
            registration_ids,
        )
    ]
    base: dict[str, Any] = {"query": "", "on": day, "release": reader.ref}
    answers = answers_for(reader, matches, day, base)
    return {m.registration_id: _for_medium(m, x) for m, x in zip(matches, answers, strict=True)}


def _for_medium(match: a.Match, answer: a.VerifyAnswer) -> Callable[[a.Medium], a.VerifyAnswer]:
    def for_medium(m: a.Medium) -> a.VerifyAnswer:
        found = msgspec.structs.replace(match, value=m.id, medium_id=m.id)
        return msgspec.structs.replace(answer, query=m.name, match=found)

    return for_medium
