"""Rate limiting per client address: Litestar's rate-limit middleware, counting in memory.

The stock ``RateLimitMiddleware`` keeps, per client, the time of every request in the
window in a ``Store``, decoding and re-encoding that whole list on each request under
three ``anyio`` locks (its own and the store's get and set, each a trip round the event
loop). Measured on the registration lookup it more than doubled the framework's cost per
request (README, Performance). The window it enforces is a fixed one (the list is
cleared at ``reset``), so this subclass keeps ``[count, reset]`` per client in a
dictionary shared by every route, read and written with no ``await`` in between (one
event loop: no lock needed). The checks, the 429 (``TooManyRequestsException``), the
``RateLimit-*`` headers, ``exclude`` and the client identifier are the stock ones. Counts
are per server process, as with the stock ``MemoryStore``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import time
from typing import Any

from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import (
    DURATION_VALUES,
    CacheObject,
    DurationUnit,
    RateLimitConfig,
    RateLimitMiddleware,
)

PRUNE_AT = 10_000  # clients in the table before windows that ended are dropped


class Count:
    """Stands for the stock middleware's list of request times: only its length is read."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n


class CountingRateLimitMiddleware(RateLimitMiddleware):
    config: CountingRateLimitConfig

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = scope["litestar_app"].request_class(scope)
        if await self.should_check_request(request=request):
            key = self.cache_key_from_request(request)
            windows = self.config.windows
            now = int(time())
            window = windows.get(key)
            if window is None or window[1] <= now:
                if len(windows) >= PRUNE_AT:
                    for k in [k for k, w in windows.items() if w[1] <= now]:
                        del windows[k]
                window = windows[key] = [0, now + DURATION_VALUES[self.unit]]
            if window[0] >= self.max_requests:
                seen = CacheObject(history=Count(window[0]), reset=window[1])  # type: ignore[arg-type]
                raise TooManyRequestsException(
                    headers=self.create_response_headers(cache_object=seen)
                    if self.config.set_rate_limit_headers
                    else None
                )
            window[0] += 1
            if self.config.set_rate_limit_headers:
                seen = CacheObject(history=Count(window[0]), reset=window[1])  # type: ignore[arg-type]
                send = self.create_send_wrapper(send=send, cache_object=seen)
        await self.app(scope, receive, send)


@dataclass
class CountingRateLimitConfig(RateLimitConfig):
    middleware_class: type[RateLimitMiddleware] = CountingRateLimitMiddleware
    windows: dict[str, list[int]] = field(default_factory=dict)  # client key → [count, reset]


def rate_limit_config(limit: tuple[DurationUnit, int]) -> CountingRateLimitConfig:
    return CountingRateLimitConfig(rate_limit=limit, exclude=["^/healthz$", "^/api/healthz$"])
