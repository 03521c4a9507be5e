"""The API's own response Structs: errors, health, the release with its downloads, and the
W3C Reconciliation API's shapes. Every answer about the register itself is a read-side
Struct (:mod:`publisher.read.answers`, ``pages``, ``changes``, ``reconcile``): the API
serves those as they are. All share the read side's one base, ``Answer``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from publisher.read.answers import Answer, ReleaseRef
from publisher.read.reconcile import ReconCandidate, Suggestion

PROBLEM_JSON = "application/problem+json"


class Problem(Answer):
    """An error, as RFC 9457 problem details: what went wrong and what to do instead."""

    title: str
    status: int
    detail: str
    type: str = "about:blank"
    instance: str | None = None
    errors: list[ParamError] = []  # one per query or path parameter that was not right


class ParamError(Answer):
    parameter: str
    message: str


class Health(Answer):
    status: str  # ok
    version: str  # the release served now
    as_of: str


class Download(Answer):
    path: str  # in the release folder
    bytes: int
    sha256: str
    url: str  # where to download it


class ReleaseAnswer(Answer):
    """The release served now: its facts, every file with bytes and sha256, and links."""

    release: ReleaseRef
    as_of: str
    created: str
    previous: str | None
    last_changed: str | None  # when the data last changed (from the output root's index)
    package_zip: Download | None  # the whole data package in one zip file
    files: list[Download]
    counts: dict[str, int]


# ---- W3C Reconciliation API (https://www.w3.org/community/reports/reconciliation/) ---


class ReconTypeRef(Answer):
    id: str
    name: str


class ServiceView(Answer):
    url: str


class ServicePreview(Answer):
    url: str
    width: int
    height: int


class SuggestService(Answer):
    service_url: str
    service_path: str


class SuggestServices(Answer):
    entity: SuggestService


class ReconManifest(Answer):
    versions: list[str]
    name: str
    identifierSpace: str
    schemaSpace: str
    defaultTypes: list[ReconTypeRef]
    view: ServiceView
    preview: ServicePreview
    suggest: SuggestServices
    batchSize: int
    documentation: str


class ReconResult(Answer):
    result: list[ReconCandidate]


class SuggestResult(Answer):
    prefix: str
    result: list[Suggestion]


class ReconQuery(msgspec.Struct, forbid_unknown_fields=False, kw_only=True):
    """One query of a batch, as OpenRefine sends it (unknown keys are ignored)."""

    query: str
    type: str | list[str] | None = None
    limit: int | float | None = None  # JSON Schema's integer: 5 and 5.0 alike
    properties: list[ReconProperty] = []
    type_strict: str | None = None


class ReconProperty(msgspec.Struct, forbid_unknown_fields=False, kw_only=True):
    pid: str
    v: Any
