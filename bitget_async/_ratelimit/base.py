"""The limiter contract: the values a limiter trades in and the errors it may raise.

The transport sees only ``RateLimiter`` (acquire/release/penalize with a key and a cost), so a
shared backend replaces ``LocalRateLimiter`` without touching the transport.  A backend that can
reserve several keys in one step (one network round trip for the route window and the global
window together) also offers ``acquire_many``; ``acquire_all`` uses it when present.

Nothing here imports from above the transport: route names reach ``RateLimits`` from the client.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Protocol, cast, runtime_checkable

from .._errors import BitgetError, RateLimitError, RateLimiterUnavailableError

__all__ = [
    "GLOBAL_IP_LIMIT",
    "LOCAL_RATE_LIMIT",
    "BatchRateLimiter",
    "RateLimitExceeded",
    "RateLimiter",
    "RateLimiterUnavailable",
    "Reservation",
    "WindowLimit",
    "acquire_all",
    "local_error",
]


@dataclasses.dataclass(frozen=True, slots=True)
class WindowLimit:
    """At most ``count`` requests in any ``period`` seconds."""

    count: int
    period: float

    @classmethod
    def per_second(cls, rate: float, scale: float = 1.0, margin: float = 0.0) -> WindowLimit:
        """``rate`` requests/second scaled by ``scale``, never more than the published
        "N per 1 s" in any 1-second window.

        20/s at 0.8 becomes 16 per 1 s; 1/s at 0.8 becomes 1 per 1.25 s.  Above 1/s the window
        stays 1 s and the count rounds down (3/s at 0.8 is 2 per 1 s: "2.4 per 0.83 s" would put
        4 requests into one second).  ``margin`` seconds are added to the period to absorb
        network jitter between our send instant and the server's arrival clock.
        """
        effective = rate * scale
        if effective <= 0:
            raise ValueError("rate limits must be positive")
        if margin < 0:
            raise ValueError("rate limit margin must be >= 0")
        # The epsilon keeps float noise (100 * 0.29 = 28.999999999999996) from losing a request.
        count = math.floor(effective + 1e-9)
        if count >= 1:
            return cls(count, 1.0 + margin)
        return cls(1, 1.0 / effective + margin)

    def share(self, fraction: float) -> WindowLimit:
        """This window cut to ``fraction`` of its count (a process's share of a common budget)."""
        if not 0 < fraction <= 1:
            raise ValueError("a window share must be in (0, 1]")
        effective = self.count * fraction
        count = math.floor(effective + 1e-9)
        if count >= 1:
            return WindowLimit(count, self.period)
        return WindowLimit(1, self.period / effective)


# The ``code`` of a RateLimitError raised locally (nothing was sent), as opposed to the server's.
LOCAL_RATE_LIMIT = "LOCAL_RATE_LIMIT"

# Bitget's overall budget: 6,000 requests per IP per minute across all endpoints.
GLOBAL_IP_LIMIT = WindowLimit(6000, 60.0)


class RateLimitExceeded(BitgetError):
    """Raised by a limiter when the wait would exceed ``max_wait``; a plug-in limiter raises
    this (the transport re-raises it as ``RateLimitError`` with the route attached, unsent)."""

    def __init__(self, key: str, wait: float) -> None:
        super().__init__(f"rate limit {key}: next slot in {wait:.3f}s")
        self.key = key
        self.wait = wait


class RateLimiterUnavailable(RateLimitExceeded):
    """Raised by a shared limiter that cannot reach its store and fails closed; the transport
    re-raises it as ``RateLimiterUnavailableError`` (nothing is sent)."""

    def __init__(self, key: str, reason: str) -> None:
        BitgetError.__init__(self, f"rate limiter unavailable for {key}: {reason}")
        self.key = key
        self.wait = 0.0
        self.reason = reason


@dataclasses.dataclass(eq=False, slots=True)
class Reservation:
    """A reserved send instant; give it back with ``release`` if the request is never sent.

    ``wait`` is how long ``acquire`` held the caller; a plug-in limiter should fill it in, since
    ``client.stats()`` and the debug log report rate waits from it.
    """

    key: str
    at: float
    cost: int
    wait: float = 0.0  # seconds the caller was held back for this slot (for stats and logs)


class RateLimiter(Protocol):
    """What the transport needs from a limiter; implement this to plug in a shared backend."""

    async def acquire(
        self, key: str, limit: WindowLimit, *, cost: int = 1, max_wait: float | None = None
    ) -> Reservation:
        """Wait until ``cost`` requests may be sent on ``key``; raise ``RateLimitExceeded`` if
        that is more than ``max_wait`` seconds away (0 = do not wait)."""

    def release(self, reservation: Reservation) -> None:
        """Return a reservation whose request was never sent (cancelled, failed to connect)."""

    def penalize(self, key: str, seconds: float) -> None:
        """The server said 429: send nothing on ``key`` for ``seconds`` and slow the key down."""


@runtime_checkable
class BatchRateLimiter(RateLimiter, Protocol):
    """A limiter that reserves one instant on several keys at once (one round trip)."""

    async def acquire_many(
        self, keys: Sequence[tuple[str, WindowLimit]], *, cost: int = 1, max_wait: float | None = None
    ) -> list[Reservation]:
        """Wait until ``cost`` requests fit every window in ``keys`` at the same instant; one
        reservation per key, in order.  Raise ``RateLimitExceeded`` as ``acquire`` does."""


async def acquire_all(
    limiter: RateLimiter, keys: Sequence[tuple[str, WindowLimit]], max_wait: float | None
) -> list[Reservation]:
    """Slots on every key for one request; ``max_wait`` bounds the waits together.

    A batch limiter does it in one step.  Otherwise the keys are taken in order, each with the
    rest of the budget; anything taken is handed back if a later key is refused or the caller is
    cancelled, so a call that never sends holds nothing.
    """
    # getattr, not isinstance: a runtime Protocol check costs tens of µs on every request.
    many = getattr(limiter, "acquire_many", None)
    if many is not None:
        return await cast(BatchRateLimiter, limiter).acquire_many(keys, max_wait=max_wait)
    taken: list[Reservation] = []
    waited = 0.0
    try:
        for key, limit in keys:
            budget = None if max_wait is None else max(0.0, max_wait - waited)
            reservation = await limiter.acquire(key, limit, max_wait=budget)
            taken.append(reservation)
            waited += reservation.wait
    except BaseException:
        for r in taken:
            limiter.release(r)
        raise
    return taken


def local_error(route: str, method: str, path: str, exc: RateLimitExceeded) -> RateLimitError:
    """The error a caller sees when the client refuses to send (no slot soon enough, or the
    shared limiter is unreachable and fails closed)."""
    if isinstance(exc, RateLimiterUnavailable):
        return RateLimiterUnavailableError(
            LOCAL_RATE_LIMIT,
            f"shared rate limiter unavailable for {route}: {exc.reason} (not sent)",
            http_status=0,
            method=method,
            path=path,
        )
    return RateLimitError(
        LOCAL_RATE_LIMIT,
        f"client-side rate limit for {route}: next slot in {exc.wait:.3f}s (not sent)",
        http_status=0,
        method=method,
        path=path,
        retry_after=exc.wait,
    )
