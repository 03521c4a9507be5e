"""Our extract + normalise + validate throughput against ``frictionless validate``, same rows.

    python benchmarks/bench_ingest.py [--publishers 210000] [--rows 0] [--planted-rows 100000]
                                      [--rounds 3] [--seed 1] [--work benchmarks/work]

1. A sample of ``--publishers`` publishers (``adreg sample``, ≈ 4.7 decision rows each)
   is generated once into the work dir. Its decision rows, from every source and
   format, are rewritten into ONE dedicated source: a plain UTF-8 CSV in the
   合肥 (hefei) export's layout with ISO dates and canonical spellings, its
   ``source.yml``, and a Frictionless Table Schema of the same CSV expressing what
   frictionless can express of our checks: required fields, ``date`` type, enums of
   the labels our lookups accept, the GB 32100 alphabet of credit codes, the form of
   CN numbers and ISSNs, decisions from 2016-12-01. Rows our normaliser would
   reject for reasons frictionless cannot see (wrong check characters, cross-field
   rules, re-exports of the same decision, conflicting duplicates) are left out, so
   both sides should find every row valid. ``--rows N`` keeps the first N rows.
2. Throughput, interleaved A B A B for ``--rounds`` rounds, each in a fresh process
   under ``/usr/bin/time -v`` (peak RSS, CPU):
   A ``publisher.ingest.ingest([source])``: every row read, normalised, checked, merged
     and counted, the accepted rows staged as the normalised log (the Python records
     publish builds from that log are not made here; the publish benchmark counts them);
   B ``frictionless validate decisions.csv --schema schema.json --limit-errors 0``
   (no error limit, no row limit: frictionless reads every row).
   Reported: wall median, rows/s, CPU, peak RSS and the median of the per-round
   ratios frictionless wall / ours wall (goal ≥ 5×).
3. Planted errors: the first ``--planted-rows`` rows with about 1 % planted errors
   of kinds both sides detect (impossible date, missing required value, label
   outside the enum, credit code of wrong length or charset, malformed or
   out-of-range CN number, decision before 2016-12-01). The rows frictionless
   reports (``rowNumber``, header = row 1) must equal the rows our ledger rejects
   (CSV line numbers, header = line 1); the script exits 1 if they differ.

The data set is cached under the work dir (``benchmarks/work/`` is git-ignored);
delete it to rebuild.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from common import TIME, code_version, measured, sample_dir, tool

from publisher.ingest.config import Lookups, base_lookups, load_source
from publisher.ingest.extract import EXCEL_ERRORS, column_indexes, open_table
from publisher.ingest.fields import DECISION_FIELDS
from publisher.ingest.personal import find_personal
from publisher.samples.anhui import HEFEI
from publisher.values import (
    REGIME_START,
    BadValue,
    clean_number,
    clean_text,
    cn_medium_type,
    label_key,
    narrow,
    parse_cn_number,
    parse_credit_code,
    parse_date,
    parse_issn,
)

HERE = Path(__file__).resolve().parent
DATASET_VERSION = 2  # bump when the rewriting or the planting changes
SOURCE = "bench"  # the dedicated source's folder name

# The CSV's layout: 序号 then the hefei export's columns (every decision field but authority).
LAYOUT: list[tuple[str, str]] = [(h, f) for h, f in HEFEI.decisions.columns if f]
HEADER = ["序号", *(h for h, _ in LAYOUT)]
COLUMN = {f: h for h, f in LAYOUT}
LABEL_FIELDS = {
    n: f.lookup for n, f in DECISION_FIELDS.items() if f.parser == "lookup" and n in COLUMN
}
DATE_FIELDS = [n for n, f in DECISION_FIELDS.items() if f.parser == "date" and n in COLUMN]
REQUIRED = [n for n, f in DECISION_FIELDS.items() if f.required]
GB32100 = "[0-9A-HJ-NPQRTUWXY]{18}"
CN = "(?:CN)?[0-9]{2}-?(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-5][0-9]{3})(?:/[A-Z0-9.]+)?"
ISSN = "[0-9]{4}-[0-9]{3}[0-9X]"
PATTERNS = {
    "credit_code": GB32100,
    "sponsor_credit_code": GB32100,
    "cn_number": CN,
    "issn": ISSN,
}

# ---- the data set ------------------------------------------------------------------------


class Vocabulary:
    """The labels our dedicated source accepts: the shipped lookups plus the samples' own."""

    def __init__(self, sample: Path) -> None:
        base = base_lookups()
        self.sources = [load_source(d) for d in sorted(sample.iterdir()) if d.is_dir()]
        lookups = sorted(set(LABEL_FIELDS.values()), key=str)
        # label_key → every value a sample source (or the shipped vocabulary) gives it
        seen: dict[str, dict[str, set[str]]] = {name: {} for name in lookups}
        for lk in (base, *(s.config.lookups for s in self.sources)):
            for name in lookups:
                for label, value in getattr(lk, name).items():
                    seen[name].setdefault(label_key(label), set()).add(value)
        # Our source.yml adds the samples' own labels, unless two sources disagree on one
        # (rows with such a label get a canonical spelling instead).
        self.own: dict[str, dict[str, str]] = {}
        for s in self.sources:
            for name in lookups:
                for label, value in getattr(s.config.lookups, name).items():
                    key = label_key(label)
                    shipped = {label_key(k) for k in getattr(base, name)}
                    if key not in shipped and seen[name][key] == {value}:
                        self.own.setdefault(name, {}).setdefault(label, value)
        # lookup → label_key → (exact spelling, value), as our ingest of the source sees it
        self.accepted: dict[str, dict[str, tuple[str, str]]] = {}
        self.canonical: dict[str, dict[str, str]] = {}  # lookup → value → a spelling
        for name in lookups:
            table = self.accepted[name] = {}
            for label, value in [*getattr(base, name).items(), *self.own.get(name, {}).items()]:
                table.setdefault(label_key(label), (label, value))
                self.canonical.setdefault(name, {}).setdefault(value, label)

    def enum(self, lookup: str) -> list[str]:
        return sorted({spelling for spelling, _ in self.accepted[lookup].values()})

    def source_lookups(self, source: Any) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for lookups in (base_lookups(), source.config.lookups):
            for name in Lookups.__struct_fields__:
                table = out.setdefault(name, {})
                for label, value in getattr(lookups, name).items():
                    table[label_key(label)] = value
        return out


