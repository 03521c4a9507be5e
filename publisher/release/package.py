"""The Frictionless data package (v2): Table Schemas, CSVs and ``datapackage.json``.

Table Schemas are generated from the row Structs of :mod:`publisher.release.tables`, so the
code and the package cannot drift. CSVs are written in one streaming pass that also
counts and hashes the bytes. ``check_tables`` finds, column by column, the errors
``frictionless validate`` would report (it is far too slow for a million rows).
Row numbers in problems count the CSV header as row 1, as frictionless does.
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from itertools import islice
from pathlib import Path
from typing import (
    Annotated,
    Any,
    Literal,
    NamedTuple,
    Protocol,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

import msgspec

from ..runtime import paused_gc
from . import tables as t
from .pieces import LONG_TEXT, pieces

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
# Decisions of state organs are not protected by copyright (Copyright Law of the PRC,
# art. 5), so we claim no rights and dedicate the compilation to the public domain.
LICENSES = [
    {
        "name": "ODC-PDDL-1.0",
        "path": "https://opendatacommons.org/licenses/pddl/1-0/",
        "title": "Open Data Commons Public Domain Dedication and License v1.0",
    }
]
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
CHUNK = 20_000  # rows encoded per write at most: amortises encode + hash + write calls
PIECE_BYTES = 4 << 20  # ... and about this many bytes (notices carry long texts)

_TYPES: dict[type, str] = {  # Python type → Table Schema type
    str: "string",
    int: "integer",
    float: "number",
    Decimal: "number",
    bool: "boolean",
    date: "date",
}
_PY_TYPES: dict[str, set[type]] = {  # Python types a cell may hold, per Table Schema type
    "string": {str},
    "integer": {int},
    "number": {float, int, Decimal},
    "boolean": {bool},
    "date": {date},
}
_CONSTRAINTS = {  # msgspec Meta constraint → Table Schema constraint
    "pattern": "pattern",
    "min_length": "minLength",
    "max_length": "maxLength",
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}


class Column(NamedTuple):
    """One published field, as read from its row Struct's annotations."""

    name: str
    type: str  # Table Schema type
    title: str
    description: str
    required: bool  # no default and not Optional
    enum: tuple[Any, ...] | None
    constraints: dict[str, Any]  # Table Schema names; patterns without ^ $ anchors
    codes: str | None = None  # the vocabulary's code list its values come from


@cache
def columns(row: type[t.Row]) -> tuple[Column, ...]:
    """The published fields of ``row``, in order. Raises on a type the package can't hold.

    Read from the annotations (``Annotated``/``Meta`` at any depth, ``X | None``,
    ``Literal``) rather than ``msgspec.inspect.type_info``, which refuses a whole Struct
    when a constraint sits on an Optional; the tests compare both views.
    """
    hints = get_type_hints(row, include_extras=True)
    out = []
    for info in msgspec.structs.fields(row):
        try:
            out.append(_column(info.name, hints[info.name], has_default=not info.required))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{row.__name__}.{info.name}: {exc}") from None
    return tuple(out)


def _column(name: str, hint: Any, *, has_default: bool) -> Column:
    metas: list[msgspec.Meta] = []  # outermost first
    nullable, enum, tp = False, None, hint
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp, *extras = get_args(tp)  # nested Annotated is flattened innermost first
            metas.extend(m for m in reversed(extras) if isinstance(m, msgspec.Meta))
        elif origin is Union or origin is types.UnionType:
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                raise TypeError(f"only X | None unions can be published, not {tp}")
            nullable, tp = True, args[0]
        elif origin is Literal:
            enum = get_args(tp)
            kinds = {type(v) for v in enum}
            if len(kinds) != 1:
                raise TypeError(f"mixed-type Literal {tp}")
            tp = kinds.pop()
        else:
            break
    if tp not in _TYPES:
        raise TypeError(f"no Table Schema type for {tp!r}")
    title = next((m.title for m in metas if m.title), None)
    description = next((m.description for m in metas if m.description), None)
    if not title or not description:
        raise ValueError("every published field needs a title and a description")
    constraints: dict[str, Any] = {}
    for meta in metas:
        if meta.multiple_of is not None or meta.tz is not None:
            raise ValueError("multiple_of and tz have no Table Schema equivalent")
        for attr, key in _CONSTRAINTS.items():
            value = getattr(meta, attr)
            if value is None:
                continue
            if attr == "pattern":  # Table Schema patterns are implicitly anchored
                value = value.removeprefix("^").removesuffix("$")
            if constraints.setdefault(key, value) != value:
                raise ValueError(f"conflicting {attr} constraints")
    required = not nullable and not has_default
    codes = next((m.extra["codes"] for m in metas if m.extra and "codes" in m.extra), None)
    return Column(name, _TYPES[tp], title, description, required, enum, constraints, codes)


