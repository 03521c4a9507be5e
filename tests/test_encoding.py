"""Encoding detection that does not flake: a BOM, then strict decoders (UTF-8, then GB18030
when what it decodes is mostly common Chinese), and only then a statistical detector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publisher.ingest.config import FileConfig, load_source
from publisher.ingest.extract import SAMPLE_BYTES, open_table
from publisher.samples.generate import generate

COLUMNS = {"文号": "decision_number", "名称": "publisher_name"}


def detected(path: Path) -> str | None:
    spec = FileConfig(path=path.name, kind="decisions", format="csv", columns=COLUMNS)
    table = open_table(path, spec)
    table.close()
    return table.encoding


@pytest.mark.parametrize(
    ("publishers", "seed"),
    # 1500/11 is the sample whose Hangzhou export charset-normalizer could not place.
    [(60, 5), (400, 7), (1500, 11), (1500, 3), (4000, 1), (4000, 2), (9000, 4)],
)
def test_every_generated_export_is_detected(tmp_path: Path, publishers: int, seed: int) -> None:
    generate(tmp_path, publishers, seed)
    checked = 0
    for folder in sorted(p for p in tmp_path.iterdir() if p.is_dir()):
        for spec in load_source(folder).config.files:
            if spec.format != "csv":
                continue
            raw = (folder / spec.path).read_bytes()
            written = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
            assert detected(folder / spec.path) == written, (folder.name, spec.path)
            checked += 1
    assert checked >= 4


def test_the_sample_that_flaked_publishes(tmp_path: Path, adreg) -> None:
    """``adreg sample --publishers 1500 --seed 11`` then ``adreg publish`` of its Hangzhou
    export, which declares ``encoding: detect``: the release lists the file as GB18030."""
    assert adreg("sample", "--publishers", "1500", "--seed", "11", tmp_path / "s").returncode == 0
    out = tmp_path / "out"
    proc = adreg(
        "publish", tmp_path / "s" / "hangzhou", "--out", out, "--as-of", "2021-04-28", "-q"
    )
    assert proc.returncode == 0, proc.stderr
    ledger = json.loads((out / "current" / "ledger.json").read_text(encoding="utf-8"))
    (file,) = ledger["sources"][0]["files"]
    assert (file["file"], file["encoding"]) == ("登记信息.csv", "gb18030")
    assert file["counts"]["published"] > 100


TEXT = "合肥市市场监督管理局准予广告发布登记，单位名称：合肥晚报社；住所：合肥市长江中路1号。\n"


def test_a_character_cut_at_the_end_of_the_sample(tmp_path: Path) -> None:
    """The detector reads the first 256 KiB: a two-byte character cut there is waited for."""
    for encoding, expected in (("gb18030", "gb18030"), ("utf-8", "utf-8")):
        path = tmp_path / f"{encoding}.csv"
        head = "文号,名称\n".encode(encoding)
        body = (TEXT * (SAMPLE_BYTES // len(TEXT) + 10)).encode(encoding)
        for shift in range(3):  # put every byte of a character at the sample's end
            data = head + b"x" * shift + body
            path.write_bytes(data[: SAMPLE_BYTES + 4096])
            assert detected(path) == expected, (encoding, shift)


def test_big5_is_not_taken_for_gb18030(tmp_path: Path) -> None:
    """Big5 bytes mostly decode as GB18030 too, but into rare characters: the strict check
    passes them on to the statistical detector."""
    path = tmp_path / "big5.csv"
    text = (
        "文號,名稱\n" + "臺北市政府廣告發布登記，單位名稱：臺北日報社；地址：臺北市中正區。\n" * 200
    )
    path.write_bytes(text.encode("big5"))
    assert detected(path) != "gb18030"


def test_ascii_and_plain_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert detected(path) == "utf-8"
    path.write_bytes(TEXT.encode("utf-8"))
    assert detected(path) == "utf-8"
