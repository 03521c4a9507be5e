"""Realistic sample sources of any size: ``generate(outdir, publishers, seed)``.

Writes one folder per fictional authority export (see :mod:`publisher.samples.sources`),
each with its files and a ``source.yml`` that :func:`publisher.ingest.config.load_source`
reads. The exports have the formats and the messiness of real ones: CSV in UTF-8
with a BOM and in GB18030 under title lines, an XLSX with a merged title row and
a notes row, a nested JSON, penalties; mixed date styles, full-width digits,
labels with stray spaces, wrong check characters, phone and ID-card numbers in
free text, the same decision exported by a city and its province.

The same seed gives byte-identical files: one ``random.Random(seed)`` drives
everything and the workbook carries a fixed creation time. Rows are streamed to
disk, so a million rows need little memory.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .formats import FileSpec, Writer
from .model import RENAMED_SOURCE, Area, Context, Plan, Row
from .names import SampleRandom
from .registrants import random_plan
from .sources import SOURCES, SourceSpec
from .story import story

HEADER = """\
# A sample source written by `adreg sample` (publisher/samples/).
# FICTIONAL DATA: the authority is real, every publisher, person, phone number,
# ID-card number, decision and notice number in this folder is invented, and the
# days its former names end (former_names) are illustrative, not documented.
"""
_BRACKETS = str.maketrans({"〔": "[", "〕": "]"})


def _bounds(rows: int) -> dict[str, int]:
    """expect_rows with a margin: a regenerated file of about this size passes."""
    return {"min": max(1, math.floor(rows * 0.9)), "max": math.ceil(rows * 1.1) + 5}


def _file_entry(spec: FileSpec, rows: int, defaults: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": spec.path, "kind": spec.kind, "format": spec.format}
    if spec.format == "csv":
        entry["encoding"] = spec.declared_encoding or spec.encoding
        entry["header_row"] = len(spec.title_lines) + 1
    elif spec.format == "xlsx":
        entry["sheet"] = spec.sheet
        entry["header_row"] = 2
        entry["skip_rows"] = [3]
    else:
        entry["records"] = spec.records
    entry["columns"] = {h: f for h, f in spec.columns if f}
    if defaults:
        entry["defaults"] = dict(defaults)
    entry["expect_rows"] = _bounds(rows)
    return entry


def _authority(area: Area) -> dict[str, Any]:
    """An authority as source.yml declares it: the name in use now and its former names."""
    entry: dict[str, Any] = {
        "name": area.authority,
        "division_code": area.code,
        "level": area.level,
    }
    if area.former_names:
        entry["former_names"] = [
            {"name": name, "until": until, "source": RENAMED_SOURCE}
            for name, until in area.former_names
        ]
    return entry


def write_source_yml(folder: Path, source: SourceSpec, rows: dict[str, int]) -> None:
    config: dict[str, Any] = {"title": source.title, "authority": _authority(source.area)}
    if source.other_authorities:
        config["other_authorities"] = [_authority(a) for a in source.other_authorities]
    files = [_file_entry(source.decisions, rows[source.decisions.path], source.defaults)]
    if source.penalties is not None:
        files.append(_file_entry(source.penalties, rows[source.penalties.path], {}))
    config["files"] = files
    if source.lookups:
        config["lookups"] = source.lookups
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=120)
    (folder / "source.yml").write_text(HEADER + text, encoding="utf-8")


def _named(areas: dict[str, Area], row: Row) -> Row:
    """A row whose ``authority`` (a division code) is written as the name in use on its date."""
    code = row.get("authority")
    if code is None:
        return row
    day = row["decision_date"]
    assert isinstance(day, date)
    return {**row, "authority": areas[str(code)].authority_on(day)}


def _reexported(row: Row, authority: str) -> Row:
    """A city's decision row as its province re-exports it: own bracket style, authority named."""
    number = str(row["decision_number"]).translate(_BRACKETS)
    return {**row, "decision_number": number, "authority": authority}


def generate(outdir: Path, publishers: int, seed: int) -> dict[str, Any]:
    """Write sample source folders for about ``publishers`` publishers into ``outdir``.

    Each source gets its share of the publishers, and at least three more than it
    has fixed scenarios, so tiny samples still show every case; in a small source,
    messy rows and penalties are more frequent, so that a demo shows them. Returns a summary:
    ``sources`` (folder names), ``files`` (path → data rows), ``rows`` (total),
    ``publishers`` (generated), ``seed``.
    """
    if publishers < 1:
        raise ValueError("publishers must be 1 or more")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rng = SampleRandom(seed)
    ctx = Context(rng)
    for s in SOURCES:
        ctx.areas[s.area.code] = s.area
    source_of = {s.area.code: s.name for s in SOURCES}
    penalty_owner = {code: s.name for s in SOURCES for code in s.penalty_codes}
    pending_decisions: dict[str, list[Row]] = {s.name: [] for s in SOURCES}
    pending_penalties: dict[str, list[Row]] = {s.name: [] for s in SOURCES}
    done: set[str] = set()
    files: dict[str, int] = {}
    generated = 0

    def send(target: str, rows: list[Row], row: Row) -> None:
        if target in done:
            raise AssertionError(f"rows for {target} after it was written")
        rows.append(row)

    for source in SOURCES:
        folder = outdir / source.name
        folder.mkdir(exist_ok=True)
        count = max(len(source.forced) + 3, round(source.share * publishers))
        small = count < 50  # a demo: more of the rare cases per row
        messy, boost = (0.2, 4.0) if small else (0.04, 1.0)
        decisions = Writer(source.decisions, folder, rng, messy)
        penalties = None
        if source.penalties is not None:
            penalties = Writer(source.penalties, folder, rng, messy)
        own = source.area.code
        for i in range(count):
            plan = (
                Plan(**source.forced[i])
                if i < len(source.forced)
                else random_plan(rng, source.area, boost)
            )
            decs, pens = story(ctx, source.area, plan, source.parent, source.reexport)
            for d in decs:
                target = source_of[d.authority]
                for row in d.rows:
                    if target == source.name:
                        if source.authority_column and rng.random() < 0.85:
                            row["authority"] = own
                        decisions.write(_named(ctx.areas, row))
                    else:
                        send(target, pending_decisions[target], {**row, "authority": d.authority})
                if d.reexport and source.parent and d.authority == own:
                    parent = source_of[source.parent]
                    for row in d.rows:
                        send(parent, pending_decisions[parent], _reexported(row, own))
            for p in pens:
                owner = penalty_owner.get(str(p["authority"]))
                if owner == source.name and penalties is not None:
                    penalties.write(_named(ctx.areas, p))
                elif owner is not None:
                    send(owner, pending_penalties[owner], p)
        for row in pending_decisions.pop(source.name):
            decisions.write(_named(ctx.areas, row))
        if penalties is not None:
            for p in pending_penalties.pop(source.name):
                penalties.write(_named(ctx.areas, p))
        rows = {source.decisions.path: decisions.close()}
        if penalties is not None and source.penalties is not None:
            rows[source.penalties.path] = penalties.close()
        write_source_yml(folder, source, rows)
        files.update({f"{source.name}/{path}": n for path, n in rows.items()})
        done.add(source.name)
        generated += count
    return {
        "sources": [s.name for s in SOURCES],
        "files": files,
        "rows": sum(files.values()),
        "publishers": generated,
        "seed": seed,
    }
