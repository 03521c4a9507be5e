"""Shared helpers: write real source folders (source.yml + CSV/XLSX/JSON files) and run the CLI.

Rows are written as dicts keyed by *our* field names (``decision_number``…); the
``columns`` mapping of the file says which source header each field is written
under, so a test says what a row means, not where its cells go.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from stdnum.cn import uscc

from publisher.ingest.personal import id_check_character

ANHUI = {"name": "安徽省市场监督管理局", "division_code": "340000", "level": "province"}
HEFEI = {"name": "合肥市市场监督管理局", "division_code": "340100", "level": "prefecture"}

# Source header → field, as an authority's export might label its columns.
DECISION_COLUMNS = {
    "决定书文号": "decision_number",
    "决定类型": "kind",
    "决定日期": "decision_date",
    "广告发布单位名称": "publisher_name",
    "单位类型": "publisher_kind",
    "统一社会信用代码": "credit_code",
    "住所": "address",
    "媒介名称": "medium_name",
    "CN号": "cn_number",
    "注销原因": "cancellation_ground",
    "备注": "remarks",
}
PENALTY_COLUMNS = {
    "处罚决定书文号": "decision_number",
    "处罚决定日期": "decision_date",
    "当事人名称": "party_name",
    "当事人统一社会信用代码": "party_credit_code",
    "违法行为": "violation",
    "处罚种类": "penalty_kinds",
    "罚款金额": "fine_amount",
}


def credit_code(n: int, prefix: str = "91340100") -> str:
    """A valid unified social credit code (GB 32100 check character), distinct per ``n``."""
    body = f"{prefix}MA2{n:06d}"
    assert len(body) == 17
    return body + uscc.calc_check_digit(body)


def id_number(first17: str = "34010419900101123") -> str:
    """A resident ID-card number with a correct MOD 11-2 check character."""
    return first17 + id_check_character(first17)


def decision(n: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid grant decision row for a newspaper; ``fields`` override or add values."""
    row = {
        "decision_number": f"皖广登字〔2017〕{n:03d}号",
        "kind": "准予登记",
        "decision_date": "2017-03-05",
        "publisher_name": f"安徽测试报社{n}",
        "publisher_kind": "报社",
        "credit_code": credit_code(n),
        "address": f"合肥市蜀山区长江西路{n}号",
        "medium_name": f"测试报{n}",
        "cn_number": f"CN 34-{n % 999 + 1:04d}",
    }
    row.update(fields)
    return row


