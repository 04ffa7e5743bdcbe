"""bitget_async: the async Python client for the Bitget REST API v2.

    async with BitgetClient.from_env() as client:
        tickers = await client.spot.market.tickers(symbol="BTCUSDT")

Public names only; the implementation lives in private modules (see STYLE.md in the repo).
"""

from __future__ import annotations

from . import models, signing
from ._client import BitgetClient
from ._config import Credentials, Limits, RetryPolicy
from ._errors import *  # noqa: F403  (the exception classes, listed once in _errors.__all__)
from ._errors import __all__ as _error_names
from ._pagination import Paginator
from ._ratelimit import (
    BatchRateLimiter,
    LocalRateLimiter,
    RateLimiter,
    RateLimiterUnavailable,
    RateLimitExceeded,
    RateLimits,
    RedisRateLimiter,
    Reservation,
    WindowLimit,
)
from ._routes import ROUTES, Param, Route, find_route
from ._types import UNSET, Unset
from ._version import __version__
from .stream import StreamConfig

__all__ = [
    *_error_names,
    "ROUTES",
    "UNSET",
    "BatchRateLimiter",
    "BitgetClient",
    "Credentials",
    "Limits",
    "LocalRateLimiter",
    "Paginator",
    "Param",
    "RateLimitExceeded",
    "RateLimiter",
    "RateLimiterUnavailable",
    "RateLimits",
    "RedisRateLimiter",
    "Reservation",
    "RetryPolicy",
    "Route",
    "StreamConfig",
    "Unset",
    "WindowLimit",
    "__version__",
    "find_route",
    "models",
    "signing",
]
