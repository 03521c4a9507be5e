"""One SQLite file built from the data package, for the API, Datasette and downloads.

Each resource becomes a table with typed columns (string and date → TEXT, integer and
boolean → INTEGER, number → REAL; sqlite-utils 3.x says FLOAT, the same affinity), its
primary key, its foreign keys declared in the ``CREATE TABLE`` and NOT NULL on required
fields, all created with sqlite-utils. Rows are read with the csv module, converted by
column type and inserted with one ``executemany`` per file in one transaction, with the
journal off. Indexes for the API's lookups, the name search (:mod:`publisher.search`),
two views and the Chinese labels (``_tables``, ``_columns``) follow; then ``ANALYZE``,
and the file is renamed into place, so a reader never sees a half-built database.

Readers open the file read-only and immutable (:func:`connect_readonly`). Tables are
not STRICT, so SQLite before 3.37 can read them; the FTS5 trigram index needs 3.34.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database

from .search import SEARCH_COLUMNS, build_search_index

SQL_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": int}
_BOOLEANS = {"true": 1, "false": 0, "True": 1, "False": 0, "TRUE": 1, "FALSE": 0, "1": 1, "0": 0}

# Every lookup the API and ``verify`` make: table → indexed column lists. A key's
# leading columns serve too: status_periods' (registration_id, valid_from) primary key
# is the interval index for "status on a date", registration_details' likewise.
INDEXES: dict[str, tuple[str, ...]] = {
    "publishers": ("credit_code", "sponsor_credit_code", "name"),
    "registrations": ("publisher_id", "authority_code", "registration_number"),
    "media": ("registration_id", "publisher_id", "cn_number", "issn", "name"),
    "decisions": ("registration_id, decision_date", "authority_code, decision_date",
                  "publisher_id", "notice_id", "decision_number", "decision_date"),
    "notices": ("authority_code, publication_date",),
    "penalties": ("party_credit_code, decision_date", "publisher_id",
                  "authority_code, decision_date"),
    "anomalies": ("registration_id", "decision_id"),
}  # fmt: skip


# The status period containing :day (periods of a registration do not overlap).
STATUS_ON_SQL = """SELECT registration_id, status, valid_from, valid_to, decision_id
FROM status_periods
WHERE registration_id = :registration_id AND valid_from <= :day
  AND (valid_to IS NULL OR valid_to >= :day)
ORDER BY valid_from DESC
LIMIT 1"""

# Today in China (UTC+8 all year): register dates are Beijing dates, date('now') is UTC.
TODAY = "date('now', '+8 hours')"
VIEWS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "current_status": (
        ("registrations", "status_periods", "publishers", "authorities"),
        "Each registration's status today, Beijing time (the period containing today)",
        """SELECT r.id AS registration_id, r.registration_number,
       r.publisher_id, p.name AS publisher_name,
       r.authority_code, a.name AS authority_name,
       coalesce(s.status, 'not_registered') AS status,
       s.valid_from AS status_from, s.valid_to AS status_to, s.decision_id,
       {today} AS as_of
FROM registrations AS r
LEFT JOIN status_periods AS s ON s.registration_id = r.id
     AND s.valid_from = (SELECT max(valid_from) FROM status_periods
                         WHERE registration_id = r.id AND valid_from <= {today})
     AND (s.valid_to IS NULL OR s.valid_to >= {today})
LEFT JOIN publishers AS p ON p.id = r.publisher_id
LEFT JOIN authorities AS a ON a.division_code = r.authority_code""",
    ),
    "registration_overview": (
        ("registrations", "status_periods", "publishers", "authorities", "media", "decisions"),
        "One row per registration: publisher, authority, media, decisions, status today",
        """SELECT r.id AS registration_id, r.registration_number,
       r.authority_code, a.name AS authority_name, a.level AS authority_level,
       r.publisher_id, p.name AS publisher_name, p.kind AS publisher_kind, p.credit_code,
       r.granted_on, r.valid_from, r.valid_to,
       (SELECT count(*) FROM media AS m WHERE m.registration_id = r.id) AS media_count,
       (SELECT group_concat(name, '、') FROM (SELECT name FROM media AS m
            WHERE m.registration_id = r.id ORDER BY name)) AS media_names,
       (SELECT count(*) FROM decisions AS d WHERE d.registration_id = r.id) AS decision_count,
       (SELECT max(decision_date) FROM decisions AS d
            WHERE d.registration_id = r.id) AS last_decision_date,
       coalesce((SELECT s.status FROM status_periods AS s
            WHERE s.registration_id = r.id AND s.valid_from <= {today}
              AND (s.valid_to IS NULL OR s.valid_to >= {today})
            ORDER BY s.valid_from DESC LIMIT 1), 'not_registered') AS current_status
