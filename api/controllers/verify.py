"""``GET /api/v1/verify``: the advertiser's question, answered as ``adreg verify --json``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from publisher.read.answers import VerifyAnswer
from publisher.read.verify import verify

from ..common import API, ReleaseReader, responses


class VerifyController(Controller):
    path = f"{API}/verify"
    tags = ["Verification"]

    @get(
        "/",
        operation_id="VerifyMedium",
        summary="Was a medium registered and valid on a date?",
        description=(
            "The advertiser's question (the same answer as ``adreg verify --json``). ``q`` is a"
            " medium's name (current or former), CN number, ISSN, frequency or channel, a"
            " registration number, or a publisher's or sponsor's name or credit code; else"
            " names containing it (1–2 Chinese characters and pinyin too). The verdict is a"
            " status (valid, deemed_renewal, expired, cancelled, withdrawn, annulled, revoked)"
            " or not_registered, no_match, ambiguous (with candidates), before_regime or"
            " no_longer_required; with what matched and why, the registration, registrant,"
            " authority, licence window, the decisions that prove it (with links to their"
            " notices), penalties in publicity, warnings, and the release answered from."
        ),
        sync_to_thread=False,
        responses=responses(400),
    )
    def verify(
        self,
        reader: ReleaseReader,
        q: Annotated[
            str,
            Parameter(
                min_length=1,
                max_length=200,
                description="A medium's name, CN number, ISSN, frequency or channel, a"
                " registration number, or a publisher's or sponsor's name or credit code.",
            ),
        ],
        on: Annotated[
            date | None,
            Parameter(
                description="The date asked about (YYYY-MM-DD); default: the release's as-of date."
            ),
        ] = None,
    ) -> VerifyAnswer:
        return verify(reader, q, on or reader.ref.as_of)
