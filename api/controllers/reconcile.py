"""An OpenRefine-compatible reconciliation service (W3C Reconciliation API 0.2) for media
and publishers: a journalist matches a spreadsheet column of names against the register.

``GET /api/v1/reconcile`` is the manifest OpenRefine reads when the service is added;
``POST /api/v1/reconcile`` with the form field ``queries`` (a JSON object of queries)
answers a batch; suggest, preview and view serve OpenRefine's type-ahead, hover card and
links. Scores and matches are the read side's (:mod:`publisher.read.reconcile`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio.to_thread
import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import Parameter, QueryParameter
from litestar.response import Redirect

from publisher.read.reader import Reader
from publisher.read.reconcile import PROPERTIES, TYPES, describe, lookup, reconcile, suggest

from ..common import API, ReleaseReader, errors, responses
from ..errors import BadRequest, not_found
from ..schemas import (
    ReconManifest,
    ReconQuery,
    ReconResult,
    ReconTypeRef,
    ServicePreview,
    ServiceView,
    SuggestResult,
    SuggestService,
    SuggestServices,
)

PATH = f"{API}/reconcile"
BATCH_SIZE = 25  # what the manifest asks clients to send at once
BATCH_MAX = 100  # what a request may carry
LIMIT_MAX = 25
QUERY_MAX = 500
EntityType = Literal["medium", "publisher"]


STRICT = ("should", "all", "any")


def _query_schema() -> Schema:
    kinds = Schema(type=OpenAPIType.STRING, enum=list(TYPES))
    prop = Schema(
        type=OpenAPIType.OBJECT,
        required=["pid", "v"],
        properties={
            "pid": Schema(type=OpenAPIType.STRING, description=", ".join(PROPERTIES)),
            "v": Schema(description="The value (text, a number, or {id, name})."),
        },
    )
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["query"],
        properties={
            "query": Schema(type=OpenAPIType.STRING, max_length=QUERY_MAX),
            "type": Schema(
                one_of=[
                    kinds,
                    Schema(type=OpenAPIType.ARRAY, items=kinds),
                    Schema(type=OpenAPIType.NULL),
                ]
            ),
            "limit": Schema(  # null: the default, as the handler reads it
                one_of=[
                    Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=LIMIT_MAX),
                    Schema(type=OpenAPIType.NULL),
                ]
            ),
            "type_strict": Schema(type=OpenAPIType.STRING, enum=list(STRICT)),
            "properties": Schema(type=OpenAPIType.ARRAY, items=prop),
        },
    )


@dataclass
class ReconcileOperation(Operation):
    """The batch as a JSON body ``{"queries": {…}}``. OpenRefine posts the same object as
    the form field ``queries`` (a JSON string): accepted too and said in the description,
    but not in the document, whose form encoding of a JSON field schema tools cannot
    generate (Litestar cannot document either by itself, so it is said here)."""

    def __post_init__(self) -> None:
        queries = Schema(
            type=OpenAPIType.OBJECT,
            additional_properties=_query_schema(),
            max_properties=BATCH_MAX,
            description="key → query; answered key → {result: [...]}",
        )
        body = Schema(
            type=OpenAPIType.OBJECT, required=["queries"], properties={"queries": queries}
        )
        self.request_body = RequestBody(
            required=True, content={"application/json": OpenAPIMediaType(schema=body)}
        )


class ReconBody(msgspec.Struct, kw_only=True):
    queries: dict[str, ReconQuery]


def _base(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


def _kind(value: str | list[str] | None, key: str) -> str | None:
    kinds = [value] if isinstance(value, str) else list(value or [])
    unknown = [k for k in kinds if k not in TYPES]
    if unknown:
        raise BadRequest(
            "queries", f"{key}: unknown type {unknown[0]!r}: give one of {', '.join(TYPES)}"
        )
    return kinds[0] if len(kinds) == 1 else None


def _properties(q: ReconQuery) -> list[tuple[str, str]]:
    out = []
    for prop in q.properties:
        values = prop.v if isinstance(prop.v, list) else [prop.v]
        for v in values:
            if isinstance(v, dict):  # {"id": …, "name": …} for an entity-valued property
                v = v.get("id") or v.get("name")
            if v is not None and not isinstance(v, (dict, list)):
                out.append((prop.pid, str(v)))
    return out


async def _queries(request: Request[Any, Any, Any]) -> dict[str, ReconQuery]:
    """The batch, from the form field ``queries`` or a JSON body ``{"queries": …}``."""
    media_type = request.content_type[0]
    try:
        if media_type == "application/json":
            body = msgspec.json.decode(await request.body(), type=ReconBody)
            queries = body.queries
        elif media_type == RequestEncodingType.URL_ENCODED.value:
            form = await request.form()
            text = form.get("queries")
            if not isinstance(text, str):
                raise BadRequest("queries", "missing: send the form field queries (a JSON object)")
            queries = msgspec.json.decode(text, type=dict[str, ReconQuery])
        else:
            raise BadRequest(
                "queries",
                f"a body of type {media_type or 'none'}: send a form with the field queries"
                " (as OpenRefine does) or a JSON object {queries: …}",
            )
    except msgspec.DecodeError as exc:
        raise BadRequest(
            "queries", f"not a JSON object of queries ({exc}); see the W3C Reconciliation API"
        ) from None
    if len(queries) > BATCH_MAX:
        raise BadRequest("queries", f"{len(queries)} queries: send at most {BATCH_MAX} at a time")
    for key, q in queries.items():
        _kind(q.type, key)
        if q.limit is not None and (q.limit != int(q.limit) or not 1 <= q.limit <= LIMIT_MAX):
            raise BadRequest("queries", f"{key}: limit {q.limit}: give 1 to {LIMIT_MAX}")
        if q.type_strict is not None and q.type_strict not in STRICT:
            raise BadRequest("queries", f"{key}: type_strict: give one of {', '.join(STRICT)}")
        if len(q.query) > QUERY_MAX:
            raise BadRequest("queries", f"{key}: a query of at most {QUERY_MAX} characters")
    return queries


def _answer(reader: Reader, queries: dict[str, ReconQuery]) -> dict[str, ReconResult]:
    return {
        key: ReconResult(
            result=reconcile(
                reader,
                q.query,
                kind=_kind(q.type, key),
                limit=int(q.limit or 5),
                properties=_properties(q),
            )
        )
        for key, q in queries.items()
    }


class ReconcileController(Controller):
    path = PATH
    tags = ["Reconciliation"]

    @get(
        "/",
        operation_id="GetReconciliationManifest",
        summary="The reconciliation service's manifest (add this URL to OpenRefine)",
        sync_to_thread=False,
        responses=responses(),
    )
    def manifest(self, request: Request[Any, Any, Any], reader: ReleaseReader) -> ReconManifest:
        base = _base(request)
        return ReconManifest(
            versions=["0.2"],
            name=f"adreg 广告发布登记 (release {reader.ref.version}, as of {reader.ref.as_of})",
            identifierSpace=f"{base}{PATH}/entity/",
            schemaSpace=f"{base}{PATH}/types/",
            defaultTypes=[ReconTypeRef(id=k, name=v) for k, v in TYPES.items()],
            view=ServiceView(url=f"{base}{PATH}/view/{{{{id}}}}"),
            preview=ServicePreview(url=f"{base}{PATH}/preview?id={{{{id}}}}", width=420, height=90),
            suggest=SuggestServices(
                entity=SuggestService(service_url=base, service_path=f"{PATH}/suggest/entity")
            ),
            batchSize=BATCH_SIZE,
            documentation=f"{base}/api/schema/swagger",
        )

    @post(
        "/",
        operation_id="ReconcileEntities",
        summary="Reconcile a batch of names (as OpenRefine sends them)",
        description="A JSON body ``{queries}``, or a form (application/x-www-form-urlencoded)"
        " whose field ``queries`` holds the same as JSON, as OpenRefine posts it: key →"
        " ``{query, type (medium|publisher), limit, properties: [{pid, v}]}``; properties: "
        + ", ".join(PROPERTIES)
        + f". At most {BATCH_MAX} queries a request. Answers key → ``{{result: [{{id, name,"
        " score, match, type, description}]}}``, best first.",
        status_code=200,
        operation_class=ReconcileOperation,
        responses=errors(400),
    )
    async def reconcile_batch(
        self, request: Request[Any, Any, Any], reader: ReleaseReader
    ) -> dict[str, ReconResult]:
        queries = await _queries(request)
        return await anyio.to_thread.run_sync(_answer, reader, queries)

    @get(
        "/suggest/entity",
        operation_id="SuggestEntities",
        summary="Type-ahead: media and publishers for a prefix",
        sync_to_thread=False,
        responses=responses(400),
    )
    def suggest_entities(
        self,
        reader: ReleaseReader,
        prefix: Annotated[str, Parameter(min_length=1, max_length=200, description="Typed text.")],
        entity_type: Annotated[
            EntityType | None, QueryParameter(name="type", description="Only this type.")
        ] = None,
        limit: Annotated[int, Parameter(ge=1, le=LIMIT_MAX, description="At most.")] = 10,
    ) -> SuggestResult:
        return SuggestResult(
            prefix=prefix, result=suggest(reader, prefix, kind=entity_type, limit=limit)
        )

    @get(
        "/preview",
        operation_id="PreviewEntity",
        summary="A small HTML card of a medium or publisher (OpenRefine's hover preview)",
        media_type="text/html",
        sync_to_thread=False,
        responses=responses(404),
    )
    def preview(
        self,
        reader: ReleaseReader,
        entity_id: Annotated[str, QueryParameter(name="id", max_length=200, description="An id.")],
    ) -> str:
        found = lookup(reader, entity_id)
        if found is None:
            raise not_found("medium or publisher", entity_id, reader.ref.version, "reconcile first")
        kind, entity = found
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>'
            f"{html.escape(entity['name'])}</title></head>"
            '<body style="font:14px sans-serif;margin:6px">'
            f"<strong>{html.escape(entity['name'])}</strong><br>"
            f"{html.escape(TYPES[kind])} · {html.escape(describe(kind, entity))}<br>"
            f"<small>{html.escape(entity_id)}</small></body></html>"
        )

    @get(
        "/view/{entity_id:str}",
        operation_id="ViewEntity",
        summary="Where a reconciled id leads: the medium's or publisher's answer",
        status_code=302,
        sync_to_thread=False,
        responses=errors(404),
    )
    def view(
        self,
        request: Request[Any, Any, Any],
        reader: ReleaseReader,
        entity_id: Annotated[str, Parameter(max_length=200, description="An id.")],
    ) -> Redirect:
        found = lookup(reader, entity_id)
        if found is None:
            raise not_found("medium or publisher", entity_id, reader.ref.version, "reconcile first")
        kind, _ = found
        where = "media" if kind == "medium" else "publishers"
        return Redirect(f"{_base(request)}{API}/{where}/{entity_id}")