FROM registrations AS r
LEFT JOIN publishers AS p ON p.id = r.publisher_id
LEFT JOIN authorities AS a ON a.division_code = r.authority_code""",
    ),
}


class PackageError(ValueError):
    """The package can't be loaded: unreadable descriptor, CSV not matching its schema."""


class Field(NamedTuple):
    name: str
    type: str  # Table Schema type
    title: str
    description: str
    required: bool


class Resource(NamedTuple):
    name: str
    title: str
    description: str
    paths: tuple[str, ...]
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]


def read_package(package_dir: Path) -> tuple[dict[str, Any], list[Resource]]:
    """The descriptor of ``package_dir/datapackage.json`` and its resources."""
    path = Path(package_dir) / "datapackage.json"
    try:
        desc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackageError(f"{path}: cannot read ({exc})") from None
    resources = []
    for res in desc.get("resources", []):
        try:
            resources.append(_resource(res))
        except (KeyError, TypeError) as exc:
            raise PackageError(f"{path}: resource {res.get('name')!r}: bad {exc}") from None
    return desc, resources


def _names(value: str | list[str] | None) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def _resource(res: dict[str, Any]) -> Resource:
    schema = res["schema"]
    fields = tuple(
        Field(
            f["name"],
            f.get("type", "string"),
            f.get("title", ""),
            f.get("description", ""),
            bool(f.get("constraints", {}).get("required")),
        )
        for f in schema["fields"]
    )
    fks = tuple(
        (
            _names(fk["fields"]),
            fk["reference"].get("resource") or res["name"],
            _names(fk["reference"]["fields"]),
        )
        for fk in schema.get("foreignKeys", [])
    )
    return Resource(
        res["name"],
        res.get("title", ""),
        res.get("description", ""),
        _names(res["path"]),
        fields,
        _names(schema.get("primaryKey")),
        fks,
    )


# ---- loading -----------------------------------------------------------------------


def _in_dependency_order(resources: list[Resource]) -> list[Resource]:
    """Referenced tables first (sqlite-utils checks that a foreign key's table exists)."""
    by_name = {r.name: r for r in resources}
    done: dict[str, Resource] = {}

    def visit(r: Resource, path: tuple[str, ...]) -> None:
        if r.name in done or r.name in path:
            return
        for _, target, _ in r.foreign_keys:
            if target in by_name:
                visit(by_name[target], (*path, r.name))
        done[r.name] = r

    for r in resources:
        visit(r, ())
    return list(done.values())


def create_table(db: Database, res: Resource, present: set[str]) -> list[str]:
    """``CREATE TABLE`` for ``res``; return the foreign keys left out (target missing)."""
    skipped = []
    fks = []
    for cols, target, target_cols in res.foreign_keys:
        if target in present:
            fks.append(
                (cols[0], target, target_cols[0]) if len(cols) == 1 else (cols, target, target_cols)
            )
        else:
            skipped.append(f"{res.name}.{','.join(cols)} → {target}")
    pk = (res.primary_key[0] if len(res.primary_key) == 1 else res.primary_key) or None
    db.table(res.name).create(
        {f.name: SQL_TYPES.get(f.type, str) for f in res.fields},
        pk=pk,
        foreign_keys=fks,
        not_null={f.name for f in res.fields if f.required} | set(res.primary_key),
    )
    return skipped


def _converter(fields: tuple[Field, ...], header: list[str], where: str) -> Callable[..., Any]:
    """A function: CSV cells (in ``header`` order) → the row in ``fields`` order, typed.

    Generated as one lambda so the per-row work is a single call: empty → NULL
    (kept as '' in a required text column), integer/number parsed, booleans 1/0.
    Dates stay ISO text. Only column positions reach the generated code.
    """
    pos = {name: i for i, name in enumerate(header)}
    if unknown := set(header) - {f.name for f in fields}:
        raise PackageError(f"{where}: columns not in the schema: {sorted(unknown)}")
    exprs = []
    for f in fields:
        i = pos.get(f.name)
        if i is None:
            if f.required:
                raise PackageError(f"{where}: required column {f.name} is missing")
            exprs.append("None")
            continue
        v = f"r[{i}]"
        if f.type == "integer":
            exprs.append(f"int({v}) if {v} else None")
        elif f.type == "number":
            exprs.append(f"float({v}) if {v} else None")
        elif f.type == "boolean":
            exprs.append(f"B[{v}] if {v} else None")
        else:
            exprs.append(v if f.required else f"{v} or None")
    source = f"lambda r: ({', '.join(exprs)},)"
    namespace = {"__builtins__": {}, "int": int, "float": float, "B": _BOOLEANS}
    return eval(source, namespace)  # the source holds column positions only


