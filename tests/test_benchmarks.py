"""Each benchmark's data builder, at a small size, holds the rows its benchmark says it
measures; the work cache is rebuilt when the code that built an entry changes.

The builders are the benchmarks' own (imported from benchmarks/), run on real files:
the sample generator's CSV (UTF-8 with a BOM, GB18030), XLSX and JSON exports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from publisher.ingest import ingest
from publisher.ingest.config import load_source
from publisher.ingest.extract import Table
from publisher.release import package
from publisher.release.database import build_database
from publisher.release.publish import PublishConfig, publish

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_api  # noqa: E402
import bench_database  # noqa: E402
import bench_package  # noqa: E402
import bench_publish  # noqa: E402
import common  # noqa: E402
import ingest_data  # noqa: E402
import site_data  # noqa: E402

PUBLISHERS = 150


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    work = tmp_path_factory.mktemp("work")
    return ingest_data.dataset(work, PUBLISHERS, 3, 0, 100)


def test_ingest_data_is_the_sample_minus_what_it_leaves_out(
    data: tuple[Path, dict[str, Any]],
) -> None:
    folder, info = data
    assert ingest_data.accounting(info) == []
    # Every decision file, in every format, is read in full through ingest's reader …
    assert info["read"] == info["sample_rows"]
    assert {Path(name).suffix for name, n in info["read"].items() if n} == {
        ".csv",
        ".xlsx",
        ".json",
    }
    sample, summary = common.sample_dir(folder.parent, PUBLISHERS, 3)
    specs = {
        f"{d.name}/{spec.path}": spec
        for d in sample.iterdir()
        if d.is_dir()
        for spec in load_source(d).config.files
        if spec.kind == "decisions"
    }
    # A file with no plain-CSV equivalent (identity, patterns, several values in a cell) is
    # not in the data set: only 温州's.
    plain = {k for k, spec in specs.items() if not (spec.identity or spec.extract)}
    assert set(specs) - plain == {"wenzhou/登记公示.csv"}
    assert info["sample_rows"] == {k: summary["files"][k] for k in plain}
    # … and the file written holds those rows but the few left out, each with a reason.
    read, left = sum(info["read"].values()), sum(info["left_out"].values())
    assert 0 < left < 0.05 * read
    assert info["rows"] == read - left
    assert common.csv_rows(folder / "big" / ingest_data.SOURCE / "decisions.csv") == info["rows"]
    planted = folder / "planted" / ingest_data.SOURCE / "decisions.csv"
    assert common.csv_rows(planted) == info["planted_rows"] == 100


def test_ingest_benchmark_measures_the_rows_written(data: tuple[Path, dict[str, Any]]) -> None:
    """Side A of bench_ingest reads every row written and rejects none."""
    folder, info = data
    result = ingest([folder / "big" / ingest_data.SOURCE])
    try:
        assert result.ledger.total.read == info["rows"]
        assert result.ledger.total.rejected == 0
    finally:
        result.close()


def test_a_reader_that_yields_nothing_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows read the way the benchmark read them before (the Python reader's rows, empty
    for a CSV that Polars reads): the accounting names each file read short."""
    monkeypatch.setattr(Table, "rows", lambda self: self._rows)
    _, info = ingest_data.dataset(tmp_path, 60, 3, 0, 10)
    problems = ingest_data.accounting(info)
    short = {p.split(":")[0] for p in problems if "the generator" not in p}
    assert {"hefei/decisions.csv", "hangzhou/登记信息.csv", "ningbo/xzxk_ggfbdj.csv"} <= short
    assert not any(p.startswith(("changfeng/", "anhui-province/")) for p in problems)


def test_rows_limit_keeps_the_first_rows(tmp_path: Path) -> None:
    _, info = ingest_data.dataset(tmp_path, 60, 3, 50, 10)
    assert ingest_data.accounting(info) == []
    assert info["rows"] == 50 and info["read"] == info["sample_rows"]


def test_publish_benchmark_reads_every_sample_row(tmp_path: Path) -> None:
    sample, summary = common.sample_dir(tmp_path, 80, 4)
    sources = sorted(d for d in sample.iterdir() if d.is_dir())
    root = tmp_path / "out"
    publish(sources, root, config=PublishConfig(), as_of=date(2021, 4, 28))
    read = bench_publish.rows_read(root / "current" / "datapackages" / "adreg")
    assert common.compare_rows("input", summary["files"], read) == []
    assert read == summary["files"] and sum(read.values()) == summary["rows"]


