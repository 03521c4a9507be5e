"""The HTTP API on the sample release: every endpoint's happy path through Litestar's test
client and through real ASGI servers (uvicorn, granian) on loopback; errors as problem
details; ETag/304, gzip, CORS, security headers, rate limits; pagination to the end;
pinyin search; the Atom feeds read by feedparser; a reconciliation batch as OpenRefine
sends it; the release's files and zip; the app mounted under /api by another app."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import httpx
import pytest
from conftest import ApiServer
from litestar import Litestar, asgi
from litestar.testing import TestClient
from litestar.types import Receive, Scope, Send

from api import create_app
from publisher.read.reader import Reader

MEDIUM = "天鸿健康"  # a periodical of the samples, valid on the as-of date
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def db(sample_release: Path) -> sqlite3.Connection:
    return sqlite3.connect(Reader(sample_release).db_path)


@pytest.fixture(scope="module")
def testclient_client(sample_release: Path) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(sample_release, rate_limit=None)) as client:
        yield client


def _served(release: Path, server: str) -> Iterator[httpx.Client]:
    running = ApiServer(release, server=server).wait()
    try:
        with httpx.Client(base_url=running.base_url, timeout=30) as client:
            yield client
    finally:
        running.stop()


@pytest.fixture(scope="module")
def uvicorn_client(sample_release: Path) -> Iterator[httpx.Client]:
    yield from _served(sample_release, "uvicorn")


@pytest.fixture(scope="module")
def granian_client(sample_release: Path) -> Iterator[httpx.Client]:
    yield from _served(sample_release, "granian")


@pytest.fixture(params=["testclient", "uvicorn", "granian"])
def client(request: pytest.FixtureRequest) -> Any:
    """Litestar's test client, then the app served by uvicorn and granian on loopback."""
    return request.getfixturevalue(f"{request.param}_client")


def ok(response: httpx.Response, media_type: str = "application/json") -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    return response.json() if media_type == "application/json" else response.content


