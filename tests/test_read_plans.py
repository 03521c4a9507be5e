"""The read side at index speed: every statement it issues, for every kind of question,
runs on indexes (EXPLAIN QUERY PLAN), never a scan of a table bigger than a few rows."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

from publisher.read import entities, notices
from publisher.read.reader import Reader
from publisher.read.verify import verify

SMALL = {"vocabulary", "authorities", "authority_names", "release_info", "v", "a", "i"}
# FTS5's own reads of its shadow tables (configuration, segments): not ours to index.
FTS_INTERNAL = re.compile(r"'search_(fts|chars)_(config|data|idx|docsize|content)'")
_SCAN = re.compile(r"\bSCAN (\w+)\b(?! VIRTUAL TABLE)")


def traced(reader: Reader) -> list[str]:
    statements: list[str] = []
    reader.conn.set_trace_callback(statements.append)
    return statements


def picks(reader: Reader) -> list[sqlite3.Row]:
    return reader.conn.execute(
        "SELECT m.name, m.cn_number, m.issn, m.frequency, m.channel, r.registration_number,"
        " p.name AS publisher, p.credit_code, p.sponsor_name, p.sponsor_credit_code, r.id"
        " FROM media m JOIN registrations r ON r.id = m.registration_id"
        " JOIN publishers p ON p.id = r.publisher_id LIMIT 400"
    ).fetchall()


def questions(reader: Reader, pick: list[sqlite3.Row], former: list[sqlite3.Row]) -> None:
    """One question of every kind the read side answers."""
    day = date(2019, 6, 1)
    asked = set()
    for row in pick:
        for value in row[:10]:
            if value and value not in asked:
                asked.add(value)
                verify(reader, value, day)
    for (name,) in former:
        verify(reader, name, day)
    for q in ("报", "日报", "交通广播", "jiaotong", "jtgb", "ribao", "hf", "34-", "9134", "zzzz"):
        verify(reader, q, day)
        entities.find(reader, q)
        entities.find(reader, q, kind="medium")
    verify(reader, pick[0][0], date(2015, 1, 1))
    verify(reader, pick[0][0], date(2024, 1, 1))
    rid = pick[0][10]
    entities.registration(reader, rid)
    entities.registrations_of(reader, [r[10] for r in pick[:40]])
    for status in ("valid", "expired", "not_registered"):
        entities.registrations(reader, status=status, on=day)
    entities.registrations(reader, authority="340100", medium_type="newspaper", after=rid)
    entities.registrations(reader, q="日报")
    reg = entities.registration(reader, rid)
    assert reg is not None
    entities.publisher(reader, reg.registrant.id)
    entities.medium(reader, reg.media[0].id)
    page = notices.notices(
        reader, authority="340100", date_from=date(2018, 1, 1), date_to=date(2018, 12, 31)
    )
    notices.notices(reader, kind="cancellation")
    notices.notices(reader, newest_first=True, limit=5)
    if page:
        notices.notice(reader, page[0].id)
        notices.notices(reader, after=notices.cursor(page[-1].publication_date, page[-1].id))
    notices.penalties(reader)
    notices.penalties(reader, authority="340000", date_from=date(2019, 1, 1))
    notices.penalties(reader, party=reg.registrant.id)
    notices.release_files(reader)


def scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    return [line for line in plan if (m := _SCAN.search(line)) and m[1] not in SMALL]


def test_every_statement_of_the_read_side_uses_an_index(generated_release: Path) -> None:
    reader = Reader(generated_release)
    pick = picks(reader)
    former = reader.conn.execute(
        "SELECT name FROM medium_names WHERE valid_to IS NOT NULL LIMIT 5"
    ).fetchall()
    statements = traced(reader)
    questions(reader, pick, former)
    reader.conn.set_trace_callback(None)
    distinct = {
        re.sub(r"'[^']*'|\b\d+\b", "?", s): s
        for s in statements
        if not s.startswith("--") and not FTS_INTERNAL.search(s)
    }
    assert len(distinct) > 40, "the questions must exercise the read side"
    conn = sqlite3.connect(reader.db_path)
    bad = {}
    for shape, sql in distinct.items():
        try:
            found = scans(conn, sql)
        except sqlite3.OperationalError as exc:
            raise AssertionError(f"{exc}: {sql!r}") from None
        if found:
            bad[shape] = found
    for shape, found in bad.items():
        print(found, shape)
    assert bad == {}


def test_the_release_is_read_once(generated_release: Path) -> None:
    """Connections and the manifest are opened once per reader, not per question: with the
    manifest moved away, a reader opened before still answers, on the same connection."""
    reader = Reader(generated_release)
    conn = reader.conn
    manifest = reader.folder / "release.json"
    moved = manifest.with_name("release.json.away")
    manifest.rename(moved)
    pick = picks(reader)
    try:
        questions(reader, pick, [])
        assert reader.conn is conn
    finally:
        moved.rename(manifest)