def test_database_benchmark_loads_the_rows_generated(tmp_path: Path) -> None:
    tables = bench_database.synthetic(1000)
    meant = {name: len(rows) for name, rows in tables.items()}
    assert meant["publishers"] + meant["media"] == 1000  # names: 40 % publishers, 60 % media
    assert meant["registrations"] == meant["publishers"] == 400
    assert meant["status_periods"] == 2 * meant["publishers"]
    package.write_package(
        tables,
        tmp_path / "pkg",
        name="bench",
        title="bench",
        version="1.0.0",
        created=bench_package.CREATED,
        sources=[],
    )
    built = build_database(tmp_path / "pkg", tmp_path / "bench.db")
    assert common.compare_rows("tables", meant, built["rows"]) == []


def test_package_benchmark_writes_the_rows_generated(tmp_path: Path) -> None:
    tables = bench_package.synthetic(3000)
    meant = {name: len(rows) for name, rows in tables.items()}
    assert meant["decisions"] == 3000
    assert meant["registrations"] == meant["publishers"] == 1000
    assert meant["notices"] == 300
    package.write_package(
        tables,
        tmp_path,
        name="bench",
        title="b",
        version="1.0.0",
        created=bench_package.CREATED,
        sources=[],
    )
    written = {name: common.csv_rows(tmp_path / f"{name}.csv") for name in tables}
    assert common.compare_rows("tables", meant, written) == []


def test_cache_entry_is_rebuilt_when_its_code_changes(tmp_path: Path) -> None:
    code = tmp_path / "builder.py"
    code.write_text("A = 1\n", encoding="utf-8")
    built: list[int] = []

    def build(out: Path) -> dict[str, Any]:
        (out / "data").write_text("x", encoding="utf-8")
        built.append(1)
        return {"rows": len(built)}

    out = tmp_path / "entry"
    first = common.cached(out, common.stamp([code], n=1), build)
    assert common.cached(out, common.stamp([code], n=1), build) == first
    assert len(built) == 1
    assert common.stamp([code], n=2) != first["stamp"]  # other parameters
    code.write_text("A = 2\n", encoding="utf-8")
    second = common.cached(out, common.stamp([code], n=1), build)
    assert len(built) == 2 and second["stamp"] != first["stamp"] and second["rows"] == 2


def test_api_benchmark_asks_every_side_questions_that_are_answered(
    generated_release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paths wrk sends: each API path is a 200 from the API and the bare handler, and
    each Datasette path a 200 from Datasette, on the same file (as the benchmark checks)."""
    import asyncio
    import importlib

    from datasette.app import Datasette
    from litestar.testing import TestClient

    from api import create_app
    from publisher.read.reader import Reader

    db = Reader(generated_release).db_path
    made = bench_api.paths(db, 30, 3)
    assert {k: len(v) for k, v in made.items()} == {"verify": 30, "registration": 30}
    monkeypatch.setenv("ADREG_API_RELEASE", str(generated_release))
    api_bare = importlib.import_module("api_bare")

    with (
        TestClient(create_app(generated_release, rate_limit=None)) as api,
        TestClient(
            api_bare.app  # type: ignore[arg-type]
        ) as bare,
    ):
        for pairs in made.values():
            for path, _ in pairs:
                assert api.get(path).status_code == 200, path
                assert bare.get(path).json() == api.get(path).json(), path
    ds = Datasette(immutables=[str(db)])

    async def datasette() -> None:
        for pairs in made.values():
            for _, path in pairs:
                response = await ds.client.get(path)
                assert response.status_code == 200, (path, response.text[:300])
                assert isinstance(response.json(), list)

    asyncio.run(datasette())


def test_site_data_is_two_releases_the_second_with_100_more_decisions(
    tmp_path: Path,
) -> None:
    """The site benchmark's data: each seed's four sources as authorities of their own,
    and a second release with exactly 100 more grants (new publishers and media)."""
    info = site_data.releases(tmp_path, 2, 40)
    first, second = info["first"]["counts"], info["second"]["counts"]
    assert info["authorities"] == 8
    assert first["authorities"] == 8 and second["authorities"] == 8
    assert second["decisions"] - first["decisions"] == 100
    assert second["publishers"] - first["publishers"] == 100
    assert second["media"] - first["media"] == 100
    assert second["notices"] > first["notices"] > 100


def test_the_memory_of_a_process_tree_counts_its_children(tmp_path: Path) -> None:
    """bench_publish judges the 2 GB goal on all of publish's processes together."""
    hold = "import sys, time; b = bytearray(200 << 20); b[::4096] = b'x' * len(b[::4096]); "
    hold += "print(flush=True); time.sleep(60)"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {hold!r}])",
        ],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert parent.stdout is not None
        parent.stdout.readline()  # the child holds its 200 MiB
        assert common.tree_rss(parent.pid) >= 200 << 20
        m = common.measured([sys.executable, "-c", "import time; time.sleep(1)"], tmp_path)
        assert m["tree"] is not None and 0 < m["tree"] < 200
    finally:
        os.killpg(parent.pid, signal.SIGKILL)  # the child too
        parent.wait()
        parent.stdout.close()