class Skip(Exception):
    """A sample row left out of the dedicated source (the reason is counted)."""


def rewrite(
    fields: dict[str, str],
    lookups: dict[str, dict[str, str]],
    vocab: Vocabulary,
    formats: tuple[str, ...],
) -> tuple[dict[str, str], tuple[Any, ...]]:
    """One sample row → canonical text per field and its merge key, or :class:`Skip`."""
    out: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        if not raw or raw.isspace():
            continue
        if raw in EXCEL_ERRORS:
            raise Skip("excel_error")
        parser = DECISION_FIELDS[name].parser
        try:
            if parser == "date":
                d = parse_date(raw, formats)
                values[name], text = d, d.isoformat()
            elif parser == "credit_code":
                text = values[name] = parse_credit_code(raw)
            elif parser == "cn_number":
                values[name] = parse_cn_number(raw)
                text = narrow(raw).upper().replace(" ", "")
            elif parser == "issn":
                text = values[name] = parse_issn(raw)
            elif parser == "number":
                text = values[name] = clean_number(raw)
            elif parser == "lookup":
                lookup = LABEL_FIELDS[name] or ""
                key = label_key(raw)
                value = lookups[lookup].get(key)
                if value is None:
                    raise Skip(f"unknown_label:{name}")
                spelling, accepted = vocab.accepted[lookup].get(key, ("", ""))
                text = spelling if accepted == value else vocab.canonical[lookup][value]
                values[name] = value
            else:  # text, personal
                text = values[name] = clean_text(raw)
        except BadValue as exc:
            raise Skip(f"{exc.reason}:{name}") from None
        if text:
            out[name] = text
    for name in REQUIRED:
        if name not in out:
            raise Skip(f"missing:{name}")
    if find_personal(out["publisher_name"]):
        raise Skip("personal_data:publisher_name")
    if values["decision_date"] < REGIME_START:
        raise Skip("date_before_regime")
    kind = values["kind"]
    if kind == "cancellation" and "cancellation_ground" not in out:
        raise Skip("cancellation_without_ground")
    if kind == "change" and "change_field" not in out:
        raise Skip("change_without_field")
    if kind != "refusal" and "credit_code" not in out and "sponsor_credit_code" not in out:
        raise Skip("no_credit_code")
    cn, mtype = values.get("cn_number"), values.get("medium_type")
    newspaper_or_periodical = mtype in ("newspaper", "periodical")
    if "medium_name" in out and cn and newspaper_or_periodical and cn_medium_type(cn) != mtype:
        raise Skip("cn_medium_mismatch")
    # What our ingest compares when it merges rows of one decision.
    key = (kind, values["decision_date"], out.get("credit_code"), out.get("sponsor_credit_code"))
    return out, key


