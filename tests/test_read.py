"""The read side's lookups on a real release: registrations, publishers, media, notices,
penalties and the release's files; lists page to the end without repeats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec

from publisher.read import entities, notices
from publisher.read.reader import Reader


def test_registration_history_is_whole(sample_release: Path) -> None:
    reader = Reader(sample_release)
    first = entities.registrations(reader, limit=1)[0]
    reg = entities.registration(reader, first.id)
    assert reg is not None and reg.id == first.id
    assert reg.periods and reg.periods[-1].valid_to == reader.ref.horizon
    assert reg.periods[0].valid_from == reg.granted_on
    assert reg.decisions[0].id == reg.grant_decision_id
    assert reg.status == first.status
    assert entities.registration(reader, "no-such-id") is None


def test_lists_page_to_the_end(sample_release: Path) -> None:
    reader = Reader(sample_release)
    seen: list[str] = []
    after = ""
    while page := entities.registrations(reader, after=after, limit=7):
        seen += [r.id for r in page]
        after = page[-1].id
    total = reader.one("SELECT count(*) AS n FROM registrations")
    assert total is not None and len(seen) == len(set(seen)) == total["n"]
    got: list[str] = []
    cur = ""
    while page2 := notices.notices(reader, after=cur, limit=5):
        got += [n.id for n in page2]
        cur = notices.cursor(page2[-1].publication_date, page2[-1].id)
    count = reader.one("SELECT count(*) AS n FROM notices")
    assert count is not None and len(got) == len(set(got)) == count["n"]


def test_filters(sample_release: Path) -> None:
    reader = Reader(sample_release)
    valid = entities.registrations(reader, status="valid", limit=200)
    assert valid and all(r.status.status == "valid" for r in valid)
    early = entities.registrations(reader, status="valid", on=date(2017, 1, 1), limit=200)
    assert len(early) < len(valid)
    hefei = entities.registrations(reader, authority="340100", limit=200)
    assert hefei and all(r.authority_code == "340100" for r in hefei)
    papers = entities.registrations(reader, medium_type="newspaper", limit=200)
    assert papers
    notes = notices.notices(reader, authority="340100", kind="cancellation", limit=200)
    for n in notes:
        full = notices.notice(reader, n.id)
        assert full is not None and any(d.kind == "cancellation" for d in full.decisions)
    fined = notices.penalties(reader, limit=200)
    assert fined
    party = fined[0].party_credit_code
    if party:
        assert all(
            p.party_credit_code == party or p.publisher_id == party
            for p in notices.penalties(reader, party=party)
        )


def test_publisher_medium_and_release(sample_release: Path) -> None:
    reader = Reader(sample_release)
    reg = entities.registrations(reader, limit=1)[0]
    pub = entities.publisher(reader, reg.publisher_id)
    assert pub is not None and reg.id in [r.id for r in pub.registrations]
    med = entities.registration(reader, reg.id)
    assert med is not None
    m = entities.medium(reader, med.media[0].id)
    assert m is not None and m.names[-1].name == m.name
    files = notices.release_files(reader)
    assert any(f.path.endswith(".db") and f.sha256 == reader.ref.sha256 for f in files.files)
    hits = entities.find(reader, m.name[:2])
    assert m.id in [h.id for h in hits] or len(hits) == 20


def test_the_sites_bulk_notices_are_notice_answers(generated_release: Path) -> None:
    """catalog's bulk read gives each notice exactly as ``notice`` answers it, in
    publication order, whatever the batch; unknown ids are left out."""
    from publisher.read import catalog

    reader = Reader(generated_release)
    ids = catalog.notice_ids(reader)
    count = reader.one("SELECT count(*) AS n FROM notices")
    assert count is not None and len(ids) == len(set(ids)) == count["n"] > 100
    one_by_one = [notices.notice(reader, i) for i in ids]
    assert list(catalog.all_notices(reader, batch=7)) == one_by_one
    assert list(catalog.all_notices(reader)) == one_by_one
    some = ids[40:60]
    assert catalog.notices_of(reader, [*reversed(some), "no-such-id"]) == one_by_one[40:60]
    assert catalog.notices_of(reader, []) == []
    assert any(n is not None and len(n.decisions) > 1 for n in one_by_one)
    # as the notice pages read them: each notice without its decisions, and its registrants
    # in its decisions' order, each once
    pages = catalog.notice_pages_of(reader, [*reversed(ids), "no-such-id"])
    assert len(pages) == len(one_by_one) and catalog.notice_pages_of(reader, []) == []
    for page, answer in zip(pages, one_by_one, strict=True):
        assert answer is not None
        assert page.notice == msgspec.structs.replace(answer, decisions=[])
        assert page.registrants == list(
            dict.fromkeys((d.publisher_id, d.publisher_name) for d in answer.decisions)
        )
    assert any(len(p.registrants) > 1 for p in pages)


def test_registrations_in_bulk_are_the_registration_answers(generated_release: Path) -> None:
    """registrations_of (the site reads a batch of registrants' registrations at once) is
    registration() for each id."""
    reader = Reader(generated_release)
    ids = [r[0] for r in reader.conn.execute("SELECT id FROM registrations ORDER BY id")]
    one_by_one = {i: entities.registration(reader, i) for i in ids}
    for start in range(0, len(ids), 37):
        chunk = ids[start : start + 37]
        assert entities.registrations_of(reader, [*reversed(chunk), "no-such-id"]) == {
            i: one_by_one[i] for i in chunk
        }
    assert entities.registrations_of(reader, []) == {}
    regs = [r for r in one_by_one.values() if r is not None]
    assert len(regs) == len(ids) > 100
    assert any(r.penalties for r in regs) and any(len(r.media) > 1 for r in regs)
    assert any(len(r.details) > 1 for r in regs)
    assert any(d.changes for r in regs for d in r.decisions)
