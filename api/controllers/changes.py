"""``GET /api/v1/changes``: what changed since an earlier release, row by row."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from publisher.read.changes import ChangesPage, changes_since

from ..common import API, Limit, ReleaseReader, paged, responses
from ..errors import not_found


class ChangesController(Controller):
    path = f"{API}/changes"
    tags = ["Changes"]

    @get(
        "/",
        operation_id="ListChanges",
        summary="Rows added, removed and changed since an earlier release",
        description="Between release ``since`` and the current one, resource by resource in"
        " key order: each row's key, what happened to it and its contents before and after"
        " (changed rows list the fields that differ). Releases in between are merged (a row"
        " added then removed is no change). ``last_changed`` says when the data last"
        " changed; ``steps`` count each release's own diff.",
        sync_to_thread=True,
        responses=responses(400, 404),
    )
    def list_changes(
        self,
        request: Request[Any, Any, Any],
        reader: ReleaseReader,
        since: Annotated[
            str,
            Parameter(
                min_length=1,
                max_length=50,
                description="An earlier release's version, e.g. 1.1.0.",
            ),
        ],
        cursor: Annotated[
            str | None,
            Parameter(
                max_length=300,
                pattern=r"^[a-z_]+:.*$",
                description="Where a page starts: the ``next`` of the page before (omit for the"
                " first); resource:key.",
            ),
        ] = None,
        limit: Limit = 50,
    ) -> Response[ChangesPage]:
        try:
            return paged(
                request, lambda: changes_since(reader, since, after=cursor or "", limit=limit)
            )
        except KeyError:
            raise not_found(
                "earlier release",
                since,
                reader.ref.version,
                "give a version listed in the output root's index.json, older than this one",
            ) from None