def table_schema(resource: t.Resource) -> dict[str, Any]:
    """The Table Schema (v2) of ``resource``, generated from its row Struct."""
    cols = columns(resource.row)
    names = {c.name for c in cols}
    fields = []
    for c in cols:
        field: dict[str, Any] = {
            "name": c.name,
            "type": c.type,
            "title": c.title,
            "description": c.description,
        }
        cons: dict[str, Any] = {"required": True} if c.required else {}
        if c.enum:
            cons["enum"] = list(c.enum)
        cons.update(c.constraints)
        if cons:
            field["constraints"] = cons
        if c.codes:
            field["adreg:codes"] = c.codes  # labels: the vocabulary resource, list c.codes
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if resource.primary_key:
        if missing := set(resource.primary_key) - names:
            raise ValueError(f"{resource.name}: primary key fields {missing} not in the row")
        schema["primaryKey"] = list(resource.primary_key)
    fks = []
    for name, target, target_field in resource.foreign_keys:
        target_names = {c.name for c in columns(t.RESOURCE[target].row)}
        if name not in names or target_field not in target_names:
            raise ValueError(f"{resource.name}: bad foreign key {name} → {target}.{target_field}")
        ref = {"resource": target, "fields": [target_field]}
        fks.append({"fields": [name], "reference": ref})
    if fks:
        schema["foreignKeys"] = fks
    return schema


# ---- CSV ---------------------------------------------------------------------------


class _Memo(dict[Any, str]):
    """value → CSV text for values that repeat (dates, integers): a C-speed lookup."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __missing__(self, value: Any) -> str:
        text = "" if value is None else str(value)
        # only exact types are kept: True == 1 and 1.0 == 1 must not stand in for 1
        if type(value) is self.kind and len(self) < 100_000:
            self[value] = text
        return text


_DATES, _INTS = _Memo(date), _Memo(int)
_BOOLEANS = {None: "", True: "true", False: "false"}.__getitem__
_QUOTE = re.compile(r'[,"\r\n]')


def _number(x: Any) -> str:
    """A number as text without exponent (Table Schema numbers have none)."""
    if x is None:
        return ""
    if type(x) is float:
        r = repr(x)
        return r if "e" not in r else format(Decimal(r), "f")
    return str(x) if type(x) is int else format(x, "f")


def _quote(v: str) -> str:
    return '"' + v.replace('"', '""') + '"' if _QUOTE.search(v) else v


def _text(col: Sequence[Any]) -> Iterable[str]:
    texts: list[str] = [v or "" for v in col]  # None → ""
    joined = "\0".join(texts)  # one C-level scan decides if the column needs quoting
    if "," in joined or '"' in joined or "\n" in joined or "\r" in joined:
        return map(_quote, texts)
    return texts


_FORMAT: dict[str, Callable[[Sequence[Any]], Iterable[str]]] = {
    "string": _text,
    "integer": lambda col: map(_INTS.__getitem__, col),
    "date": lambda col: map(_DATES.__getitem__, col),
    "boolean": lambda col: map(_BOOLEANS, col),
    "number": lambda col: map(_number, col),
}


def _csv_lines(row: type[t.Row], chunk: Sequence[t.Row]) -> str:
    """CSV text of ``chunk``, as csv.writer (QUOTE_MINIMAL) would write it, column-wise.

    Per-row work is C only (attrgetter, zip, dict lookups, str.join); Python code runs
    per column, or per value only in columns with values that need quoting.
    """
    cols = columns(row)
    get = operator.attrgetter(*(c.name for c in cols))
    values = zip(*map(get, chunk), strict=True) if len(cols) > 1 else [list(map(get, chunk))]
    texts = [_FORMAT[c.type](col) for c, col in zip(cols, values, strict=True)]
    if len(cols) == 1:  # a lone empty cell is written "" so the line is not blank
        texts = [[v or '""' for v in texts[0]]]
    return "\r\n".join(map(",".join, zip(*texts, strict=True))) + "\r\n"


class Watcher(Protocol):
    """Told of each resource's file as :func:`write_package` writes it."""

    def begun(self, entry: dict[str, Any]) -> None:
        """The resource's descriptor entry, without its bytes and hash: its file is begun."""

    def wrote(self, size: int) -> None:
        """The file's first ``size`` bytes are written (whole lines, flushed)."""

    def written(self, entry: dict[str, Any]) -> None:
        """The file is complete; its descriptor entry."""