def canonical_rows(sample: Path, vocab: Vocabulary, skipped: Counter[str]) -> Iterator[list[str]]:
    """Every decision row of every sample source, rewritten; left-out rows are counted."""
    first: dict[str, tuple[str, tuple[Any, ...]]] = {}  # decision number → (source, key)
    n = 0
    for source in vocab.sources:
        lookups = vocab.source_lookups(source)
        for spec in source.config.files:
            if spec.kind != "decisions":
                continue
            path = source.folder / spec.path
            table = open_table(path, spec)
            index = column_indexes(table, spec, path)
            wanted = [(f, i) for f, i in index.items() if f in COLUMN]
            defaults = {f: v for f, v in spec.defaults.items() if f in COLUMN}
            formats = tuple(spec.date_formats)
            for _, cells in table.rows:
                raw = dict(defaults)
                for f, i in wanted:
                    if i < len(cells) and cells[i].strip():
                        raw[f] = cells[i]
                try:
                    row, key = rewrite(raw, lookups, vocab, formats)
                except Skip as exc:
                    skipped[str(exc)] += 1
                    continue
                number = row["decision_number"]
                owner = first.setdefault(number, (source.name, key))
                if owner[0] != source.name:
                    skipped["re-exported_by_another_source"] += 1
                    continue
                if owner[1] != key:
                    skipped["conflicting_duplicate"] += 1
                    continue
                n += 1
                yield [str(n), *(row.get(f, "") for _, f in LAYOUT)]


def table_schema(vocab: Vocabulary) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [{"name": "序号", "type": "integer"}]
    for header, name in LAYOUT:
        spec = DECISION_FIELDS[name]
        field: dict[str, Any] = {"name": header, "type": "string"}
        constraints: dict[str, Any] = {}
        if spec.parser == "date":
            field["type"], field["format"] = "date", "default"  # %Y-%m-%d
        if spec.required:
            constraints["required"] = True
        if name in LABEL_FIELDS:
            constraints["enum"] = vocab.enum(LABEL_FIELDS[name] or "")
        if name in PATTERNS:
            constraints["pattern"] = PATTERNS[name]
        if name == "decision_date":
            constraints["minimum"] = REGIME_START.isoformat()
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def source_yml(vocab: Vocabulary, rows: int) -> dict[str, Any]:
    hefei = next(s for s in vocab.sources if s.name == "hefei")
    return {
        "title": "bench_ingest: every sample decision row in one UTF-8 CSV (fictional data)",
        "authority": {
            "name": hefei.config.authority.name,
            "division_code": hefei.config.authority.division_code,
            "level": hefei.config.authority.level,
        },
        "files": [
            {
                "path": "decisions.csv",
                "kind": "decisions",
                "format": "csv",
                "encoding": "utf-8",
                "columns": {h: f for h, f in LAYOUT},
                "expect_rows": {"min": rows, "max": rows},
            }
        ],
        "lookups": {k: v for k, v in vocab.own.items() if v},
    }


