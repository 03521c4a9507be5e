"""Build the site of a release: every page, the downloads, feed, sitemap and search index.

``build_site(release, out)`` reads the release through the read side and writes the
site into ``out`` (``<release>/site`` when published), with its manifest beside it
(``<release>/site.json``). Given the previous release's site, pages made from the same
input are hard-linked from it instead of rendered (see :mod:`publisher.web.writer`).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from markupsafe import Markup, escape

from ..read import catalog
from ..read.reader import Reader, release_folder
from . import pages as pg
from .searchindex import Doc, SearchIndex
from .shares import Shares, chunks
from .templates import fingerprint, render, site_dir
from .unchanged import shortcut, stable
from .writer import Stats, Writer, manifest_of, read_site_manifest

NEWEST = 30
FEED_ENTRIES = 50
SITEMAP_URLS = 50_000
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class SiteResult(msgspec.Struct, kw_only=True):
    out: Path
    manifest: Path
    pages: int
    written: int
    reused: int
    seconds: float
    search_docs: int
    steps: dict[str, float]


class Lists(NamedTuple):
    """The notices' indexes the lists, feed, sitemap and search index are made from."""

    months: list[catalog.Count]
    kinds: list[catalog.Count]
    notices: list[catalog.IndexedNotice]
    seconds: float  # reading them took


def build_site(
    release: Path,
    out: Path | None = None,
    *,
    previous: Path | None = None,
    site_url: str | None = None,
    say: Callable[[str], None] | None = None,
    jobs: int = 2,
) -> SiteResult:
    """Write the site of ``release`` into ``out`` (default ``<release>/site``).

    ``previous``: the previous release's ``site`` folder, whose unchanged pages are reused.
    ``site_url``: where the site will be served (for the sitemap's and feed's absolute
    URLs); without it they are relative to the site's root. ``jobs=2`` makes the notice,
    registrant, medium and verification pages in two processes (a second one forked):
    see :mod:`publisher.web.shares`.
    """
    out = out or release_folder(release) / "site"
    builder = fingerprint()
    reader = Reader(release)
    authorities = catalog.authorities(reader)
    old = read_site_manifest(manifest_of(previous)) if previous else None
    started = time.perf_counter()
    lists = Lists(
        catalog.notice_months(reader),
        catalog.notice_kinds(reader),
        list(catalog.notice_index(reader)),
        time.perf_counter() - started,
    )
    # Read before the second process is forked: it has the notices' index and the previous
    # site's manifest without reading them again.
    shares = Shares(
        release,
        out,
        builder,
        previous,
        chunks(reader),
        authorities,
        jobs,
        parts={pg.RELEASE_PART: pg.release_part(reader.ref)},
        stable=stable(reader.ref),
        shortcut=shortcut(reader, old, builder) if old else None,
        first=lambda r, w: _search(r, w, authorities, lists.notices),  # in the second process
        old=old,
    )
    try:
        return _build(reader, out, site_url, say, shares, authorities, lists)
    finally:
        shares.close()
        reader.close()


def notice_pages(release: Path, out: Path, count: int | None = None, jobs: int = 2) -> int:
    """The notice pages alone, of the first ``count`` notices (all when None), made as
    :func:`build_site` makes them (in two processes with ``jobs=2``), with their manifest
    beside ``out``; how many. For measuring the notice pages on their own."""
    builder = fingerprint()
    reader = Reader(release)
    work = chunks(reader, entities=False, notices=count)
    shares = Shares(release, out, builder, None, work, catalog.authorities(reader), jobs)
    try:
        writer = shares.writer(reader)
        shares.work_on(reader, writer)
        shares.join(writer)
        return len(writer.close(manifest_of(out)).pages)
    finally:
        shares.close()
        reader.close()


