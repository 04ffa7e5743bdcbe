"""Exceptions raised by bitget_async (which Bitget code means which class: ``_error_codes.py``).

Every failure a caller can see is a ``BitgetError``.  The tree::

    BitgetError
    ├── ClientClosedError             the client was used after ``aclose()``
    ├── ConfigurationError (ValueError)  a client or policy built with an impossible setting
    ├── ValidationError (ValueError)  bad input caught before any network I/O
    │   └── MissingCredentialsError   a signed route called on a client without keys
    ├── TransportError                no usable HTTP answer arrived
    │   ├── ConnectError              nothing was sent (``request_sent`` is False)
    │   ├── TimeoutError              also a builtin ``TimeoutError``; ``request_sent`` says whether a write may have happened
    │   └── NetworkError              connection dropped mid-flight (``request_sent`` True)
    ├── OrderStateUnknownError        an order's fate could not be established; carries ``client_oid``
    ├── PaginationError               a page's cursor did not move (the next page would repeat this one)
    ├── StreamError                   WebSocket: carries ``code`` (300xx as a string) and ``arg``
    │   ├── StreamAuthError           login refused (30005, 30011-30015) or private data without login (30004)
    │   ├── StreamSubscribeError      a subscribe refused (30001 unknown channel ...)
    │   ├── StreamRateLimitError      30006/30007, or a local limit that cannot be met in time
    │   └── StreamConnectionError     no connection within the timeout, or the handshake failed
    ├── UnsupportedAsyncLibraryError  a component that cannot run on this event loop (Redis on trio)
    └── APIError                      Bitget answered with a non-success envelope or HTTP status
        ├── AuthenticationError       40001-40003, 40006, 40009, 40011, 40012, 40037 ... and HTTP 401/403
        ├── TimestampError            40005, 40008
        ├── DemoEnvironmentError      40099 (demo key without ``paptrading`` or the reverse)
        ├── NotFoundError             40404 and HTTP 404
        ├── RateLimitError            HTTP 429, 429 codes; also raised locally before sending
        │   └── RateLimiterUnavailableError  a shared limiter (Redis) unreachable, failing closed
        ├── InsufficientBalanceError  40762, 43012 ...
        ├── PositionNotFoundError     40764, 22002, 40757
        ├── MinimumAmountError        45110 ...
        ├── DuplicateClientOidError   43118, 40786, or a clientOid found on another order
        ├── OrderNotFoundError        40768, 43001 ...
        ├── InvalidParameterError     40017, 40019, 40020, 400171 ...
        ├── ResponseDecodeError       a success envelope whose ``data`` did not match the model
        └── ServerError               HTTP 5xx, or a body that was not Bitget JSON

Errors carry data (``code``, ``msg``, ``http_status``, ``method``, ``path``, ``request_time``,
``client_oid``), never credentials: the transport only ever hands them the route path and the
decoded envelope, so there is nothing secret to leak.  ``__repr__`` lists the safe fields only.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping

__all__ = [
    "APIError",
    "AuthenticationError",
    "BitgetError",
    "ClientClosedError",
    "ConfigurationError",
    "ConnectError",
    "DemoEnvironmentError",
    "DuplicateClientOidError",
    "InsufficientBalanceError",
    "InvalidParameterError",
    "MinimumAmountError",
    "MissingCredentialsError",
    "NetworkError",
    "NotFoundError",
    "OrderNotFoundError",
    "OrderStateUnknownError",
    "PaginationError",
    "PositionNotFoundError",
    "RateLimitError",
    "RateLimiterUnavailableError",
    "ResponseDecodeError",
    "ServerError",
    "StreamAuthError",
    "StreamConnectionError",
    "StreamError",
    "StreamRateLimitError",
    "StreamSubscribeError",
    "TimeoutError",
    "TimestampError",
    "TransportError",
    "UnsupportedAsyncLibraryError",
    "ValidationError",
]


class BitgetError(Exception):
    """Base class: catch this to catch everything bitget_async raises on purpose."""

    # What ``repr`` shows after the message: safe attributes only, named by each class once.
    _repr_fields: tuple[str, ...] = ()
    _repr_message = True  # False where the message is only the fields again (``APIError``)

    def __repr__(self) -> str:
        parts = [repr(a) for a in self.args] if self._repr_message else []
        parts += [f"{name}={getattr(self, name)!r}" for name in self._repr_fields]
        return f"{type(self).__name__}({', '.join(parts)})"


class ClientClosedError(BitgetError, RuntimeError):
    """The client was used after ``aclose()`` (or outside its ``async with`` block)."""


class ConfigurationError(BitgetError, ValueError):
    """A client, policy or limit constructed with a setting that cannot work (raised at
    construction, before anything is sent)."""


class UnsupportedAsyncLibraryError(BitgetError, RuntimeError):
    """A component was used on an event loop it cannot run on (redis-py's client is asyncio-only,
    so ``RedisRateLimiter`` refuses trio instead of failing somewhere inside redis-py)."""


class ValidationError(BitgetError, ValueError):
    """Input refused before any I/O; the message names the parameter and what was expected."""

    def __init__(self, message: str, *, param: str | None = None, route: str | None = None) -> None:
        super().__init__(message)
        self.param = param
        self.route = route


class MissingCredentialsError(ValidationError):
    """A signed route was called on a client constructed without API credentials."""


class TransportError(BitgetError):
    """No usable HTTP response.  ``request_sent`` tells whether the server may have acted on it."""

    _repr_fields = ("method", "path", "request_sent", "client_oid")

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        request_sent: bool = False,
        client_oid: str | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.request_sent = request_sent
        self.client_oid = client_oid


class ConnectError(TransportError):
    """The connection could not be made; nothing reached the exchange."""


class TimeoutError(TransportError, builtins.TimeoutError):
    """A timeout.  With ``request_sent=True`` the exchange may have executed the request.

    Also a builtin ``TimeoutError``, so ``except TimeoutError`` written against the standard
    library (or ``asyncio.wait_for``) catches it too."""


class NetworkError(TransportError):
    """The connection broke after the request was (possibly) written."""


class OrderStateUnknownError(BitgetError):
    """An order request had an ambiguous outcome and the follow-up lookups did not settle it.

    The order may or may not exist on the exchange.  Look it up later by ``client_oid``;
    never blindly re-send with a new id.
    """

    _repr_fields = ("client_oid", "path")

    def __init__(self, message: str, *, client_oid: str, method: str, path: str) -> None:
        super().__init__(message)
        self.client_oid = client_oid
        self.method = method
        self.path = path


class PaginationError(BitgetError):
    """A paginated walk could not move on: the page named the cursor it was asked with.

    Walking on would fetch the same page again (duplicates, and no end), so the iterator stops
    with this instead; ``route`` is the python name, ``cursor`` the stuck value."""

    def __init__(self, message: str, *, route: str, cursor: str) -> None:
        super().__init__(message)
        self.route = route
        self.cursor = cursor


class StreamError(BitgetError):
    """A WebSocket failure.  ``code`` is Bitget's event code as a string (live frames send numbers,
    the doc examples strings); ``arg`` the subscription it concerns, if any."""

    _repr_fields = ("code", "arg")

    def __init__(self, message: str, *, code: str | None = None, arg: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.arg = dict(arg) if arg is not None else None


class StreamAuthError(StreamError):
    """Login refused, or a private channel used without a login."""


class StreamSubscribeError(StreamError):
    """Bitget refused a subscribe (unknown channel, bad instId ...)."""


class StreamRateLimitError(StreamError):
    """Too many WebSocket requests (Bitget 30006/30007) or a local limit that cannot be met."""


class StreamConnectionError(StreamError):
    """No WebSocket connection: connect timeout, refused handshake, or connection lost during setup."""


class APIError(BitgetError):
    """Bitget answered, and the answer was not a success."""

    _repr_fields = ("code", "msg", "http_status", "method", "path", "request_time", "client_oid")
    _repr_message = False

    # What Bitget said, then the request it answered, then what the transport adds.
    def __init__(
        self, code: str, msg: str, *, http_status: int, method: str, path: str,
        request_time: int | None = None, client_oid: str | None = None, retry_after: float | None = None,
    ) -> None:
        super().__init__(f"[{code}] {msg} (HTTP {http_status} {method} {path})")
        self.code = code
        self.msg = msg
        self.http_status = http_status
        self.method = method
        self.path = path
        self.request_time = request_time
        self.client_oid = client_oid
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructor arguments: rebuild through a helper so errors pickle
        # across process pools (collectors fan out to workers).
        return (_rebuild_api_error, (type(self), self.__dict__.copy()))


def _rebuild_api_error(cls: type[APIError], state: dict[str, object]) -> APIError:
    err = cls.__new__(cls)
    Exception.__init__(err, f"[{state['code']}] {state['msg']}")
    err.__dict__.update(state)
    return err


class AuthenticationError(APIError):
    """Key, passphrase, signature or permission rejected."""


class TimestampError(APIError):
    """The request timestamp was outside the exchange's 30 s window or malformed."""


