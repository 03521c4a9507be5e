"""The application factory: every piece of the API wired in one place.

``create_app(release_root)`` builds the Litestar application over a release (or an output
root, whose ``current`` release is followed per request). Everything is under ``/api``
(``/api/v1/…``, the OpenAPI document at ``/api/schema``), plus ``/healthz``, so the app can
be served alone or mounted under ``/api`` by another application (see :class:`AdregApi`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.middleware.rate_limit import DurationUnit
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import License, Tag

from .common import provide_reader
from .controllers import CONTROLLERS, health, health_under_api
from .errors import problem_details
from .ratelimit import rate_limit_config
from .releases import Releases, release_layer

DEFAULT_RATE_LIMIT: tuple[DurationUnit, int] = ("minute", 600)
EXPOSED = [
    "ETag",
    "Link",
    "Adreg-Release",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
]
TAGS = [
    Tag(
        name="Verification",
        description="The advertiser's question: registered and valid on a date?",
    ),
    Tag(name="Registrations", description="Registrations and their history"),
    Tag(name="Publishers", description="Registrants (广告发布单位): search and detail"),
    Tag(name="Media", description="Radio frequencies, TV channels, newspapers, periodicals"),
    Tag(name="Notices", description="Article 16 notices (公告) and their Atom feeds"),
    Tag(name="Penalties", description="Penalties in publicity on the release's as-of date"),
    Tag(name="Changes", description="What changed since an earlier release"),
    Tag(name="Reconciliation", description="W3C Reconciliation API for OpenRefine"),
    Tag(name="Release", description="The release served, its files, and health"),
]
DESCRIPTION = """China's advertising-publication register (广告发布登记, 2016 regulation) as
open data: read-only answers from one release of the register. Every answer names the
release it comes from (version, as-of date, database sha256); lists are keyset-paginated
(``next`` and a ``Link: rel="next"`` header); answers carry an ETag tied to the release
(send ``If-None-Match`` for 304); errors are RFC 9457 problem details."""


class AdregApi(Litestar):
    """Litestar, with each HTTP request bound to its release before routing.

    Mounted under ``/api`` by a parent Litestar app (``@asgi("/api", is_mount=True)``), the
    request's ``path`` arrives without ``/api``; it is restored from ``raw_path``, so the
    same routes answer alone and mounted. The caller's scope is never changed (a copy is)."""

    releases: Releases

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        path = scope["path"]
        if not path.startswith("/api") and path != "/healthz":
            raw: bytes = scope.get("raw_path") or b""
            if raw.startswith(b"/api/") and not raw.startswith(path.encode("latin-1")):
                path = "/api" + path
        scope = {**scope, "path": path}
        await release_layer(super().__call__, self.releases, scope, receive, send)


def create_app(
    release_root: Path,
    *,
    rate_limit: tuple[DurationUnit, int] | None = DEFAULT_RATE_LIMIT,
    debug: bool = False,
) -> AdregApi:
    """The API over ``release_root`` (a release folder or an output root, whose current
    release is followed per request; with none yet, requests are answered 503 until one is
    published). ``rate_limit``: requests per client address per unit (None: no limit)."""
    releases = Releases(release_root)
    middleware = []
    if rate_limit is not None:
        middleware.append(rate_limit_config(rate_limit).middleware)
    app = AdregApi(
        route_handlers=[*CONTROLLERS, health, health_under_api],
        dependencies={"reader": Provide(provide_reader, sync_to_thread=False)},
        openapi_config=_openapi(),
        plugins=[problem_details()],
        middleware=middleware,
        cors_config=CORSConfig(
            allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"], expose_headers=EXPOSED
        ),
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=500, gzip_compress_level=6
        ),
        debug=debug,
    )
    app.releases = releases
    return app


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="adreg: 广告发布登记公开数据 API",
        version="1.0.0",
        description=DESCRIPTION,
        license=License(name="Data: ODC-PDDL-1.0; code: Apache-2.0", identifier="ODC-PDDL-1.0"),
        tags=TAGS,
        path="/api/schema",
        render_plugins=[
            JsonRenderPlugin(path=["/openapi.json"]),
            YamlRenderPlugin(path=["/openapi.yaml"]),
            SwaggerRenderPlugin(path="/swagger"),
        ],
    )
