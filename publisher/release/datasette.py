"""Datasette's configuration of a release, written into it by publish (``datasette/``).

Flows in: the checked package and the built database. Flows out: ``datasette/`` in the
release folder: ``metadata.json`` (instance, database, every table, view and column:
Chinese titles, English descriptions, licence, sources, release version; label columns;
default sorts and facets; the read side's canned queries and the Atom feed of new
notices; the ``adreg`` plugin's configuration: coded columns and their Chinese labels),
``settings.json``, ``counts.json`` (rows of every table) and ``templates/``.
:mod:`publisher.explore` serves them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from ..explore.instance import CONFIG_DIR, SETTINGS, TEMPLATES
from ..read.queries import CANNED, NOTICES_FEED, VIEWS
from ..vocabulary import VOCABULARY
from .load import read_package
from .search_index import SEARCH_COLUMNS

# Label columns: every foreign key shows a name. Default sorts: on indexed columns, so a
# page of a million-row table is an index walk.
_LABEL_COLUMNS = {
    "authorities": "name",
    "publishers": "name",
    "media": "name",
    "registrations": "registration_number",
    "decisions": "decision_number",
    "notices": "title",
    "_tables": "title",
}
_SORT_DESC = {
    "decisions": "decision_date",
    "notices": "publication_date",
    "penalties": "decision_date",
}
_SORT = {"publishers": "name", "media": "name"}
# Default facets only where the table is small whatever the release; any table can be
# faceted by asking (?_facet=), within facet_time_limit_ms.
_FACETS = {"authorities": ["level"], "vocabulary": ["list"], "anomalies": ["code"]}
_HIDDEN = ("search_chars", "search_pinyin", "sqlite_stat1")
# Coded columns of the views (the package's tables say theirs in adreg:codes).
_VIEW_CODES = {
    "current_status": {"status": "status"},
    "registration_overview": {
        "authority_level": "authority_level",
        "publisher_kind": "publisher_kind",
        "end_kind": "decision_kind",
        "status_on_horizon": "status",
    },
}
_VIEW_COLUMNS = {
    "current_status": {
        "status": "登记状态 — Status on the release's horizon (not_registered: none in force)",
        "status_zh": "状态 — The status's Chinese label",
        "status_from": "状态起始日 — First day of the status period",
        "status_to": "状态截止日 — Last day of the status period (at most the horizon)",
        "on_date": "状态日期 — The release's horizon: its as-of date capped at the regime's end",
        "as_of": "数据截止日 — The release's as-of date",
    },
    "registration_overview": {
        "media_count": "媒介数 — Media the registration covers",
        "media_names": "媒介名称 — Their names, joined by 、",
        "decision_count": "决定数 — Decisions on the registration",
        "last_decision_date": "最近决定日期 — Date of its latest decision",
        "on_date": "状态日期 — The release's horizon",
        "status_on_horizon": "登记状态 — Status on the horizon",
    },
}
_RELEASE_INFO = {
    "title": "数据版本 release_info",
    "description": "What this release is: name, version, creation time, as-of date, the "
    "regime's dates and the horizon (the as-of date capped at the regime's end), which is "
    "what 'now' means in every view and query",
}


def datasette_metadata(package_dir: Path, database: str = "adreg") -> dict[str, Any]:
    """Datasette ``metadata.json`` content for the release's database ``database``.

    Column descriptions carry the Chinese title first: ``广告发布单位名称 — Publisher…``.
    """
    desc, resources = read_package(package_dir)
    facts = desc.get("adreg:release") or {}
    version = desc.get("version", "")
    tables: dict[str, Any] = {}
    codes: dict[str, dict[str, str]] = {}
    for res in desc.get("resources", []):
        found = {f["name"]: f["adreg:codes"] for f in res["schema"]["fields"] if "adreg:codes" in f}
        if found:
            codes[res["name"]] = found
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
        if r.name in _SORT_DESC:
            entry["sort_desc"] = _SORT_DESC[r.name]
        if r.name in _SORT:
            entry["sort"] = _SORT[r.name]
        if r.name in _FACETS:
            entry["facets"] = _FACETS[r.name]
        tables[r.name] = entry
    titles = {"current_status": "当前登记状态", "registration_overview": "登记概览"}
    for name, (_, description, _) in VIEWS.items():
        tables[name] = {
            "title": f"{titles.get(name, '')} {name}".strip(),
            "description": description,
            "columns": _VIEW_COLUMNS.get(name, {}),
        }
    codes.update(_VIEW_CODES)
    tables["search_index"] = {
        "title": "名称检索 search_index",
        "description": "Names of publishers, sponsors and media (current and former) with "
        "their pinyin and identifiers. The search box finds what adreg's read side finds: "
        "any 1 or 2 characters of a name, 3 or more, pinyin from any syllable, the start of "
        "a credit code, CN number or ISSN; each hit links to its publisher or medium.",
        "columns": SEARCH_COLUMNS,
    }
    tables["release_info"] = _RELEASE_INFO
    for name in _HIDDEN:
        tables[name] = {"hidden": True}
    tables["_tables"] = {
        "title": "资源 _tables",
        "description": "Resources of the data package: titles, files, rows",
        "label_column": "title",
    }
    tables["_columns"] = {"title": "字段 _columns", "description": "Fields of the package"}
    licenses = desc.get("licenses") or [{}]
    sources = desc.get("sources") or []
    about = (
        f"Release {version}, as of {facts.get('as_of', '?')}: statuses are stated up to "
        f"{facts.get('horizon', '?')} (the as-of date capped at the regime's end "
        f"{facts.get('regime_end', '?')}), never the serving machine's clock."
    )
    common: dict[str, Any] = {
        "license": licenses[0].get("title") or licenses[0].get("name", ""),
        "license_url": licenses[0].get("path", ""),
        "source": "登记机关依《广告发布登记管理规定》第十六条公开的信息 Registration authorities' "
        "Article 16 publications: "
        + "; ".join(s.get("title") or s.get("path", "") for s in sources),
    }
    urls = [s["path"] for s in sources if str(s.get("path", "")).startswith("http")]
    if urls:
        common["source_url"] = urls[0]
    common = {k: v for k, v in common.items() if v}
    queries = {
        name: {"title": title, "description": text, "sql": sql}
        for name, (title, text, sql) in CANNED.items()
    }
    queries["new_notices"] = {
        "title": "新公告 New notices",
        "description": "The latest 100 notices (公告), newest first; as an Atom feed: "
        "new_notices.atom, for one authority: new_notices.atom?authority_code=340100.",
        "sql": NOTICES_FEED,
    }
    meta: dict[str, Any] = {
        "title": f"{desc.get('title') or desc.get('name', database)} {version}".strip(),
        "description": f"{desc.get('description', '')} {about}".strip(),
        **common,
        "databases": {
            database: {
                "title": f"{desc.get('title') or database} {version}".strip(),
                "description": about,
                **common,
                "tables": tables,
                "queries": queries,
                "plugins": {
                    "adreg": {
                        "version": version,
                        "horizon": facts.get("horizon"),
                        "codes": codes,
                        "views": sorted(VIEWS),
                        "labels": {
                            name: {code: term.zh for code, term in terms.items()}
                            for name, terms in VOCABULARY.items()
                        },
                    }
                },
            }
        },
    }
    return meta


def table_counts(db_path: Path) -> dict[str, int]:
    """Rows of every table of the database (FTS shadow tables included; not views:
    Datasette takes every name in its counts for a table)."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        names = [r[0] for r in conn.execute(sql)]
        counts = {}
        for name in names:
            try:
                counts[name] = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            except sqlite3.DatabaseError:  # a contentless FTS table has no rows to count
                continue
        return counts
    finally:
        conn.close()


def write_datasette_config(release: Path, package_dir: Path, db_path: Path) -> list[Path]:
    """``release/datasette/``: metadata, settings, counts and templates; the paths written."""
    out = release / CONFIG_DIR
    shutil.rmtree(out, ignore_errors=True)
    (out / "templates").mkdir(parents=True)
    files = {
        "metadata.json": datasette_metadata(package_dir, db_path.stem),
        "settings.json": SETTINGS,
        "counts.json": table_counts(db_path),
    }
    written = []
    for name, content in files.items():
        path = out / name
        path.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    for template in TEMPLATES.iterdir():
        if template.name.endswith(".html"):
            path = out / "templates" / template.name
            path.write_bytes(template.read_bytes())
            written.append(path)
    return written
