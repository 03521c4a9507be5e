"""One SQLite file built from the data package, for the API, Datasette and downloads.

Flows in: a checked package folder. Flows out: ``<name>.db``. The tables are created and
loaded by :mod:`publisher.release.load` in one transaction with the journal off; indexes
for the read side's lookups, the name search (:mod:`publisher.release.search_index`), the
views and the Chinese labels (``_tables``, ``_columns``) follow; then ``ANALYZE``, and the
file is renamed into place, so a reader never sees a half-built database.

Readers open the file read-only and immutable (:mod:`publisher.read.db`). Tables are not
STRICT, so SQLite before 3.37 can read them; the FTS5 trigram index needs 3.34.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..read.notices import NOTICE_SUMMARY
from ..read.queries import VIEWS
from ..runtime import paused_gc
from .load import Arrivals, PackageError, Resource, load_tables, read_package
from .search_index import build_search_index

# Every lookup the API and ``verify`` make: table → indexed column lists. A key's
# leading columns serve too: status_periods' (registration_id, valid_from) primary key
# is the interval index for "status on a date", registration_details' likewise.
INDEXES: dict[str, tuple[str, ...]] = {
    "publishers": ("credit_code", "sponsor_credit_code", "name", "sponsor_name"),
    "registrations": ("publisher_id", "authority_code, id", "registration_number"),
    "media": ("registration_id", "publisher_id", "cn_number", "issn", "name", "frequency",
              "channel"),
    "medium_names": ("name",),
    "registration_details": ("publisher_name",),
    "authority_names": ("name",),
    "decisions": ("registration_id, decision_date", "authority_code, decision_date",
                  "publisher_id", "notice_id", "decision_number", "decision_date"),
    # Covering the summaries of notice lists (publisher.read.notices), so a page of them
    # never reads a notice's body (tens of KB, in overflow pages).
    "notices": (
        "authority_code, publication_date, id, " + NOTICE_SUMMARY,
        "publication_date, id, " + NOTICE_SUMMARY,
    ),
    "penalties": ("party_credit_code, decision_date", "publisher_id, decision_date",
                  "authority_code, decision_date", "decision_date"),
    "anomalies": ("registration_id", "decision_id"),
}  # fmt: skip


# ---- indexes, views, labels --------------------------------------------------------


def create_indexes(db: Database, only: str | None = None) -> list[str]:
    """The lookup indexes of :data:`INDEXES` for the tables and columns that exist (those
    of table ``only``)."""
    made = []
    for table, indexes in INDEXES.items():
        if only not in (None, table) or not db.table(table).exists():
            continue
        columns = set(db.table(table).columns_dict)
        for spec in indexes:
            cols = tuple(c.strip() for c in spec.split(","))
            if set(cols) <= columns:
                name = f"idx_{table}_{'_'.join(cols)}"
                db.table(table).create_index(cols, index_name=name, if_not_exists=True)
                made.append(name)
    return made


def write_release_info(db: Database, desc: dict[str, Any]) -> None:
    """``release_info``: one row of what the release is and what "now" means in it (the
    horizon: its as-of date capped at the regime's end), from the package descriptor."""
    facts = desc.get("adreg:release") or {}
    row = {
        "name": desc.get("name"),
        "title": desc.get("title"),
        "version": desc.get("version"),
        "created": desc.get("created"),
        "as_of": facts.get("as_of"),
        "regime_start": facts.get("regime_start"),
        "regime_end": facts.get("regime_end"),
        "horizon": facts.get("horizon"),
        "penalty_publicity_rule": facts.get("penalty_publicity_rule"),
        "penalty_publicity_rule_title": facts.get("penalty_publicity_rule_title"),
    }
    db.table("release_info").create({k: str for k in row}, pk="name")
    db.conn.execute(
        f"INSERT INTO release_info ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )


def create_views(db: Database) -> list[str]:
    made = []
    for name, (needs, _, sql) in VIEWS.items():
        if all(db.table(t).exists() for t in needs):
            db.create_view(name, sql, replace=True)
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


# SQLite's page cache while a release's database is built, and with it the sorter's memory
# (an index or ORDER BY sorts this much in memory before it spills): 32 MiB, as the build
# runs beside the Excel copy and after the tables, when publish's memory is at its highest.
BUILD_CACHE_KIB = 32 * 1024


def build_database(
    package_dir: Path,
    db_path: Path,
    *,
    check_foreign_keys: bool = True,
    keys_checked: bool = False,
    arriving: Arrivals | None = None,
) -> dict[str, Any]:
    """Build ``db_path`` from the package in ``package_dir``; return counts and timings.

    The file is built beside ``db_path`` under a temporary name and renamed into place
    at the end; on any error the temporary file is removed and ``db_path`` is untouched.
    A foreign-key violation is an error unless ``check_foreign_keys`` is false.
    ``keys_checked``: the package's keys were checked as its tables were written (publish
    checks every foreign key of the schema against the key sets in memory, and the files
    by their hashes): SQLite's own ``foreign_key_check`` of the same keys, a lookup per
    row (≈ 45 s of CPU at a million decisions), is skipped and no violations are counted.
    ``arriving``: the package is being written (publish's database follower); each table
    is loaded as its file is written, and the descriptor read once it is complete.
    """
    started = time.perf_counter()
    desc, resources = read_package(package_dir) if arriving is None else ({}, [])
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
            for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{BUILD_CACHE_KIB}"):
                db.execute(f"PRAGMA {pragma}")
            t = time.perf_counter()
            with paused_gc(), transaction(db):  # millions of row tuples, no cycles
                if arriving is None:
                    loaded = load_tables(db, resources, Path(package_dir))
                else:
                    # Each table's indexes too, while the next is written.
                    loaded = load_tables(
                        db,
                        arriving.resources(),
                        Path(package_dir),
                        present=arriving.present,
                        opener=arriving.open,
                        then=lambda name: create_indexes(db, name),
                    )
                    desc, resources = read_package(package_dir)
                    arriving.check([r.name for r in resources])
            t = lap("load", t)
            with transaction(db):
                indexes = create_indexes(db)
            t = lap("indexes", t)
            with paused_gc(), transaction(db):
                search_rows = build_search_index(db.conn)
            t = lap("search", t)
            with transaction(db):
                write_release_info(db, desc)
                views = create_views(db)
                write_labels(db, resources, loaded["rows"])
            violations = [] if keys_checked else db.execute("PRAGMA foreign_key_check").fetchall()
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
        "foreign_key_violations": None if keys_checked else len(violations),
        "seconds": seconds,
    }