def penalty(n: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid fine on a publisher; ``fields`` override or add values."""
    row = {
        "decision_number": f"皖市监罚〔2019〕{n:03d}号",
        "decision_date": "2019-06-10",
        "party_name": f"安徽测试报社{n}",
        "party_credit_code": credit_code(n),
        "violation": "未按规定报送广告业统计报表",
        "penalty_kinds": "罚款",
        "fine_amount": "5000元",
    }
    row.update(fields)
    return row


def cells(row: dict[str, Any], columns: dict[str, str] = DECISION_COLUMNS) -> list[Any]:
    """A row's cells in the order of ``columns``' headers."""
    return [row.get(field, "") for field in columns.values()]


def _table(
    rows: Iterable[dict[str, Any] | Sequence[Any]], columns: dict[str, str], header: list[str]
) -> Iterable[list[Any]]:
    for row in rows:
        if isinstance(row, dict):
            unknown = set(row) - set(columns.values())
            assert not unknown, f"row fields not mapped to a column: {unknown}"
            yield [row.get(columns[h], "") if h in columns else "" for h in header]
        else:
            yield list(row)


class SourceFolder:
    """A source folder under construction; every call rewrites its source.yml."""

    def __init__(self, folder: Path, authority: dict[str, str], **config: Any) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.config: dict[str, Any] = {
            "title": f"{authority['name']} 广告发布登记",
            "authority": dict(authority),
            **config,
            "files": [],
        }
        self.save()

    def __fspath__(self) -> str:
        return str(self.folder)

    @property
    def yml(self) -> Path:
        return self.folder / "source.yml"

    def save(self) -> None:
        self.yml.write_text(
            yaml.safe_dump(self.config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )

    def add(
        self, path: str, kind: str, format: str, columns: dict[str, str], **options: Any
    ) -> Path:
        """Declare a file (already written or about to be) in source.yml."""
        entry = {"path": path, "kind": kind, "format": format, "columns": columns, **options}
        self.config["files"].append(entry)
        self.save()
        return self.folder / path

    def csv(
        self,
        path: str,
        rows: Iterable[dict[str, Any] | Sequence[Any]],
        *,
        kind: str = "decisions",
        columns: dict[str, str] | None = None,
        header: list[str] | None = None,
        encoding: str = "utf-8",
        declare: str | None = None,
        above: Sequence[Sequence[str]] = (),
        **options: Any,
    ) -> Path:
        """Write a CSV in ``encoding`` with ``above`` lines before the header, and declare it.

        ``declare`` is the encoding source.yml states (by default none: the reader
        detects it); ``options`` go to the files: entry.
        """
        columns = columns or (DECISION_COLUMNS if kind == "decisions" else PENALTY_COLUMNS)
        header = header or list(columns)
        buf = io.StringIO(newline="")
        w = csv.writer(buf)
        w.writerows(above)
        w.writerow(header)
        w.writerows(_table(rows, columns, header))
        (self.folder / path).write_bytes(buf.getvalue().encode(encoding))
        if above:
            options.setdefault("header_row", len(above) + 1)
        if declare:
            options["encoding"] = declare
        return self.add(path, kind, "csv", columns, **options)

    def xlsx(
        self,
        path: str,
        rows: Iterable[dict[str, Any] | Sequence[Any]],
        *,
        kind: str = "decisions",
        columns: dict[str, str] | None = None,
        header: list[str] | None = None,
        title: str | None = None,
        notes: str | None = None,
        sheet: str = "登记信息",
        **options: Any,
    ) -> Path:
        """Write an XLSX with openpyxl: optional merged title row, header, optional notes row."""
        import openpyxl

        columns = columns or (DECISION_COLUMNS if kind == "decisions" else PENALTY_COLUMNS)
        header = header or list(columns)
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = sheet
        if title is not None:
            ws.append([title])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
            options.setdefault("header_row", 2)
        ws.append(header)
        if notes is not None:
            ws.append([notes])
            options.setdefault("skip_rows", [ws.max_row])
        for values in _table(rows, columns, header):
            ws.append(values)
        book.save(self.folder / path)
        return self.add(path, kind, "xlsx", columns, **options)

    def json(
        self,
        path: str,
        records: list[dict[str, Any]],
        *,
        kind: str = "decisions",
        columns: dict[str, str] | None = None,
        wrap: str | None = None,
        **options: Any,
    ) -> Path:
        """Write records keyed by source column names (null where a row has no value);
        ``wrap`` ("data.list") nests them as a web API would."""
        columns = columns or (DECISION_COLUMNS if kind == "decisions" else PENALTY_COLUMNS)
        data: Any = [{c: r.get(f) for c, f in columns.items()} for r in records]
        if wrap:  # e.g. {"data": {"list": [...], "total": 3}}, as web APIs answer
            *outer, inner = wrap.split(".")
            data = {inner: data, "total": len(records)}
            for part in reversed(outer):
                data = {part: data}
            options.setdefault("records", wrap)
        (self.folder / path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return self.add(path, kind, "json", columns, **options)


@pytest.fixture
def make_source(tmp_path: Path):
    """``make_source("anhui", authority=ANHUI, **config)`` → a :class:`SourceFolder`."""

    def make(name: str = "anhui", authority: dict[str, str] = ANHUI, **config: Any):
        return SourceFolder(tmp_path / "sources" / name, authority, **config)

    return make


def adreg_path() -> str:
    exe = Path(sys.executable).with_name("adreg")
    found = str(exe) if exe.exists() else shutil.which("adreg")
    assert found, "the adreg script is not installed in this environment"
    return found


@pytest.fixture
def adreg(tmp_path: Path):
    """Run the real ``adreg`` CLI: ``adreg("ingest", folder, "--ledger", path)``."""

    def run(*args: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [adreg_path(), *map(str, args)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )

    return run


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The CLI's contract for a user's mistake: exit 2, one stderr line, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("adreg: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def assert_intact(out: Path) -> str:
    """``current`` under the output root ``out`` names a complete release of the samples:
    every file matches its sha256 and the database answers. Returns its version."""
    from publisher.manifest import verify_release

    current = (out / "current").resolve()
    assert current.parent == out / "releases"
    assert verify_release(current) == []
    conn = sqlite3.connect(f"file:{current / 'adreg-samples.db'}?immutable=1", uri=True)
    try:
        assert conn.execute("select count(*) from decisions").fetchone()[0] > 0
    finally:
        conn.close()
    return current.name


ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = sorted(p for p in (ROOT / "samples" / "sources").iterdir() if p.is_dir())
SAMPLE_CONFIG = ROOT / "samples" / "release.yml"


@pytest.fixture(scope="session")
def sample_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples published once (as of their config's date) into a fresh output
    root; shared read-only by every test that asks questions of a real release."""
    from publisher.release.publish import load_config, publish

    root = tmp_path_factory.mktemp("sample-out")
    config = load_config(SAMPLE_CONFIG)
    assert config.as_of is not None
    publish(SAMPLE_SOURCES, root, config=config, as_of=config.as_of)
    return root


@pytest.fixture(scope="module")
def sample_db(sample_release: Path) -> Iterator[sqlite3.Connection]:
    """The sample release's SQLite file, read-only, rows by column name."""
    path = next((sample_release / "current").glob("*.db"))
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def generated_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``adreg sample --publishers 400 --seed 7`` published as of 2021-04-28: big enough for
    every case (sponsors fined, renamed media, long candidate lists), fast to build."""
    from datetime import date

    from publisher.release.publish import PublishConfig, publish
    from publisher.samples.generate import generate

    folder = tmp_path_factory.mktemp("generated")
    generate(folder / "sources", publishers=400, seed=7)
    sources = sorted(p for p in (folder / "sources").iterdir() if p.is_dir())
    root = folder / "out"
    publish(sources, root, config=PublishConfig(), as_of=date(2021, 4, 28))
    return root


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ApiServer:
    """``python -m api`` in a subprocess on a loopback port: a real ASGI server."""

    def __init__(self, release: Path, server: str = "uvicorn", rate_limit: str = "off") -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = release.parent / f"api-{server}-{self.port}.log"
        cmd = [sys.executable, "-m", "api", "--release", str(release), "--port", str(self.port)]
        cmd += ["--server", server, "--rate-limit", rate_limit]
        with self.log.open("wb") as out:  # the child writes to its own copy
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 60) -> ApiServer:
        import time

        import httpx

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the API server exited: {self.log.read_text()}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the API server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
