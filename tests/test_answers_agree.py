"""One answer everywhere: the read side, the database's SQL (views and canned queries, as
Datasette serves them) and ``adreg verify --json`` give the same status, for hundreds of
(registration, date) pairs of a generated release, and none depends on the clock."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from click.testing import CliRunner

from publisher.cli import cli
from publisher.read.queries import CANNED, CURRENT_STATUS, STATUS_ON
from publisher.read.reader import Reader
from publisher.read.registration import status_period

REGIME_START = date(2016, 12, 1)


def pairs(conn: sqlite3.Connection, horizon: date, n: int) -> list[tuple[str, str, date]]:
    """(registration id, registration number, date): each period's first and last day and
    random days, for registrations with a unique number."""
    rng = random.Random(8)
    regs = conn.execute(
        "SELECT id, registration_number FROM registrations WHERE registration_number IN"
        " (SELECT registration_number FROM registrations GROUP BY 1 HAVING count(*) = 1)"
    ).fetchall()
    out = []
    for rid, number in rng.sample(regs, min(len(regs), n // 4)):
        periods = conn.execute(
            "SELECT valid_from, valid_to FROM status_periods WHERE registration_id = ?", [rid]
        ).fetchall()
        days = {date.fromisoformat(d) for p in periods for d in p}
        days.add(REGIME_START + timedelta(days=rng.randrange((horizon - REGIME_START).days)))
        out += [(rid, number, d) for d in sorted(days)]
    return out


def test_read_side_sql_and_cli_agree(generated_release: Path) -> None:
    reader = Reader(generated_release)
    horizon = reader.ref.horizon
    conn = sqlite3.connect(reader.db_path)
    asked = pairs(conn, horizon, 400)
    assert len(asked) >= 300
    runner = CliRunner()
    for rid, number, day in asked:
        period = status_period(reader, rid, day)  # the read side's one function
        mine = period.status if period else "not_registered"
        row = conn.execute(STATUS_ON, {"registration_id": rid, "day": day.isoformat()}).fetchone()
        assert (row[1] if row else "not_registered") == mine, (rid, day)
        result = runner.invoke(
            cli,
            [
                "verify",
                number,
                "--on",
                day.isoformat(),
                "--release",
                str(generated_release),
                "--json",
            ],
        )
        answer = json.loads(result.output)
        assert answer["registration"]["id"] == rid
        assert answer["verdict"] == mine, (rid, day, answer["verdict"], mine)
    # The view answers on the horizon, as the read side does, for every registration.
    view = dict(conn.execute("SELECT registration_id, status FROM current_status"))
    assert view == dict(conn.execute(f"SELECT registration_id, status FROM ({CURRENT_STATUS})"))
    for rid, status in view.items():
        period = status_period(reader, rid, horizon)
        assert status == (period.status if period else "not_registered"), rid


def test_the_canned_status_query_is_the_read_sides_sql(generated_release: Path) -> None:
    assert CANNED["status_on_date"][2] == STATUS_ON


def test_no_published_sql_reads_the_clock(generated_release: Path) -> None:
    conn = sqlite3.connect(next((generated_release / "current").glob("*.db")))
    for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"):
        assert "'now'" not in sql.lower()
    for _, _, sql in CANNED.values():
        assert "'now'" not in sql.lower() and "current_date" not in sql.lower()


def test_every_surface_gives_the_read_sides_answer(sample_release: Path) -> None:
    """The same question (a registration's status on a day) asked of the read side, the
    CLI, the API, Datasette's canned query (as Datasette serves it) and the static site's
    verification pages (on the release's horizon, the day they answer for): one answer."""
    import asyncio
    import re

    from litestar.testing import TestClient

    from api import create_app
    from publisher.explore.instance import datasette_for

    reader = Reader(sample_release)
    horizon = reader.ref.horizon
    conn = sqlite3.connect(reader.db_path)
    asked = pairs(conn, horizon, 200)
    assert len(asked) >= 100
    mine = {}
    for rid, _, day in asked:
        period = status_period(reader, rid, day)
        mine[rid, day] = period.status if period else "not_registered"

    with TestClient(create_app(sample_release, rate_limit=None)) as client:
        for rid, number, day in asked:
            answer = client.get("/api/v1/verify", params={"q": number, "on": day.isoformat()})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert body["registration"]["id"] == rid
            assert body["verdict"] == mine[rid, day], (rid, day, body["verdict"])

    folder = (sample_release / "current").resolve()
    ds = datasette_for(folder)

    async def canned() -> list[Any]:
        await ds.invoke_startup()
        out = []
        for rid, _, day in asked:
            path = f"/{reader.db_path.stem}/status_on_date.json"
            got = await ds.client.get(
                path + f"?_shape=array&registration_id={quote(rid)}&day={day.isoformat()}"
            )
            assert got.status_code == 200, got.text[:300]
            rows = got.json()
            out.append(rows[0]["status"] if rows else "not_registered")
        return out

    try:
        served = asyncio.run(canned())
    finally:
        for db in ds.databases.values():
            db.close()
        ds.executor.shutdown(wait=False)
    assert served == [mine[rid, day] for rid, _, day in asked]

    verdict = re.compile(r'class="verdict status-([a-z_]+)"')
    checked = 0
    for medium_id, rid in conn.execute("SELECT id, registration_id FROM media"):
        page = (folder / "site" / "verify" / f"{medium_id}.html").read_text(encoding="utf-8")
        found = verdict.search(page)
        assert found, medium_id
        period = status_period(reader, rid, horizon)
        assert found.group(1) == (period.status if period else "not_registered"), medium_id
        checked += 1
    assert checked >= 50
