"""What every controller shares: the release as a dependency, documented error responses,
parameter types, and the ``Link: <…>; rel="next"`` header of a page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, Protocol, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, QueryParameter

from publisher.errors import UserError
from publisher.read.reader import Reader

from .releases import SCOPE_KEY
from .schemas import PROBLEM_JSON, Problem

API = "/api/v1"


def provide_reader(request: Request[Any, Any, Any]) -> Reader:
    """The release this request was bound to when it started (see :mod:`api.releases`)."""
    reader = request.scope.get(SCOPE_KEY)
    if isinstance(reader, Reader):
        return reader
    raise reader if isinstance(reader, UserError) else UserError("no release bound")


_DESCRIPTIONS = {
    400: "A parameter is malformed: ``errors`` names each, with what to give instead.",
    404: "No such id in this release (or nothing to list changes from).",
    429: "Too many requests from this address: wait RateLimit-Reset seconds.",
    503: "No release to answer from.",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The error responses of a handler, as problem details (400, 429 and 503 with any)."""
    out = {
        code: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[code],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for code in sorted({400, *codes, 429, 503})
    }
    return out


def not_modified() -> dict[int, ResponseSpec]:
    return {
        304: ResponseSpec(
            data_container=None,
            description="Not modified: the release is the one your If-None-Match names.",
            generate_examples=False,
        )
    }


def responses(*codes: int) -> dict[int, ResponseSpec]:
    return {**errors(*codes), **not_modified()}


class Page(Protocol):
    next: str | None


P = TypeVar("P", bound=Page)


def paged(request: Request[Any, Any, Any], make: Callable[[], P]) -> Response[P]:
    """A page with the ``Link`` to the next one; a cursor the list did not give is a 400."""
    from .errors import BadRequest

    try:
        page = make()
    except ValueError as exc:
        raise BadRequest("cursor", f"{exc}; give the next of the page before, or none") from None
    return Response(page, headers=next_link(request, page.next))


def next_link(request: Request[Any, Any, Any], cursor: str | None) -> dict[str, str]:
    """``Link`` to the next page (the same query with ``cursor``), if there is one."""
    if cursor is None:
        return {}
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    params.append(("cursor", cursor))
    url = f"{str(request.base_url).rstrip('/')}{request.url.path}?{urlencode(params)}"
    return {"Link": f'<{url}>; rel="next"'}


# ---- parameters ------------------------------------------------------------------------

Status = Literal[
    "valid",
    "deemed_renewal",
    "expired",
    "cancelled",
    "withdrawn",
    "annulled",
    "revoked",
    "not_registered",
]
MediumType = Literal["radio_frequency", "tv_channel", "newspaper", "periodical"]
DecisionKind = Literal[
    "grant", "change", "renewal", "cancellation", "withdrawal", "annulment", "revocation"
]

Limit = Annotated[
    int,
    Parameter(ge=1, le=100, description="How many items a page holds at the most (1–100)."),
]
Cursor = Annotated[
    str | None,
    Parameter(
        max_length=300,
        description="Where a page starts: the ``next`` of the page before (omit for the first).",
    ),
]
DatedCursor = Annotated[
    str | None,
    Parameter(
        max_length=300,
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\|.+$",
        description="Where a page starts: the ``next`` of the page before (omit for the first);"
        " YYYY-MM-DD|id.",
    ),
]
Authority = Annotated[
    str | None,
    Parameter(
        pattern=r"^[0-9]{6}$",
        description="A registering authority's GB/T 2260 division code, e.g. 340100.",
    ),
]
OptionalDay = Annotated[
    date | None,
    Parameter(description="A date, YYYY-MM-DD."),
]
DateFrom = Annotated[
    date | None, QueryParameter(name="from", description="From this date on (YYYY-MM-DD).")
]
DateTo = Annotated[
    date | None, QueryParameter(name="to", description="Up to this date (YYYY-MM-DD).")
]
Query = Annotated[
    str,
    Parameter(
        min_length=1,
        max_length=200,
        description="A name (Chinese, 1 character or more; pinyin in full or initials) or a"
        " code (credit code, CN number, ISSN) or its beginning.",
    ),
]

# The handlers' release: the dependency ``reader`` (see provide_reader).
ReleaseReader = NamedDependency[Reader]