# ---- planted errors ------------------------------------------------------------------------

BAD_DATES = ["2017-02-30", "2018-02-29", "2019-04-31", "2017-13-01", "2020-06-31"]
BAD_LABELS = {
    "kind": ["暂缓登记", "备案", "准予备案"],
    "publisher_kind": ["网站", "新媒体"],
    "medium_type": ["网络平台", "户外屏"],
    "cancellation_ground": ["7", "第九条第七项"],
    "change_field": ["经营范围变更", "股东"],
}
BAD_CN = ["CN34-12/S", "CN 3A-0001/S", "CN34-0000/S", "CN34-6001/S", "34-00012", "CN-340001"]
PLANTS = (
    "impossible_date",
    "missing_required",
    "label_outside_enum",
    "bad_credit_code",
    "bad_cn_number",
    "date_before_regime",
)


def plant(row: list[str], kind: str, rng: random.Random, codes: list[str]) -> str:
    """Plant one error of ``kind`` in ``row`` (in place); return ``field=value`` planted."""
    at = {f: i + 1 for i, (_, f) in enumerate(LAYOUT)}
    if kind == "impossible_date":
        field = rng.choice(["decision_date", "decision_date", *DATE_FIELDS])
        value = rng.choice(BAD_DATES)
    elif kind == "missing_required":
        field, value = rng.choice(REQUIRED), ""
    elif kind == "label_outside_enum":
        field = rng.choice(sorted(BAD_LABELS))
        value = rng.choice(BAD_LABELS[field])
    elif kind == "bad_credit_code":
        field = rng.choice(["credit_code", "credit_code", "sponsor_credit_code"])
        code = row[at[field]] or rng.choice(codes)
        how = rng.randrange(3)
        if how == 0:
            value = code[:-1]  # 17 characters
        elif how == 1:
            value = code + rng.choice("0123456789")  # 19 characters
        else:  # a letter outside the GB 32100 alphabet
            i = rng.randrange(18)
            value = code[:i] + rng.choice("IOSVZ") + code[i + 1 :]
    elif kind == "bad_cn_number":
        field, value = "cn_number", rng.choice(BAD_CN)
    else:
        field, value = "decision_date", rng.choice(["2016-11-30", "2015-06-01", "2010-01-01"])
    row[at[field]] = value
    return f"{field}={value!r}"


