"""The ledger file: streamed, one listed row per line, and the same data as the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec

from publisher.ingest import ingest
from publisher.ingest.ledger import Ledger

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples" / "sources").iterdir())


def test_written_ledger_is_the_ledger(tmp_path: Path) -> None:
    ledger = ingest([p for p in SAMPLES if p.is_dir()]).ledger
    path = tmp_path / "ledger.json"
    ledger.write(path, chunk=7)  # several chunks, so chunk seams are exercised
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
