"""The leaf values of the request pipeline: one encoded request and the options of one call.

Everything above builds these (``_build.py``, from a route or from ``client.request``);
everything below consumes them (``_transport.py``).  Nothing here imports from the layers that
use it, so a ``Request`` can be read on its own: the bytes it holds are the bytes signed and sent.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ._config import RetryPolicy
from ._errors import BitgetError, ValidationError

if TYPE_CHECKING:
    from ._codec import ResponseCodec

__all__ = ["NO_OPTIONS", "CallOptions", "OrderStrategy", "Effect", "Request", "Sender", "check_header", "parse_options"]

Effect = Literal["read", "write", "order"]


@dataclasses.dataclass(slots=True, eq=False)
class Request:
    """One request, fully encoded before any I/O; nothing changes it once built (a re-send is
    a new ``Request``).  Not ``frozen``: a frozen dataclass sets each of its twelve fields
    through ``object.__setattr__``, about 0.9 us of every call.

    ``name`` is the route's python name (``"raw"`` for an unknown path sent with
    ``client.request``); rate and scope pick its rate bucket; ``effect`` says what a retry may
    risk (``effect``).  ``order`` is set on order placements: the strategy the transport's retry loop asks
    what to do when an attempt's outcome is ambiguous.
    """

    method: str
    path: str
    query: str
    body: bytes | None
    auth: bool
    codec: ResponseCodec[Any]
    name: str
    rate_per_s: float | None = None
    scope: str = "IP"
    effect: Effect = "read"
    client_oid: str | None = None
    order: OrderStrategy | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class CallOptions:
    """Per-call overrides, with the same names on every endpoint and on ``client.request``.

    ``retry`` replaces the client's policy for this call; ``wait``/``max_wait`` bound the wait for
    a rate slot; ``timeout`` is the deadline of the whole call in seconds (rate waits, retries,
    backoff and order lookups included); ``headers`` are added to this call's request.
    """

    retry: RetryPolicy | None = None
    wait: bool | None = None
    max_wait: float | None = None
    timeout: float | None = None
    headers: Mapping[str, str] | None = None


NO_OPTIONS = CallOptions()

# A header name is an HTTP token; a value is visible ASCII plus spaces and tabs.
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def check_header(name: object, value: object, label: str) -> None:
    """Refuse a header that could not go on the wire unchanged (CR/LF injection, non-ASCII)."""
    if not isinstance(name, str) or not name or not set(name) <= _TOKEN:
        raise ValidationError(f"{label}: header name {name!r} is not an HTTP token", param=label)
    if not isinstance(value, str):
        raise ValidationError(f"{label}: header {name!r} must be a str, got {type(value).__name__}", param=label)
    if not all(c == "\t" or " " <= c <= "~" for c in value):
        raise ValidationError(
            f"{label}: header {name!r} must be printable ASCII without line breaks", param=label
        )


def _seconds(value: object, label: str, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{label} expects seconds as a number, got {type(value).__name__}", param=label)
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        raise ValidationError(f"{label} must be a finite number of seconds > 0, got {value!r}", param=label)
    return seconds


def parse_options(
    base: RetryPolicy,
    *,
    retries: int | RetryPolicy | None = None,
    wait: bool | None = None,
    max_wait: float | None = None,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> CallOptions:
    """Check per-call options before any I/O and fold ``retries=N`` into a policy."""
    if retries is None and wait is None and max_wait is None and timeout is None and headers is None:
        return NO_OPTIONS
    retry: RetryPolicy | None = None
    if isinstance(retries, RetryPolicy):
        retry = retries
    elif retries is not None:
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise ValidationError(
                f"retries expects an int >= 0 or a RetryPolicy, got {type(retries).__name__}", param="retries"
            )
        if retries < 0:
            raise ValidationError(f"retries must be >= 0, got {retries}", param="retries")
        retry = dataclasses.replace(base, max_attempts=retries + 1)
    if wait is not None and not isinstance(wait, bool):
        raise ValidationError(f"wait expects a bool, got {type(wait).__name__}", param="wait")
    if max_wait is not None:
        max_wait = _seconds(max_wait, "max_wait", allow_zero=True)
    if timeout is not None:
        timeout = _seconds(timeout, "timeout", allow_zero=False)
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise ValidationError(f"headers expects a mapping, got {type(headers).__name__}", param="headers")
        for k, v in headers.items():
            check_header(k, v, "headers")
        headers = dict(headers)
    return CallOptions(retry=retry, wait=wait, max_wait=max_wait, timeout=timeout, headers=headers)


class Sender(Protocol):
    """How an order strategy sends its lookups: the transport's own ``send`` (rate-limited and
    retried like any read)."""

    def __call__(self, request: Request, options: CallOptions = ...) -> Awaitable[Any]: ...


class OrderStrategy(Protocol):
    """What the transport's retry loop asks an order placement (implemented in ``_orders.py``).

    ``ambiguous``: may this failed attempt have placed the order?  ``settle``: find out by
    ``clientOid``; ``(result,)`` when it exists, ``None`` when the exchange certainly holds no
    such order (a re-send is safe), or raise the call's final error.  ``resend``: the request to
    send next (a batch re-sends only its missing items), None for the same one.  ``check``: a
    success answer that does not prove the order exists (``data: null``) raises to be settled.
    ``final``: the loop gives up on an error; look the order up once more if an earlier attempt
    may have placed it.  ``unknown``: the error for an outcome that cannot be established.
    """

    client_oid: str

    def ambiguous(self, exc: BitgetError) -> bool: ...

    async def settle(self, send: Sender, exc: BitgetError, attempt: int, final: bool) -> tuple[Any] | None: ...

    def resend(self) -> Request | None: ...

    async def check(self, send: Sender, result: Any, attempt: int) -> Any: ...

    async def final(self, send: Sender, exc: BitgetError) -> Any: ...

    def unknown(self, reason: str, cause: BaseException | None = None) -> BitgetError: ...