class DemoEnvironmentError(APIError):
    """A demo key was used without ``demo=True`` (header ``paptrading: 1``), or the reverse."""


class NotFoundError(APIError):
    """Unknown path (40404 / HTTP 404)."""


class RateLimitError(APIError):
    """Too many requests: from the server (HTTP 429) or refused locally before sending.

    A locally refused call has ``http_status == 0`` and ``code == "LOCAL_RATE_LIMIT"``.
    """


class RateLimiterUnavailableError(RateLimitError):
    """The shared rate limiter (Redis) could not be reached and is set to fail closed: the
    request was not sent (``http_status == 0``, ``code == "LOCAL_RATE_LIMIT"``)."""


class InsufficientBalanceError(APIError):
    """Not enough balance or margin for the request."""


class PositionNotFoundError(APIError):
    """No position to close or adjust."""


class MinimumAmountError(APIError):
    """Order size or value below the symbol's minimum."""


class DuplicateClientOidError(APIError):
    """An order with this ``clientOid`` already exists."""


class OrderNotFoundError(APIError):
    """The order id / clientOid does not exist (or is no longer open)."""


class InvalidParameterError(APIError):
    """The exchange refused a parameter value."""


class ResponseDecodeError(APIError):
    """A success envelope whose ``data`` did not fit the route's model (the body is attached)."""

    def __init__(self, message: str, *, body: bytes, http_status: int, method: str, path: str) -> None:
        super().__init__("DECODE", message, http_status=http_status, method=method, path=path)
        self.body = body


class ServerError(APIError):
    """HTTP 5xx, or an answer that was not a Bitget JSON envelope (proxy page, empty body)."""
