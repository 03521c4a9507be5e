"""Rows per second of ``write_package`` (CSV + hash) and ``check_tables`` on synthetic rows.

    python benchmarks/bench_package.py [ROWS]        # default 1,000,000 decisions

Decisions are the widest table (26 fields); the tables they refer to are sized as
in a real register (a third as many registrations and publishers, a tenth as many
notices). Each line shows wall and CPU time; rows/s is per CPU second, which is
what to compare on a shared machine. Reference points measured in the same run:
``csv.writer`` row by row (the obvious way to write the same CSV) and
``msgspec.convert`` (the other way to apply the Meta constraints: first error only,
no keys). The Excel copy is timed on a smaller package of its own.

The rows measured must be the rows meant: the script prints the rows generated and the
rows in the CSVs written, table by table, and exits 1 if they differ.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from common import compare_rows, csv_rows

from publisher.model import DecisionKind
from publisher.release import checks, package, workbook
from publisher.release import tables as t

KINDS: tuple[DecisionKind, ...] = ("grant", "change", "renewal", "cancellation")
CODES = [f"34{p:02d}{c:02d}" for p in range(1, 17) for c in range(0, 6)]
CREATED = datetime(2024, 1, 1, tzinfo=UTC)


def credit_code(n: int) -> str:
    return f"91340100MA2{n:06d}X"[:18]


def synthetic(n: int) -> dict[str, list[Any]]:
    regs, pubs, notices = max(n // 3, 1), max(n // 3, 1), max(n // 10, 1)
    day0 = date(2016, 12, 1)
    authorities = [
        t.AuthorityRow(division_code=c, name=f"{c}市场监督管理局", level="county", division_name=c)
        for c in CODES
    ]
    publishers = [
        t.PublisherRow(id=credit_code(i), name=f"测试报社{i}", kind="newspaper")
        for i in range(pubs)
    ]
    registrations = [
        t.RegistrationRow(
            id=f"reg-{i}", authority_code=CODES[i % len(CODES)], publisher_id=credit_code(i % pubs)
        )
        for i in range(regs)
    ]
    notice_rows = [
        t.NoticeRow(
            id=f"not-{i}",
            notice_number=f"2017年第{i}号",
            authority_code=CODES[i % len(CODES)],
            authority_name="测试市市场监督管理局",
            publication_date=day0 + timedelta(days=i % 1500),
            publication_date_imputed=False,
            compiled=False,
            title=f"广告发布登记公告（第{i}号）",
            decision_count=10,
            body="根据《广告发布登记管理规定》第十六条，现予公告。",
        )
        for i in range(notices)
    ]
    decisions = [
        t.DecisionRow(
            id=f"dec-{i}",
            decision_number=f"皖广登字〔2017〕{i:07d}号",
            authority_code=CODES[i % len(CODES)],
            kind=KINDS[i % 4],
            publisher_id=credit_code(i % pubs),
            publisher_name=f"测试报社{i % pubs}",
            decision_date=day0 + timedelta(days=i % 1500),
            registration_id=f"reg-{i % regs}",
            credit_code=credit_code(i % pubs),
            legal_representative="张三",
            address=f"合肥市蜀山区长江西路{i}号" + ("，东侧" if i % 10 == 0 else ""),
            registration_number=f"皖广登{i:09d}",
            acceptance_date=day0 + timedelta(days=i % 1500),
            publication_date=day0 + timedelta(days=i % 1500 + 3),
            media_names=f"测试报{i}",
            legal_basis="《广告发布登记管理规定》第五条",
            remarks='含逗号, 和"引号"' if i % 20 == 0 else None,
            notice_id=f"not-{i % notices}",
            workdays_to_decision=i % 9,
            decision_late=i % 9 > 5,
            workdays_to_publication=3,
            sources=f"anhui/2017.csv#{i + 2}",
        )
        for i in range(n)
    ]
    return {
        "authorities": authorities,
        "publishers": publishers,
        "registrations": registrations,
        "notices": notice_rows,
        "decisions": decisions,
    }


def timed(label: str, rows: int, fn: Any) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label:<40} {rows:>9,} rows  wall {wall:6.2f} s  CPU {cpu:6.2f} s {rows / cpu:>9,.0f}/s"
    )
    return result


def csv_writer(rows: list[t.Row], path: Path) -> None:
    """Reference: the same CSV through csv.writer, row by row."""
    names = t.DecisionRow.__struct_fields__
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for start in range(0, len(rows), package.CHUNK):
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            for r in rows[start : start + package.CHUNK]:
                w.writerow(
                    [
                        {True: "true", False: "false"}.get(v, v)
                        for v in map(r.__getattribute__, names)
                    ]
                )
            data = buf.getvalue().encode()
            digest.update(data)
            fh.write(data)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    tables = timed("generate synthetic rows", n, lambda: synthetic(n))
    total = sum(map(len, tables.values()))
    decisions = tables["decisions"]
    periods = [
        t.StatusPeriodRow(registration_id=f"reg-{i}", status="valid", valid_from=date(2017, 3, 5))
        for i in range(n)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        problems = timed("check_tables (all tables)", total, lambda: checks.check_tables(tables))
        assert problems == [], problems[:5]
        timed(
            "write_package (all tables)",
            total,
            lambda: package.write_package(
                tables, out, name="bench", title="b", version="1.0.0", created=CREATED, sources=[]
            ),
        )
        print(f"{'':<40} {sum(p.stat().st_size for p in out.iterdir()) / 1e6:,.0f} MB of CSV")
        meant = {name: len(rows) for name, rows in tables.items()}
        written = {name: csv_rows(out / f"{name}.csv") for name in tables}
        title = f"{n:,} decisions: rows generated → written by write_package"
        if problems := compare_rows(title, meant, written):
            sys.exit("not a valid measurement: " + "; ".join(problems))
        write = package._write_csv
        timed(
            "write decisions.csv (26 fields)",
            n,
            lambda: write(out / "d.csv", t.DecisionRow, decisions),
        )
        timed("  reference: csv.writer row by row", n, lambda: csv_writer(decisions, out / "r.csv"))
        timed(
            "write status_periods.csv (5 fields)",
            n,
            lambda: write(out / "s.csv", t.StatusPeriodRow, periods),
        )
        timed(
            "  reference: msgspec.convert(decisions)",
            n,
            lambda: msgspec.convert(msgspec.to_builtins(decisions), list[t.DecisionRow]),
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        part = synthetic(min(n, 20_000))
        package.write_package(
            part, out, name="bench", title="b", version="1.0.0", created=CREATED, sources=[]
        )
        rows = sum(map(len, part.values()))
        cells = sum(
            v is not None and v != ""
            for rows_ in part.values()
            for r in rows_
            for v in msgspec.structs.astuple(r)
        )
        timed(
            f"write_workbook ({cells:,} cells)",
            rows,
            lambda: workbook.write_workbook(out, out / "b.xlsx"),
        )


if __name__ == "__main__":
    main()
