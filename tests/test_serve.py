"""``adreg serve``: the site, the API and Datasette on one port, over real HTTP.

Each server is the real command in its own process on a free loopback port, over a real
release; nothing is mocked. Datasette lives at /explore/ and every link it makes works
there; writes are refused; a release published while serving is served without a
restart and no request fails while it is switched in; two servers over one release
answer alike; a user's mistake is one line.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit
from xml.etree import ElementTree

import httpx
import pytest
from conftest import SAMPLE_CONFIG, SAMPLE_SOURCES, adreg_path, assert_one_line_error

DB = "adreg-samples"
ATOM = "{http://www.w3.org/2005/Atom}"


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """``adreg serve --release ROOT --port P [ARGS]`` running until closed."""

    def __init__(self, root: Path, *args: str, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.stderr = log.open("wb")
        cmd = [adreg_path(), "serve", "--release", str(root), "--port", str(self.port), *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        assert self.proc.stdout is not None
        self.banner = [self.proc.stdout.readline() for _ in range(4)]
        self.client = httpx.Client(base_url=self.base, timeout=60)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client.get("/explore/").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert self.proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def close(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self.stderr.close()


def with_site(root: Path) -> Path:
    """A copy of ``root`` whose current release has a static site (a minimal one if
    publish made none), so that / has something to serve."""
    site = (root / "current").resolve() / "site"
    if not site.is_dir():
        (site / "notices").mkdir(parents=True)
        (site / "index.html").write_text("<!doctype html><title>首页</title>", encoding="utf-8")
        (site / "notices" / "a.html").write_text("<p>公告</p>", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def root(sample_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("served") / "out"
    shutil.copytree(sample_release, copy, symlinks=True)
    return with_site(copy)


@pytest.fixture(scope="module")
def server(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = Served(root, log=tmp_path_factory.mktemp("log") / "serve.log")
    yield served
    served.close()


def test_one_command_one_port_three_services(server: Served, root: Path) -> None:
    assert server.banner[0].startswith("adreg: serving release ")
    urls = dict(re.findall(r"^\s+(\w+)\s+(http://\S+)$", "".join(server.banner), re.M))
    assert urls == {
        "site": f"{server.base}/",
        "API": f"{server.base}/api/",
        "Datasette": f"{server.base}/explore/",
    }
    site = server.get("/")
    assert site.status_code == 200 and site.headers["content-type"].startswith("text/html")
    assert site.content == ((root / "current").resolve() / "site" / "index.html").read_bytes()
    assert server.get("/notices/a.html").status_code in (200, 404)
    assert server.get("/../release.json").status_code == 404
    assert server.get("/%2e%2e/release.json").status_code == 404  # nothing outside site/
    head = server.client.head("/")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(site.content)
    api = server.get("/api/v1/verify", params={"q": "肥东信宇法治报", "on": "2018-06-01"})
    assert api.status_code == 200, api.text[:300]
    assert api.json()["verdict"]
    assert server.get("/api/schema/openapi.json").status_code == 200
    table = server.get(f"/explore/{DB}/publishers")
    assert table.status_code == 200 and "广告发布单位" in table.text
    data = server.get(f"/explore/{DB}/publishers.json", params={"_shape": "array"}).json()
    assert data and "name" in data[0]
    table_csv = server.get(f"/explore/{DB}/publishers.csv")
    assert table_csv.status_code == 200
    every = server.get(f"/explore/{DB}/publishers.json?_shape=array&_size=max").json()
    rows = csv_rows(table_csv.text)
    assert rows[0][:2] == ["id", "name"] and len(rows) == len(every) + 1


def test_every_canned_query_with_a_parameter(server: Served) -> None:
    code = server.get(f"/explore/{DB}/notices.json?_shape=array&_size=1").json()[0][
        "authority_code"
    ]
    credit = next(
        p["credit_code"]
        for p in server.get(f"/explore/{DB}/publishers.json?_shape=array&_size=max").json()
        if p["credit_code"]
    )
    rid = server.get(f"/explore/{DB}/registrations.json?_shape=array&_size=1").json()[0]["id"]
    params = {
        "media_valid_on": {"day": "2018-06-01"},
        "status_on_date": {"registration_id": rid, "day": "2018-06-01"},
        "expired_never_cancelled": {},
        "late_decisions": {},
        "penalties_by_authority_year": {},
        "authority_notices": {
            "authority_code": code,
            "from_date": "2016-12-01",
            "to_date": "2021-04-28",
        },
        "registrant_history": {"credit_code": credit},
        "new_notices": {"authority_code": code},
    }
    for name, values in params.items():
        page = server.get(f"/explore/{DB}/{name}", params=values)
        assert page.status_code == 200, name
        rows = server.get(f"/explore/{DB}/{name}.json", params={**values, "_shape": "array"})
        assert rows.status_code == 200, (name, rows.text[:300])
        if values:
            assert rows.json(), name
        as_csv = server.get(f"/explore/{DB}/{name}.csv", params=values)
        assert as_csv.status_code == 200 and len(csv_rows(as_csv.text)) == len(rows.json()) + 1


def test_the_atom_feed_of_new_notices(server: Served) -> None:
    feed = server.get(f"/explore/{DB}/new_notices.atom")
    assert feed.status_code == 200
    root = ElementTree.fromstring(feed.content)
    entries = root.findall(f"{ATOM}entry")
    assert entries and root.find(f"{ATOM}title").text == "新公告 New notices"
    href = entries[0].find(f"{ATOM}link").get("href")
    notice = server.get(urljoin(f"{server.base}/explore/{DB}/new_notices.atom", href))
    assert notice.status_code == 200 and entries[0].find(f"{ATOM}title").text in notice.text


@pytest.mark.parametrize("q", ["报", "交通", "jiaotong", "hf"])
def test_search_from_datasette_s_search_box(server: Served, q: str) -> None:
    page = server.get(f"/explore/{DB}/search_index", params={"_search": q})
    assert page.status_code == 200
    assert 'id="_search"' in page.text  # the search box, holding the query
    assert f'value="{q}"' in page.text
    count = re.search(r"<h3>([\d,]+) rows?", page.text)
    assert count and int(count[1].replace(",", "")) > 0, q
    assert (
        f'href="/explore/{DB}/media/' in page.text
        or f'href="/explore/{DB}/publishers/' in page.text
    )


def test_every_link_in_datasette_works_under_explore(server: Served) -> None:
    todo, seen, bad = [f"/explore/{DB}"], set(), []
    while todo and len(seen) < 120:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        page = server.get(path)
        if page.status_code != 200:
            bad.append((path, page.status_code))
            continue
        if not page.headers["content-type"].startswith("text/html"):
            continue
        for href in re.findall(r'(?:href|src|action)="([^"]+)"', page.text):
            href = href.replace("&amp;", "&")
            if href.startswith(("http://", "https://", "#", "mailto:")) and not href.startswith(
                server.base
            ):
                continue
            target = urlsplit(urljoin(server.base + path, href))
            if not target.path.startswith("/explore/"):
                bad.append((path, href))
            elif "_sort" not in target.query and target.path.count("/") <= 4:
                todo.append(target.path + (f"?{target.query}" if target.query else ""))
    assert len(seen) >= 60
    assert bad == []


def test_writes_are_refused(server: Served) -> None:
    for path in (
        "/",
        f"/explore/{DB}/publishers",
        f"/explore/{DB}/registrant_history",
        f"/explore/{DB}",
    ):
        response = server.client.post(path, data={"sql": "delete from publishers"})
        assert response.status_code == 405, path
        assert response.headers["allow"] == "GET, HEAD"
    for sql in ("insert into ledger (source, file) values ('x', 'y')", "drop table publishers"):
        response = server.get(f"/explore/{DB}.json", params={"sql": sql})
        assert response.status_code == 400, sql
    injected = server.get(
        f"/explore/{DB}/registrant_history.json",
        params={"credit_code": "x'; delete from publishers; --", "_shape": "array"},
    )
    assert injected.status_code == 200 and injected.json() == []
    assert server.get(f"/explore/{DB}/publishers.json?_shape=array").json()


def test_user_mistakes_are_one_line(adreg, tmp_path: Path, root: Path) -> None:
    empty = tmp_path / "empty"
    (empty / "releases").mkdir(parents=True)
    assert_one_line_error(adreg("serve", "--release", empty), "run adreg publish first")
    assert_one_line_error(adreg("serve", "--release", tmp_path / "nowhere"), "adreg publish")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert_one_line_error(
            adreg("serve", "--release", root, "--port", port), f"port {port}", "taken"
        )
    damaged = tmp_path / "damaged"
    shutil.copytree(root, damaged, symlinks=True)
    db = next((damaged / "current").resolve().glob("*.db"))
    with db.open("r+b") as fh:
        fh.truncate(4096)
    assert_one_line_error(adreg("serve", "--release", damaged), "damaged", db.name)


def publish_samples(root: Path) -> subprocess.CompletedProcess[str]:
    cmd = [adreg_path(), "publish", *map(str, SAMPLE_SOURCES), "--config", str(SAMPLE_CONFIG)]
    return subprocess.run(
        [*cmd, "--out", str(root), "-q"], capture_output=True, text=True, timeout=300
    )


def test_a_new_release_is_served_without_a_restart(tmp_path: Path) -> None:
    root = tmp_path / "out"
    assert publish_samples(root).returncode == 0
    with_site(root)
    served = Served(root, log=tmp_path / "serve.log")
    paths = [
        "/",
        "/api/v1/release",
        f"/explore/{DB}/publishers.json?_shape=array",
        f"/explore/{DB}/search_index?_search=交通",
    ]
    failures: list[tuple[str, int]] = []
    versions: set[str] = set()
    done = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=served.base, timeout=60) as client:
            while not done.is_set():
                for path in paths:
                    response = client.get(path)
                    if response.status_code != 200:
                        failures.append((path, response.status_code))
                title = client.get("/explore/-/metadata.json").json()["title"]
                versions.add(title.rsplit(" ", 1)[-1])

    try:
        first = served.get("/explore/-/metadata.json").json()["title"].rsplit(" ", 1)[-1]
        threads = [threading.Thread(target=hammer) for _ in range(2)]
        for t in threads:
            t.start()
        published = publish_samples(root)
        assert published.returncode == 0, published.stderr
        second = (root / "current").resolve().name
        deadline = time.monotonic() + 30
        while second not in versions and time.monotonic() < deadline:
            time.sleep(0.2)
        done.set()
        for t in threads:
            t.join()
    finally:
        done.set()
        served.close()
    assert failures == []
    assert first != second and {first, second} <= versions
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


def comparable(response: httpx.Response) -> Any:
    """A response as two servers must give it alike: status, type and body (without
    Datasette's timings)."""
    body: Any = response.content
    if response.headers["content-type"].startswith("text/html"):
        body = re.sub(r"Queries took [\d.]+ms", "", response.text)
    if response.headers["content-type"].startswith("application/json"):
        body = response.json()
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k not in ("query_ms",)}
    return response.status_code, response.headers["content-type"], body


def test_two_servers_over_one_release_answer_identically(
    server: Served, root: Path, tmp_path: Path
) -> None:
    # the other serves the release folder itself (no current link to follow), in 2 workers
    folder = (root / "current").resolve()
    other = Served(folder, "--workers", "2", log=tmp_path / "other.log")
    paths = [
        "/",
        "/api/v1/release",
        "/api/v1/verify?on=2018-06-01&q=" + quote("肥东信宇法治报"),
        f"/explore/{DB}/publishers.json?_shape=array",
        f"/explore/{DB}/decisions.csv",
        f"/explore/{DB}/search_index.json?_search=jiaotong&_shape=array",
        f"/explore/{DB}/media_valid_on.json?day=2018-06-01&_shape=array",
        f"/explore/{DB}/new_notices.atom",
        f"/explore/{DB}/decisions?kind=grant",
    ]
    host = {"host": "adreg.example.org"}  # as behind a load balancer: one name for all
    try:
        for path in paths:
            mine, theirs = server.get(path, headers=host), other.get(path, headers=host)
            assert mine.status_code == 200, path
            assert comparable(mine) == comparable(theirs), path
    finally:
        other.close()
