"""The ``adreg`` Datasette plugin: the register's search, labels and links in Datasette.

Active for a database whose metadata carries ``plugins: {adreg: …}`` (publish writes it,
see :mod:`publisher.release.datasette`); any other database is left alone.

* **Search.** Datasette's search box (``?_search=``) on ``search_index``, ``publishers``,
  ``media`` and the tables and views of a registrant (``registrations``, ``decisions``,
  ``penalties``, ``current_status``, ``registration_overview``) filters on exactly the
  rows the read side's :func:`publisher.read.search.search` finds (:func:`match_sql`):
  1- and 2-character Chinese, 3+ characters, pinyin from any syllable, credit-code, CN and
  ISSN prefixes. Any other table answers a search with a 400 that names the tables that
  can search, never with every row.
* **Labels.** A coded column (``adreg:codes`` in the package's Table Schemas) shows the
  code's Chinese label beside the code; ids in views and canned queries link to their row;
  a ``search_index`` hit links to its publisher or medium.
* **Read-only.** Every connection is ``query_only`` besides being immutable.
* **Quiet 4xx.** A user's mistake (a bad ``?sql=``, a write refused, a search on a
  table without one) is answered 400 as ever, but Datasette 0.65's default handler
  prints every exception with its local variables on the server's console when ``rich``
  is installed (it is: the CLI uses it); it is told rich is absent, so only a 500 prints
  its (plain) traceback.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import markupsafe
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import tilde_encode
from datasette.utils.asgi import BadRequest

from ..read.search import clean_query, match_sql

NAME = "adreg"


def _in(column: str, sql: str) -> str:
    """``column IN (sql)``, hinted as selective: SQLite then drives the query from the
    search's hits through the key's index (sorting them after), rather than walking a
    table in its sort order and testing every row against them."""
    return f"likelihood({column} IN ({sql}), 0.001)"


_ENTITY = "SELECT ref FROM search_index WHERE kind = '{kind}' AND " + _in("id", "{rows}")
_PUBLISHER = _ENTITY.replace("{kind}", "publisher")
_MEDIUM = _ENTITY.replace("{kind}", "medium")
_REGISTRANT = _in(
    "publisher_id", f"{_PUBLISHER} UNION SELECT publisher_id FROM media WHERE {_in('id', _MEDIUM)}"
)
# table → (where clause on the matching search_index ids {rows}, what it says it did)
SEARCH: dict[str, tuple[str, str]] = {
    "search_index": (_in("id", "{rows}"), "name, pinyin or identifier matches"),
    "publishers": (_in("id", _PUBLISHER), "publisher matches"),
    "media": (_in("id", _MEDIUM), "medium matches"),
    **{
        table: (_REGISTRANT, "registrant or one of its media matches")
        for table in (
            "registrations",
            "decisions",
            "penalties",
            "current_status",
            "registration_overview",
        )
    },
}
# Columns that hold an id of a table's row, where Datasette has no foreign key to follow
# (views and canned queries).
ID_COLUMNS = {
    "registration_id": "registrations",
    "publisher_id": "publishers",
    "medium_id": "media",
    "decision_id": "decisions",
    "notice_id": "notices",
    "authority_code": "authorities",
}
SEARCH_REF = {"publisher": "publishers", "medium": "media"}

_labels: WeakKeyDictionary[Any, dict[str, dict[tuple[str, str], str]]] = WeakKeyDictionary()
_configs: WeakKeyDictionary[Any, dict[str, dict[str, Any] | None]] = WeakKeyDictionary()


def config(datasette: Any, database: str | None) -> dict[str, Any] | None:
    """The plugin's configuration of ``database``, or None where it is not ours; read once
    per instance (Datasette's ``plugin_config`` walks the whole of it for secrets on every
    call, and ``render_cell`` asks for every cell)."""
    if database is None:
        return None
    per_db = _configs.setdefault(datasette, {})
    if database not in per_db:
        found = datasette.plugin_config(NAME, database=database)
        per_db[database] = found if isinstance(found, dict) else None
    return per_db[database]


def _code_labels(datasette: Any, database: str, conf: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(table, column) → list name, resolved once per instance and database."""
    per_db = _labels.setdefault(datasette, {})
    if database not in per_db:
        per_db[database] = {
            (table, column): codes
            for table, columns in conf.get("codes", {}).items()
            for column, codes in columns.items()
        }
    return per_db[database]


