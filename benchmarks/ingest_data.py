"""bench_ingest's data set: every decision row of a sample, rewritten into one clean source.

A sample of ``publishers`` publishers (``adreg sample``, ≈ 4.7 decision rows each, cached
in the work dir) is read through ingest's own reader (:meth:`Table.rows`, built from the
frames ingest reads), and its decision rows, from every source and format, are
rewritten into ONE dedicated source: a plain UTF-8 CSV in the 合肥 (hefei) export's
layout with ISO dates and canonical spellings, its ``source.yml``, and a Frictionless
Table Schema of the same CSV expressing what frictionless can express of our checks:
required fields, ``date`` type, enums of the labels our lookups accept, the GB 32100
alphabet of credit codes, the form of CN numbers and ISSNs, decisions from 2016-12-01.
Rows our normaliser would reject for reasons frictionless cannot see (wrong check
characters, cross-field rules, re-exports of the same decision, conflicting
duplicates) are left out and counted by reason, so both sides should find every row
valid. ``rows`` > 0 keeps the first so many rows. A copy of the first ``planted_rows``
rows gets about 1 % planted errors (see :func:`write_planted`).

The rows written must be the rows the sample holds minus those left out: every
decision file read in full (as many rows as the generator wrote), and
written = read − left out (or ``rows``, if fewer); :func:`accounting` prints and
checks this. The cache entry's stamp covers the sample generator, ingest and the core
modules the rewriting reads through, and this module.
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from common import HERE, ROOT, SAMPLE_CODE, cached, compare_rows, sample_dir, stamp

from publisher.ingest.config import FileConfig, Lookups, Source, base_lookups, load_source
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
    number_key,
    parse_cn_number,
    parse_credit_code,
    parse_date,
    parse_issn,
)

# The code a data set is built by: its version stamp is a hash of these files.
BUILDER_CODE = [
    *SAMPLE_CODE,
    ROOT / "publisher" / "ingest",
    *(ROOT / "publisher").glob("*.py"),  # the core modules: values, model, errors …
    HERE / "common.py",
    Path(__file__).resolve(),
]
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


def decision_files(vocab: Vocabulary) -> list[tuple[str, Source, FileConfig]]:
    """The sample's decision files: (``source/path`` as the generator names it, source, spec).
    Files whose rows are not one decision per number in plain cells (an ``identity``,
    ``extract`` patterns, ``separators``: 温州's) have no equivalent Table Schema: not used."""
    return [
        (f"{source.folder.name}/{spec.path}", source, spec)
        for source in vocab.sources
        for spec in source.config.files
        if spec.kind == "decisions" and not (spec.identity or spec.extract or spec.separators)
    ]


def canonical_rows(
    vocab: Vocabulary, skipped: Counter[str], read: Counter[str]
) -> Iterator[list[str]]:
    """Every decision row of every sample source, rewritten; rows read are counted by file,
    rows left out by reason."""
    first: dict[str, tuple[str, tuple[Any, ...]]] = {}  # decision number → (source, key)
    n = 0
    for name, source, spec in decision_files(vocab):
        lookups = vocab.source_lookups(source)
        path = source.folder / spec.path
        table = open_table(path, spec)
        index = column_indexes(table, spec, path)
        wanted = [(f, i) for f, i in index.items() if f in COLUMN]
        defaults = {f: v for f, v in spec.defaults.items() if f in COLUMN}
        formats = tuple(spec.date_formats)
        for _, cells in table.rows():
            read[name] += 1
            raw = dict(defaults)
            for f, i in wanted:
                if i < len(cells) and cells[i].strip():
                    raw[f] = cells[i]
            try:
                row, key = rewrite(raw, lookups, vocab, formats)
            except Skip as exc:
                skipped[str(exc)] += 1
                continue
            number = number_key(row["decision_number"])  # as ingest matches re-exports
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
    """Write ``decisions.csv`` and ``source.yml``: the first ``limit`` rows (0: all; the rest
    are still read, to be counted); copy the first ``keep_max`` rows to ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    with (folder / "decisions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for row in rows:
            if limit and n >= limit:
                continue
            w.writerow(row)
            n += 1
            if keep is not None and len(keep) < keep_max:
                keep.append(list(row))
    text = yaml.safe_dump(source_yml(vocab, n), allow_unicode=True, sort_keys=False, width=120)
    (folder / "source.yml").write_text(text, encoding="utf-8")
    return n


def meant_rows(info: dict[str, Any]) -> int:
    """The rows a data set should hold: the decision rows read minus those left out, or
    the first ``limit`` of them."""
    eligible = sum(info["read"].values()) - sum(info["left_out"].values())
    return min(eligible, info["limit"]) if info["limit"] else eligible


def accounting(info: dict[str, Any]) -> list[str]:
    """Print where a data set's rows come from and where they went; return what does not
    add up: a decision file not read in full (as many rows as the generator wrote), rows
    written ≠ rows meant, a planted file shorter than asked."""
    print(f"sample: {info['sample_input_rows']:,} input rows (decisions and penalties)")
    title = "its decision files: rows written by the generator → read by ingest's reader"
    problems = compare_rows(title, info["sample_rows"], info["read"])
    read, left = sum(info["read"].values()), sum(info["left_out"].values())
    reasons = ", ".join(f"{k} {v:,}" for k, v in info["left_out"].items())
    print(f"left out: {left:,} rows ({reasons or 'none'})")
    meant = meant_rows(info)
    limit = f", the first {info['limit']:,}" if info["limit"] else ""
    print(f"rows meant: {meant:,} (= {read:,} read − {left:,} left out{limit})")
    print(f"rows written: {info['rows']:,}; planted file: {info['planted_rows']:,}")
    if info["rows"] != meant:
        problems.append(f"{info['rows']:,} rows written, {meant:,} meant")
    if info["planted_rows"] != (planted := min(info["planted_limit"], info["rows"])):
        problems.append(f"{info['planted_rows']:,} rows in the planted file, {planted:,} meant")
    return problems


def dataset(
    work: Path, publishers: int, seed: int, rows: int, planted_rows: int
) -> tuple[Path, dict[str, Any]]:
    """The cached data set (big/ and planted/ source folders, each with its schema.json) and
    its record: rows written; decision rows per sample file as generated and as read;
    rows left out by reason. Check it with :func:`accounting`."""
    out = work / f"ingest-p{publishers}-s{seed}-r{rows}-m{planted_rows}"
    params = {"publishers": publishers, "seed": seed, "rows": rows, "planted_rows": planted_rows}

    def build(out: Path) -> dict[str, Any]:
        sample, summary = sample_dir(work, publishers, seed)
        print(f"writing the dedicated sources into {out} …", flush=True)
        t0 = time.perf_counter()
        vocab = Vocabulary(sample)
        skipped: Counter[str] = Counter()
        read: Counter[str] = Counter()
        keep: list[list[str]] = []
        rows_in = canonical_rows(vocab, skipped, read)
        n = write_source(out / "big" / SOURCE, rows_in, vocab, keep, planted_rows, rows)
        write_planted(out / "planted" / SOURCE, keep, vocab, seed)
        schema = table_schema(vocab)
        text = json.dumps(schema, ensure_ascii=False, indent=1)
        (out / "big" / SOURCE / "schema.json").write_text(text, encoding="utf-8")
        (out / "planted" / SOURCE / "schema.json").write_text(text, encoding="utf-8")
        info = {
            "rows": n,
            "limit": rows,
            "planted_rows": len(keep),
            "planted_limit": planted_rows,
            "sample_input_rows": summary["rows"],
            "sample_rows": {name: summary["files"][name] for name, _, _ in decision_files(vocab)},
            "read": dict(read),
            "left_out": dict(skipped.most_common()),
        }
        print(f"  {n:,} rows in {time.perf_counter() - t0:.0f} s", flush=True)
        return info

    return out, cached(out, stamp(BUILDER_CODE, **params), build)
