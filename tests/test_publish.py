"""adreg publish: a whole release from the bundled samples, validated, reproducible, diffable."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from pathlib import Path

import frictionless
import openpyxl
import pytest
from conftest import assert_one_line_error

from publisher.manifest import read_manifest, verify_release
from publisher.release.publish import load_config, publish

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples" / "sources").iterdir() if p.is_dir())
CONFIG = ROOT / "samples" / "release.yml"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples published once as of their config's date; shared by the read-only tests."""
    root = tmp_path_factory.mktemp("out")
    config = load_config(CONFIG)
    assert config.as_of is not None
    publish(SAMPLES, root, config=config, as_of=config.as_of)
    return root


def csv_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def package_of(root: Path) -> Path:
    return root / "current" / "datapackages" / "adreg-samples"


def test_release_layout_and_manifest(release: Path) -> None:
    current = (release / "current").resolve()
    assert current.parent == release / "releases"
    manifest = read_manifest(current)
    assert manifest.version == "1.1.0"
    assert manifest.as_of == "2021-04-28"
    names = {f.path for f in manifest.files}
    assert {
        "adreg-samples.db",
        "adreg-samples.xlsx",
        "ledger.json",
        "diff.json",
        "diff.txt",
        "datapackages/adreg-samples/datapackage.json",
        "datapackages/adreg-samples/decisions.csv",
    } <= names
    assert verify_release(current) == []
    index = json.loads((release / "index.json").read_text(encoding="utf-8"))
    assert index["current"] == "1.1.0"
    assert [r["version"] for r in index["releases"]] == ["1.1.0"]


def test_frictionless_accepts_the_package(release: Path) -> None:
    report = frictionless.validate(package_of(release) / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_descriptor_lists_bytes_and_sha256(release: Path) -> None:
    pkg = package_of(release)
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["version"] == "1.1.0"
    for res in desc["resources"]:
        data = (pkg / res["path"]).read_bytes()
        assert res["bytes"] == len(data)
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_every_resource_is_in_the_database_and_the_workbook(release: Path) -> None:
    current = release / "current"
    desc = json.loads(
        (current / "datapackages/adreg-samples/datapackage.json").read_text(encoding="utf-8")
    )
    conn = sqlite3.connect(f"file:{current / 'adreg-samples.db'}?immutable=1", uri=True)
    book = openpyxl.load_workbook(current / "adreg-samples.xlsx", read_only=True)
    try:
        for res in desc["resources"]:
            n = len(csv_rows(package_of(release) / res["path"]))
            assert conn.execute(f"select count(*) from [{res['name']}]").fetchone()[0] == n
            assert res["title"] in book.sheetnames
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    finally:
        conn.close()
        book.close()


def test_penalties_in_publicity_only(release: Path) -> None:
    rows = csv_rows(package_of(release) / "penalties.csv")
    assert rows, "the samples' as-of date must show penalties still in publicity"
    for r in rows:
        # As of 2021-04-28 SAIC Order No. 71 governs: it sets no end that could be confirmed,
        # and publishes warnings too (SAMR Order No. 45 takes over on 2021-09-01).
        assert r["publicity_rule"] == "saic-order-71"
        assert r["publicity_end"] == "" or r["publicity_end"] >= "2021-04-28"
    assert any(r["kinds"] == "warning" for r in rows)


def test_no_personal_data_in_any_published_file(release: Path) -> None:
    """Phone numbers and ID-card numbers planted in the samples reach no file of the release."""
    from publisher.ingest.personal import find_personal

    current = release / "current"
    # Credit codes are public (and an all-digit one can pass an ID card's check character).
    codes = {
        code
        for name in ("publishers.csv", "penalties.csv")
        for row in csv_rows(package_of(release) / name)
        for field in ("credit_code", "sponsor_credit_code", "party_credit_code")
        if (code := row.get(field))
    }
    for path in current.rglob("*.csv"):
        for row in csv_rows(path):
            for field, value in row.items():
                if field in ("credit_code", "party_credit_code", "sponsor_credit_code", "id"):
                    continue
                if field.endswith("_id") or field in ("sources", "registration_id"):
                    continue
                for code in codes:
                    value = value.replace(code, "")
                assert find_personal(value) is None, (path.name, field)
    ledger = (current / "ledger.json").read_text(encoding="utf-8")
    assert "联系人" not in ledger


def test_same_sources_and_as_of_give_the_same_contents(tmp_path: Path) -> None:
    config = load_config(CONFIG)
    assert config.as_of is not None
    for name in ("a", "b"):
        publish(SAMPLES, tmp_path / name, config=config, as_of=config.as_of)

    def digests(root: Path) -> dict[str, str]:
        pkg = package_of(root)
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(pkg.glob("*.csv"))
        }

    assert digests(tmp_path / "a") == digests(tmp_path / "b")

    def sheets(root: Path) -> dict[str, list[tuple]]:
        book = openpyxl.load_workbook(root / "current" / "adreg-samples.xlsx", read_only=True)
        try:  # the README sheet (说明) states when the release was created; the data sheets don't
            return {
                ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)]
                for ws in book.worksheets
                if ws.title != "说明"
            }
        finally:
            book.close()

    assert sheets(tmp_path / "a") == sheets(tmp_path / "b")