def _rows(reader: Any, convert: Callable[..., Any], width: int, where: str) -> Iterator[Any]:
    for cells in reader:
        if len(cells) != width:
            if not cells:
                continue  # a blank line
            n = reader.line_num
            raise PackageError(f"{where} line {n}: {len(cells)} cells, the header has {width}")
        try:
            yield convert(cells)
        except (ValueError, KeyError) as exc:
            raise PackageError(f"{where} line {reader.line_num}: bad value {exc}") from None


def load_table(db: Database, res: Resource, package_dir: Path) -> int:
    """Insert the rows of ``res``'s CSV files into its (existing) table; return the count."""
    names = ", ".join(f'"{f.name}"' for f in res.fields)
    marks = ", ".join("?" * len(res.fields))
    sql = f'INSERT INTO "{res.name}" ({names}) VALUES ({marks})'
    count = 0
    for rel in res.paths:
        where = f"{res.name} ({rel})"
        with (Path(package_dir) / rel).open(encoding="utf-8-sig", newline="") as fh:
            csv.field_size_limit(1 << 30)  # notice texts can exceed the 128 KiB default
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                continue
            convert = _converter(res.fields, header, where)
            try:
                cur = db.conn.executemany(sql, _rows(reader, convert, len(header), where))
            except sqlite3.IntegrityError as exc:
                raise PackageError(f"{where}: {exc}") from None
            count += cur.rowcount
    return count


def load_tables(db: Database, resources: list[Resource], package_dir: Path) -> dict[str, Any]:
    """Create every table and load its rows: the load phase of :func:`build_database`.

    Call it inside a transaction. Returns ``{"rows": {table: n}, "skipped_foreign_keys"}``.
    """
    present = {r.name for r in resources}
    rows: dict[str, int] = {}
    skipped: list[str] = []
    for res in _in_dependency_order(resources):
        skipped += create_table(db, res, present)
        rows[res.name] = load_table(db, res, package_dir)
    return {"rows": rows, "skipped_foreign_keys": skipped}


# ---- indexes, views, labels --------------------------------------------------------


def create_indexes(db: Database) -> list[str]:
    """The lookup indexes of :data:`INDEXES` for the tables and columns that exist."""
    made = []
    for table, indexes in INDEXES.items():
        if not db.table(table).exists():
            continue
        columns = set(db.table(table).columns_dict)
        for spec in indexes:
            cols = tuple(c.strip() for c in spec.split(","))
            if set(cols) <= columns:
                name = f"idx_{table}_{'_'.join(cols)}"
                db.table(table).create_index(cols, index_name=name, if_not_exists=True)
                made.append(name)
    return made


def create_views(db: Database) -> list[str]:
    made = []
    for name, (needs, _, sql) in VIEWS.items():
        if all(db.table(t).exists() for t in needs):
            db.create_view(name, sql.replace("{today}", TODAY), replace=True)
            made.append(name)
    return made


def write_labels(db: Database, resources: list[Resource], rows: dict[str, int]) -> None:
    """``_tables`` and ``_columns``: the Chinese titles and descriptions of the package."""
    db.table("_tables").create(
        {"resource": str, "title": str, "description": str, "path": str, "rows": int},
        pk="resource",
    )
    db.table("_columns").create(
        {
            "resource": str,
            "field": str,
            "position": int,
            "type": str,
            "title": str,
            "description": str,
            "required": int,
        },
        pk=("resource", "field"),
        foreign_keys=[("resource", "_tables", "resource")],
    )
    db.conn.executemany(
        "INSERT INTO _tables VALUES (?, ?, ?, ?, ?)",
        [(r.name, r.title, r.description, ";".join(r.paths), rows.get(r.name)) for r in resources],
    )
    db.conn.executemany(
        "INSERT INTO _columns VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (r.name, f.name, i, f.type, f.title, f.description, int(f.required))
            for r in resources
            for i, f in enumerate(r.fields, start=1)
        ],
    )


# ---- build -------------------------------------------------------------------------


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """One transaction (sqlite-utils 3.x has no ``db.atomic()``; this works with both)."""
    db.conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    if db.conn.in_transaction:
        db.conn.execute("COMMIT")


