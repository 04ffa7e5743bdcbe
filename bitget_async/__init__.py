"""bitget_async: the async Python client for the Bitget REST API v2.

    async with BitgetClient.from_env() as client:
        tickers = await client.spot.market.tickers(symbol="BTCUSDT")

Public names only; the implementation lives in private modules (see STYLE.md in the repo).
"""

from __future__ import annotations

from . import models, signing
from ._client import BitgetClient
from ._config import Credentials, Limits, RetryPolicy
from ._errors import (
    APIError,
    AuthenticationError,
    BitgetError,
    ClientClosedError,
    ConnectError,
    DemoEnvironmentError,
    DuplicateClientOidError,
    InsufficientBalanceError,
    InvalidParameterError,
    MinimumAmountError,
    MissingCredentialsError,
    NetworkError,
    NotFoundError,
    OrderNotFoundError,
    OrderStateUnknownError,
    PositionNotFoundError,
    RateLimitError,
    RateLimiterUnavailableError,
    ResponseDecodeError,
    ServerError,
    TimeoutError,
    TimestampError,
    TransportError,
    UnsupportedAsyncLibraryError,
    ValidationError,
)
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

__version__ = "0.1.0"

__all__ = [
    "ROUTES",
    "UNSET",
    "APIError",
    "AuthenticationError",
    "BatchRateLimiter",
    "BitgetClient",
    "BitgetError",
    "ClientClosedError",
    "ConnectError",
    "Credentials",
    "DemoEnvironmentError",
    "DuplicateClientOidError",
    "InsufficientBalanceError",
    "InvalidParameterError",
    "Limits",
    "LocalRateLimiter",
    "MinimumAmountError",
    "MissingCredentialsError",
    "NetworkError",
    "NotFoundError",
    "OrderNotFoundError",
    "OrderStateUnknownError",
    "Param",
    "PositionNotFoundError",
    "RateLimitError",
    "RateLimitExceeded",
    "RateLimiter",
    "RateLimiterUnavailable",
    "RateLimiterUnavailableError",
    "RateLimits",
    "RedisRateLimiter",
    "Reservation",
    "ResponseDecodeError",
    "RetryPolicy",
    "Route",
    "ServerError",
    "TimeoutError",
    "TimestampError",
    "TransportError",
    "Unset",
    "UnsupportedAsyncLibraryError",
    "ValidationError",
    "WindowLimit",
    "__version__",
    "find_route",
    "models",
    "signing",
]