def test_an_earlier_as_of_rebuilds_a_historical_snapshot(tmp_path: Path, adreg) -> None:
    loose = tmp_path / "loose.yml"  # the samples' bounds are for their as-of date, not 2017
    text = CONFIG.read_text(encoding="utf-8")
    loose.write_text(text[: text.index("assertions:")], encoding="utf-8")
    args = ["publish", *SAMPLES, "--out", tmp_path / "out", "--config", loose, "-q"]
    first = adreg(*args, "--as-of", "2017-06-30")
    assert first.returncode == 0, first.stderr
    second = adreg(*args)
    assert second.returncode == 0, second.stderr
    releases = tmp_path / "out" / "releases"
    old = csv_rows(releases / "1.1.0/datapackages/adreg-samples/decisions.csv")
    new = csv_rows(releases / "1.2.0/datapackages/adreg-samples/decisions.csv")
    assert all(r["decision_date"] <= "2017-06-30" for r in old)
    assert len(new) > len(old)
    # Each release ships its diff against the previous one.
    shipped = json.loads((releases / "1.2.0" / "diff.json").read_text(encoding="utf-8"))
    assert shipped["old_version"] == "1.1.0"
    assert shipped["resources"]["decisions"]["added"] == len(new) - len(old)
    # adreg diff OLD NEW, as text and as JSON.
    text = adreg("diff", releases / "1.1.0", releases / "1.2.0")
    assert text.returncode == 0, text.stderr
    assert f"decisions: +{len(new) - len(old)} -0" in text.stdout
    as_json = adreg("diff", releases / "1.1.0", releases / "1.2.0", "--json")
    data = json.loads(as_json.stdout)
    assert data["resources"]["decisions"]["added"] == len(new) - len(old)
    changed = data["resources"]["registrations"]["changed_rows"]
    assert changed and all(row["fields"] for row in changed)


def test_assertions_outside_bounds_stop_the_release(tmp_path: Path, adreg) -> None:
    out = tmp_path / "out"
    ok = adreg("publish", *SAMPLES, "--out", out, "--config", CONFIG, "-q")
    assert ok.returncode == 0, ok.stderr
    strict = tmp_path / "strict.yml"
    strict.write_text(
        CONFIG.read_text(encoding="utf-8").replace(
            "decisions: {min: 100, max: 300}", "decisions: {min: 1000}"
        ),
        encoding="utf-8",
    )
    bad = adreg("publish", *SAMPLES, "--out", out, "--config", strict, "-q")
    assert_one_line_error(bad, "not switched in", "decisions")
    assert (out / "current").resolve().name == "1.1.0"
    assert sorted(p.name for p in (out / "releases").iterdir()) == ["1.1.0"]
    assert not list(out.glob(".build-*"))


def test_publish_user_errors_are_one_line(tmp_path: Path, adreg) -> None:
    assert_one_line_error(adreg("publish", "--out", tmp_path), "source folder")
    assert_one_line_error(adreg("publish", tmp_path / "nope"), "no such source folder")
    assert_one_line_error(
        adreg("publish", *SAMPLES, "--as-of", "2021-02-30", "--out", tmp_path), "--as-of"
    )
    bad = tmp_path / "bad.yml"
    bad.write_text("assertions:\n  nonsense: {min: 1}\n", encoding="utf-8")
    assert_one_line_error(adreg("publish", *SAMPLES, "--config", bad), "nonsense")
