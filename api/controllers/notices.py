"""Notices (Art. 16) with their Atom feeds, and the penalties in publicity."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from publisher.read import answers as a
from publisher.read.notices import authority, notice, penalty
from publisher.read.pages import NoticePage, PenaltyPage, notice_page, penalty_page

from ..common import (
    API,
    Authority,
    DatedCursor,
    DateFrom,
    DateTo,
    DecisionKind,
    Limit,
    ReleaseReader,
    paged,
    responses,
)
from ..errors import not_found
from ..feeds import atom

ATOM_TYPE = "application/atom+xml"
FEED_SIZE = 50


class NoticeController(Controller):
    path = f"{API}/notices"
    tags = ["Notices"]

    @get(
        "/",
        operation_id="ListNotices",
        summary="Notices (公告, Art. 16), by publication date",
        description="Oldest first, filtered by authority, a decision kind they carry and a"
        " range of publication dates. A notice no source numbers is compiled by adreg"
        " (``compiled``); a publication date no source gives is the decision date"
        " (``publication_date_imputed``).",
        sync_to_thread=False,
        responses=responses(400),
    )
    def list_notices(
        self,
        request: Request[Any, Any, Any],
        reader: ReleaseReader,
        authority: Authority = None,
        kind: Annotated[
            DecisionKind | None, Parameter(description="Notices with a decision of this kind.")
        ] = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        cursor: DatedCursor = None,
        limit: Limit = 50,
    ) -> Response[NoticePage]:
        return paged(
            request,
            lambda: notice_page(
                reader,
                authority=authority,
                kind=kind,
                date_from=date_from,
                date_to=date_to,
                cursor=cursor or "",
                limit=limit,
            ),
        )

    @get(
        "/{notice_id:str}",
        operation_id="GetNotice",
        summary="A notice: its full text and every decision it publishes",
        sync_to_thread=False,
        responses=responses(404),
    )
    def get_notice(
        self,
        reader: ReleaseReader,
        notice_id: Annotated[str, Parameter(max_length=200, description="A notice's id.")],
    ) -> a.Notice:
        found = notice(reader, notice_id)
        if found is None:
            raise not_found("notice", notice_id, reader.ref.version, "list them at /api/v1/notices")
        return found


class FeedController(Controller):
    path = f"{API}/feeds/notices"
    tags = ["Notices"]

    def _feed(
        self, request: Request[Any, Any, Any], reader: ReleaseReader, code: str | None
    ) -> bytes:
        title = "广告发布登记公告"
        if code is not None:
            found = authority(reader, code)
            if found is None:
                raise not_found(
                    "authority",
                    code,
                    reader.ref.version,
                    "the release's authorities are in /api/v1/verify answers' coverage",
                )
            title = f"{found.name} {title}"
        page = notice_page(reader, authority=code, limit=FEED_SIZE, newest_first=True)
        full = [n for s in page.items if (n := notice(reader, s.id)) is not None]
        base = str(request.base_url).rstrip("/")
        return atom(
            title=title,
            feed_url=f"{base}{request.url.path}",
            base_url=base,
            release=reader.ref,
            notices=full,
        )

    @get(
        "/",
        operation_id="GetNoticeFeed",
        summary="Atom feed of the newest notices",
        description=f"The {FEED_SIZE} newest notices of every authority, newest first.",
        media_type=ATOM_TYPE,
        sync_to_thread=False,
        responses=responses(),
    )
    def notice_feed(self, request: Request[Any, Any, Any], reader: ReleaseReader) -> bytes:
        return self._feed(request, reader, None)

    @get(
        "/{authority_code:str}",
        operation_id="GetAuthorityNoticeFeed",
        summary="Atom feed of an authority's newest notices",
        description=f"The {FEED_SIZE} newest notices of one registering authority.",
        media_type=ATOM_TYPE,
        sync_to_thread=False,
        responses=responses(404),
    )
    def authority_feed(
        self,
        request: Request[Any, Any, Any],
        reader: ReleaseReader,
        authority_code: Annotated[
            str,
            Parameter(
                pattern=r"^[0-9]{6}$",
                description="A registering authority's GB/T 2260 division code, e.g. 340100.",
            ),
        ],
    ) -> bytes:
        return self._feed(request, reader, authority_code)


class PenaltyController(Controller):
    path = f"{API}/penalties"
    tags = ["Penalties"]

    @get(
        "/",
        operation_id="ListPenalties",
        summary="Penalties in publicity on the release's as-of date",
        description="By decision date. Only penalties in publicity on the as-of date, under"
        " the rules in force then, are in a release (see the README's penalty rules);"
        " ``party`` is a credit code (a party's, or a registrant's id).",
        sync_to_thread=False,
        responses=responses(400),
    )
    def list_penalties(
        self,
        request: Request[Any, Any, Any],
        reader: ReleaseReader,
        party: Annotated[
            str | None, Parameter(max_length=200, description="A party's credit code.")
        ] = None,
        authority: Authority = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        cursor: DatedCursor = None,
        limit: Limit = 50,
    ) -> Response[PenaltyPage]:
        return paged(
            request,
            lambda: penalty_page(
                reader,
                party=party,
                authority=authority,
                date_from=date_from,
                date_to=date_to,
                cursor=cursor or "",
                limit=limit,
            ),
        )

    @get(
        "/{penalty_id:str}",
        operation_id="GetPenalty",
        summary="A penalty in publicity",
        sync_to_thread=False,
        responses=responses(404),
    )
    def get_penalty(
        self,
        reader: ReleaseReader,
        penalty_id: Annotated[str, Parameter(max_length=200, description="A penalty's id.")],
    ) -> a.Penalty:
        found = penalty(reader, penalty_id)
        if found is None:
            raise not_found(
                "penalty in publicity",
                penalty_id,
                reader.ref.version,
                "list them at /api/v1/penalties",
            )
        return found
