"""Registrations, publishers and media: a detail by id, and lists."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import Parameter, QueryParameter

from publisher.read import answers as a
from publisher.read.entities import medium, publisher, registration
from publisher.read.pages import RegistrationPage, SearchPage, registration_page, search_page

from ..common import (
    API,
    Authority,
    Cursor,
    Limit,
    MediumType,
    OptionalDay,
    Query,
    ReleaseReader,
    Status,
    paged,
    responses,
)
from ..errors import not_found

SEARCH = "search with ?q= (a name, pinyin or code)"


class RegistrationController(Controller):
    path = f"{API}/registrations"
    tags = ["Registrations"]

    @get(
        "/",
        operation_id="ListRegistrations",
        summary="Registrations, filtered, a page at a time",
        description="In id order. ``status`` is read on ``on`` (default: the release's horizon,"
        " its as-of date capped at the regime's end); ``q`` keeps registrations whose"
        " registrant or media a name search finds (the first 500).",
        sync_to_thread=False,
        responses=responses(400),
    )
    def list_registrations(
        self,
        request: Request[Any, Any, Any],
        reader: ReleaseReader,
        authority: Authority = None,
        status: Annotated[Status | None, Parameter(description="The status on ``on``.")] = None,
        on: OptionalDay = None,
        medium_type: Annotated[
            MediumType | None, Parameter(description="Registrations with a medium of this type.")
        ] = None,
        q: Annotated[
            str | None,
            Parameter(max_length=200, description="A name, pinyin or code (see ListPublishers)."),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Response[RegistrationPage]:
        return paged(
            request,
            lambda: registration_page(
                reader,
                authority=authority,
                status=status,
                on=on,
                medium_type=medium_type,
                q=q or None,
                cursor=cursor or "",
                limit=limit,
            ),
        )

    @get(
        "/{registration_id:str}",
        operation_id="GetRegistration",
        summary="A registration's whole history",
        description="Registrant, authority, media, status periods, details over time,"
        " decisions (with links to their notices) and penalties in publicity.",
        sync_to_thread=False,
        responses=responses(404),
    )
    def get_registration(
        self,
        reader: ReleaseReader,
        registration_id: Annotated[
            str,
            Parameter(
                max_length=200, description="A registration's id (division code-credit code)."
            ),
        ],
    ) -> a.Registration:
        found = registration(reader, registration_id)
        if found is None:
            raise not_found("registration", registration_id, reader.ref.version, SEARCH)
        return found


class PublisherController(Controller):
    path = f"{API}/publishers"
    tags = ["Publishers"]

    @get(
        "/",
        operation_id="ListPublishers",
        summary="Search publishers (registrants) by name, pinyin or credit code",
        description="Names containing ``q`` (1, 2 and 3+ Chinese characters), pinyin in full"
        " (hunanweishi) or initials (hnws) from the start of a word, and credit-code prefixes;"
        " the best ``limit``, identifiers and pinyin first.",
        sync_to_thread=False,
        responses=responses(400),
    )
    def list_publishers(self, reader: ReleaseReader, q: Query, limit: Limit = 50) -> SearchPage:
        return search_page(reader, q, kind="publisher", limit=limit)

    @get(
        "/{credit_code:str}",
        operation_id="GetPublisher",
        summary="A publisher by credit code (its own or its sponsor's)",
        description="Its registrations with their status on the release's horizon, and the"
        " penalties in publicity against it.",
        sync_to_thread=False,
        responses=responses(404),
    )
    def get_publisher(
        self,
        reader: ReleaseReader,
        credit_code: Annotated[
            str,
            Parameter(max_length=200, description="A unified social credit code (or an id)."),
        ],
    ) -> a.Publisher:
        found = publisher(reader, credit_code)
        if found is None:
            raise not_found("publisher", credit_code, reader.ref.version, SEARCH)
        return found


class MediaController(Controller):
    path = f"{API}/media"
    tags = ["Media"]

    @get(
        "/",
        operation_id="ListMedia",
        summary="Search media by name, pinyin, CN number or ISSN",
        description="As ListPublishers, for media (radio frequencies, TV channels, newspapers,"
        " periodicals); ``type`` keeps one type.",
        sync_to_thread=False,
        responses=responses(400),
    )
    def list_media(
        self,
        reader: ReleaseReader,
        q: Query,
        medium_type: Annotated[
            MediumType | None, QueryParameter(name="type", description="Only media of this type.")
        ] = None,
        limit: Limit = 50,
    ) -> SearchPage:
        return search_page(reader, q, kind="medium", medium_type=medium_type, limit=limit)

    @get(
        "/{medium_id:str}",
        operation_id="GetMedium",
        summary="A medium, with its names over time",
        sync_to_thread=False,
        responses=responses(404),
    )
    def get_medium(
        self,
        reader: ReleaseReader,
        medium_id: Annotated[str, Parameter(max_length=200, description="A medium's id.")],
    ) -> a.Medium:
        found = medium(reader, medium_id)
        if found is None:
            raise not_found("medium", medium_id, reader.ref.version, SEARCH)
        return found