@hookimpl
def startup(datasette: Any) -> None:
    # Imported here, not at the top: this module may be imported before Datasette, whose
    # plugin loading would then register a half-imported default handler.
    import datasette.handle_exception as default_handler

    default_handler.rich = None


@hookimpl
def prepare_connection(conn: Any, database: str, datasette: Any) -> None:
    if config(datasette, database) is not None:
        conn.execute("PRAGMA query_only = 1")


@hookimpl(trylast=True)
def filters_from_request(
    request: Any, database: str, table: str, datasette: Any
) -> FilterArguments | None:
    """``?_search=`` through the read side's index; called last, so its ``supports_search``
    overrides Datasette's own FTS detection."""
    if config(datasette, database) is None:
        return None
    asked = [k for k in request.args if k.startswith("_search") and k != "_searchmode"]
    target = SEARCH.get(table)
    if target is None or any(k != "_search" for k in asked):
        if asked:
            where = ", ".join(sorted(SEARCH))
            raise BadRequest(
                f"{table} has no search ({', '.join(asked)}): search one of {where} with _search="
            )
        return FilterArguments([], extra_context={"supports_search": False})
    q = clean_query(request.args.get("_search") or "")
    if not q:
        return FilterArguments([], extra_context={"supports_search": True, "search": ""})
    rows, params = match_sql(q)
    clause, says = target
    return FilterArguments(
        [clause.replace("{rows}", rows)],
        params,
        [f'{says} "{q}"'],
        {"supports_search": True, "search": q},
    )


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    """Chinese labels of codes, links from ids (a Markup, an awaitable one, or None)."""
    conf = config(datasette, database)
    if conf is None or value is None or value == "":
        return None
    if isinstance(value, dict):  # a foreign key whose row has no label (a NULL one)
        if value.get("label") is not None or table is None:
            return None
        return _unlabelled(datasette, database, table, column, value["value"])
    codes = _code_labels(datasette, database, conf).get((table or "", column))
    if codes is not None:
        labels = conf.get("labels", {}).get(codes, {})
        shown = [
            markupsafe.Markup('{} <span class="adreg-code">{}</span>').format(
                labels.get(code, "?"), code
            )
            for code in str(value).split(";")
        ]
        return markupsafe.Markup("；").join(shown)
    target = None
    if table == "search_index" and column in ("ref", "label"):
        target, ref = SEARCH_REF.get(_cell(row, "kind")), _cell(row, "ref")
    elif column in ID_COLUMNS and (table is None or table in conf.get("views", ())):
        target, ref = ID_COLUMNS[column], value
    if target is None or ref is None:
        return None
    href = datasette.urls.row(database, target, tilde_encode(str(ref)))
    return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)


async def _unlabelled(
    datasette: Any, database: str, table: str, column: str, value: Any
) -> markupsafe.Markup | None:
    """A link to the row a foreign key points at, shown by its key (Datasette would show
    the word None when the row's label column is empty)."""
    fks = await datasette.get_database(database).foreign_keys_for_table(table)
    other = {fk["column"]: fk["other_table"] for fk in fks}.get(column)
    if other is None:
        return None
    href = datasette.urls.row(database, other, tilde_encode(str(value)))
    return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)


def _cell(row: Any, key: str) -> Any:
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


@hookimpl
def extra_template_vars(datasette: Any) -> dict[str, Any]:
    return {"adreg_sql_time_limit_ms": datasette.setting("sql_time_limit_ms")}
