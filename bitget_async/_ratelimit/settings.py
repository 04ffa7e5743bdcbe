"""``RateLimits``: which limits a client applies, how callers wait, and which limiter holds them."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .base import GLOBAL_IP_LIMIT, RateLimiter, WindowLimit
from .local import LocalRateLimiter

if TYPE_CHECKING:
    from .redis import FailurePolicy

__all__ = ["RateLimits"]


@dataclasses.dataclass(frozen=True)
class RateLimits:
    """Rate-limit settings: which limits to apply and how callers wait for them.

    ``overrides`` maps a route's python name (``"mix.order.place_order"``) to requests/second,
    e.g. copy traders get 1/s on order placement; ``BitgetClient`` refuses an unknown name,
    because a typo would silently keep the published rate.  ``scale`` runs every published limit
    at a fraction (0.8 = 80 %).  ``margin`` (seconds) widens every route window so jitter between
    our clock and the server's arrival clock cannot squeeze N+1 requests into one of its windows.
    ``wait=False`` makes a call fail fast with ``RateLimitError`` instead of waiting; ``max_wait``
    bounds the wait (seconds).  ``limiter`` is the shared state: pass the same ``RateLimits``
    (or limiter) to several clients to share one budget, or a ``RedisRateLimiter`` (see
    ``RateLimits.redis``) to share it across processes and hosts.  ``enabled=False`` turns
    client-side limiting off (the server still enforces its limits).
    """

    overrides: Mapping[str, float] = dataclasses.field(default_factory=dict)
    scale: float = 1.0
    margin: float = 0.05
    wait: bool = True
    max_wait: float | None = None
    global_limit: WindowLimit | None = GLOBAL_IP_LIMIT
    enabled: bool = True
    limiter: RateLimiter = dataclasses.field(default_factory=lambda: LocalRateLimiter())

    def __post_init__(self) -> None:
        if not 0 < self.scale <= 1.0:
            raise ValueError("RateLimits.scale must be in (0, 1]")
        if self.margin < 0:
            raise ValueError("RateLimits.margin must be >= 0")
        for name, rate in self.overrides.items():
            if rate <= 0:
                raise ValueError(f"RateLimits.overrides[{name!r}] must be > 0")
        if self.max_wait is not None and self.max_wait < 0:
            raise ValueError("RateLimits.max_wait must be >= 0")

    @classmethod
    def redis(
        cls,
        url: str = "redis://localhost:6379/0",
        *,
        egress: str | None = None,
        on_redis_error: FailurePolicy = "local",
        **settings: Any,
    ) -> RateLimits:
        """Settings whose windows live in Redis at ``url``, shared by every process using it.

        ``egress`` names the public address the processes' requests leave from (default: this
        host's name); ``on_redis_error`` is ``"local"`` (fall back to in-process windows, with a
        warning) or ``"fail_closed"`` (raise ``RateLimiterUnavailableError``, send nothing).
        Other keyword arguments are ``RateLimits`` fields.  Needs the ``redis`` extra.
        """
        from .redis import RedisRateLimiter

        limiter = RedisRateLimiter(url, egress=egress, on_redis_error=on_redis_error)
        return cls(limiter=limiter, **settings)

    def check_routes(self, known: Collection[str]) -> None:
        """Refuse override names that are not routes (the caller knows the route table)."""
        for name in self.overrides:
            if name not in known:
                close = difflib.get_close_matches(name, list(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"RateLimits.overrides: unknown route {name!r}{hint}")

    def limit_for(self, python_name: str, published_rate: float) -> WindowLimit:
        """The window a route runs under: its override or published rate, scaled, plus margin."""
        rate = self.overrides.get(python_name, published_rate)
        return WindowLimit.per_second(rate, self.scale, self.margin)

    def effective_max_wait(self, wait: bool | None, max_wait: float | None) -> float | None:
        """Seconds a call may wait for its slot (None = unbounded, 0 = fail fast).

        Per-call arguments win over the settings; a per-call ``max_wait`` alone implies waiting.
        """
        if wait is None:
            wait = True if max_wait is not None else self.wait
        if not wait:
            return 0.0
        return self.max_wait if max_wait is None else max_wait
