"""The repository's ``datapackages/`` folder is the samples' data package as published.

``make datapackages`` (run by ``make demo``) refreshes it; this test publishes the samples
afresh and holds the committed copy equal to it, byte for byte, but for the descriptor's
``created`` timestamp.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "datapackages" / "adreg-samples"


def test_committed_package_is_the_samples_as_published(sample_release: Path) -> None:
    built = sample_release / "current" / "datapackages" / "adreg-samples"
    names = sorted(p.name for p in built.iterdir())
    assert sorted(p.name for p in COMMITTED.iterdir()) == names, "run: make datapackages"
    for name in names:
        if name == "datapackage.json":
            continue
        assert (COMMITTED / name).read_bytes() == (built / name).read_bytes(), (
            f"datapackages/adreg-samples/{name} is stale: run make datapackages"
        )
    committed = json.loads((COMMITTED / "datapackage.json").read_text(encoding="utf-8"))
    fresh = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    assert committed.pop("created") and fresh.pop("created")
    assert committed == fresh, "datapackages/adreg-samples/datapackage.json is stale"


def test_committed_package_has_every_resource_with_rows() -> None:
    desc = json.loads((COMMITTED / "datapackage.json").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        path = COMMITTED / res["path"]
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) >= 2, f"{res['path']}: no data rows"
