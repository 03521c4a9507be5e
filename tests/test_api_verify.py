"""``GET /api/v1/verify`` is ``adreg verify --json``: the same answer for a few hundred
queries of every kind on a generated release; and each verdict, through the API: the
first and last day of each status, a deemed renewal, a day before the grant, before the
regime, after its end, an ambiguous name, a 2-character name, and nothing at all."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

from api import create_app
from publisher.cli import cli
from publisher.read.match import SHOWN
from publisher.read.reader import Reader

REGIME_START = date(2016, 12, 1)
STATUSES = ("valid", "deemed_renewal", "expired", "cancelled", "withdrawn", "annulled", "revoked")


@pytest.fixture(scope="module")
def client(generated_release: Path) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(generated_release, rate_limit=None)) as c:
        yield c


@pytest.fixture(scope="module")
def db(generated_release: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(Reader(generated_release).db_path)
    conn.row_factory = sqlite3.Row
    return conn


def api(client: TestClient[Any], q: str, on: date | None = None) -> dict[str, Any]:
    params = {"q": q} | ({"on": on.isoformat()} if on else {})
    response = client.get("/api/v1/verify", params=params)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def queries(db: sqlite3.Connection, horizon: date, n: int) -> list[tuple[str, date | None]]:
    """(query, date or None): every kind of query the CLI and the API take."""
    rng = random.Random(11)
    texts: list[str] = []
    for sql in (
        "SELECT registration_number FROM registrations",
        "SELECT name FROM media",
        "SELECT name FROM medium_names WHERE valid_to IS NOT NULL",
        "SELECT cn_number FROM media WHERE cn_number IS NOT NULL",
        "SELECT 'CN ' || cn_number || '/Z' FROM media WHERE cn_number IS NOT NULL",
        "SELECT issn FROM media WHERE issn IS NOT NULL",
        "SELECT coalesce(frequency, channel) FROM media WHERE coalesce(frequency, channel) IS NOT NULL",
        "SELECT credit_code FROM publishers WHERE credit_code IS NOT NULL",
        "SELECT sponsor_credit_code FROM publishers WHERE sponsor_credit_code IS NOT NULL",
        "SELECT name FROM publishers",
        "SELECT sponsor_name FROM publishers WHERE sponsor_name IS NOT NULL",
        "SELECT pinyin FROM search_index",
        "SELECT initials FROM search_index",
        "SELECT substr(name, 1, 2) FROM media",
        "SELECT substr(name, 2, 1) FROM media",
    ):
        found = [r[0] for r in db.execute(sql) if r[0]]
        texts += rng.sample(found, min(len(found), n // 16))
    texts += ["不存在的媒介", "zzzzqqq", "91000000MA00000000", "34-9999", "%", "_", "'", "報"]
    days = [None, REGIME_START - timedelta(days=1), REGIME_START, horizon, date(2021, 4, 29)]
    span = (horizon - REGIME_START).days
    out = []
    for text in texts:
        day = (
            rng.choice(days)
            if rng.random() < 0.4
            else REGIME_START + timedelta(rng.randrange(span))
        )
        out.append((text, day))
    return out


def test_verify_is_adreg_verify_json(
    client: TestClient[Any], db: sqlite3.Connection, generated_release: Path
) -> None:
    horizon = date.fromisoformat(db.execute("SELECT horizon FROM release_info").fetchone()[0])
    asked = queries(db, horizon, 320)
    assert len(asked) >= 300
    runner = CliRunner()
    verdicts: Counter[str] = Counter()
    for q, day in asked:
        args = ["verify", q, "--release", str(generated_release), "--json"]
        args += ["--on", day.isoformat()] if day else []
        result = runner.invoke(cli, args)
        assert result.exit_code in (0, 1), result.output
        expected = json.loads(result.output)
        answer = api(client, q, day)
        assert answer == expected, (q, day)
        verdicts[answer["verdict"]] += 1
    # the queries reach every kind of verdict
    assert {"valid", "not_registered", "no_match", "ambiguous", "before_regime"} <= set(verdicts)
    assert "no_longer_required" in verdicts


def unique_number(db: sqlite3.Connection, status: str) -> tuple[str, str, date, date] | None:
    row = db.execute(
        "SELECT r.registration_number, s.registration_id, s.valid_from, s.valid_to"
        " FROM status_periods s JOIN registrations r ON r.id = s.registration_id"
        " WHERE s.status = ? AND r.registration_number IN (SELECT registration_number"
        " FROM registrations GROUP BY 1 HAVING count(*) = 1) ORDER BY s.registration_id LIMIT 1",
        [status],
    ).fetchone()
    if row is None:
        return None
    return row[0], row[1], date.fromisoformat(row[2]), date.fromisoformat(row[3])


@pytest.mark.parametrize("status", STATUSES)
def test_each_status_on_its_first_and_last_day(
    client: TestClient[Any], db: sqlite3.Connection, sample_release: Path, status: str
) -> None:
    found = unique_number(db, status)
    if found is None:  # not generated: the bundled samples, then
        db = sqlite3.connect(Reader(sample_release).db_path)
        found = unique_number(db, status)
        client = TestClient(create_app(sample_release, rate_limit=None))
    if found is None:
        pytest.skip(f"neither the generated release nor the samples have a {status} period")
    number, rid, first, last = found
    for day in (first, last):
        answer = api(client, number, day)
        assert answer["registration"]["id"] == rid
        assert answer["verdict"] == status, (number, day)
        assert answer["period"]["valid_from"] == first.isoformat()
        assert answer["period"]["valid_to"] == last.isoformat()
        assert answer["match"]["field"] == "registration_number"
    if status == "valid":
        granted = db.execute("SELECT granted_on FROM registrations WHERE id = ?", [rid]).fetchone()[
            0
        ]
        day_before = date.fromisoformat(granted) - timedelta(days=1)
        if day_before >= REGIME_START:
            assert api(client, number, day_before)["verdict"] == "not_registered"
        assert api(client, number, date.fromisoformat(granted))["verdict"] == "valid"
    if status == "deemed_renewal":
        basis = api(client, number, first)["basis"]
        assert basis["kind"] == "deemed_renewal" and basis["renewal_applied_on"]
    if status in ("valid", "deemed_renewal"):
        licence = api(client, number, last)["licence"]
        assert licence is not None and licence["valid_to"]


def test_before_and_after_the_regime(client: TestClient[Any], db: sqlite3.Connection) -> None:
    found = unique_number(db, "valid")
    assert found is not None
    number = found[0]
    before = api(client, number, date(2016, 11, 30))
    assert before["verdict"] == "before_regime" and before["notes"]
    after = api(client, number, date(2021, 5, 1))
    assert after["verdict"] == "no_longer_required"
    assert after["last_status"] in (*STATUSES, "not_registered") and after["notes"]


def test_an_ambiguous_name_lists_candidates(client: TestClient[Any]) -> None:
    answer = api(client, "报", date(2019, 6, 1))
    assert answer["verdict"] == "ambiguous"
    assert 1 < len(answer["candidates"]) <= SHOWN and answer["candidates_total"] >= len(
        answer["candidates"]
    )
    assert all(c["status"] and c["registration_id"] for c in answer["candidates"])


def test_a_two_character_name(client: TestClient[Any], db: sqlite3.Connection) -> None:
    names = [r[0] for r in db.execute("SELECT name FROM search_index")]
    counts = Counter(bigram for n in names for bigram in {n[i : i + 2] for i in range(len(n) - 1)})
    medium_names = [r[0] for r in db.execute("SELECT name FROM media")]
    two = next(
        b
        for n in medium_names
        for b in (n[i : i + 2] for i in range(len(n) - 1))
        if counts[b] == 1 and all("\u4e00" <= c <= "\u9fff" for c in b)
    )
    answer = api(client, two)
    assert answer["verdict"] not in ("no_match", "ambiguous"), answer["verdict"]
    assert two in answer["match"]["value"] and answer["match"]["field"].endswith("_search")


def test_nothing_matches(client: TestClient[Any]) -> None:
    answer = api(client, "不存在的媒介名称")
    assert answer["verdict"] == "no_match" and answer["coverage"]["authorities"]
