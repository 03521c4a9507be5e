"""The data package: CSVs + datapackage.json valid for frictionless, our checks, the Excel copy."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import frictionless
import msgspec
import openpyxl
import pytest
from conftest import credit_code
from hypothesis import given
from hypothesis import strategies as st

from publisher.release import checks, package, workbook
from publisher.release import tables as t

CREATED = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
HAN = re.compile(r"[\u4e00-\u9fff]")
CC1, CC2, CC3 = credit_code(1), credit_code(2), credit_code(3, prefix="12340000")


def sample() -> dict[str, list[Any]]:
    """A small, valid, cross-referenced set of rows for every resource."""
    return {
        "authorities": [
            t.AuthorityRow(
                division_code="340000",
                name="安徽省市场监督管理局",
                level="province",
                division_name="安徽省",
            ),
            t.AuthorityRow(
                division_code="340100",
                name="合肥市市场监督管理局",
                level="prefecture",
                division_name="合肥市",
            ),
        ],
        "publishers": [
            t.PublisherRow(
                id=CC1,
                name="安徽测试报社",
                kind="newspaper",
                credit_code=CC1,
                legal_representative="张三",
                address="合肥市蜀山区长江西路1号",
            ),
            t.PublisherRow(id=CC2, name="合肥广播电视台", kind="radio", credit_code=CC2),
            t.PublisherRow(
                id=CC3,
                name="测试期刊编辑部",
                kind="periodical",
                sponsor_name="安徽出版集团",
                sponsor_credit_code=CC3,
            ),
        ],
        "registrations": [
            t.RegistrationRow(
                id="reg-1",
                authority_code="340000",
                publisher_id=CC1,
                registration_number="皖广登340000001",
                granted_on=date(2017, 3, 5),
                grant_decision_id="dec-1",
            ),
            t.RegistrationRow(
                id="reg-2",
                authority_code="340100",
                publisher_id=CC2,
                ended_on=date(2019, 6, 1),
                end_kind="cancellation",
                end_decision_id="dec-3",
            ),
            t.RegistrationRow(id="reg-3", authority_code="340000", publisher_id=CC3),
        ],
        "media": [
            t.MediumRow(
                id="med-1",
                registration_id="reg-1",
                publisher_id=CC1,
                name="测试报",
                type="newspaper",
                cn_number="34-0001",
                licence_number="皖报字第001号",
                licence_valid_from=date(2017, 1, 1),
                licence_valid_to=date(2021, 12, 31),
            ),
            t.MediumRow(
                id="med-2",
                registration_id="reg-2",
                publisher_id=CC2,
                name="合肥新闻广播",
                type="radio_frequency",
                frequency="FM 105.8",
            ),
            t.MediumRow(
                id="med-3",
                registration_id="reg-3",
                publisher_id=CC3,
                name="测试期刊",
                type="periodical",
                cn_number="34-1001",
                issn="1000-000X",
            ),
        ],
        "status_periods": [
            t.StatusPeriodRow(
                registration_id="reg-1",
                status="valid",
                valid_from=date(2017, 3, 5),
                valid_to=date(2020, 12, 31),
                decision_id="dec-1",
            ),
            t.StatusPeriodRow(
                registration_id="reg-1",
                status="expired",
                valid_from=date(2021, 1, 1),
                valid_to=date(2021, 4, 28),
            ),
            t.StatusPeriodRow(
                registration_id="reg-2",
                status="cancelled",
                valid_from=date(2019, 6, 1),
                valid_to=date(2021, 4, 28),
                decision_id="dec-3",
            ),
        ],
        "registration_details": [
            t.DetailPeriodRow(
                registration_id="reg-1",
                valid_from=date(2017, 3, 5),
                valid_to=date(2018, 7, 1),
                decision_id="dec-1",
                publisher_name="安徽测试报社",
                credit_code=CC1,
                legal_representative="张三",
                address="合肥市蜀山区长江西路1号",
                media_names="测试报",
            ),
            t.DetailPeriodRow(
                registration_id="reg-1",
                valid_from=date(2018, 7, 2),
                decision_id="dec-2",
                publisher_name="安徽测试报社",
                legal_representative="李四",
                address="合肥市蜀山区长江西路9号",
            ),
        ],
        "notices": [
            t.NoticeRow(
                id="not-1",
                notice_number="2017年第1号",
                authority_code="340000",
                authority_name="安徽省工商行政管理局",
                publication_date=date(2017, 3, 8),
                publication_date_imputed=False,
                compiled=False,
                title="安徽省市场监督管理局广告发布登记公告（2017年第1号）",
                decision_count=2,
                body="根据《广告发布登记管理规定》第十六条，现将准予登记决定公告如下：……",
            )
        ],
        "decisions": [
            t.DecisionRow(
                id="dec-1",
                decision_number="皖广登字〔2017〕001号",
                authority_code="340000",
                kind="grant",
                publisher_id=CC1,
                publisher_name="安徽测试报社",
                decision_date=date(2017, 3, 5),
                registration_id="reg-1",
                credit_code=CC1,
                acceptance_date=date(2017, 3, 1),
                publication_date=date(2017, 3, 8),
                media_names="测试报",
                remarks='第一行\n第二行, 含逗号和"引号"',
                notice_id="not-1",
                workdays_to_decision=3,
                decision_late=False,
                original=json.dumps({"decision_date": "2017年3月5日"}, ensure_ascii=False),
                sources="anhui/2017.csv#2; anhui/2017.xlsx#3",
            ),
            t.DecisionRow(
                id="dec-2",
                decision_number="皖广登字〔2018〕007号",
                authority_code="340000",
                kind="change",
                publisher_id=CC1,
                publisher_name="安徽测试报社",
                decision_date=date(2018, 7, 2),
                registration_id="reg-1",
                notice_id="not-1",
            ),
            t.DecisionRow(
                id="dec-3",
                decision_number="合广登字〔2019〕003号",
                authority_code="340100",
                kind="cancellation",
                publisher_id=CC2,
                publisher_name="合肥广播电视台",
                decision_date=date(2019, 6, 1),
                registration_id="reg-2",
                cancellation_ground="ceased_publishing",
                workdays_to_decision=9,
                decision_late=True,
            ),
        ],
        "decision_changes": [
            t.DecisionChangeRow(
                decision_id="dec-2", seq=1, field="住所", old="长江西路1号", new="长江西路9号"
            ),
            t.DecisionChangeRow(
                decision_id="dec-2", seq=2, field="法定代表人", old="张三", new="李四"
            ),
        ],
        "penalties": [
            t.PenaltyRow(
                id="pen-1",
                decision_number="合市监罚〔2019〕012号",
                authority_code="340100",
                party_name="合肥广播电视台",
                kinds="fine",
                decision_date=date(2019, 5, 10),
                party_credit_code=CC2,
                publisher_id=CC2,
                violation="unreported_statistics",
                fine_amount=5000.5,
                confiscation_amount=12345678901234567.0,  # repr has an exponent
                publication_date=date(2019, 5, 20),
                workdays_to_publication=6,
                publication_late=False,
            )
        ],
        "anomalies": [
            t.AnomalyRow(
                code="expired_not_cancelled", registration_id="reg-1", detail="有效期届满未注销"
            )
        ],
        "ledger": [
            t.LedgerRow(
                source="anhui",
                file="2017.csv",
                kind="decisions",
                read=4,
                published=3,
                merged=0,
                withheld=0,
                rejected=1,
                excluded=0,
            )
        ],
        "vocabulary": [
            t.VocabularyRow(list="status", code="valid", zh="有效", en="valid"),
            t.VocabularyRow(list="decision_kind", code="grant", zh="准予广告发布登记", en="grant"),
        ],
        "authority_names": [
            t.AuthorityNameRow(
                division_code="340000", name="安徽省工商行政管理局", valid_to=date(2018, 12, 31)
            ),
            t.AuthorityNameRow(
                division_code="340000", name="安徽省市场监督管理局", valid_from=date(2019, 1, 1)
            ),
        ],
        "medium_names": [
            t.MediumNameRow(medium_id="med-1", valid_from=date(2017, 3, 5), name="测试报"),
        ],
    }


def write(tables: dict[str, list[Any]], outdir: Path) -> dict[str, Any]:
    return package.write_package(
        tables,
        outdir,
        name="adreg-test",
        title="广告发布登记（测试）",
        version="1.2.0",
        created=CREATED,
        sources=[{"title": "安徽省市场监督管理局 广告发布登记", "path": "sources/anhui"}],
        description="Test package",
    )


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("pkg")
    tables: dict[str, Any] = sample()
    tables["decisions"] = iter(tables["decisions"])  # rows are streamed, not held
    write(tables, outdir)
    return outdir


def descriptor(pkg: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    return data


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


# ---- frictionless ------------------------------------------------------------------


def frictionless_errors(pkg: Path) -> set[tuple[str, int | None, str | None, str]]:
    """(resource, row, field, kind) of every error frictionless finds, as find_problems says."""
    report = frictionless.validate(str(pkg / "datapackage.json"))
    out = set()
    for task in report.tasks:
        for err in task.errors:
            kind = err.type
            field = getattr(err, "field_name", None)
            if kind == "constraint-error":
                kind = re.search(r'constraint "(\w+)"', err.note).group(1)  # type: ignore[union-attr]
            elif kind == "type-error":
                kind = "type"
            elif kind == "foreign-key":
                field = err.field_names[0]
            elif kind == "primary-key":
                field = ", ".join(t.RESOURCE[task.name].primary_key)
            out.add((task.name, getattr(err, "row_number", None), field, kind))
    return out


def test_frictionless_finds_no_errors(pkg: Path) -> None:
    report = frictionless.validate(str(pkg / "datapackage.json"))
    assert report.valid, report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])
    assert {task.name for task in report.tasks} == {r.name for r in t.RESOURCES}
    assert sum(task.stats["rows"] for task in report.tasks) == sum(map(len, sample().values()))


def test_frictionless_cli_validates(pkg: Path) -> None:
    exe = Path(sys.executable).with_name("frictionless")
    cmd = [str(exe) if exe.exists() else shutil.which("frictionless") or "frictionless"]
    proc = subprocess.run(
        [*cmd, "validate", str(pkg / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_planted_errors_are_found_by_check_tables_and_frictionless(tmp_path: Path) -> None:
    tables = sample()
    r = msgspec.structs.replace
    tables["publishers"].append(tables["publishers"][0])  # duplicate primary key
    tables["media"][1] = r(tables["media"][1], registration_id="reg-404")  # dangling
    tables["decisions"][0] = r(tables["decisions"][0], credit_code="91340100MA2O0000I")  # O, I
    tables["authorities"][1] = r(tables["authorities"][1], level="city")  # enum
    tables["authorities"][0] = r(tables["authorities"][0], name="")  # required
    tables["notices"][0] = r(tables["notices"][0], title=None, decision_count=0)
    tables["penalties"][0] = r(tables["penalties"][0], fine_amount=-1.0)  # minimum
    tables["decisions"][2] = r(tables["decisions"][2], decision_date=datetime(2019, 6, 1, 9))
    dups = tables["decision_changes"]
    dups.append(r(dups[0], field="名称"))  # composite key (decision_id, seq) again
    expected = {
        ("publishers", 5, "id", "primary-key"),
        ("media", 3, "registration_id", "foreign-key"),
        ("decisions", 2, "credit_code", "pattern"),
        ("authorities", 3, "level", "enum"),
        ("authorities", 2, "name", "required"),
        ("notices", 2, "title", "required"),
        ("notices", 2, "decision_count", "minimum"),
        ("penalties", 2, "fine_amount", "minimum"),
        ("decisions", 4, "decision_date", "type"),
        ("decision_changes", 4, "decision_id, seq", "primary-key"),
    }
    ours = {(p.resource, p.row, p.field, p.kind) for p in checks.find_problems(tables)}
    assert ours == expected
    write(tables, tmp_path)
    assert frictionless_errors(tmp_path) == expected
    messages = checks.check_tables(tables)
    assert len(messages) == len(expected)
    assert "publishers row 5 id: duplicate primary key (id)" in messages
    assert any(
        m.startswith("media row 3 registration_id: not found in registrations.id") for m in messages
    )


def test_check_tables_passes_the_sample() -> None:
    assert checks.check_tables(sample()) == []


def test_check_tables_caps_the_rows_reported() -> None:
    tables = sample()
    tables["anomalies"] = [t.AnomalyRow(code="")] * 50
    problems = checks.check_tables(tables, limit=5)
    assert problems[0] == "anomalies row 2 code: missing"
    assert problems[-1] == "anomalies code: missing (and 45 more rows)"
    assert len(problems) == 6


def test_check_tables_rejects_rows_of_the_wrong_struct() -> None:
    tables = sample()
    tables["notices"].append(tables["decisions"][0])
    tables["registrations"].insert(0, tables["ledger"][0])  # no .id to refer to
    assert checks.check_tables(tables) == [
        "registrations row 2: not a RegistrationRow",
        "notices row 3: not a NoticeRow",
    ]


# ---- descriptor and files ----------------------------------------------------------


def test_descriptor_says_what_the_data_is(pkg: Path, tmp_path: Path) -> None:
    desc = descriptor(pkg)
    assert desc["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert (desc["name"], desc["version"], desc["created"]) == (
        "adreg-test",
        "1.2.0",
        "2024-05-01T08:30:00Z",
    )
    assert desc["licenses"][0]["name"] == "ODC-PDDL-1.0"
    assert desc["sources"][0]["path"] == "sources/anhui"
    assert [r["name"] for r in desc["resources"]] == [r.name for r in t.RESOURCES]
    for res in desc["resources"]:
        assert HAN.search(res["title"]), res["name"]
        assert (res["path"], res["format"], res["mediatype"], res["encoding"]) == (
            f"{res['name']}.csv",
            "csv",
            "text/csv",
            "utf-8",
        )
        data = (pkg / res["path"]).read_bytes()
        assert res["bytes"] == len(data)
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        for field in res["schema"]["fields"]:
            assert HAN.search(field["title"]), field
            assert field["description"] and not HAN.search(field["description"]), field
        assert res["schema"]["missingValues"] == [""]
    by_name = {r["name"]: r["schema"] for r in desc["resources"]}
    decisions = {f["name"]: f for f in by_name["decisions"]["fields"]}
    assert decisions["kind"]["constraints"] == {
        "required": True,
        "enum": [
            "grant",
            "change",
            "renewal",
            "cancellation",
            "withdrawal",
            "annulment",
            "revocation",
        ],
    }
    assert decisions["credit_code"] == {
        "name": "credit_code",
        "type": "string",
        "title": "统一社会信用代码",
        "description": "Publisher's credit code",
        "constraints": {"pattern": "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"},
    }
    assert decisions["decision_date"]["type"] == "date"
    assert decisions["decision_late"]["type"] == "boolean"
    assert by_name["decisions"]["primaryKey"] == ["id"]
    assert {"fields": ["notice_id"], "reference": {"resource": "notices", "fields": ["id"]}} in (
        by_name["decisions"]["foreignKeys"]
    )
    assert by_name["status_periods"]["primaryKey"] == ["registration_id", "valid_from"]
    sponsor = {f["name"]: f for f in by_name["publishers"]["fields"]}["sponsor_credit_code"]
    assert sponsor["title"] == "主办单位信用代码"  # the outer title wins over CreditCode's
    assert "pattern" in sponsor["constraints"]
    ledger = {f["name"]: f for f in by_name["ledger"]["fields"]}
    assert ledger["read"]["constraints"] == {"required": True, "minimum": 0}
    again = tmp_path / "again"
    assert write(sample(), again) == desc  # the returned dict is the file; same rows, same bytes


def test_csv_text(pkg: Path) -> None:
    for res in t.RESOURCES:
        assert not (pkg / f"{res.name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv(pkg / "decisions.csv")
    head = dict(zip(rows[0], rows[1], strict=True))
    assert rows[0] == list(t.DecisionRow.__struct_fields__)
    assert head["decision_date"] == "2017-03-05"
    assert head["decision_late"] == "false"
    assert head["workdays_to_decision"] == "3"
    assert head["legal_basis"] == ""
    assert head["remarks"] == '第一行\n第二行, 含逗号和"引号"'
    assert json.loads(head["original"]) == {"decision_date": "2017年3月5日"}
    penalty = dict(zip(*read_csv(pkg / "penalties.csv"), strict=True))
    assert penalty["fine_amount"] == "5000.5"
    assert penalty["confiscation_amount"] == "12345678901234568"


@given(st.lists(st.tuples(st.text(), st.none() | st.text())))
def test_csv_text_is_what_csv_writer_writes(values: list[tuple[str, str | None]]) -> None:
    rows = [
        t.DecisionChangeRow(
            decision_id=a, seq=i + 1, field="住所", old=b, changed_on=date(2020, 1, 2)
        )
        for i, (a, b) in enumerate(values)
    ]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerows(
        [a, i + 1, "住所", b, None, "2020-01-02"] for i, (a, b) in enumerate(values)
    )
    assert (package._csv_lines(t.DecisionChangeRow, rows) if rows else "") == expected.getvalue()


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_are_written_without_exponent(x: float) -> None:
    text = package._number(x)
    assert "e" not in text.lower()
    assert float(text) == x


def test_verify_files_detects_a_changed_byte(tmp_path: Path) -> None:
    write(sample(), tmp_path)
    assert package.verify_files(tmp_path) == []
    path = tmp_path / "media.csv"
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))
    assert package.verify_files(tmp_path) == ["media.csv: sha256 differs from datapackage.json"]
    (tmp_path / "notices.csv").write_bytes(b"id\r\n")
    (tmp_path / "ledger.csv").unlink()
    problems = package.verify_files(tmp_path)
    assert "ledger.csv: missing" in problems
    assert any(p.startswith("notices.csv: 4 bytes, datapackage.json says") for p in problems)
    assert not frictionless.validate(str(tmp_path / "datapackage.json")).valid


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"version": "v1"}, "SemVer"),
        ({"created": datetime(2024, 5, 1)}, "timezone"),
        ({"name": "Adreg Test"}, "package name"),
    ],
)
def test_write_package_refuses_bad_metadata(tmp_path: Path, change: dict, needle: str) -> None:
    args: dict[str, Any] = {"name": "x", "title": "x", "version": "1.0.0", "created": CREATED}
    with pytest.raises(ValueError, match=needle):
        package.write_package(sample(), tmp_path, sources=[], **(args | change))


def test_write_package_needs_referenced_resources(tmp_path: Path) -> None:
    tables = sample()
    del tables["notices"]
    with pytest.raises(ValueError, match="notices"):
        write(tables, tmp_path)
    with pytest.raises(ValueError, match="unknown resources"):
        write({"nonsense": []}, tmp_path)


# ---- schema generated from the Structs ---------------------------------------------

_MSGSPEC_TYPES = {
    msgspec.inspect.StrType: "string",
    msgspec.inspect.IntType: "integer",
    msgspec.inspect.FloatType: "number",
    msgspec.inspect.BoolType: "boolean",
    msgspec.inspect.DateType: "date",
    msgspec.inspect.LiteralType: "string",
}


def _msgspec_view(tp: msgspec.inspect.Type) -> tuple[str, bool, dict[str, Any]]:
    """(type, nullable, constraints) of a field as msgspec itself understands it."""
    cons: dict[str, Any] = {}
    nullable = False
    while True:
        if isinstance(tp, msgspec.inspect.Metadata):
            tp = tp.type
        elif isinstance(tp, msgspec.inspect.UnionType):
            (tp,) = [x for x in tp.types if not isinstance(x, msgspec.inspect.NoneType)]
            nullable = True
        else:
            break
    if isinstance(tp, msgspec.inspect.LiteralType):
        cons["enum"] = sorted(tp.values)
    if pattern := getattr(tp, "pattern", None):
        cons["pattern"] = pattern
    if (ge := getattr(tp, "ge", None)) is not None:
        cons["minimum"] = ge
    return _MSGSPEC_TYPES[type(tp)], nullable, cons


@pytest.mark.parametrize("resource", t.RESOURCES, ids=lambda r: r.name)
def test_schema_and_structs_cannot_drift(resource: t.Resource) -> None:
    schema = package.table_schema(resource)
    fields = {f["name"]: f for f in schema["fields"]}
    infos = msgspec.structs.fields(resource.row)
    assert list(fields) == [i.name for i in infos]  # the same fields, in the same order
    titles = [f["title"] for f in schema["fields"]]
    assert len(set(titles)) == len(titles), "Excel headers must tell columns apart"
    try:
        view = msgspec.inspect.type_info(resource.row)
    except TypeError as exc:  # msgspec itself rejects the Struct: see the message
        pytest.xfail(f"tables.{resource.row.__name__} is not a valid msgspec type: {exc}")
    assert isinstance(view, msgspec.inspect.StructType)
    for info in view.fields:
        field = fields[info.name]
        kind, nullable, cons = _msgspec_view(info.type)
        assert field["type"] == kind, info.name
        ours = field.get("constraints", {})
        assert ours.get("required", False) == (info.required and not nullable), info.name
        assert sorted(ours.get("enum", [])) == cons.get("enum", []), info.name
        if "pattern" in cons:
            assert ours["pattern"] == cons["pattern"].removeprefix("^").removesuffix("$")
        assert ours.get("minimum") == cons.get("minimum"), info.name


def test_keys_name_real_fields() -> None:
    for res in t.RESOURCES:
        schema = package.table_schema(res)
        names = {f["name"] for f in schema["fields"]}
        assert set(schema.get("primaryKey", [])) <= names
        for fk in schema.get("foreignKeys", []):
            target = package.table_schema(t.RESOURCE[fk["reference"]["resource"]])
            target_names = {f["name"] for f in target["fields"]}
            assert set(fk["fields"]) <= names
            assert (
                set(fk["reference"]["fields"]) <= set(target.get("primaryKey", [])) <= target_names
            )


# ---- Excel -------------------------------------------------------------------------


def test_workbook_reads_back_in_chinese_with_typed_cells(pkg: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "adreg.xlsx"
    workbook.write_workbook(pkg, xlsx)
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == ["说明", *(r.title for r in t.RESOURCES)]
    readme = [c for row in book["说明"].iter_rows(values_only=True) for c in row if c]
    assert "1.2.0" in readme and "广告发布登记（测试）" in readme
    assert any("Public Domain" in str(c) for c in readme)
    rows = list(book["登记决定"].iter_rows(values_only=True))
    titles = [f["title"] for f in package.table_schema(t.RESOURCE["decisions"])["fields"]]
    assert list(rows[0]) == titles
    first = dict(zip(titles, rows[1], strict=True))
    assert first["决定日期"] == datetime(2017, 3, 5)
    assert first["逾期决定"] is False
    assert first["办理工作日"] == 3
    assert first["决定书文号"] == "皖广登字〔2017〕001号"
    assert first["法律依据"] is None
    assert len(rows) == 4
    penalty = dict(zip(*book["行政处罚"].iter_rows(values_only=True), strict=True))
    assert penalty["罚款金额"] == 5000.5
    book.close()
    full = openpyxl.load_workbook(xlsx)
    ws = full["登记决定"]
    assert ws.freeze_panes == "A2"
    assert ws["G2"].number_format == "yyyy-mm-dd" and ws["G2"].is_date
    full.close()


def test_workbook_cuts_text_beyond_excels_cell_limit(tmp_path: Path) -> None:
    tables = sample()
    body = "公告正文" * 50_000 + "😀"  # 200,001 characters, past csv's default field limit
    tables["notices"][0] = msgspec.structs.replace(tables["notices"][0], body=body)
    write(tables, tmp_path)
    workbook.write_workbook(tmp_path, tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True)
    header, row = list(book["公告"].iter_rows(values_only=True))[:2]
    cell = row[header.index("公告正文")]
    assert len(cell) == 32_767 and cell.endswith("…") and body.startswith(cell[:-1])
    book.close()


def test_workbook_splits_long_tables_and_is_reproducible(pkg: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    workbook.write_workbook(pkg, a, max_rows=3)  # header + 2 rows per sheet
    workbook.write_workbook(pkg, b, max_rows=3)
    assert a.read_bytes() == b.read_bytes()
    book = openpyxl.load_workbook(a, read_only=True)
    assert "登记决定(2)" in book.sheetnames and "登记决定(3)" not in book.sheetnames
    second = list(book["登记决定(2)"].iter_rows(values_only=True))
    assert second[0][0] == "标识" and [r[0] for r in second[1:]] == ["dec-3"]
    book.close()


@pytest.mark.parametrize("chunk", [1, 2, 50_000])
def test_the_checked_stream_finds_what_check_tables_finds(tmp_path: Path, chunk: int) -> None:
    """publish checks each table as it is written, a piece at a time, from generators:
    the same problems as checking whole tables, whatever the pieces."""
    tables = sample()
    r = msgspec.structs.replace
    tables["publishers"].append(tables["publishers"][0])  # duplicate primary key
    tables["publishers"].append(tables["publishers"][1])  # another, in a later piece
    tables["media"][1] = r(tables["media"][1], registration_id="reg-404")  # dangling
    tables["authorities"][1] = r(tables["authorities"][1], level="city")  # enum
    tables["anomalies"] = [r(a, code="") for a in tables["anomalies"]] * 30  # capped
    stream = checks.CheckedStream(
        {name: (lambda rows=rows: iter(rows)) for name, rows in tables.items()}, chunk=chunk
    )
    package.write_package(
        stream,
        tmp_path,
        name="adreg",
        title="t",
        version="1.0.0",
        created=datetime(2021, 1, 1, tzinfo=UTC),
        sources=[],
    )
    assert sorted(map(str, stream.problems)) == sorted(checks.check_tables(tables))
    assert stream.counts == {name: len(rows) for name, rows in tables.items()}


def test_pieces_of_long_texts_are_cut_by_their_bytes() -> None:
    from publisher.release.pieces import pieces

    def notice(i: int, size: int) -> t.NoticeRow:
        return t.NoticeRow(
            id=f"n{i}", authority_code="340100", authority_name="合肥", compiled=True,
            publication_date=date(2018, 1, 1), publication_date_imputed=False,
            title="公告", decision_count=1, body="字" * size,
        )  # fmt: skip

    rows = [notice(i, 10 if i < 500 else 100_000) for i in range(520)]
    got = list(pieces(t.NoticeRow, iter(rows), 1000, 1_000_000))
    assert [r.id for p in got for r in p] == [r.id for r in rows]  # nothing lost
    assert all(sum(len(r.body) for r in p) <= 1_000_000 or len(p) == 1 for p in got)
    assert len(got) > 2
    plain = list(pieces(t.AnomalyRow, iter([t.AnomalyRow(code="x")] * 25), 10, 1))
    assert [len(p) for p in plain] == [10, 10, 5]
