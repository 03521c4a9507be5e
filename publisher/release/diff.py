"""Diff two data packages: per resource, rows added, removed and changed (with the fields).

Rows are matched by the resource's primary key (or the whole row where there is
none). The old side is held as key → hash of the row's text, so a diff of
million-row releases needs memory for the keys only; changed rows are then
compared field by field in a second pass over the old file. Given a
:class:`~publisher.release.changes.ChangesWriter`, the same passes also write the
complete diff, every added, removed and changed row with its contents.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import msgspec

from ..errors import UserError
from .changes import ChangeSpool, ChangesWriter

LIST_LIMIT = 1000


class ResourceDiff(msgspec.Struct, kw_only=True):
    added: int = 0
    removed: int = 0
    changed: int = 0
    added_keys: list[str] = []
    removed_keys: list[str] = []
    changed_rows: list[dict] = []
    truncated: bool = False


class PackageDiff(msgspec.Struct, kw_only=True):
    old_version: str | None
    new_version: str | None
    resources: dict[str, ResourceDiff]

    def is_empty(self) -> bool:
        return not any(r.added or r.removed or r.changed for r in self.resources.values())


def package_dir(path: Path) -> Path:
    """Accept a release folder, a package folder or a datapackage.json path."""
    path = Path(path)
    candidates = [path, path / "datapackage.json"]
    candidates += sorted(path.glob("datapackages/*/datapackage.json")) if path.is_dir() else []
    for c in candidates:
        if c.is_file() and c.name == "datapackage.json":
            return c.parent
    raise UserError(f"{path}: no datapackage.json here (give a release or package folder)")


def _descriptor(folder: Path) -> dict:
    try:
        data: dict = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{folder}/datapackage.json: cannot read ({exc})") from None
    return data


def _rows(path: Path, key_fields: list[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    csv.field_size_limit(1 << 30)  # notice bodies and originals can exceed the 128 KiB default
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        idx = [header.index(k) for k in key_fields] if key_fields else list(range(len(header)))
        for row in reader:
            yield "|".join(row[i] for i in idx), row, header


def diff_resource(
    old: Path | None, new: Path | None, key_fields: list[str], spool: ChangeSpool | None = None
) -> ResourceDiff:
    """Counts and (up to :data:`LIST_LIMIT`) keys of the rows added, removed and changed;
    with a ``spool``, every such row's contents go to it too (the complete diff)."""
    out = ResourceDiff()
    seen: dict[str, int] = {}
    if old is not None and old.is_file():
        for key, row, _ in _rows(old, key_fields):
            seen[key] = hash(tuple(row))
    changed: dict[str, list[str]] = {}
    changed_keys: set[str] = set()  # every changed key, for the spool's old side
    header: list[str] = []
    if new is not None and new.is_file():
        for key, row, new_header in _rows(new, key_fields):
            header = new_header
            h = seen.pop(key, None)
            if h is None:
                out.added += 1
                if len(out.added_keys) < LIST_LIMIT:
                    out.added_keys.append(key)
                if spool is not None:
                    spool.new_row(key, "added", new_header, row)
            elif h != hash(tuple(row)):
                out.changed += 1
                if len(changed) < LIST_LIMIT:
                    changed[key] = row
                if spool is not None:
                    spool.new_row(key, "changed", new_header, row)
                    changed_keys.add(key)
    out.removed = len(seen)
    out.removed_keys = sorted(seen)[:LIST_LIMIT]
    if (changed or (spool is not None and seen)) and old is not None:
        for key, row, old_header in _rows(old, key_fields):
            if spool is not None and (key in seen or key in changed_keys):
                spool.old_row(key, old_header, row)
            new_row = changed.get(key)
            if new_row is None:
                continue
            old_map = dict(zip(old_header, row, strict=False))
            fields = {
                name: [old_map.get(name, ""), value]
                for name, value in zip(header, new_row, strict=False)
                if old_map.get(name, "") != value
            }
            out.changed_rows.append({"key": key, "fields": fields})
    out.truncated = max(out.added, out.removed, out.changed) > LIST_LIMIT
    return out


def diff_packages(old: Path | None, new: Path, changes: ChangesWriter | None = None) -> PackageDiff:
    """Diff package folder ``old`` (None: an empty package) against ``new``; with
    ``changes``, write the complete diff (every changed row's contents) there too."""
    new_desc = _descriptor(new)
    old_desc = _descriptor(old) if old is not None else {"resources": []}
    old_res = {r["name"]: r for r in old_desc.get("resources", [])}
    new_res = {r["name"]: r for r in new_desc.get("resources", [])}
    resources = {}
    for name in list(new_res) + [n for n in old_res if n not in new_res]:
        res = new_res.get(name) or old_res[name]
        key = list(res.get("schema", {}).get("primaryKey", []))
        old_path = old / old_res[name]["path"] if old is not None and name in old_res else None
        new_path = new / new_res[name]["path"] if name in new_res else None
        spool = changes.spool(name, key) if changes is not None else None
        resources[name] = diff_resource(old_path, new_path, key, spool)
        if changes is not None and spool is not None:
            changes.add(spool)
    if changes is not None:
        changes.close()
    return PackageDiff(
        old_version=old_desc.get("version"),
        new_version=new_desc.get("version"),
        resources=resources,
    )


def diff_text(d: PackageDiff) -> str:
    lines = [f"diff {d.old_version or '(none)'} → {d.new_version}"]
    for name, r in d.resources.items():
        lines.append(f"{name}: +{r.added} -{r.removed} ~{r.changed}")
        for row in r.changed_rows[:20]:
            fields = ", ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in row["fields"].items())
            lines.append(f"  ~ {row['key']}: {fields}")
        if len(r.changed_rows) > 20:
            lines.append(f"  … {r.changed - 20} more changed rows (see --json)")
    return "\n".join(lines)
