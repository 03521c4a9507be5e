"""Datasette's metadata for a release's database: titles, licence, sources, tables, columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..read.queries import STATUS_ON, VIEWS
from .load import read_package
from .search_index import SEARCH_COLUMNS

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
                        "sql": STATUS_ON,
                    }
                },
            }
        },
    }
    urls = [s["path"] for s in sources if str(s.get("path", "")).startswith("http")]
    if urls:
        meta["source_url"] = urls[0]
    return {k: v for k, v in meta.items() if v != ""}
