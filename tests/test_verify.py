"""adreg verify: the advertiser's question answered offline from a real release.

Each verdict, each way of naming a medium or registrant, and the regression cases of
issue 8: not found is not "not registered", penalties against a sponsor, the horizon.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from publisher.read.reader import Reader
from publisher.read.verify import verify

REGIME_END = "2021-04-28"  # samples/release.yml


def table(out: Path, name: str) -> list[dict[str, str]]:
    path = next((out / "current" / "datapackages").iterdir()) / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def db(out: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(next((out / "current").glob("*.db")))
    conn.row_factory = sqlite3.Row
    return conn


def unique_medium_with(out: Path, status: str) -> tuple[dict[str, str], dict[str, str]]:
    """A medium whose registration passed through ``status``, unique by name, and the period."""
    media = table(out, "media")
    names = [m["name"] for m in media]
    for period in table(out, "status_periods"):
        if period["status"] != status:
            continue
        for m in media:
            if m["registration_id"] == period["registration_id"] and names.count(m["name"]) == 1:
                return m, period
    raise AssertionError(f"the release has no registration that was {status}")


def ask(adreg, out: Path, query: str, on: str | None = None) -> tuple[int, dict]:
    args = ["verify", query, "--release", out, "--json"] + (["--on", on] if on else [])
    proc = adreg(*args)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize(
    "status", ["valid", "deemed_renewal", "expired", "cancelled", "annulled", "revoked"]
)
def test_status_on_a_date_inside_each_kind_of_period(adreg, sample_release, status) -> None:
    medium, period = unique_medium_with(sample_release, status)
    for day in (period["valid_from"], period["valid_to"]):  # its first and its last day
        code, answer = ask(adreg, sample_release, medium["name"], day)
        assert code == 0
        assert answer["verdict"] == status
        assert answer["verdict_zh"] and answer["verdict_zh"] != status
        assert answer["registration"]["id"] == period["registration_id"]
        assert answer["period"]["valid_from"] == period["valid_from"]
        assert answer["match"] == answer["match"] | {
            "field": "medium_name",
            "value": medium["name"],
        }
        assert answer["decisions"], "the answer lists the decisions that prove it"
        assert all(d["decision_date"] <= day for d in answer["decisions"])
    manifest = json.loads((sample_release / "current" / "release.json").read_text("utf-8"))
    db_entry = next(f for f in manifest["files"] if f["path"].endswith(".db"))
    assert (
        answer["release"] | {"version": "1.1.0", "sha256": db_entry["sha256"]} == answer["release"]
    )
    assert answer["release"]["as_of"] == answer["release"]["horizon"] == REGIME_END


def test_deemed_renewal_shows_its_article_10_basis(adreg, sample_release) -> None:
    medium, period = unique_medium_with(sample_release, "deemed_renewal")
    _, answer = ask(adreg, sample_release, medium["name"], period["valid_from"])
    basis = answer["basis"]
    assert basis["kind"] == "deemed_renewal" and "第十条" in basis["text"]
    renewal = next(d for d in table(sample_release, "decisions") if d["id"] == basis["decision_id"])
    assert renewal["kind"] == "renewal"
    assert basis["renewal_applied_on"] == renewal["application_date"]


def test_cancellation_shows_its_ground(adreg, sample_release) -> None:
    medium, period = unique_medium_with(sample_release, "cancelled")
    _, answer = ask(adreg, sample_release, medium["name"], period["valid_from"])
    assert answer["basis"]["kind"] == "cancellation"
    assert answer["basis"]["cancellation_ground"]
    assert answer["basis"]["text"].startswith("注销情形：")


def test_before_the_grant_is_not_registered_before_the_regime_is_before_regime(
    adreg, sample_release
) -> None:
    medium, period = unique_medium_with(sample_release, "valid")
    reg = next(
        r for r in table(sample_release, "registrations") if r["id"] == period["registration_id"]
    )
    granted = date.fromisoformat(reg["granted_on"])
    if granted > date(2016, 12, 1):
        code, answer = ask(adreg, sample_release, medium["name"], str(granted - timedelta(days=1)))
        assert (code, answer["verdict"]) == (0, "not_registered")
        assert answer["registration"]["id"] == period["registration_id"]
    code, answer = ask(adreg, sample_release, medium["name"], "2016-11-30")
    assert (code, answer["verdict"]) == (0, "before_regime")
    assert answer["period"] is None and answer["match"]["medium_id"] == medium["id"]


def test_after_the_regime_ended_registration_is_no_longer_required(adreg, sample_release) -> None:
    medium, _ = unique_medium_with(sample_release, "valid")
    code, answer = ask(adreg, sample_release, medium["name"], "2023-01-01")
    assert code == 0
    assert answer["verdict"] == "no_longer_required"
    assert answer["asked_on"] == REGIME_END
    assert answer["last_status"] == answer["period"]["status"]


def test_a_date_after_the_as_of_date_is_answered_from_what_was_known(adreg, tmp_path) -> None:
    """Published as of 2019-06-30: nothing is stated past it, and the answer says so."""
    from conftest import SAMPLE_CONFIG, SAMPLE_SOURCES

    from publisher.release.publish import load_config, publish

    root = tmp_path / "out"
    publish(SAMPLE_SOURCES, root, config=load_config(SAMPLE_CONFIG), as_of=date(2019, 6, 30))
    with db(root) as conn:
        assert (
            conn.execute("SELECT max(valid_to) FROM status_periods").fetchone()[0] == "2019-06-30"
        )
        assert conn.execute("SELECT horizon FROM release_info").fetchone()[0] == "2019-06-30"
    medium, _ = unique_medium_with(root, "valid")
    code, answer = ask(adreg, root, medium["name"], "2020-03-01")
    assert code == 0
    assert answer["asked_on"] == "2019-06-30"
    assert answer["verdict"] == answer["period"]["status"]
    assert "beyond_as_of" in {w["code"] for w in answer["warnings"]}
    # The ledger counts what the release holds: later decisions are excluded, not published.
    ledger = json.loads((root / "current" / "ledger.json").read_text("utf-8"))
    assert ledger["total"]["excluded"] > 0
    assert ledger["reasons"]["excluded:decided_after_as_of"] > 0
    released = len(table(root, "decisions")) + len(table(root, "penalties"))
    assert ledger["total"]["published"] == released


def test_not_found_says_what_the_release_covers_and_exits_1(adreg, sample_release) -> None:
    code, answer = ask(adreg, sample_release, "不存在的媒介名称", "2018-01-01")
    assert code == 1
    assert answer["verdict"] == "no_match" and answer["registration"] is None
    covered = answer["coverage"]
    codes = {a["division_code"] for a in table(sample_release, "authorities")}
    assert {a.split()[0] for a in covered["authorities"]} == codes
    assert covered["first_decision"] <= covered["last_decision"] <= REGIME_END
    proc = adreg("verify", "不存在的媒介名称", "--release", sample_release)
    assert proc.returncode == 1 and "本数据版本中无匹配记录" in proc.stdout


def _one_registration(answer: dict, registration_id: str) -> None:
    assert answer["verdict"] not in ("no_match", "ambiguous"), answer["verdict"]
    assert answer["registration"]["id"] == registration_id


def test_found_by_each_identifier_people_type(adreg, sample_release) -> None:
    media = table(sample_release, "media")
    regs = {r["id"]: r for r in table(sample_release, "registrations")}
    pubs = {p["id"]: p for p in table(sample_release, "publishers")}
    paper = next(m for m in media if m["cn_number"])
    for form in (
        paper["cn_number"],
        f"CN {paper['cn_number']}/X",
        paper["cn_number"].replace("-", ""),
    ):
        _, answer = ask(adreg, sample_release, form, "2018-06-01")
        _one_registration(answer, paper["registration_id"])
        assert answer["match"]["field"] == "cn_number"
    periodical = next(m for m in media if m["issn"])
    _, answer = ask(adreg, sample_release, f"ISSN {periodical['issn']}", "2018-06-01")
    _one_registration(answer, periodical["registration_id"])
    station = next(
        m
        for m in media
        if m["frequency"] and sum(x["frequency"] == m["frequency"] for x in media) == 1
    )
    _, answer = ask(adreg, sample_release, station["frequency"], "2018-06-01")
    _one_registration(answer, station["registration_id"])
    numbered = next(r for r in regs.values() if r["registration_number"])
    _, answer = ask(adreg, sample_release, numbered["registration_number"], "2018-06-01")
    _one_registration(answer, numbered["id"])
    assert answer["match"]["field"] == "registration_number"
    # The publisher's credit code and full name: not "not registered".
    pub = pubs[numbered["publisher_id"]]
    if pub["credit_code"] and sum(r["publisher_id"] == pub["id"] for r in regs.values()) == 1:
        _, answer = ask(adreg, sample_release, pub["credit_code"], "2018-06-01")
        _one_registration(answer, numbered["id"])
        assert answer["match"]["field"] == "credit_code"
    names = [p["name"] for p in pubs.values()]
    named = next(
        p
        for p in pubs.values()
        if names.count(p["name"]) == 1
        and sum(r["publisher_id"] == p["id"] for r in regs.values()) == 1
    )
    rid = next(r["id"] for r in regs.values() if r["publisher_id"] == named["id"])
    _, answer = ask(adreg, sample_release, named["name"], "2018-06-01")
    _one_registration(answer, rid)
    assert answer["match"]["field"] == "publisher_name"


def test_found_by_the_sponsor(adreg, sample_release) -> None:
    regs = table(sample_release, "registrations")
    sponsored = next(
        p
        for p in table(sample_release, "publishers")
        if p["sponsor_credit_code"] and not p["credit_code"]
    )
    rid = next(r["id"] for r in regs if r["publisher_id"] == sponsored["id"])
    _, answer = ask(adreg, sample_release, sponsored["sponsor_credit_code"], "2018-06-01")
    assert answer["match"]["field"] in ("credit_code", "sponsor_credit_code")
    assert rid in [answer["registration"]["id"]] + [
        c["registration_id"] for c in answer["candidates"]
    ]
    assert (
        answer["registrant"] is None
        or answer["registrant"]["sponsor_credit_code"] == sponsored["sponsor_credit_code"]
    )


def test_a_former_name_finds_the_medium_and_says_when_it_was_used(adreg, generated_release) -> None:
    with db(generated_release) as conn:
        rows = conn.execute(
            "SELECT n.name, n.valid_from, n.valid_to, m.id, m.registration_id, m.name AS now"
            " FROM medium_names n JOIN media m ON m.id = n.medium_id WHERE n.valid_to IS NOT NULL"
        ).fetchall()
        everywhere = {r[0] for r in conn.execute("SELECT name FROM media")}
    former = next(
        r
        for r in rows
        if r["name"] not in everywhere and sum(x["name"] == r["name"] for x in rows) == 1
    )
    _, answer = ask(adreg, generated_release, former["name"], former["valid_from"])
    _one_registration(answer, former["registration_id"])
    m = answer["match"]
    assert (m["field"], m["medium_id"]) == ("former_medium_name", former["id"])
    assert (m["name_from"], m["name_to"]) == (former["valid_from"], former["valid_to"])
    # On that date the medium is shown by the name it had then.
    assert former["name"] in {x["name"] for x in answer["media"]}


def test_penalties_against_the_sponsor_are_shown_to_the_registrant(
    adreg, generated_release
) -> None:
    with db(generated_release) as conn:
        row = conn.execute(
            "SELECT pe.id, p.id AS publisher_id FROM penalties pe JOIN publishers p"
            " ON pe.party_credit_code = p.sponsor_credit_code AND p.credit_code IS NULL LIMIT 1"
        ).fetchone()
        assert row is not None, "the generated release must fine a sponsor"
        rid, number = conn.execute(
            "SELECT r.id, coalesce(r.registration_number, m.cn_number, m.name)"
            " FROM registrations r JOIN media m ON m.registration_id = r.id"
            " WHERE r.publisher_id = ? LIMIT 1",
            [row["publisher_id"]],
        ).fetchone()
    reader = Reader(generated_release)
    answer = verify(reader, number, date(2021, 4, 28))
    assert answer.registration is not None and answer.registration.id == rid
    assert row["id"] in {p.id for p in answer.penalties}
    assert "penalties_in_publicity" in {w.code for w in answer.warnings}


def test_ambiguous_names_list_the_candidates_and_say_when_cut(adreg, generated_release) -> None:
    code, answer = ask(adreg, generated_release, "报", "2018-06-01")  # 1 character
    assert code == 0 and answer["verdict"] == "ambiguous"
    from publisher.read.match import MATCH_LIMIT, SHOWN

    assert len(answer["candidates"]) == SHOWN < answer["candidates_total"] <= MATCH_LIMIT
    more = "以上" if answer["candidates_total"] == MATCH_LIMIT else ""
    assert any(f"{more}项登记匹配，仅列出前{SHOWN}项" in n for n in answer["notes"])
    for c in answer["candidates"]:
        assert c["status"] and c["match"]["registration_id"] == c["registration_id"]
    _, two = ask(adreg, generated_release, "日报", "2018-06-01")  # 2 characters
    assert two["verdict"] == "ambiguous" and two["candidates_total"] > 1


def test_pinyin_finds_a_medium(adreg, sample_release) -> None:
    from publisher.release.search_index import index_pinyin

    medium, period = unique_medium_with(sample_release, "valid")
    full, _ = index_pinyin(medium["name"])
    _, answer = ask(adreg, sample_release, full, period["valid_from"])
    assert answer["verdict"] != "no_match"
    ids = [answer["registration"]["id"]] if answer["registration"] else []
    ids += [c["registration_id"] for c in answer["candidates"]]
    assert period["registration_id"] in ids


def test_warnings_expiry_within_30_days(sample_release) -> None:
    reader = Reader(sample_release)
    numbers = {r["id"]: r["registration_number"] for r in table(sample_release, "registrations")}
    for d in table(sample_release, "registration_details"):
        end, number = d["licence_valid_to"], numbers[d["registration_id"]]
        if not end or not number or end > "2021-04-01":
            continue
        answer = verify(reader, number, date.fromisoformat(end) - timedelta(days=10))
        if answer.verdict == "valid" and answer.licence and str(answer.licence.valid_to) == end:
            assert "expires_soon" in {w.code for w in answer.warnings}
            later = verify(reader, number, date.fromisoformat(end) - timedelta(days=40))
            assert "expires_soon" not in {w.code for w in later.warnings}
            return
    pytest.fail("no registration valid 10 days before its licence end")


def test_text_answer_is_in_chinese(adreg, sample_release) -> None:
    medium, _ = unique_medium_with(sample_release, "valid")
    proc = adreg("verify", medium["name"], "--on", "2018-01-01", "--release", sample_release)
    assert proc.returncode == 0, proc.stderr
    assert "广告发布单位" in proc.stdout and "sha256" in proc.stdout and "登记机关" in proc.stdout


def test_user_mistakes_are_one_line(adreg, sample_release, tmp_path: Path) -> None:
    from conftest import assert_one_line_error

    assert_one_line_error(
        adreg("verify", "x", "--on", "2018-13-01", "--release", sample_release), "--on"
    )
    assert_one_line_error(adreg("verify", "x", "--release", tmp_path), "adreg publish")