def _write_csv(
    path: Path, row: type[t.Row], rows: Iterable[t.Row], wrote: Callable[[int], None] | None = None
) -> tuple[int, int, str]:
    """Stream ``rows`` to ``path``; return (rows, bytes, sha256 hex) of what was written.
    ``wrote`` is told the bytes written so far after each piece, flushed."""
    data = (",".join(_quote(c.name) for c in columns(row)) + "\r\n").encode()
    digest, size, count = hashlib.sha256(data), len(data), 0
    rows = iter(rows)
    n = 1000  # rows encoded at a time: grown while pieces are small, cut when they are big
    with path.open("wb") as fh:
        fh.write(data)
        # A table with a long text (notices) is cut by the bytes of that text instead.
        by_text = pieces(row, rows, CHUNK, PIECE_BYTES) if row in LONG_TEXT else None
        while True:
            chunk = next(by_text, None) if by_text is not None else list(islice(rows, n))
            if not chunk:
                break
            with paused_gc():  # not while the caller's generator makes rows
                data = _csv_lines(row, chunk).encode("utf-8")
            digest.update(data)
            fh.write(data)
            size += len(data)
            count += len(chunk)
            if wrote is not None:
                fh.flush()
                wrote(size)
            n = max(1, min(CHUNK, n * PIECE_BYTES // max(len(data), 1)))
    return count, size, digest.hexdigest()


def written_order(tables: Iterable[str]) -> list[str]:
    """The names of ``tables`` in the order :func:`write_package` writes them (referenced
    tables first)."""
    present = set(tables)
    return [res.name for res in t.RESOURCES if res.name in present]


def write_package(
    tables: Mapping[str, Iterable[t.Row]],
    outdir: Path,
    *,
    name: str,
    title: str,
    version: str,
    created: datetime,
    sources: list[dict[str, Any]],
    description: str = "",
    licenses: list[dict[str, str]] | None = None,
    contributors: list[dict[str, Any]] | None = None,
    release: dict[str, Any] | None = None,
    watch: Watcher | None = None,
) -> dict[str, Any]:
    """Write ``<resource>.csv`` for every table, then ``datapackage.json``; return it.

    Rows are streamed (any iterable will do); bytes and sha256 are taken from the bytes
    as written. Every resource a written one refers to must be among ``tables``. The
    rows are not checked here: run :func:`check_tables` first. ``release`` (the as-of
    date, the regime's dates, the horizon and the rule sets applied) is kept in the
    descriptor as ``adreg:release``, so the package alone says what it is as of.
    ``watch`` is told of each file as it is begun, written and complete (publish's
    followers read the CSVs as they are written: :mod:`publisher.release.follow`).
    """
    if unknown := set(tables) - set(t.RESOURCE):
        raise ValueError(f"unknown resources: {sorted(unknown)}")
    if not tables:
        raise ValueError("a data package needs at least one table")
    for res in (r for r in t.RESOURCES if r.name in tables):
        if missing := {fk[1] for fk in res.foreign_keys} - set(tables):
            raise ValueError(f"{res.name} refers to resources not in the package: {missing}")
    if not NAME.match(name):
        raise ValueError(f"package name {name!r}: use lower-case letters, digits, . _ -")
    if not SEMVER.match(version):
        raise ValueError(f"version {version!r} is not SemVer")
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    stamp = created.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    outdir.mkdir(parents=True, exist_ok=True)
    resources = []
    for res in map(t.RESOURCE.__getitem__, written_order(tables)):
        head: dict[str, Any] = {"name": res.name, "title": res.title}
        if doc := res.row.__dict__.get("__doc__"):
            head["description"] = " ".join(doc.split())
        head |= {
            "path": f"{res.name}.csv",
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
        }
        tail = {
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": table_schema(res),
        }
        if watch is not None:
            watch.begun(head | tail)
        wrote = watch.wrote if watch is not None else None
        _, size, sha = _write_csv(outdir / head["path"], res.row, tables[res.name], wrote)
        entry = head | {"bytes": size, "hash": f"sha256:{sha}"} | tail
        resources.append(entry)
        if watch is not None:
            watch.written(entry)
    descriptor: dict[str, Any] = {
        "$schema": PROFILE,
        "name": name,
        "title": title,
        "description": description,
        "version": version,
        "created": stamp,
        "licenses": [dict(x) for x in (LICENSES if licenses is None else licenses)],
        "sources": sources,
        "contributors": contributors,
        "resources": resources,
    }
    if release:
        descriptor["adreg:release"] = release  # as-of date, horizon, rules: what "now" means
    if not description:
        del descriptor["description"]
    if contributors is None:
        del descriptor["contributors"]
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (outdir / "datapackage.json").write_text(text, encoding="utf-8")
    return descriptor


def verify_files(package_dir: Path) -> list[str]:
    """Resource files whose bytes or sha256 differ from ``datapackage.json`` (empty: intact)."""
    package_dir = Path(package_dir)
    try:
        desc = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"datapackage.json: cannot read ({exc})"]
    problems = []
    for res in desc.get("resources", []):
        rel = res.get("path", "")
        path = package_dir / rel
        if not rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
            problems.append(f"{res.get('name')}: path {rel!r} is not inside the package")
            continue
        if not path.is_file():
            problems.append(f"{rel}: missing")
            continue
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
                size += len(block)
        if size != res.get("bytes"):
            problems.append(f"{rel}: {size} bytes, datapackage.json says {res.get('bytes')}")
        if f"sha256:{digest.hexdigest()}" != res.get("hash"):
            problems.append(f"{rel}: sha256 differs from datapackage.json")
    return problems


# ---- checks ------------------------------------------------------------------------
