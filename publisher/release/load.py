"""Load a data package into SQLite: one typed table per resource, rows by ``executemany``.

Flows in: a package folder (``datapackage.json`` and its CSVs). Flows out: tables with
their primary and foreign keys and NOT NULL on required fields, created with sqlite-utils
(string and date → TEXT, integer and boolean → INTEGER, number → REAL; sqlite-utils 3.x
says FLOAT, the same affinity). Rows are read with the csv module, converted by column
type and inserted with one ``executemany`` per file. :mod:`publisher.release.database`
drives it inside one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from sqlite_utils import Database

SQL_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": int}
_BOOLEANS = {"true": 1, "false": 0, "True": 1, "False": 0, "TRUE": 1, "FALSE": 0, "1": 1, "0": 0}


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


class Arrivals:
    """The resources of a package being written, each read while its CSV is written.

    Read by publish's followers (:mod:`publisher.release.follow`) from their standard
    input, one JSON line each: first the names of every resource the package will hold,
    in the order they are written; then, per resource, ``["begun", entry]`` (its
    descriptor entry but its bytes and hash), ``["wrote", n]`` as its first ``n`` bytes
    are on disk (whole lines), and ``["written", entry]`` once it is complete. The input
    ends once ``datapackage.json`` is written. :meth:`open` reads the file being written
    as far as it is, and waits for more.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        first = stream.readline()
        if not first:
            raise PackageError("the package was abandoned before its first table")
        self.names: list[str] = json.loads(first)
        self.present = set(self.names)
        self.arrived: list[str] = []
        self._path = ""  # the file being written, and how far
        self._known = 0
        self._complete = True

    def entries(self) -> Iterator[dict[str, Any]]:
        """Each resource's descriptor entry (without bytes and hash) as its file is
        begun; the next once the caller is done with it and the file is complete."""
        while (message := self._message()) is not None:
            kind, entry = message
            if kind != "begun" or not self._complete:
                raise PackageError(f"the package's writer said {kind!r} out of turn")
            self._path, self._known, self._complete = entry["path"], 0, False
            self.arrived.append(entry["name"])
            yield entry
            while not self._complete:
                self._advance()
        if self.arrived != self.names:
            raise PackageError(
                f"the package was abandoned after {len(self.arrived)} of its "
                f"{len(self.names)} tables"
            )

    def resources(self) -> Iterator[Resource]:
        return map(resource_of, self.entries())

    def open(self, path: Path) -> TextIO:
        """The CSV being written at ``path`` (the current resource's), as text: reads
        wait for the writer, and end where the complete file ends."""
        if path.name != self._path:
            raise PackageError(f"{path.name} is not the file being written ({self._path})")
        raw = _Growing(self, path)
        return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")

    def check(self, described: list[str]) -> None:
        """``datapackage.json``, now written, describes the resources that arrived."""
        if described != self.arrived:
            raise PackageError(
                f"datapackage.json lists {described}, the tables written were {self.arrived}"
            )

    def _message(self) -> list[Any] | None:
        line = self._stream.readline()
        return json.loads(line) if line else None

    def until(self, at: int) -> int:
        """Wait until the current file is written past byte ``at`` or complete; return
        how many of its bytes are written."""
        while self._known <= at and not self._complete:
            self._advance()
        return self._known

    def _advance(self) -> None:
        """Wait for the writer's next word on the current file."""
        message = self._message()
        if message is None:
            raise PackageError(
                f"the package was abandoned while {self._path} was written "
                f"({len(self.arrived)} of its {len(self.names)} tables begun)"
            )
        kind, value = message
        if kind == "wrote":
            self._known = value
        elif kind == "written" and value["path"] == self._path:
            self._known, self._complete = value["bytes"], True
        else:
            raise PackageError(f"the package's writer said {kind!r} out of turn")


class _Growing(io.RawIOBase):
    """A file as far as its writer has written it (see :class:`Arrivals`)."""

    def __init__(self, arrivals: Arrivals, path: Path) -> None:
        self._arrivals = arrivals
        self._path = path
        self._file: io.FileIO | None = None  # opened once the writer has written to it
        self._at = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._arrivals.until(self._at) - self._at)
        if want <= 0:
            return 0
        if self._file is None:
            self._file = io.FileIO(self._path, "r")
        got = self._file.readinto(memoryview(buffer)[:want])
        self._at += got or 0
        return got or 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


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
            resources.append(resource_of(res))
        except (KeyError, TypeError) as exc:
            raise PackageError(f"{path}: resource {res.get('name')!r}: bad {exc}") from None
    return desc, resources


def _names(value: str | list[str] | None) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def resource_of(res: dict[str, Any]) -> Resource:
    """A resource of a descriptor, as the loader needs it."""
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


def open_csv(path: Path) -> TextIO:
    """A package's CSV file, as text (a byte-order mark is skipped)."""
    return path.open(encoding="utf-8-sig", newline="")


def load_table(
    db: Database, res: Resource, package_dir: Path, opener: Callable[[Path], TextIO] = open_csv
) -> int:
    """Insert the rows of ``res``'s CSV files into its (existing) table; return the count.
    ``opener`` opens each file (:meth:`Arrivals.open` one being written)."""
    names = ", ".join(f'"{f.name}"' for f in res.fields)
    marks = ", ".join("?" * len(res.fields))
    sql = f'INSERT INTO "{res.name}" ({names}) VALUES ({marks})'
    count = 0
    for rel in res.paths:
        where = f"{res.name} ({rel})"
        with opener(Path(package_dir) / rel) as fh:
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


def load_tables(
    db: Database,
    resources: Iterable[Resource],
    package_dir: Path,
    *,
    present: set[str] | None = None,
    opener: Callable[[Path], TextIO] = open_csv,
    then: Callable[[str], Any] | None = None,
) -> dict[str, Any]:
    """Create every table and load its rows: the load phase of :func:`build_database`.

    Call it inside a transaction. Returns ``{"rows": {table: n}, "skipped_foreign_keys"}``.
    ``present``: the names of every table the package will hold, given when ``resources``
    arrive one by one as their files are written (publish's database follower); they are
    then loaded in the order they come, which must put a referenced table first, each
    file opened with ``opener``; ``then`` is called with each table's name once it is
    loaded.
    """
    if present is None:
        resources = list(resources)
        present = {r.name for r in resources}
        resources = _in_dependency_order(resources)
    rows: dict[str, int] = {}
    skipped: list[str] = []
    for res in resources:
        targets = {target for _, target, _ in res.foreign_keys if target != res.name}
        if late := sorted(targets & present - set(rows)):
            raise PackageError(f"{res.name} comes before {', '.join(late)}, which it refers to")
        skipped += create_table(db, res, present)
        rows[res.name] = load_table(db, res, package_dir, opener)
        if then is not None:
            then(res.name)
    return {"rows": rows, "skipped_foreign_keys": skipped}
