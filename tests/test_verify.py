"""adreg verify: the advertiser's question answered offline from a real release."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from publisher.release.publish import load_config, publish

ROOT = Path(__file__).resolve().parent.parent
REGIME_END = "2021-04-28"  # samples/release.yml
SAMPLES = sorted(p for p in (ROOT / "samples" / "sources").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("out")
    config = load_config(ROOT / "samples" / "release.yml")
    assert config.as_of is not None
    publish(SAMPLES, root, config=config, as_of=config.as_of)
    return root


def table(out: Path, name: str) -> list[dict[str, str]]:
    path = out / "current" / "datapackages" / "adreg-samples" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def medium_with(out: Path, status: str) -> tuple[dict[str, str], dict[str, str]]:
    """A medium whose registration passed through ``status``, unique by name, and the period."""
    media = table(out, "media")
    names = [m["name"] for m in media]
    for period in table(out, "status_periods"):
        if period["status"] != status or period["valid_from"] > REGIME_END:
            continue
        for m in media:
            if m["registration_id"] == period["registration_id"] and names.count(m["name"]) == 1:
                return m, period
    raise AssertionError(f"the samples have no registration that was {status}")


def ask(adreg, out: Path, query: str, on: str) -> tuple[int, dict]:
    proc = adreg("verify", query, "--on", on, "--release", out, "--json")
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("status", ["valid", "deemed_renewal", "expired", "cancelled"])
def test_status_on_a_date_inside_each_kind_of_period(adreg, out: Path, status: str) -> None:
    medium, period = medium_with(out, status)
    code, answer = ask(adreg, out, medium["name"], period["valid_from"])
    assert code == 0
    assert answer["status"] == status
    assert answer["registration"]["id"] == period["registration_id"]
    assert answer["period"]["valid_from"] == period["valid_from"]
    assert answer["decisions"], "the answer lists the decisions that prove it"
    assert all(d["decision_date"] <= period["valid_from"] for d in answer["decisions"])
    assert answer["release"]["version"] == "1.1.0"
    manifest = json.loads((out / "current" / "release.json").read_text(encoding="utf-8"))
    db = next(f for f in manifest["files"] if f["path"].endswith(".db"))
    assert answer["database"]["sha256"] == db["sha256"]


def test_before_the_grant_is_not_registered(adreg, out: Path) -> None:
    medium, period = medium_with(out, "valid")
    code, answer = ask(adreg, out, medium["name"], "2016-11-30")
    assert code == 0
    assert answer["status"] == "not_registered"
    assert answer["registration"]["id"] == period["registration_id"]


def test_cn_number_in_any_form_finds_the_newspaper(adreg, out: Path) -> None:
    paper = next(m for m in table(out, "media") if m["cn_number"])
    for form in (
        paper["cn_number"],
        f"CN {paper['cn_number']}/X",
        paper["cn_number"].replace("-", ""),
    ):
        _code, answer = ask(adreg, out, form, "2018-01-01")
        assert answer["status"] != "ambiguous", form
        assert any(m["cn_number"] == paper["cn_number"] for m in answer["media"]), form


def test_after_the_regime_ended_registration_is_no_longer_required(adreg, out: Path) -> None:
    medium, _ = medium_with(out, "valid")
    code, answer = ask(adreg, out, medium["name"], "2023-01-01")
    assert code == 0
    assert answer["status"] == "no_longer_required"
    assert answer["last_status"] in (
        "valid",
        "deemed_renewal",
        "expired",
        "cancelled",
        "annulled",
        "revoked",
    )


def test_ambiguous_names_list_the_candidates(adreg, out: Path) -> None:
    media = table(out, "media")
    # One character shared by several media names: a 1-character search must work.
    from collections import Counter

    chars = Counter(ch for m in media for ch in set(m["name"]))
    char = next(ch for ch, n in chars.most_common() if n > 1 and "\u4e00" <= ch <= "\u9fff")
    code, answer = ask(adreg, out, char, "2018-01-01")
    assert code == 0
    assert answer["status"] == "ambiguous"
    assert len({c["registration_id"] for c in answer["candidates"]}) > 1
    assert all(char in c["medium_name"] for c in answer["candidates"])


def test_nothing_matches_exits_1(adreg, out: Path) -> None:
    proc = adreg("verify", "不存在的媒介名称", "--on", "2018-01-01", "--release", out)
    assert proc.returncode == 1
    assert "not_registered" in proc.stdout


def test_text_answer_is_in_chinese(adreg, out: Path) -> None:
    medium, _ = medium_with(out, "valid")
    proc = adreg("verify", medium["name"], "--on", "2018-01-01", "--release", out)
    assert proc.returncode == 0, proc.stderr
    assert "广告发布单位" in proc.stdout and "sha256" in proc.stdout


def test_user_mistakes_are_one_line(adreg, out: Path, tmp_path: Path) -> None:
    from conftest import assert_one_line_error

    assert_one_line_error(adreg("verify", "x", "--on", "2018-13-01", "--release", out), "--on")
    assert_one_line_error(adreg("verify", "x", "--release", tmp_path), "not a release")
