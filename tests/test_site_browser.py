"""The notices site in a real headless Chromium (Debian's, driven by Playwright), opened
from a plain folder and served from a root; and the newspaper PDF read back as text."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("ADREG_CHROMIUM", "/usr/bin/chromium")
# As root on a closed network: no sandbox, no background connections (see python.md).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need(tool: str) -> None:
    if shutil.which(tool) is None and not Path(tool).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed (.ci/run installs it)")
        pytest.skip(f"{tool} is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def site(sample_release: Path) -> Path:
    return (sample_release / "current" / "site").resolve()


@pytest.fixture(scope="module")
def db(sample_db: sqlite3.Connection) -> sqlite3.Connection:
    return sample_db


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site served at the root of a loopback HTTP server."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _search(browser: Any, base: str, q: str) -> list[str]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}search/index.html?q={q}")
    page.wait_for_selector(f'body[data-search-done="{q}"]', timeout=15_000)
    hrefs = page.eval_on_selector_all("#search-results a", "els => els.map(e => e.href)")
    page.close()
    assert errors == []
    return hrefs


def _two_chars(db: sqlite3.Connection) -> tuple[str, str]:
    """A 2-character query and a notice it must find (a registrant's name, few hits)."""
    rows = db.execute(
        "SELECT d.notice_id, d.publisher_name FROM decisions d WHERE d.notice_id IS NOT NULL"
        " ORDER BY d.id"
    ).fetchall()
    for notice_id, name in rows:
        for i in range(len(name) - 1):
            q = name[i : i + 2]
            if not all("\u4e00" <= c <= "\u9fff" for c in q):
                continue
            hits = db.execute(
                "SELECT count(DISTINCT notice_id) FROM decisions WHERE publisher_name LIKE ?"
                " OR media_names LIKE ?",
                [f"%{q}%", f"%{q}%"],
            ).fetchone()[0]
            if 1 <= hits <= 5:
                return q, notice_id
    raise AssertionError("no distinctive 2-character query in the samples")


def test_home_page_renders(browser: Any, site: Path) -> None:
    page = browser.new_page()
    page.goto(site.joinpath("index.html").as_uri())
    assert page.locator("h1").first.inner_text() == "广告发布登记公告"
    assert "2021年4月29日" in page.locator(".ended").inner_text()
    assert page.locator("ol.notices li").count() >= 10
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.close()


@pytest.mark.parametrize("where", ["folder", "server"])
def test_two_character_search_finds_the_notice(
    browser: Any, site: Path, served: str, db: sqlite3.Connection, where: str
) -> None:
    q, notice_id = _two_chars(db)
    base = site.as_uri() + "/" if where == "folder" else served
    hrefs = _search(browser, base, q)
    assert any(h.endswith(f"notices/{notice_id}.html") for h in hrefs), (q, hrefs)


def test_one_character_and_pinyin_search(browser: Any, site: Path, db: sqlite3.Connection) -> None:
    row = db.execute(
        "SELECT s.pinyin, s.initials, d.notice_id FROM search_index s"
        " JOIN decisions d ON d.publisher_id = s.ref AND s.kind = 'publisher' AND s.field = 'name'"
        " WHERE d.notice_id IS NOT NULL AND length(s.pinyin) > 8 ORDER BY s.pinyin LIMIT 1"
    ).fetchone()
    base = site.as_uri() + "/"
    hrefs = _search(browser, base, row["pinyin"])
    assert any(h.endswith(f"notices/{row['notice_id']}.html") for h in hrefs), row["pinyin"]
    assert hrefs and all(h.startswith(base) for h in hrefs)
    one = _search(browser, base, "报")
    assert len(one) == 50  # a page of results; more on request
    nothing = _search(browser, base, "不存在的名称")
    assert nothing == []


def test_a_notice_page_prints_to_pdf_on_a4(browser: Any, site: Path, tmp_path: Path) -> None:
    _need("pdftotext")
    notice = sorted((site / "notices").glob("adreg-*.html"))[0]
    page = browser.new_page()
    page.goto(notice.as_uri())
    pdf = tmp_path / "notice.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info  # the print stylesheet's @page size
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "广告发布登记公告" in text and "特此公告" in text
    assert "数据字典" not in text  # navigation is not printed


def test_newspaper_pdf_holds_the_notices_with_chinese_text(
    sample_release: Path, db: sqlite3.Connection, tmp_path: Path, adreg: Any
) -> None:
    _need("pdftotext")
    code, start, end = "340100", "2017-01-01", "2017-06-30"
    expected = db.execute(
        "SELECT title, body, authority_name FROM notices WHERE authority_code = ?"
        " AND publication_date"
        " BETWEEN ? AND ?",
        [code, start, end],
    ).fetchall()
    assert len(expected) >= 3
    pdf = tmp_path / "paper.pdf"
    run = adreg(
        "notices",
        "--from",
        start,
        "--to",
        end,
        "--authority",
        code,
        "--release",
        sample_release,
        "--out",
        pdf,
    )
    assert run.returncode == 0, run.stderr
    assert f"{len(expected)} notices" in run.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    for n in expected:
        numbers = [
            line.split("决定书文号：")[1].split()[0]
            for line in n["body"].splitlines()
            if "决定书文号：" in line
        ]
        assert numbers and all(num in flat for num in numbers), numbers
    # each notice is signed with the authority's name on its date (合肥市工商行政管理局 in 2017)
    assert {n["authority_name"] for n in expected} == {"合肥市工商行政管理局"}
    assert "合肥市工商行政管理局" in flat
    others = db.execute(
        "SELECT body FROM notices WHERE authority_code <> ? LIMIT 3", [code]
    ).fetchall()
    for n in others:
        numbers = [
            line.split("决定书文号：")[1].split()[0]
            for line in n["body"].splitlines()
            if "决定书文号：" in line
        ]
        assert not any(num in flat for num in numbers)


def test_notices_cli_errors_are_one_line(sample_release: Path, adreg: Any) -> None:
    from conftest import assert_one_line_error

    bad = adreg(
        "notices", "--from", "2017-02-30", "--to", "2017-03-01", "--release", sample_release
    )
    assert_one_line_error(bad, "--from")
    late = adreg(
        "notices", "--from", "2017-03-01", "--to", "2017-02-01", "--release", sample_release
    )
    assert_one_line_error(late, "before")
    none = adreg(
        "notices",
        "--from",
        "2017-03-01",
        "--to",
        "2017-03-02",
        "--authority",
        "999999",
        "--release",
        sample_release,
    )
    assert_one_line_error(none, "999999")
