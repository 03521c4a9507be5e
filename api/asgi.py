"""The application as an ASGI server imports it: ``api.asgi:from_env`` (a factory) reads
the release and the rate limit from the environment (``python -m api`` sets them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

from litestar.middleware.rate_limit import DurationUnit

from publisher.errors import UserError

if TYPE_CHECKING:
    from .app import AdregApi

ENV_RELEASE = "ADREG_API_RELEASE"
ENV_RATE = "ADREG_API_RATE_LIMIT"
UNITS = ("second", "minute", "hour", "day")


def parse_rate(text: str) -> tuple[DurationUnit, int] | None:
    """``600/minute`` → ("minute", 600); ``off`` → None."""
    if text.strip().lower() == "off":
        return None
    count, _, unit = text.partition("/")
    if not count.strip().isdigit() or int(count) < 1 or unit.strip() not in UNITS:
        raise UserError(f"--rate-limit {text!r}: give N/second, N/minute, N/hour, N/day or off")
    return cast(DurationUnit, unit.strip()), int(count)


def from_env() -> AdregApi:
    from .app import create_app

    release = os.environ.get(ENV_RELEASE)
    if not release:
        raise UserError(f"set {ENV_RELEASE} to a release folder or output root")
    return create_app(Path(release), rate_limit=parse_rate(os.environ.get(ENV_RATE, "off")))