def build_database(
    package_dir: Path, db_path: Path, *, check_foreign_keys: bool = True
) -> dict[str, Any]:
    """Build ``db_path`` from the package in ``package_dir``; return counts and timings.

    The file is built beside ``db_path`` under a temporary name and renamed into place
    at the end; on any error the temporary file is removed and ``db_path`` is untouched.
    A foreign-key violation is an error unless ``check_foreign_keys`` is false.
    """
    started = time.perf_counter()
    _, resources = read_package(package_dir)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.building")
    tmp.unlink(missing_ok=True)
    seconds: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        seconds[name] = round(now - since, 3)
        return now

    try:
        db = Database(tmp, execute_plugins=False)
        try:
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-131072"):
                db.execute(f"PRAGMA {pragma}")
            t = time.perf_counter()
            with transaction(db):
                loaded = load_tables(db, resources, Path(package_dir))
            t = lap("load", t)
            with transaction(db):
                indexes = create_indexes(db)
            t = lap("indexes", t)
            with transaction(db):
                search_rows = build_search_index(db.conn)
            t = lap("search", t)
            with transaction(db):
                views = create_views(db)
                write_labels(db, resources, loaded["rows"])
            violations = db.execute("PRAGMA foreign_key_check").fetchall()
            if violations and check_foreign_keys:
                tables = sorted({v[0] for v in violations})
                raise PackageError(
                    f"{len(violations)} foreign-key violations in {', '.join(tables)}"
                )
            db.execute("ANALYZE")
            db.execute("PRAGMA journal_mode=DELETE")
            lap("finish", t)
        finally:
            db.close()
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    seconds["total"] = round(time.perf_counter() - started, 3)
    return {
        "path": str(db_path),
        "bytes": db_path.stat().st_size,
        "rows": loaded["rows"],
        "search_rows": search_rows,
        "indexes": indexes,
        "views": views,
        "skipped_foreign_keys": loaded["skipped_foreign_keys"],
        "foreign_key_violations": len(violations),
        "seconds": seconds,
    }


# ---- reading -----------------------------------------------------------------------


def connect_readonly(db_path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open a built database read-only and immutable (no locks, no change detection).

    Only for a file nobody writes any more: a release's database.
    """
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(path)
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=check_same_thread)


def status_on(
    conn: sqlite3.Connection, registration_id: str, day: date | str
) -> dict[str, Any] | None:
    """The status period of ``registration_id`` containing ``day``; None: not registered.

    One search of the status_periods primary key (registration_id, valid_from).
    """
    on = day.isoformat() if isinstance(day, date) else day
    cur = conn.execute(STATUS_ON_SQL, {"registration_id": registration_id, "day": on})
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


# ---- Datasette ---------------------------------------------------------------------

_LABEL_COLUMNS = {"authorities": "name", "publishers": "name", "notices": "title"}


def datasette_metadata(package_dir: Path, database: str = "adreg") -> dict[str, Any]:
    """Datasette ``metadata.json`` content: titles, licence, sources, tables and columns.

    Column descriptions carry the Chinese title first: ``广告发布单位名称 — Publisher…``.
    """
    desc, resources = read_package(package_dir)
    tables: dict[str, Any] = {}
    for r in resources:
        entry: dict[str, Any] = {
            "title": f"{r.title} {r.name}".strip(),
            "description": r.description or r.title,
            "columns": {
                f.name: " — ".join(x for x in (f.title, f.description) if x) for f in r.fields
            },
        }
        if r.name in _LABEL_COLUMNS:
            entry["label_column"] = _LABEL_COLUMNS[r.name]
        tables[r.name] = entry
    for name, (_, description, _) in VIEWS.items():
        tables[name] = {"description": description}
    tables["search_index"] = {
        "title": "名称检索 search_index",
        "description": "Names of publishers, sponsors and media with pinyin, for search",
        "columns": SEARCH_COLUMNS,
        "fts_table": "search_fts",
        "fts_pk": "id",
    }
    tables["search_chars"] = {"hidden": True}
    tables["_tables"] = {"description": "Resources of the data package: titles, files, rows"}
    tables["_columns"] = {"description": "Fields of the data package: Chinese titles, types"}
    licenses = desc.get("licenses") or [{}]
    sources = desc.get("sources") or []
    meta: dict[str, Any] = {
        "title": desc.get("title") or desc.get("name", database),
        "description": desc.get("description", ""),
        "license": licenses[0].get("title") or licenses[0].get("name", ""),
        "license_url": licenses[0].get("path", ""),
        "source": "; ".join(s.get("title") or s.get("path", "") for s in sources),
        "databases": {
            database: {
                "tables": tables,
                "queries": {
                    "status_on": {
                        "title": "登记在某日的状态 Status of a registration on a date",
                        "sql": STATUS_ON_SQL,
                    }
                },
            }
        },
    }
    urls = [s["path"] for s in sources if str(s.get("path", "")).startswith("http")]
    if urls:
        meta["source_url"] = urls[0]
    return {k: v for k, v in meta.items() if v != ""}
