"""Every error as RFC 9457 problem details (``application/problem+json``), with a message a
person can act on: Litestar's ``ProblemDetailsPlugin`` with our mapping of exceptions.

400: a malformed parameter (each named in ``errors``); 404: no such id in this release;
429: too many requests; 503: no release to answer from. Anything else is a bug, still
answered as problem details (500), never as a traceback.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_503_SERVICE_UNAVAILABLE

from publisher.errors import UserError
from publisher.read.changes import ChangesUnavailable

log = logging.getLogger("adreg.api")

HINTS = {
    "on": "give a date as YYYY-MM-DD",
    "from": "give a date as YYYY-MM-DD",
    "to": "give a date as YYYY-MM-DD",
    "limit": "give a whole number from 1 to 100",
    "q": "give a name, code or number to look for",
}


class BadRequest(ValidationException):
    """A parameter that parses but cannot be answered (a cursor this list did not give…)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(
            detail=f"{parameter}: {message}",
            extra=[{"key": parameter, "message": message, "source": "query"}],
        )


def not_found(what: str, ident: str, version: str, hint: str) -> NotFoundException:
    return NotFoundException(detail=f"no {what} {ident!r} in release {version}; {hint}")


def _problem(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> ProblemDetailsException:
    return ProblemDetailsException(
        status_code=status,
        type_="about:blank",
        title=HTTPStatus(status).phrase,
        detail=detail,
        headers=headers,
        extra={"errors": errors} if errors else None,
    )


def _param_errors(exc: ValidationException) -> list[dict[str, str]]:
    out = []
    extra: Any = exc.extra
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        key = str(item.get("key") or "")
        message = str(item.get("message") or "not valid")
        hint = HINTS.get(key)
        if hint and hint not in message:
            message = f"{message}: {hint}"
        out.append({"parameter": key, "message": message})
    return out


def _from_http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ValidationException):
        errors = _param_errors(exc)
        if errors and not isinstance(exc, BadRequest):
            detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        else:
            detail = exc.detail
        return _problem(HTTP_400_BAD_REQUEST, detail, errors=errors, headers=exc.headers)
    detail = exc.detail
    if exc.status_code == 404 and detail in ("", "Not Found"):
        detail = "no such path: the API's paths are listed at /api/schema"
    elif exc.status_code == 405:
        detail = f"{detail}: this API answers GET (and POST for reconciliation) only"
    elif exc.status_code == 429:
        detail = "too many requests from this address: wait for the seconds RateLimit-Reset says"
    return _problem(exc.status_code, detail, headers=exc.headers)


def _from_user_error(exc: UserError) -> ProblemDetailsException:
    if isinstance(exc, ChangesUnavailable):
        return _problem(404, str(exc))
    return _problem(HTTP_503_SERVICE_UNAVAILABLE, f"no release to answer from: {exc}")


def _from_bug(exc: Exception) -> ProblemDetailsException:
    log.exception("unexpected error", exc_info=exc)
    return _problem(500, "an unexpected error; it is logged, and please tell the maintainers")


def problem_details() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            enable_for_all_http_exceptions=True,
            exception_to_problem_detail_map={
                HTTPException: _from_http,
                UserError: _from_user_error,
                Exception: _from_bug,
            },
        )
    )