def problem(response: httpx.Response, status: int, *needles: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    for needle in needles:
        assert needle in body["detail"], (needle, body)
    return body


# ---- every endpoint's happy path ---------------------------------------------------


def test_verify_answers_with_the_release_and_links_to_notices(
    client: Any, db: Any, sample_release: Path
) -> None:
    answer = ok(client.get("/api/v1/verify", params={"q": MEDIUM, "on": "2020-06-01"}))
    assert answer["verdict"] == "valid" and answer["on"] == "2020-06-01"
    (version,) = db.execute("SELECT version FROM release_info").fetchone()
    sha256 = hashlib.sha256(Reader(sample_release).db_path.read_bytes()).hexdigest()
    assert answer["release"]["version"] == version and answer["release"]["sha256"] == sha256
    assert answer["match"]["field"] == "medium_name"
    linked = [d for d in answer["decisions"] if d["notice_url"]]
    assert linked and all(d["notice_url"].endswith(d["notice_id"]) for d in linked)
    notice = ok(client.get(linked[0]["notice_url"]))
    assert linked[0]["id"] in {d["id"] for d in notice["decisions"]}
    # on defaults to the release's as-of date
    assert (
        ok(client.get("/api/v1/verify", params={"q": MEDIUM}))["on"] == answer["release"]["as_of"]
    )


def test_registrations(client: Any, db: Any) -> None:
    rid, authority = db.execute(
        "SELECT r.id, r.authority_code FROM registrations r JOIN media m"
        " ON m.registration_id = r.id WHERE m.name = ?",
        [MEDIUM],
    ).fetchone()
    reg = ok(client.get(f"/api/v1/registrations/{rid}"))
    assert reg["id"] == rid and reg["periods"] and reg["decisions"] and reg["media"]
    assert [p["valid_from"] for p in reg["periods"]] == sorted(
        p["valid_from"] for p in reg["periods"]
    )
    page = ok(
        client.get(
            "/api/v1/registrations",
            params={"authority": authority, "status": "valid", "medium_type": "periodical"},
        )
    )
    assert rid in {r["id"] for r in page["items"]}
    assert all(r["authority_code"] == authority for r in page["items"])
    assert all(r["status"]["status"] == "valid" for r in page["items"])
    named = ok(client.get("/api/v1/registrations", params={"q": MEDIUM}))
    assert [r["id"] for r in named["items"]] == [rid]
    on = ok(client.get("/api/v1/registrations", params={"on": "2016-12-01", "status": "valid"}))
    assert all(r["status"]["on"] == "2016-12-01" for r in on["items"])


def test_publishers_and_pinyin_search(client: Any, db: Any) -> None:
    code, name = db.execute(
        "SELECT p.credit_code, p.name FROM publishers p JOIN media m ON m.publisher_id = p.id"
        " WHERE m.name = ?",
        [MEDIUM],
    ).fetchone()
    pub = ok(client.get(f"/api/v1/publishers/{code}"))
    assert pub["name"] == name and pub["registrations"]
    for q in ("天", "天鸿", "天鸿健康", "tianhong", "th", code[:8]):
        hits = ok(client.get("/api/v1/publishers", params={"q": q}))["items"]
        assert code in {h["id"] for h in hits}, q
        assert all(h["kind"] == "publisher" for h in hits)


def test_media(client: Any) -> None:
    hits = ok(client.get("/api/v1/media", params={"q": "thjk"}))["items"]
    assert [h["name"] for h in hits] == [MEDIUM] and hits[0]["matched_on"] == "initials"
    full = ok(client.get("/api/v1/media", params={"q": "tianhongjiankang"}))["items"]
    assert [h["name"] for h in full] == [MEDIUM]
    papers = ok(client.get("/api/v1/media", params={"q": "报", "type": "newspaper"}))["items"]
    assert papers and all(h["type"] == "newspaper" for h in papers)
    medium = ok(client.get(f"/api/v1/media/{hits[0]['id']}"))
    assert medium["name"] == MEDIUM and medium["names"]


def test_notices(client: Any, db: Any) -> None:
    nid, authority = db.execute(
        "SELECT id, authority_code FROM notices ORDER BY publication_date DESC, id LIMIT 1"
    ).fetchone()
    notice = ok(client.get(f"/api/v1/notices/{nid}"))
    assert notice["body"] and notice["decisions"]
    page = ok(
        client.get(
            "/api/v1/notices",
            params={
                "authority": authority,
                "kind": "grant",
                "from": "2016-12-01",
                "to": "2017-06-30",
            },
        )
    )
    assert page["items"]
    for n in page["items"]:
        assert n["authority_code"] == authority
        assert "2016-12-01" <= n["publication_date"] <= "2017-06-30"


def test_penalties_are_those_in_publicity(client: Any, db: Any) -> None:
    rows = db.execute(
        "SELECT id, party_credit_code FROM penalties ORDER BY decision_date, id"
    ).fetchall()
    page = ok(client.get("/api/v1/penalties", params={"limit": 100}))
    assert [p["id"] for p in page["items"]] == [r[0] for r in rows]
    party = next(code for _, code in rows if code)
    mine = ok(client.get("/api/v1/penalties", params={"party": party}))["items"]
    assert mine and all(p["party_credit_code"] == party for p in mine)
    assert ok(client.get(f"/api/v1/penalties/{rows[0][0]}"))["id"] == rows[0][0]


def test_changes_since_the_current_release_are_none(client: Any, db: Any) -> None:
    (version,) = db.execute("SELECT version FROM release_info").fetchone()
    page = ok(client.get("/api/v1/changes", params={"since": version}))
    assert page["items"] == [] and page["steps"] == [] and page["next"] is None
    assert page["last_changed"]
    problem(client.get("/api/v1/changes", params={"since": "0.0.1"}), 404, "0.0.1")


def test_release_files_and_the_package_zip(client: Any, sample_release: Path) -> None:
    release = ok(client.get("/api/v1/release"))
    folder = Reader(sample_release).folder
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert release["release"]["version"] == manifest["version"]
    assert {f["path"] for f in release["files"]} == {f["path"] for f in manifest["files"]}
    zipped = release["package_zip"]
    assert zipped is not None and zipped["path"].endswith("-datapackage.zip")
    data = ok(client.get(zipped["url"]), "application/zip")
    assert hashlib.sha256(data).hexdigest() == zipped["sha256"] and len(data) == zipped["bytes"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        descriptor = json.loads(zf.read(next(n for n in names if n.endswith("datapackage.json"))))
        assert len(names) == 1 + len(descriptor["resources"])
    db = next(f for f in release["files"] if f["path"].endswith(".db"))
    assert (
        hashlib.sha256(ok(client.get(db["url"]), "application/vnd.sqlite3")).hexdigest()
        == db["sha256"]
    )
    problem(client.get("/api/v1/release/files/../release.json"), 404)
    problem(client.get("/api/v1/release/files/nothing.csv"), 404, "nothing.csv")


def test_health(client: Any) -> None:
    health = ok(client.get("/healthz"))
    assert health["status"] == "ok" and health["version"]
    assert client.get("/healthz").headers["cache-control"] == "no-store"


def test_schema_and_interactive_page(client: Any) -> None:
    schema = ok(client.get("/api/schema"), "application/vnd.oai.openapi+json")
    assert json.loads(schema)["openapi"].startswith("3.1")
    page = ok(client.get("/api/schema/swagger"), "text/html")
    assert b"swagger-ui" in page


# ---- the Atom feeds, read by a real feed parser --------------------------------------


def test_atom_feeds_parse(client: Any, db: Any) -> None:
    feed = feedparser.parse(ok(client.get("/api/v1/feeds/notices"), "application/atom+xml"))
    assert not feed.bozo, feed.bozo_exception
    (total,) = db.execute("SELECT count(*) FROM notices").fetchone()
    assert len(feed.entries) == min(total, 50)
    dates = [e.updated for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    newest = db.execute("SELECT max(publication_date) FROM notices").fetchone()[0]
    assert feed.feed.updated.startswith(newest)
    first = feed.entries[0]
    assert first.title and first.content[0].value and "/api/v1/notices/" in first.link
    assert ok(client.get(httpx.URL(first.link).path))["title"] == first.title
    authority = db.execute("SELECT authority_code, authority_name FROM notices LIMIT 1").fetchone()
    mine = feedparser.parse(
        ok(client.get(f"/api/v1/feeds/notices/{authority[0]}"), "application/atom+xml")
    )
    assert not mine.bozo and mine.entries
    assert {e.author for e in mine.entries} <= {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT authority_name FROM notices WHERE authority_code = ?", [authority[0]]
        )
    }
    problem(client.get("/api/v1/feeds/notices/999999"), 404, "999999")


# ---- reconciliation, as OpenRefine does it ------------------------------------------


def test_reconciliation_batch_as_openrefine_sends_it(client: Any, db: Any) -> None:
    manifest = ok(client.get("/api/v1/reconcile"))
    assert manifest["versions"] == ["0.2"] and {t["id"] for t in manifest["defaultTypes"]} == {
        "medium",
        "publisher",
    }
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
    cn, code = db.execute(
        "SELECT m.cn_number, p.credit_code FROM media m JOIN publishers p ON p.id = m.publisher_id"
        " WHERE m.name = ?",
        [MEDIUM],
    ).fetchone()
    queries = {
        "q0": {"query": MEDIUM, "type": "medium", "limit": 3, "type_strict": "should"},
        "q1": {"query": "天鸿", "type": "medium", "properties": [{"pid": "cn_number", "v": cn}]},
        "q2": {"query": code},
        "q3": {"query": "tianhongjiankang", "type": "medium"},
        "q4": {"query": "完全不存在的名字"},
    }
    # OpenRefine posts a form (application/x-www-form-urlencoded) with the field queries
    results = ok(client.post("/api/v1/reconcile", data={"queries": json.dumps(queries)}))
    assert set(results) == set(queries)
    best = results["q0"]["result"][0]
    assert best["name"] == MEDIUM and best["match"] and best["score"] == 100
    assert len(results["q0"]["result"]) <= 3
    assert results["q1"]["result"][0]["name"] == MEDIUM and not results["q1"]["result"][0]["match"]
    assert results["q2"]["result"][0]["id"] == code and results["q2"]["result"][0]["match"]
    assert results["q3"]["result"][0]["name"] == MEDIUM and not results["q3"]["result"][0]["match"]
    assert results["q4"]["result"] == []
    assert ok(client.post("/api/v1/reconcile", json={"queries": queries})) == results  # as JSON
    suggested = ok(client.get("/api/v1/reconcile/suggest/entity", params={"prefix": "天鸿"}))
    assert MEDIUM in {s["name"] for s in suggested["result"]}
    preview = client.get("/api/v1/reconcile/preview", params={"id": best["id"]})
    assert MEDIUM in ok(preview, "text/html").decode() and "x-frame-options" not in preview.headers
    view = client.get(f"/api/v1/reconcile/view/{best['id']}", follow_redirects=False)
    assert view.status_code == 302 and view.headers["location"].endswith(
        f"/api/v1/media/{best['id']}"
    )
    too_many = {f"q{i}": {"query": "报"} for i in range(101)}
    problem(
        client.post("/api/v1/reconcile", data={"queries": json.dumps(too_many)}), 400, "at most"
    )
    problem(client.post("/api/v1/reconcile", data={"queries": "{not json"}), 400, "JSON")
    problem(client.post("/api/v1/reconcile", data={"query": MEDIUM}), 400, "queries")
    problem(
        client.post("/api/v1/reconcile", content=b"x", headers={"content-type": "text/plain"}), 400
    )
    problem(
        client.post(
            "/api/v1/reconcile", data={"queries": json.dumps({"a": {"query": "x", "type": "cat"}})}
        ),
        400,
        "unknown type",
    )


# ---- pagination ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "sql", "limit"),
    [
        ("/api/v1/registrations", "SELECT id FROM registrations ORDER BY id", 7),
        ("/api/v1/notices", "SELECT id FROM notices ORDER BY publication_date, id", 11),
        ("/api/v1/penalties", "SELECT id FROM penalties ORDER BY decision_date, id", 3),
    ],
)
def test_pagination_to_the_end(client: Any, db: Any, path: str, sql: str, limit: int) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    pages = 0
    while True:
        response = client.get(path, params=params)
        page = ok(response)
        pages += 1
        assert len(page["items"]) <= limit
        seen += [item["id"] for item in page["items"]]
        if page["next"] is None:
            assert "link" not in response.headers
            break
        assert len(page["items"]) == limit
        link = response.headers["link"]
        assert link.endswith('>; rel="next"') and "cursor=" in link
        params = {"limit": limit, "cursor": page["next"]}
    assert seen == [r[0] for r in db.execute(sql)]
    assert pages == max(1, -(-len(seen) // limit))  # no empty last page


# ---- errors as problem details --------------------------------------------------------


def test_errors_are_problem_details(client: Any) -> None:
    bad = problem(client.get("/api/v1/verify", params={"q": MEDIUM, "on": "2020-02-30"}), 400, "on")
    assert bad["errors"][0]["parameter"] == "on" and "YYYY-MM-DD" in bad["errors"][0]["message"]
    problem(client.get("/api/v1/verify"), 400, "q")
    problem(client.get("/api/v1/registrations", params={"limit": 0}), 400, "limit")
    problem(client.get("/api/v1/registrations", params={"limit": 101}), 400, "limit")
    problem(client.get("/api/v1/registrations", params={"status": "sleeping"}), 400, "status")
    problem(client.get("/api/v1/notices", params={"from": "yesterday"}), 400, "from")
    problem(client.get("/api/v1/notices", params={"cursor": "2020-01-01"}), 400, "cursor")
    problem(client.get("/api/v1/penalties", params={"cursor": "20200101|x"}), 400, "cursor")
    problem(client.get("/api/v1/registrations/nothing-here"), 404, "nothing-here")
    problem(client.get("/api/v1/publishers/nothing"), 404, "nothing")
    problem(client.get("/api/v1/media/nothing"), 404)
    problem(client.get("/api/v1/notices/nothing"), 404)
    problem(client.get("/api/v1/penalties/nothing"), 404)
    problem(client.get("/api/v2/verify"), 404, "/api/schema")
    gone = client.post("/api/v1/verify", params={"q": MEDIUM})
    problem(gone, 405)
    assert "GET" in gone.headers["allow"]


# ---- HTTP: ETag / 304, gzip, CORS, security headers ------------------------------------


def test_etag_and_304(client: Any) -> None:
    first = client.get("/api/v1/verify", params={"q": MEDIUM})
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["adreg-release"] in etag
    again = client.get("/api/v1/verify", params={"q": MEDIUM}, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "content-type" not in again.headers
    other = client.get(
        "/api/v1/verify", params={"q": MEDIUM}, headers={"if-none-match": 'W/"0.0.1-x"'}
    )
    assert other.status_code == 200 and other.json()["verdict"] == "valid"
    listed = client.get("/api/v1/notices", headers={"if-none-match": f'"x", {etag}'})
    assert listed.status_code == 304
    # an error is never "not modified", nor cached
    missing = client.get("/api/v1/notices/nothing", headers={"if-none-match": etag})
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"


def test_gzip_cors_and_security_headers(client: Any) -> None:
    response = client.get(
        "/api/v1/registrations",
        headers={"accept-encoding": "gzip", "origin": "https://newsroom.example"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["items"]
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers["access-control-expose-headers"].lower()
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    preflight = client.options(
        "/api/v1/reconcile",
        headers={"origin": "http://localhost:3333", "access-control-request-method": "POST"},
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] in ("*", "http://localhost:3333")


def test_rate_limit_per_client(sample_release: Path) -> None:
    with TestClient(create_app(sample_release, rate_limit=("minute", 3))) as client:
        for n in range(3):
            response = client.get("/api/v1/verify", params={"q": MEDIUM})
            assert response.status_code == 200
            assert response.headers["ratelimit-remaining"] == str(2 - n)
        limited = problem(
            client.get("/api/v1/verify", params={"q": MEDIUM}), 429, "RateLimit-Reset"
        )
        assert limited["title"] == "Too Many Requests"
        assert client.get("/healthz").status_code == 200  # never limited


# ---- the app alone, mounted, and with no release yet ----------------------------------


def test_mounted_under_api(sample_release: Path) -> None:
    api = create_app(sample_release, rate_limit=None)

    @asgi("/api", is_mount=True, copy_scope=True)
    async def mounted(scope: Scope, receive: Receive, send: Send) -> None:
        await api(scope, receive, send)

    with TestClient(Litestar([mounted])) as client:
        assert ok(client.get("/api/v1/verify", params={"q": MEDIUM}))["verdict"] == "valid"
        assert ok(client.get("/api/schema/openapi.json"), "application/vnd.oai.openapi+json")
        assert ok(client.get("/api/healthz"))["status"] == "ok"
        assert ok(client.get("/api/v1/release"))["files"][0]["url"].startswith(
            "http://testserver.local/api/v1/"
        )


def test_no_release_yet_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "out", rate_limit=None)) as client:
        problem(client.get("/healthz"), 503, "adreg publish")
        problem(client.get("/api/v1/verify", params={"q": MEDIUM}), 503)
        assert client.get("/api/schema").status_code == 200


# ---- a release switched in while serving -------------------------------------------


def test_a_new_release_is_picked_up_and_requests_in_flight_finish_on_theirs(
    tmp_path: Path,
) -> None:
    """A real server keeps serving while a second release is published into its output
    root: a request whose body is still arriving when the switch happens is answered from
    the release it started on; the next request from the new one, with no restart."""
    from conftest import SAMPLE_CONFIG, SAMPLE_SOURCES

    from publisher.release.publish import load_config, publish

    root = tmp_path / "out"
    config = load_config(SAMPLE_CONFIG)
    assert config.as_of is not None
    first = publish(SAMPLE_SOURCES, root, config=config, as_of=config.as_of).version
    server = ApiServer(root, server="uvicorn").wait()
    try:
        with httpx.Client(base_url=server.base_url, timeout=120) as client:
            assert ok(client.get("/healthz"))["version"] == first
            etag = client.get("/api/v1/release").headers["etag"]
            second: list[str] = []

            def body() -> Iterator[bytes]:
                yield b"queries=" + quote('{"q0": {"query": "', safe="").encode()
                second.append(
                    publish(SAMPLE_SOURCES, root, config=config, as_of=config.as_of).version
                )
                yield quote(MEDIUM + '"}}', safe="").encode()

            in_flight = client.post(
                "/api/v1/reconcile",
                content=body(),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert ok(in_flight)["q0"]["result"][0]["name"] == MEDIUM
            assert second and second[0] != first
            assert in_flight.headers["adreg-release"] == first  # the release it started on
            after = client.get("/api/v1/release")
            assert ok(after)["release"]["version"] == second[0]  # no restart needed
            assert after.headers["etag"] != etag
            stale = client.get("/api/v1/release", headers={"if-none-match": etag})
            assert stale.status_code == 200  # the old ETag no longer matches
    finally:
        server.stop()


def test_the_parameters_enums_are_the_vocabularys() -> None:
    from typing import get_args

    from api.common import DecisionKind, MediumType, Status
    from publisher.vocabulary import rows

    codes: dict[str, set[str]] = {}
    for name, code, *_ in rows():
        codes.setdefault(name, set()).add(code)
    assert set(get_args(Status)) == codes["status"] | {"not_registered"}
    assert set(get_args(MediumType)) == codes["medium_type"]
    assert set(get_args(DecisionKind)) == codes["decision_kind"]
