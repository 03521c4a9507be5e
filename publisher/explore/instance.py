"""A Datasette instance over one release, configured by what the release ships.

A release folder holds ``datasette/``: ``metadata.json`` (titles, licence, sources,
tables, columns, canned queries, the plugin's configuration), ``settings.json``,
``counts.json`` (rows of every table, counted when the release was built) and
``templates/``. :func:`datasette_for` opens the release's database immutable (so
read-only), with those, and Datasette's "inspect" data (hash and size from
``release.json``, the counts) so that nothing is hashed or counted at start-up and no
unfiltered count can time out.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..manifest import read_manifest

CONFIG_DIR = "datasette"  # inside a release folder
TEMPLATES = resources.files(__package__) / "templates"

# Datasette's settings for a register of millions of rows, chosen from measurements on a
# 1M-decision release (README, Performance; benchmarks/bench_explore.py): a facet over
# 1M rows takes ≈ 0.4-0.9 s on the 2-core machine, a filtered count up to ≈ 1 s.
SETTINGS: dict[str, Any] = {
    "suggest_facets": False,  # each suggestion is a GROUP BY over the whole table
    "facet_time_limit_ms": 3000,
    "sql_time_limit_ms": 5000,
    "default_facet_size": 30,
    "max_returned_rows": 1000,
    "allow_download": True,  # the database is in the release anyway
    "default_cache_ttl": 60,  # a release never changes, but a new one may be switched in
    "num_sql_threads": 3,
}


def read_config(folder: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """The release's Datasette metadata, settings and table counts."""
    conf = Path(folder) / CONFIG_DIR
    try:
        return tuple(
            json.loads((conf / name).read_text(encoding="utf-8"))
            for name in ("metadata.json", "settings.json", "counts.json")
        )
    except (OSError, ValueError) as exc:
        raise UserError(f"{conf}: no Datasette configuration in this release ({exc})") from None


def database_entry(folder: Path) -> tuple[Path, str, int]:
    """The release's SQLite file, its sha256 and bytes, from ``release.json``."""
    manifest = read_manifest(folder)
    dbs = [f for f in manifest.files if f.path.endswith(".db")]
    if not dbs:
        raise UserError(f"{folder}: the release has no SQLite database")
    return Path(folder) / dbs[0].path, dbs[0].sha256, dbs[0].bytes


def datasette_for(
    folder: Path,
    base_url: str = "/",
    secret: str | None = None,
    settings: dict[str, Any] | None = None,
) -> Any:
    """Datasette over the release in ``folder``, its links under ``base_url``; ``settings``
    override the release's."""
    from datasette.app import Datasette

    from . import plugin

    register(plugin)
    db_path, sha256, size = database_entry(folder)
    metadata, shipped, counts = read_config(folder)
    name = db_path.stem
    inspect = {
        name: {
            "hash": sha256,
            "size": size,
            "file": db_path.name,
            "tables": {table: {"count": n} for table, n in counts.items()},
        }
    }
    templates = Path(folder) / CONFIG_DIR / "templates"
    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata,
        settings={**shipped, **(settings or {}), "base_url": base_url},
        inspect_data=inspect,
        template_dir=str(templates) if templates.is_dir() else None,
        secret=secret,
    )


def register(module: Any) -> None:
    """Register the plugin module with Datasette unless its entry point already did.

    Imported before Datasette, the module is registered by Datasette's entry-point
    loading while it is still being imported (it imports Datasette), so with none of its
    hooks: then it is registered again, whole."""
    from datasette.plugins import pm

    if pm.is_registered(module):
        if pm.get_hookcallers(module):
            return
        pm.unregister(module)
    pm.register(module, name="adreg")