def _build(
    reader: Reader,
    out: Path,
    site_url: str | None,
    say: Callable[[str], None] | None,
    shares: Shares,
    authorities: list[catalog.Authority],
    lists: Lists,
) -> SiteResult:
    writer = shares.writer(reader)
    steps: dict[str, float] = {}
    clock = [time.perf_counter() - lists.seconds]

    def step(name: str) -> None:
        now = time.perf_counter()
        steps[name] = round(now - clock[0], 3)
        clock[0] = now
        if say:
            say(f"site: {name} {steps[name]:.1f} s")

    if say and shares.previous is not None:
        cut = shares.shortcut
        say(
            f"site: since the previous site, {len(cut.publishers):,} registrants and"
            f" {len(cut.notices):,} notices changed; the others' pages are taken unread"
            if cut is not None
            else "site: every registrant and notice read (no shortcut from the previous site)"
        )
    for asset in sorted((site_dir() / "assets").iterdir()):
        if asset.is_file():
            writer.data(f"assets/{asset.name}", asset.read_bytes())
    months, kinds, index = lists.months, lists.kinds, lists.notices
    step("read indexes")
    # The single pages first, while the second process makes notices, registrants and
    # media; then this process takes what is left of those with it.
    for page in pg.notice_lists(index, authorities, months, kinds):
        writer.page(*page)
    newest = index[:NEWEST]
    writer.page(*pg.notices_home(newest, months, kinds, authorities))
    counts = dict(reader.manifest.counts)
    counts.setdefault("notices", len(index))
    writer.page(*pg.home_page(reader, newest, counts))
    for page in pg.entity_lists(reader):
        writer.page(*page)
    step("lists")
    for page in pg.penalty_pages(reader):
        writer.page(*page)
    writer.page(*pg.dictionary_page(reader))
    writer.page(*pg.method_page(reader))
    writer.page("search/index.html", "search.html", {})
    _downloads(reader, writer, out, site_url)
    step("downloads")
    search_docs = 0
    if shares.child is None:
        search_docs = _search(reader, writer, authorities, index)
        step("search index")
    shares.work_on(reader, writer)
    step("notices, registrants and media")
    shares.join(writer)
    if shares.child is not None:
        search_docs = shares.first_result
    step("search index, notices, registrants and media (second process)")
    base = site_url.rstrip("/") + "/" if site_url else ""
    _feed(reader, writer, index, base)
    _sitemap(writer, index, base)
    step("feed and sitemap")
    manifest = writer.close(manifest_of(out))
    stats: Stats = writer.stats
    return SiteResult(
        out=out,
        manifest=manifest_of(out),
        pages=len(manifest.pages),
        written=stats.written,
        reused=stats.reused,
        seconds=round(stats.seconds, 3),
        search_docs=search_docs,
        steps=steps,
    )


def _search(
    reader: Reader,
    writer: Writer,
    authorities: list[catalog.Authority],
    index: list[catalog.IndexedNotice],
) -> int:
    """The search index's files written; how many documents it holds. Made by the second
    process first, while the first makes the lists."""
    search = _search_index(reader, index, authorities)
    for path, data in search.files():
        writer.data(path, data)
    return search.count


def _search_index(
    reader: Reader, index: list[catalog.IndexedNotice], authorities: list[catalog.Authority]
) -> SearchIndex:
    """Registrants, then media, then authorities, then notices newest first."""
    search = SearchIndex()
    pinyin: dict[str, tuple[str, str]] = {}
    entities: dict[tuple[str, str], Doc] = {}
    for n in catalog.names_pinyin(reader):
        pinyin[n.name] = (n.pinyin, n.initials)
        key = (n.kind, n.ref)
        doc = entities.get(key)
        if doc is None:
            url = pg.publisher_path(n.ref) if n.kind == "publisher" else pg.medium_path(n.ref)
            kind = "广告发布单位" if n.kind == "publisher" else "发布媒介"
            doc = entities[key] = Doc(url, n.label, kind, "", [], [], [])
        for value in (n.name, n.label, *n.codes):
            if value and value not in doc.names:
                doc.names.append(value)
        doc.pinyin.append(n.pinyin)
        doc.initials.append(n.initials)
    for kind in ("publisher", "medium"):
        for (k, _), doc in entities.items():
            if k == kind:
                search.add(doc)
    del entities
    for a in authorities:
        names = list(dict.fromkeys([a.name, *(n.name for n in a.names)]))
        search.add(
            Doc(
                f"authorities/{pg.slug(a.division_code)}.html",
                a.name,
                "登记机关",
                "",
                names,
                [],
                [],
            )
        )
    for item in index:
        s = item.notice
        py = [pinyin[x] for x in item.names if x in pinyin]
        search.add(
            Doc(
                pg.notice_path(s.id),
                s.title,
                "公告",
                s.publication_date.isoformat(),
                [*item.names, s.notice_number or ""],
                [p for p, _ in py],
                [i for _, i in py],
            )
        )
    search.count = len(search.docs)
    return search


_WHAT = {
    ".db": "SQLite 数据库（含全文检索索引、视图）",
    ".xlsx": "Excel 工作簿（每个资源一张工作表，中文表头）",
    ".zip": "数据包（Frictionless Data Package：datapackage.json 与 CSV）",
}


