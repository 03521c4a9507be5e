"""One vocabulary: every code has one Chinese label and one English name, used everywhere."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import get_args

import openpyxl

from publisher import model, vocabulary
from publisher.derive import records
from publisher.release import package
from publisher.release import tables as t

LISTS = {
    "decision_kind": model.DecisionKind,
    "status": records.Status,
    "medium_type": model.MediumType,
    "publisher_kind": model.PublisherKind,
    "authority_level": model.AuthorityLevel,
    "cancellation_ground": model.CancellationGround,
    "penalty_kind": model.PenaltyKind,
    "violation": model.Violation,
    "outcome": model.Outcome,
}


def test_every_literal_of_the_model_is_a_code_list() -> None:
    for name, literal in LISTS.items():
        assert set(get_args(literal)) == set(vocabulary.VOCABULARY[name]), name
    assert set(get_args(t.Status)) == set(vocabulary.VOCABULARY["status"])


def test_every_coded_field_names_its_list_and_every_value_has_a_label() -> None:
    for res in t.RESOURCES:
        for col in package.columns(res.row):
            if col.enum and col.name != "list":
                assert col.codes, (res.name, col.name)
                assert set(col.enum) <= set(vocabulary.VOCABULARY[col.codes]), (res.name, col.name)
    for terms in vocabulary.VOCABULARY.values():
        for term in terms.values():
            assert term.zh and term.en and term.zh != term.en


def test_three_terminal_kinds_named_as_their_chinese() -> None:
    kinds = vocabulary.VOCABULARY["decision_kind"]
    assert kinds["withdrawal"].zh.startswith("撤回")
    assert kinds["annulment"].zh.startswith("撤销")
    assert kinds["revocation"].zh.startswith("吊销")
    assert "第九条" in kinds["withdrawal"].basis and "第十五条" in kinds["annulment"].basis


def test_the_release_ships_the_vocabulary_and_the_excel_copy_shows_chinese(
    sample_release: Path,
) -> None:
    folder = sample_release / "current"
    pkg = folder / "datapackages" / "adreg-samples"
    with (pkg / "vocabulary.csv").open(encoding="utf-8", newline="") as fh:
        shipped = {(r["list"], r["code"]): r["zh"] for r in csv.DictReader(fh)}
    assert shipped == {(n, c): zh for n, c, zh, _, _ in vocabulary.rows()}
    book = openpyxl.load_workbook(folder / "adreg-samples.xlsx", read_only=True)
    rows = list(book["登记决定"].iter_rows(values_only=True))
    kinds = {r[rows[0].index("决定类型")] for r in rows[1:]}
    assert kinds <= {term.zh for term in vocabulary.VOCABULARY["decision_kind"].values()}
    assert "准予广告发布登记" in kinds
    statuses = {r[1] for r in list(book["登记状态期间"].iter_rows(values_only=True))[1:]}
    assert "有效" in statuses and "valid" not in statuses
    book.close()