def write_planted(folder: Path, rows: list[list[str]], vocab: Vocabulary, seed: int) -> None:
    rng = random.Random(seed)
    codes = [r[1 + [f for _, f in LAYOUT].index("credit_code")] for r in rows[:1000]]
    codes = [c for c in codes if c] or ["91340100MA2N0000X0"]
    kind_at = 1 + [f for _, f in LAYOUT].index("kind")
    count = max(len(PLANTS) * 5, len(rows) // 100)
    chosen = sorted(rng.sample(range(len(rows)), min(count, len(rows))))
    planted: dict[int, str] = {}
    for n, i in enumerate(chosen):
        kind = PLANTS[n % len(PLANTS)]
        refusal = vocab.accepted["decision_kind"][label_key(rows[i][kind_at])][1] == "refusal"
        if kind == "date_before_regime" and refusal:
            kind = "impossible_date"  # a refusal is withheld before its date is compared
        what = plant(rows[i], kind, rng, codes)
        planted[i + 2] = f"{kind}: {what}"  # CSV line: header = 1
    write_source(folder, rows, vocab)
    (folder / "planted.json").write_text(
        json.dumps({str(k): v for k, v in planted.items()}, ensure_ascii=False, indent=0),
        encoding="utf-8",
    )


def write_source(
    folder: Path,
    rows: Iterator[list[str]] | list[list[str]],
    vocab: Vocabulary,
    keep: list[list[str]] | None = None,
    keep_max: int = 0,
    limit: int = 0,
) -> int:
    """Write ``decisions.csv`` and ``source.yml``; copy the first ``keep_max`` rows to ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    with (folder / "decisions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for row in rows:
            w.writerow(row)
            n += 1
            if keep is not None and len(keep) < keep_max:
                keep.append(list(row))
            if limit and n >= limit:
                break
    text = yaml.safe_dump(source_yml(vocab, n), allow_unicode=True, sort_keys=False, width=120)
    (folder / "source.yml").write_text(text, encoding="utf-8")
    return n


def dataset(work: Path, publishers: int, seed: int, rows: int, planted_rows: int) -> Path:
    """The cached data set: big/ and planted/ source folders and schema.json."""
    out = work / f"ingest-p{publishers}-s{seed}-r{rows}-m{planted_rows}-v{DATASET_VERSION}"
    if (out / ".done").is_file():
        return out
    sample = sample_dir(work, publishers, seed)
    if out.exists():
        shutil.rmtree(out)
    print(f"writing the dedicated sources into {out} …", flush=True)
    t0 = time.perf_counter()
    vocab = Vocabulary(sample)
    skipped: Counter[str] = Counter()
    keep: list[list[str]] = []
    rows_in = canonical_rows(sample, vocab, skipped)
    n = write_source(out / "big" / SOURCE, rows_in, vocab, keep, planted_rows, rows)
    write_planted(out / "planted" / SOURCE, keep, vocab, seed)
    schema = table_schema(vocab)
    text = json.dumps(schema, ensure_ascii=False, indent=1)
    (out / "big" / SOURCE / "schema.json").write_text(text, encoding="utf-8")
    (out / "planted" / SOURCE / "schema.json").write_text(text, encoding="utf-8")
    info = {"rows": n, "planted_rows": len(keep), "left_out": dict(skipped.most_common())}
    (out / ".done").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"  {n} rows in {time.perf_counter() - t0:.0f} s; left out: {dict(skipped)}", flush=True)
    return out


# ---- measuring -------------------------------------------------------------------------------

OURS = """\
import json, sys
from collections import Counter
from publisher.ingest import ingest
r = ingest([sys.argv[1]])
rejected = {o.row: f"{o.reason}:{o.field}" for o in r.ledger.rows if o.outcome == "rejected"}
out = {"counts": {k: getattr(r.ledger.total, k) for k in r.ledger.total.__struct_fields__},
       "reasons": r.ledger.reasons, "rejected": rejected, "decisions": r.counts["decisions"]}
with open(sys.argv[2], "w") as fh:
    json.dump(out, fh)
"""


def run_ours(folder: Path, result: Path) -> dict[str, Any]:
    m = measured([sys.executable, "-c", OURS, str(folder / SOURCE), str(result)], folder)
    if m["rc"] != 0:
        sys.exit(f"ingest failed:\n{m['stderr']}")
    return m


def fl_cmd() -> list[str]:
    return [
        *[tool("frictionless"), "validate", "decisions.csv", "--schema", "schema.json"],
        *["--encoding", "utf-8", "--limit-errors", "0", "--json"],
    ]


def run_frictionless(folder: Path, report: Path) -> dict[str, Any]:
    m = measured(fl_cmd(), folder / SOURCE, stdout=report)
    if m["rc"] not in (0, 1):
        sys.exit(f"frictionless failed:\n{m['stderr']}")
    return m


def frictionless_rows(report: Path) -> tuple[dict[int, list[str]], list[str], int]:
    """Rows with errors (rowNumber → error descriptions), other errors, rows read."""
    data = json.loads(report.read_text(encoding="utf-8"))
    rows: dict[int, list[str]] = {}
    other = [f"{e.get('type')}: {e.get('message')}" for e in data.get("errors", [])]
    read = 0
    for task in data.get("tasks", []):
        read += task.get("stats", {}).get("rows", 0)
        other += [f"warning: {w}" for w in task.get("warnings", [])]
        for e in task.get("errors", []):
            if "rowNumber" in e:
                what = f"{e['type']}:{e.get('fieldName')}"
                rows.setdefault(int(e["rowNumber"]), []).append(what)
            else:
                other.append(f"{e.get('type')}: {e.get('message')}")
    return rows, other, read


def mib(x: float) -> str:
    return f"{x:,.0f} MiB"


# ---- main ------------------------------------------------------------------------------------


def throughput(data: Path, rounds: int, rows: int) -> dict[str, Any]:
    big = data / "big"
    ours_out, fl_out = data / "big-ours.json", data / "big-frictionless.json"
    a: list[dict[str, Any]] = []
    b: list[dict[str, Any]] = []
    for r in range(rounds):
        a.append(run_ours(big, ours_out))
        print(f"  round {r + 1}: ours {a[-1]['wall']:.1f} s", end="", flush=True)
        b.append(run_frictionless(big, fl_out))
        print(f", frictionless {b[-1]['wall']:.1f} s", flush=True)
    ours = json.loads(ours_out.read_text(encoding="utf-8"))
    fl_rows, fl_other, fl_read = frictionless_rows(fl_out)
    ratios = [y["wall"] / x["wall"] for x, y in zip(a, b, strict=True)]
    cpu_ratios = [y["cpu"] / x["cpu"] for x, y in zip(a, b, strict=True)]
    print()
    print(f"Throughput on {rows:,} rows × {len(HEADER)} columns, {rounds} rounds (A B A B)")
    head = f"{'side':<14}{'wall s (each round)':<28}{'median':>9}{'rows/s':>10}"
    print(head + f"{'CPU s':>9}{'peak RSS':>12}")
    for name, ms in (("ours (ingest)", a), ("frictionless", b)):
        walls = [m["wall"] for m in ms]
        med = statistics.median(walls)
        each = " ".join(f"{w:.1f}" for w in walls)
        cpu = statistics.median(m["cpu"] for m in ms)
        rss = max(m["rss"] for m in ms)
        print(f"{name:<14}{each:<28}{med:>9.1f}{rows / med:>10,.0f}{cpu:>9.1f}{mib(rss):>12}")
    ratio = statistics.median(ratios)
    print(
        f"speed ratio ours/frictionless (median of frictionless wall ÷ ours wall per round): "
        f"{ratio:.2f}× (CPU: {statistics.median(cpu_ratios):.2f}×)  goal ≥ 5×: "
        f"{'met' if ratio >= 5 else 'NOT met'}"
    )
    c = ours["counts"]
    print(
        f"ours: read {c['read']:,}, published {c['published']:,}, merged {c['merged']:,}, "
        f"withheld {c['withheld']:,}, rejected {c['rejected']:,}"
    )
    print(f"frictionless: read {fl_read:,} rows, {len(fl_rows):,} rows with errors")
    problems = []
    if c["read"] != rows or fl_read != rows:
        problems.append(f"rows read: ours {c['read']}, frictionless {fl_read}, file {rows}")
    if c["rejected"]:
        ex = list(ours["rejected"].items())[:5]
        problems.append(f"ours rejects {c['rejected']} rows of the clean file, e.g. {ex}")
    if fl_rows or fl_other:
        ex2 = list(fl_rows.items())[:5]
        problems.append(f"frictionless finds errors in the clean file: {ex2} {fl_other[:5]}")
    for p in problems:
        print(f"SUSPICIOUS: {p}")
    return {"ratio": ratio, "problems": problems}


def planted_check(data: Path) -> bool:
    folder = data / "planted"
    text = (folder / SOURCE / "planted.json").read_text(encoding="utf-8")
    planted = {int(k): v for k, v in json.loads(text).items()}
    ours_out, fl_out = data / "planted-ours.json", data / "planted-frictionless.json"
    ma = run_ours(folder, ours_out)
    mb = run_frictionless(folder, fl_out)
    ours = json.loads(ours_out.read_text(encoding="utf-8"))
    rejected = {int(k): v for k, v in ours["rejected"].items()}
    fl_rows, fl_other, fl_read = frictionless_rows(fl_out)
    n = ours["counts"]["read"]
    print()
    print(f"Planted errors: {len(planted):,} rows of {n:,} ({', '.join(PLANTS)})")
    print(f"  ours: {len(rejected):,} rows rejected ({n / ma['wall']:,.0f} rows/s)")
    print(f"  frictionless: {len(fl_rows):,} rows with errors ({fl_read / mb['wall']:,.0f} rows/s)")
    same = set(rejected) == set(fl_rows)
    print(f"  invalid row sets equal: {'yes' if same else 'NO'}")
    for name, found in (("ours", set(rejected)), ("frictionless", set(fl_rows))):
        missed, extra = set(planted) - found, found - set(planted)
        print(
            f"  {name} vs planted: {len(missed)} planted rows missed, {len(extra)} unplanted found"
        )
    by_kind: Counter[str] = Counter(v.split(":")[0] for v in planted.values())
    for kind in PLANTS:
        rows = [r for r, v in planted.items() if v.startswith(kind + ":")]
        a, b = sum(r in rejected for r in rows), sum(r in fl_rows for r in rows)
        print(f"    {kind:<20} planted {by_kind[kind]:>6}  ours {a:>6}  frictionless {b:>6}")
    # Row numbers: the first planted line must be reported as that line by both sides.
    first = min(planted)
    print(
        f"  numbering: planted line {first} ({planted[first]}) → ours row "
        f"{first if first in rejected else '—'} {rejected.get(first, '')}, frictionless "
        f"rowNumber {first if first in fl_rows else '—'} {fl_rows.get(first, '')}"
    )
    if not same:
        for row in sorted(set(rejected) ^ set(fl_rows))[:15]:
            print(
                f"    line {row}: planted {planted.get(row, '—')}; ours {rejected.get(row, '—')};"
                f" frictionless {fl_rows.get(row, '—')}"
            )
    if fl_other:
        print(f"  frictionless errors without a row: {fl_other[:5]}")
    return same and not fl_other


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--publishers", type=int, default=210_000, help="sample size (≈ 4.7 rows each)")
    ap.add_argument("--rows", type=int, default=0, help="keep the first N rows (0: all)")
    ap.add_argument("--planted-rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args()
    work = args.work.resolve()
    data = dataset(work, args.publishers, args.seed, args.rows, args.planted_rows)
    info = json.loads((data / ".done").read_text(encoding="utf-8"))
    print(f"data set: {data} ({info['rows']:,} rows; planted file {info['planted_rows']:,})")
    print(f"rows left out of the sample: {info['left_out']}")
    version = subprocess.run([tool("frictionless"), "--version"], capture_output=True, text=True)
    timer = "/usr/bin/time -v" if Path(TIME).is_file() else "getrusage (no /usr/bin/time)"
    print(f"frictionless {version.stdout.strip()}; peak RSS and CPU from {timer}")
    print(f"code: {code_version()}")
    ok = True
    if not args.skip_throughput:
        ok = not throughput(data, args.rounds, info["rows"])["problems"]
    same = planted_check(data)
    cmd = ["python", "benchmarks/bench_ingest.py", "--publishers", str(args.publishers)]
    cmd += ["--rows", str(args.rows), "--planted-rows", str(args.planted_rows)]
    cmd += ["--rounds", str(args.rounds), "--seed", str(args.seed)]
    print()
    print("reproduce: " + shlex.join(cmd))
    code = f'from publisher.ingest import ingest; ingest(["{SOURCE}"])'
    print(f"  A: (cd {data / 'big'}) python -c {shlex.quote(code)}")
    print(f"  B: (cd {data / 'big' / SOURCE}) {shlex.join(['frictionless', *fl_cmd()[1:]])}")
    if not ok:
        print("suspicious results on the clean file (see above)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