def _downloads(reader: Reader, writer: Writer, out: Path, site_url: str | None) -> None:
    """The data package as a zip, the workbook and the database, linked into the site."""
    ref = reader.ref
    files = []
    package = catalog.package_folder(reader)
    # The release's own zip of its package (publish writes one): linked, not made again.
    bundle = next(
        (
            f
            for f in reader.manifest.files
            if f.path.endswith("-datapackage.zip") and "/" not in f.path
        ),
        None,
    )
    if bundle is not None:
        writer.link(f"downloads/{bundle.path}", reader.folder / bundle.path, bundle.sha256)
        entry = writer.manifest.pages[f"downloads/{bundle.path}"]
        files.append((bundle.path, f"downloads/{bundle.path}", entry))
    elif package:  # a release from before the bundle: the site zips the package itself
        name = f"{ref.name}-{ref.version}.zip"
        tmp = out / "downloads" / f".{name}.tmp"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        digest = _zip(reader.folder / package, tmp, ref.as_of)
        writer.link(f"downloads/{name}", tmp, digest)
        tmp.unlink()
        files.append((name, f"downloads/{name}", writer.manifest.pages[f"downloads/{name}"]))
    for f in reader.manifest.files:
        if f.path.endswith((".db", ".xlsx")) and "/" not in f.path:
            writer.link(f"downloads/{f.path}", reader.folder / f.path, f.sha256)
            files.append(
                (f.path, f"downloads/{f.path}", writer.manifest.pages[f"downloads/{f.path}"])
            )
    rows: list[dict[str, Any]] = [
        {
            "name": n,
            "href": href,
            "bytes": e.bytes,
            "sha256": e.sha256,
            "what": _WHAT[Path(n).suffix],
        }
        for n, href, e in files
    ]
    d = catalog.descriptor(reader)
    licenses = d.get("licenses", [])
    base = site_url.rstrip("/") + "/" if site_url else ""
    jsonld = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": d.get("title") or ref.name,
        "alternateName": ref.name,
        "description": d.get("description", ""),
        "version": ref.version,
        "dateCreated": ref.created,
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
        "license": licenses[0]["path"] if licenses else None,
        "temporalCoverage": f"{ref.regime_start.isoformat()}/{ref.horizon.isoformat()}",
        "spatialCoverage": {"@type": "Place", "name": "中华人民共和国"},
        "keywords": ["广告发布登记", "广告法", "行政许可", "公告", "open data"],
        "creator": {"@type": "Organization", "name": "adreg"},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": r["name"],
                "contentUrl": base + r["href"],
                "encodingFormat": {
                    ".zip": "application/zip",
                    ".db": "application/vnd.sqlite3",
                    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }[Path(r["name"]).suffix],
                "contentSize": f"{r['bytes']} B",
                "sha256": r["sha256"],
            }
            for r in rows
        ],
    }
    text = json.dumps(jsonld, ensure_ascii=False, indent=1).replace("</", "<\\/")
    writer.page(
        "downloads/index.html",
        "downloads.html",
        {"release": ref, "files": rows, "jsonld": text, "licenses": licenses},
    )


def _zip(folder: Path, target: Path, as_of: date) -> str:
    """The data package folder as a zip with fixed times (same files, same bytes)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as src, z.open(info, "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    h = hashlib.sha256()
    with target.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _feed(reader: Reader, writer: Writer, index: list[catalog.IndexedNotice], base: str) -> None:
    ref = reader.ref
    entries = []
    for item in index[:FEED_ENTRIES]:
        s = item.notice
        href = pg.notice_path(s.id)
        entries.append(
            {
                "title": s.title,
                "id": base + href
                if base
                else uuid.uuid5(uuid.NAMESPACE_URL, f"adreg:{ref.name}:{s.id}").urn,
                "updated": f"{s.publication_date.isoformat()}T00:00:00+08:00",
                "href": href,
                "authority": s.authority_name,
                "summary": f"{s.authority_name}，{s.decision_count}项登记决定"
                + (f"，公告编号{s.notice_number}" if s.notice_number else "（adreg汇编）"),
            }
        )
    newest = index[0].notice.publication_date.isoformat() if index else ref.as_of.isoformat()
    context: dict[str, Any] = {
        "title": "广告发布登记公告",
        "feed_id": base + "feed.xml"
        if base
        else uuid.uuid5(uuid.NAMESPACE_URL, f"adreg:{ref.name}:feed").urn,
        "updated": f"{newest}T00:00:00+08:00",
        "entries": entries,
        "base": base,
    }
    writer.data("feed.xml", render("feed.xml", context).encode())


def _urls(urls: list[dict[str, Any]], base: str) -> Markup:
    """A sitemap's ``<url>`` lines, one a page (a template loop took ≈ 2 s at 280k pages)."""
    root = escape(base)
    return Markup(
        "".join(
            f"  <url><loc>{root}{escape(u['path'])}</loc>"
            + (f"<lastmod>{u['lastmod']}</lastmod>" if u["lastmod"] else "")
            + "</url>\n"
            for u in urls
        )
    )


def _sitemap(writer: Writer, index: list[catalog.IndexedNotice], base: str) -> None:
    lastmod = {pg.notice_path(i.notice.id): i.notice.publication_date.isoformat() for i in index}
    urls = [
        {"path": p, "lastmod": lastmod.get(p)}
        for p in sorted(writer.manifest.pages)
        if p.endswith(".html")
    ]
    urls.sort(key=lambda u: (u["path"] != "index.html", u["path"]))
    if len(urls) <= SITEMAP_URLS:
        writer.data("sitemap.xml", render("sitemap.xml", {"urls": _urls(urls, base)}).encode())
        parts = ["sitemap.xml"]
    else:
        parts = []
        for i in range(0, len(urls), SITEMAP_URLS):
            name = f"sitemap-{i // SITEMAP_URLS + 1}.xml"
            chunk = urls[i : i + SITEMAP_URLS]
            writer.data(name, render("sitemap.xml", {"urls": _urls(chunk, base)}).encode())
            parts.append(name)
        writer.data(
            "sitemap.xml", render("sitemapindex.xml", {"parts": parts, "base": base}).encode()
        )
    robots = "User-agent: *\nAllow: /\n"
    if base:
        robots += f"Sitemap: {base}sitemap.xml\n"
    writer.data("robots.txt", robots.encode())
