"""source.yml mistakes: each a UserError naming the file and the line, and one CLI error line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_one_line_error

from publisher.errors import UserError
from publisher.ingest.config import load_source

VALID = """\
title: 安徽省广告发布登记
authority:
  name: 安徽省市场监督管理局
  division_code: "340000"
  level: province
lookups:
  decision_kind:
    核准: grant
    予以登记: grant
files:
  - path: decisions.csv
    kind: decisions
    format: csv
    skip_rows: [3]
    columns:
      决定书文号: decision_number
      决定类型: kind
      决定日期: decision_date
      单位名称: publisher_name
      单位类型: publisher_kind
      统一社会信用代码: credit_code
"""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def edited(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "anhui"
    folder.mkdir()
    (folder / "source.yml").write_text(text, encoding="utf-8")
    return folder


def test_valid_config_loads(tmp_path: Path) -> None:
    source = load_source(write(tmp_path, VALID))
    assert source.name == "anhui"
    assert source.config.authority.division_code == "340000"
    assert source.config.lookups.decision_kind == {"核准": "grant", "予以登记": "grant"}
    (spec,) = source.config.files
    assert spec.kind == "decisions"
    assert spec.skip_rows == [3]
    assert spec.encoding == "detect"
    assert spec.columns["单位类型"] == "publisher_kind"


# (case id, edit of VALID, the line the error must name, words the message must contain)
CASES = [
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: [3]\n    encodng: gb18030\n"),
        "encodng: gb18030",
        ["unknown field", "encodng"],
        id="unknown-key-in-file",
    ),
    pytest.param(
        ("  level: province\n", "  level: province\n  code: '340000'\n"),
        "code: '340000'",
        ["unknown field", "code"],
        id="unknown-key-in-authority",
    ),
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: 3\n"),
        "skip_rows: 3",
        ["Expected `array`", "skip_rows"],
        id="wrong-type",
    ),
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: [3]\n    header_row: second\n"),
        "header_row: second",
        ["Expected `int`", "header_row"],
        id="wrong-type-int",
    ),
    pytest.param(
        ("    予以登记: grant\n", "    予以登记: grantt\n"),
        "予以登记: grantt",
        ["grantt"],
        id="bad-lookup-value",
    ),
    pytest.param(
        ("    kind: decisions\n", "    kind: decision\n"),
        "kind: decision",
        ["decision"],
        id="bad-file-kind",
    ),
    pytest.param(
        ("  level: province\n", "  level: city\n"),
        "level: city",
        ["city"],
        id="bad-authority-level",
    ),
    pytest.param(
        ("      单位类型: publisher_kind\n", "      单位类型: publisher_type\n"),
        "单位类型: publisher_type",
        ["单位类型", "unknown field", "publisher_type"],
        id="column-to-unknown-field",
    ),
    pytest.param(
        ("      决定日期: decision_date\n", ""),
        "    columns:",
        ["required", "decision_date"],
        id="required-field-not-mapped",
    ),
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: [3]\n    defaults:\n      colour: red\n"),
        "colour: red",
        ["defaults", "colour"],
        id="default-for-unknown-field",
    ),
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: [3]\n    header_row: 0\n"),
        "header_row: 0",
        ["header_row must be 1 or more"],
        id="header-row-zero",
    ),
    pytest.param(
        (
            "    skip_rows: [3]\n",
            "    skip_rows: [3]\n    extract:\n    - column: 备注\n"
            "      pattern: '注销原因(?<=：)(?P<cancellation_ground>.+)'\n",
        ),
        "pattern: '注销原因",
        ["extract", "bad pattern", "look-around"],
        id="pattern-polars-cannot-read",
    ),
    pytest.param(
        (
            "    skip_rows: [3]\n",
            "    skip_rows: [3]\n    extract:\n    - column: 备注\n"
            "      pattern: ['注销原因：(.+)']\n",
        ),
        "pattern: ['注销原因",
        ["extract", "names no field", "(?P<field>"],
        id="pattern-without-a-named-group",
    ),
    pytest.param(
        (
            "    skip_rows: [3]\n",
            "    skip_rows: [3]\n    extract:\n    - column: 备注\n"
            "      pattern: '原因：(?P<ground>.+)'\n",
        ),
        "pattern: '原因",
        ["extract", "'ground' is not a field of decisions"],
        id="pattern-group-not-a-field",
    ),
    pytest.param(
        (
            "    skip_rows: [3]\n",
            "    skip_rows: [3]\n    extract:\n    - column: 备注\n"
            "      pattern: '类型：(?P<kind>.+)'\n",
        ),
        "pattern: '类型",
        ["extract", "'kind' is also mapped from a column"],
        id="pattern-field-also-a-column",
    ),
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: [3]\n    identity: [registration_number]\n"),
        "identity:",
        ["identity", "no column gives 'registration_number'"],
        id="identity-field-not-mapped",
    ),
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: [3]\n    identity: [medium_name, kind]\n"),
        "identity:",
        ["identity", "'medium_name' varies between the rows of one decision"],
        id="identity-of-a-medium",
    ),
    pytest.param(
        ("    skip_rows: [3]\n", "    skip_rows: [3]\n    separators:\n      单位名称: ['、']\n"),
        "单位名称: ['、']",
        ["separators", "'单位名称' cannot hold several values"],
        id="separators-of-a-column-not-a-field",
    ),
    pytest.param(
        (
            "    skip_rows: [3]\n",
            "    skip_rows: [3]\n    separators:\n      publisher_name: ['、']\n",
        ),
        "publisher_name: ['、']",
        ["separators", "'publisher_name' cannot hold several values"],
        id="separators-of-a-field-of-one-value",
    ),
    pytest.param(
        ("    kind: decisions\n", "    kind: decisions: all\n"),
        "kind: decisions: all",
        ["YAML syntax error"],
        id="yaml-syntax-error",
    ),
    pytest.param(
        ("  name: 安徽省市场监督管理局\n", '  name: "安徽省市场监督管理局\n'),
        None,  # an unclosed quote is found where the scanner gives up: any line will do
        ["YAML syntax error"],
        id="yaml-unclosed-quote",
    ),
]


def expected_prefix(folder: Path, text: str, line_needle: str | None) -> str:
    yml = folder / "source.yml"
    return f"{yml}:{line_of(text, line_needle)}: " if line_needle else f"{yml}:"


@pytest.mark.parametrize(("edit", "line_needle", "words"), CASES)
def test_yaml_error_names_file_and_line(
    tmp_path: Path, edit: tuple[str, str], line_needle: str | None, words: list[str]
) -> None:
    text = edited(*edit)
    folder = write(tmp_path, text)
    with pytest.raises(UserError) as exc:
        load_source(folder)
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith(expected_prefix(folder, text, line_needle)), message
    for word in words:
        assert word in message, (word, message)


@pytest.mark.parametrize(("edit", "line_needle", "words"), CASES)
def test_yaml_error_on_the_command_line(
    tmp_path: Path, adreg, edit: tuple[str, str], line_needle: str | None, words: list[str]
) -> None:
    text = edited(*edit)
    folder = write(tmp_path, text)
    ledger = tmp_path / "out" / "ledger.json"
    proc = adreg("ingest", folder, "--ledger", ledger)
    line = assert_one_line_error(proc, *words)
    assert line.removeprefix("adreg: error: ").startswith(
        expected_prefix(folder, text, line_needle)
    )
    assert not ledger.exists()


def test_empty_yaml(tmp_path: Path, adreg) -> None:
    folder = write(tmp_path, "# nothing here\n")
    with pytest.raises(UserError, match=r"source\.yml:1: empty YAML file"):
        load_source(folder)
    assert_one_line_error(adreg("ingest", folder), "empty YAML file")


def test_missing_source_yml(tmp_path: Path, adreg) -> None:
    folder = tmp_path / "anhui"
    folder.mkdir()
    (folder / "decisions.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError) as exc:
        load_source(folder)
    assert str(exc.value) == f"{folder}: not a source folder (no source.yml)"
    assert_one_line_error(adreg("ingest", folder), str(folder), "no source.yml")


def test_missing_folder(tmp_path: Path, adreg) -> None:
    folder = tmp_path / "nowhere"
    with pytest.raises(UserError) as exc:
        load_source(folder)
    assert str(exc.value) == f"{folder}: no such source folder"
    assert_one_line_error(adreg("ingest", folder), str(folder), "no such source folder")


def test_no_sources_given(adreg) -> None:
    assert_one_line_error(adreg("ingest"), "at least one source folder")


def test_unknown_division_code(tmp_path: Path, adreg) -> None:
    folder = write(tmp_path, edited('division_code: "340000"', 'division_code: "349999"'))
    assert_one_line_error(adreg("ingest", folder), "349999", "GB/T 2260")


def test_division_code_of_another_level(tmp_path: Path, adreg) -> None:
    folder = write(tmp_path, edited('division_code: "340000"', 'division_code: "340100"'))
    assert_one_line_error(adreg("ingest", folder), "340100", "prefecture", "not a province")


def test_same_source_twice(tmp_path: Path, adreg) -> None:
    folder = write(tmp_path, VALID)
    assert_one_line_error(adreg("ingest", folder, folder), "more than once")


# -- a YAML mistake is never silent ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("登记证号", "登记证号 "),  # a trailing space
        ("CN号", "ＣＮ号"),  # full-width letters
        ("登记证号", "登记　证号"),  # an ideographic space inside
    ],
)
def test_two_keys_of_one_header_name_both_lines(
    tmp_path: Path, adreg, first: str, second: str
) -> None:
    """Two column keys that are one header once matched would map one column twice."""
    text = edited(
        "      决定类型: kind\n",
        f"      {first}: registration_number\n      决定类型: kind\n      '{second}': notice_number\n",
    )
    folder = write(tmp_path, text)
    yml = folder / "source.yml"
    one, two = line_of(text, f"{first}:"), line_of(text, f"'{second}':")
    with pytest.raises(UserError) as exc:
        load_source(folder)
    message = str(exc.value)
    assert message.startswith(f"{yml}:{one} and line {two}: "), message
    assert repr(first) in message and repr(second) in message and "same header" in message
    assert_one_line_error(adreg("ingest", folder), f"{yml}:{one} and line {two}")


def test_a_key_given_twice_names_both_lines(tmp_path: Path, adreg) -> None:
    """YAML itself keeps the last of two equal keys without a word."""
    text = edited("      决定类型: kind\n", "      决定类型: kind\n      决定类型: remarks\n")
    folder = write(tmp_path, text)
    first = text.splitlines().index("      决定类型: kind") + 1
    with pytest.raises(UserError) as exc:
        load_source(folder)
    assert str(exc.value) == (
        f"{folder / 'source.yml'}:{first} and line {first + 1}: key '决定类型' given twice"
    )
    assert_one_line_error(adreg("ingest", folder), "given twice")


def test_an_identity_stands_for_the_decision_number(tmp_path: Path) -> None:
    text = edited("      决定书文号: decision_number\n", "      登记证号: registration_number\n")
    (tmp_path / "a").mkdir()
    with pytest.raises(UserError, match=r"required field\(s\) decision_number"):
        load_source(write(tmp_path / "a", text))
    text = text.replace(
        "    skip_rows: [3]\n",
        "    skip_rows: [3]\n    identity: [registration_number, kind, decision_date]\n",
    )
    (tmp_path / "b").mkdir()
    spec = load_source(write(tmp_path / "b", text)).config.files[0]
    assert spec.identity == ["registration_number", "kind", "decision_date"]
