"""Regenerate the bundled sample sources in ``samples/sources/`` (deterministic).

    python samples/make_samples.py

The bundled samples are what ``adreg sample --publishers 50 --seed 20161201``
writes: five fictional exports (a province, two prefectures of two provinces, a
county) in CSV UTF-8 with BOM, CSV GB18030 under title lines, XLSX with a merged
title row and a notes row, and nested JSON, with a penalties export in two of
them. Every scenario the generator fixes (publisher/samples/sources.py) is in
them: a refusal, deemed and late renewals, each Art. 9 cancellation ground, a
withdrawal, an annulment, a revocation decided by the province, each penalty
kind, wrong check characters, phone and ID-card numbers in free text, decisions
exported twice.
tests/test_sample.py checks that the committed files are what this script writes.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publisher.samples.generate import generate  # noqa: E402
from publisher.samples.sources import SOURCES  # noqa: E402

PUBLISHERS = 50
SEED = 20161201
OUT = ROOT / "samples" / "sources"


def main() -> None:
    for source in SOURCES:  # only the folders the generator owns
        shutil.rmtree(OUT / source.name, ignore_errors=True)
    summary = generate(OUT, PUBLISHERS, SEED)
    for path, rows in summary["files"].items():
        print(f"{rows:5d}  samples/sources/{path}")


if __name__ == "__main__":
    main()
