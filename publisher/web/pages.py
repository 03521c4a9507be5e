"""What each page of the site shows: (path, template, context), from the read side.

Data is shaped here and the templates stay dumb. A page's context holds only what the
page shows: a notice's page does not carry the release's version, so an unchanged notice
is not rewritten by the next release (see :mod:`publisher.web.writer`). Paths are
permalinks: ``notices/<id>.html``, ``publishers/<id>.html``, ``media/<id>.html``,
``verify/<medium id>.html``, ``authorities/<code>.html``, ``months/<YYYY-MM>.html``,
``kinds/<kind>.html``; long lists continue on ``…-p2.html``, ``…-p3.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import msgspec

from ..law import law
from ..read import catalog
from ..read import entities as e
from ..read import notices as n
from ..read.answers import (
    Medium,
    NoticeSummary,
    Publisher,
    Registration,
    ReleaseRef,
    VerifyAnswer,
)
from ..read.catalog import Authority, Count, IndexedNotice, NoticePage
from ..read.reader import Reader
from ..vocabulary import VOCABULARY, zh
from .templates import render, slug

# (path, template, context), and the name of the writer's part the page holds, if any
Page = tuple[str, str, dict[str, Any]] | tuple[str, str, dict[str, Any], str]
RELEASE_PART = "release"  # the verification pages' citation of the release
PER_PAGE = 200
ENTITIES_PER_PAGE = 500
ENTITY_BATCH = 50  # registrants whose registrations are read together


def notice_path(notice_id: str) -> str:
    return f"notices/{slug(notice_id)}.html"


def publisher_path(publisher_id: str) -> str:
    return f"publishers/{slug(publisher_id)}.html"


def medium_path(medium_id: str) -> str:
    return f"media/{slug(medium_id)}.html"


def verify_path(medium_id: str) -> str:
    return f"verify/{slug(medium_id)}.html"


def paged(
    base: str, items: Sequence[Any], per_page: int
) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """``base``.html, ``base``-p2.html …: each page's path, items and pager."""
    pages = max(1, -(-len(items) // per_page))
    paths = [f"{base}.html" if i == 0 else f"{base}-p{i + 1}.html" for i in range(pages)]
    for i, path in enumerate(paths):
        pager = {
            "page": i + 1,
            "pages": pages,
            "prev": paths[i - 1] if i else None,
            "next": paths[i + 1] if i + 1 < pages else None,
            "total": len(items),
        }
        yield path, items[i * per_page : (i + 1) * per_page], pager


def _row(s: NoticeSummary, kinds: list[str]) -> dict[str, Any]:
    """A notice as a list shows it (small, stable: lists change only when notices do)."""
    return {
        "href": notice_path(s.id),
        "title": s.title,
        "date": s.publication_date,
        "imputed": s.publication_date_imputed,
        "number": s.notice_number,
        "compiled": s.compiled,
        "authority": s.authority_name,
        "decisions": s.decision_count,
        "kinds": [zh("decision_kind", k) for k in kinds],
    }


def body_lines(body: str) -> list[tuple[str, str]]:
    """A notice's text as (kind, line): ``head`` (a decision's heading), ``item`` (one of
    its facts), ``note`` (注：…) or ``p``; the templates set each kind as it is."""
    out = []
    for line in body.splitlines():
        if line.startswith("   "):
            out.append(("item", line.strip()))
        elif line[:1].isdigit():
            out.append(("head", line))
        elif line.startswith("注"):
            out.append(("note", line))
        else:
            out.append(("p", line))
    return out


def notice_page(page: NoticePage, authority: Authority | None) -> Page:
    """A notice set like a newspaper's: what it shows does not change when other notices
    are added (the authority without its counts), so an old notice is never rewritten.
    Its text is in the context once, as its lines (``body``)."""
    notice = page.notice
    return (
        notice_path(notice.id),
        "notice.html",
        {
            "notice": msgspec.structs.replace(notice, body=""),
            "authority": None
            if authority is None
            else {
                "division_code": authority.division_code,
                "division_name": authority.division_name,
                "level_zh": authority.level_zh,
                "name": authority.name,
            },
            "body": body_lines(notice.body),
            "registrants": [
                {"href": publisher_path(pid), "name": name} for pid, name in page.registrants
            ],
        },
    )


def list_pages(
    base: str, heading: dict[str, Any], rows: list[dict[str, Any]], per_page: int = PER_PAGE
) -> Iterator[Page]:
    for path, items, pager in paged(base, rows, per_page):
        yield path, "list.html", {"heading": heading, "rows": items, "pager": pager}


def notice_lists(
    index: list[IndexedNotice],
    authorities: list[Authority],
    months: list[Count],
    kinds: list[Count],
) -> Iterator[Page]:
    """Every notice list: by authority, by month, by decision kind (newest first)."""
    rows = [_row(i.notice, i.kinds) for i in index]
    by_authority: dict[str, list[dict[str, Any]]] = {}
    by_month: dict[str, list[dict[str, Any]]] = {}
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item, row in zip(index, rows, strict=True):
        s = item.notice
        by_authority.setdefault(s.authority_code, []).append(row)
        by_month.setdefault(s.publication_date.isoformat()[:7], []).append(row)
        for code in item.kinds:
            by_kind.setdefault(code, []).append(row)
    for a in authorities:
        heading: dict[str, Any] = {"kind": "authority", "title": a.name, "authority": a}
        yield from list_pages(
            f"authorities/{slug(a.division_code)}", heading, by_authority.get(a.division_code, [])
        )
    for m in months:
        heading_m: dict[str, Any] = {"kind": "month", "title": f"{m.label}公告", "count": m}
        yield from list_pages(f"months/{m.key}", heading_m, by_month.get(m.key, []))
    for k in kinds:
        heading = {
            "kind": "kind",
            "title": f"{k.label}公告",
            "count": k,
            "basis": VOCABULARY["decision_kind"][k.key].basis,
        }
        yield from list_pages(f"kinds/{slug(k.key)}", heading, by_kind.get(k.key, []))
    yield "authorities/index.html", "authorities.html", {"authorities": authorities}
    yield "months/index.html", "months.html", {"months": months}
    yield "kinds/index.html", "kinds.html", {"kinds": kinds}


def home_page(reader: Reader, newest: list[IndexedNotice], counts: dict[str, int]) -> Page:
    ref = reader.ref
    return (
        "index.html",
        "home.html",
        {
            "release": ref,
            "regime": law().regime,
            "newest": [_row(i.notice, i.kinds) for i in newest],
            "counts": counts,
        },
    )


def notices_home(
    newest: list[IndexedNotice],
    months: list[Count],
    kinds: list[Count],
    authorities: list[Authority],
) -> Page:
    return (
        "notices/index.html",
        "notices.html",
        {
            "newest": [_row(i.notice, i.kinds) for i in newest],
            "months": months,
            "kinds": kinds,
            "authorities": authorities,
        },
    )


def entity_pages(reader: Reader, ids: list[str]) -> Iterator[Page]:
    """A page per registrant (status on the horizon, each registration's timeline and
    decisions, penalties in publicity), per medium, and a verification page per medium,
    for the registrants ``ids``. Each registration is read once, a batch of
    registrants' registrations together."""
    for start in range(0, len(ids), ENTITY_BATCH):
        found = [p for pid in ids[start : start + ENTITY_BATCH] if (p := e.publisher(reader, pid))]
        rids = [s.id for p in found for s in p.registrations]
        known = e.registrations_of(reader, rids)
        evidence = catalog.registrations_evidence(reader, rids, reader.ref.horizon)
        for p in found:
            regs = [known[s.id] for s in p.registrations if s.id in known]
            yield from _entity_pages(reader, p, regs, evidence)


def _entity_pages(
    reader: Reader,
    p: Publisher,
    regs: list[Registration],
    evidence: dict[str, Callable[[Medium], VerifyAnswer]],
) -> Iterator[Page]:
    """A registrant's page, and its media's pages and verification pages."""
    ref = reader.ref
    stable = stable_ref(ref)
    href = publisher_path(p.id)
    yield (
        href,
        "publisher.html",
        {
            "publisher": p,
            "registrations": regs,
            "media": {r.id: [(m, medium_path(m.id)) for m in r.media] for r in regs},
            "as_of": ref.as_of,
            "horizon": ref.horizon,
        },
    )
    for reg in regs:
        owner = {"href": href, "name": reg.registrant.name}
        answer = evidence.get(reg.id)
        for m in reg.media:
            yield (
                medium_path(m.id),
                "medium.html",
                {
                    "medium": m,
                    "registration": reg,
                    "publisher": owner,
                    "verify": verify_path(m.id),
                    "as_of": ref.as_of,
                    "horizon": ref.horizon,
                },
            )
            yield (
                verify_path(m.id),
                "verify.html",
                {
                    "medium": m,
                    "answer": _uncited(answer(m), stable) if answer else None,
                    "periods": reg.periods,
                    "publisher": owner,
                    "horizon": ref.horizon,
                    "regime_start": ref.regime_start,
                    "regime_end": ref.regime_end,
                },
                RELEASE_PART,
            )


def release_part(ref: ReleaseRef) -> str:
    """The verification pages' citation of the release (version, date, database sha256),
    the same on each of them: their part (:mod:`publisher.web.writer`), rendered once."""
    return render("release_ref.html", {"release": ref})


def stable_ref(ref: ReleaseRef) -> ReleaseRef:
    """The release without what every release changes (version, time, database and its
    hash): what a page's data may depend on (a verification page cites the rest in its
    part; the incremental build's shortcut compares it, :func:`~.unchanged.stable`)."""
    return msgspec.structs.replace(ref, version="", created="", database="", sha256="")


def _uncited(answer: VerifyAnswer, stable: ReleaseRef) -> VerifyAnswer:
    """A verification page's answer without its release (the page cites the release in
    its part, from the release itself), so that its input changes with its data only."""
    return msgspec.structs.replace(answer, release=stable)


def entity_lists(reader: Reader) -> Iterator[Page]:
    """The lists of all registrants and of all media."""
    publishers, media = catalog.entity_names(reader)
    for base, title, rows, href in (
        ("publishers/index", "广告发布单位", publishers, publisher_path),
        ("media/index", "发布媒介", media, medium_path),
    ):
        items = [
            {"href": href(r.id), "name": r.name, "kind": r.kind_zh, "credit_code": r.code}
            for r in rows
        ]
        for path, chunk, pager in paged(base, items, ENTITIES_PER_PAGE):
            yield path, "entities.html", {"title": title, "rows": chunk, "pager": pager}


def penalty_pages(reader: Reader) -> Iterator[Page]:
    """Penalties in publicity on the release's as-of date (the only ones it holds)."""
    rows = []
    after = ""
    while True:
        got = n.penalties(reader, after=after, limit=e.MAX_PAGE)
        rows += got
        if len(got) < e.MAX_PAGE:
            break
        after = n.cursor(got[-1].decision_date, got[-1].id)
    rows.reverse()  # newest first
    rule = law().publicity_rule(reader.ref.as_of)
    publishers = sorted({r.publisher_id for r in rows if r.publisher_id})
    for path, items, pager in paged("penalties/index", rows, PER_PAGE):
        yield (
            path,
            "penalties.html",
            {
                "penalties": items,
                "pager": pager,
                "rule": rule,
                "as_of": reader.ref.as_of,
                "links": {pid: publisher_path(pid) for pid in publishers},
            },
        )


def dictionary_page(reader: Reader) -> Page:
    """Every resource and field of the data package, from its Table Schemas, with the
    code → 中文 vocabulary of coded fields."""
    resources = []
    for r in catalog.descriptor(reader).get("resources", []):
        fields = []
        for f in r.get("schema", {}).get("fields", []):
            codes = f.get("adreg:codes")
            terms = [(c, t.zh, t.en) for c, t in VOCABULARY.get(codes, {}).items()] if codes else []
            fields.append(
                {
                    "name": f["name"],
                    "title": f.get("title", ""),
                    "description": f.get("description", ""),
                    "type": f.get("type", "string"),
                    "required": bool(f.get("constraints", {}).get("required")),
                    "codes": codes,
                    "terms": terms,
                }
            )
        schema = r.get("schema", {})
        resources.append(
            {
                "name": r["name"],
                "title": r.get("title", ""),
                "description": r.get("description", ""),
                "path": r.get("path", ""),
                "primary_key": schema.get("primaryKey", []),
                "foreign_keys": schema.get("foreignKeys", []),
                "fields": fields,
            }
        )
    return "dictionary/index.html", "dictionary.html", {"resources": resources}


def method_page(reader: Reader) -> Page:
    d = catalog.descriptor(reader)
    terms = {
        name: list(VOCABULARY[name].items())
        for name in ("decision_kind", "status", "cancellation_ground")
    }
    return (
        "method/index.html",
        "method.html",
        {
            "law": law(),
            "licenses": d.get("licenses", []),
            "terms": terms,
            "rule": law().publicity_rule(reader.ref.as_of),
            "as_of": reader.ref.as_of,
            "horizon": reader.ref.horizon,
        },
    )
