"""The ledger file: streamed, one listed row per line, and the same data as the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec

from publisher.ingest import ingest
from publisher.ingest.ledger import Ledger, LedgerWriter

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples" / "sources").iterdir())


def test_written_ledger_is_the_ledger(tmp_path: Path) -> None:
    ledger = ingest([p for p in SAMPLES if p.is_dir()]).ledger
    path = tmp_path / "ledger.json"
    ledger.write(path)
    assert msgspec.json.decode(path.read_bytes(), type=Ledger) == ledger
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["rows"]) == len(ledger.rows) > 7
    assert len(data["withheld_values"]) == len(ledger.withheld_values) > 7
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sum(line.lstrip().startswith('{"source"') for line in lines) == len(ledger.rows) + len(
        ledger.withheld_values
    )


def test_an_empty_ledger_writes_valid_json(tmp_path: Path) -> None:
    from publisher.ingest.ledger import Counts

    ledger = Ledger(sources=[], total=Counts())
    ledger.write(tmp_path / "l.json")
    assert json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))["rows"] == []


def test_staged_rows_and_exclusions_write_a_ledger_that_adds_up(tmp_path: Path) -> None:
    """publish stages the row lists on disk, then moves the rows of records not in the
    release (decided after its as-of date) to ``excluded``: published = rows released."""
    result = ingest([p for p in SAMPLES if p.is_dir()])
    ledger = result.ledger
    listed = len(ledger.rows)
    late = [d for d in result.decisions.values() if len(d.provenance) > 1][:2]
    late += [d for d in result.decisions.values() if len(d.provenance) == 1][:3]
    before = msgspec.structs.replace(ledger.total)
    writer = LedgerWriter(ledger)
    writer.stage(tmp_path / "rows")
    assert ledger.rows == [] and (tmp_path / "rows").is_file()
    moved = writer.exclude((d.id, "decided_after_as_of", d.provenance) for d in late)
    assert moved == sum(len(d.provenance) for d in late)
    writer.write(tmp_path / "ledger.json")
    assert not (tmp_path / "rows").exists()
    back = msgspec.json.decode((tmp_path / "ledger.json").read_bytes(), type=Ledger)
    back.check()  # every count still adds up, per file, per source and in total
    t = back.total
    assert t.excluded == moved
    assert t.published == before.published - len(late)
    assert t.merged == before.merged - (moved - len(late))
    excluded = [r for r in back.rows if r.outcome == "excluded"]
    assert len(excluded) == moved
    assert {r.record_id for r in excluded} == {d.id for d in late}
    assert len(back.rows) == listed + len(late)  # merged rows replaced, first rows added
    assert back.reasons["excluded:decided_after_as_of"] == moved
