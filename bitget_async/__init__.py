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
    ConfigurationError,
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
    PaginationError,
    PositionNotFoundError,
    RateLimitError,
    RateLimiterUnavailableError,
    ResponseDecodeError,
    ServerError,
    StreamAuthError,
    StreamConnectionError,
    StreamError,
    StreamRateLimitError,
    StreamSubscribeError,
    TimeoutError,
    TimestampError,
    TransportError,
    UnsupportedAsyncLibraryError,
    ValidationError,
)
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
    "ROUTES",
    "UNSET",
    "APIError",
    "AuthenticationError",
    "BatchRateLimiter",
    "BitgetClient",
    "BitgetError",
    "ClientClosedError",
    "ConfigurationError",
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
    "PaginationError",
    "Paginator",
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
    "StreamAuthError",
    "StreamConfig",
    "StreamConnectionError",
    "StreamError",
    "StreamRateLimitError",
    "StreamSubscribeError",
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
