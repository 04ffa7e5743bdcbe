"""Client-side rate control: sliding windows in memory (``local``) or shared in Redis (``redis``).

``base`` holds the contract (``RateLimiter``, ``WindowLimit``, ``Reservation``, the errors a
limiter raises), ``settings`` the ``RateLimits`` value a client is configured with.  Route names
reach ``RateLimits.check_routes`` from the client, so nothing here imports the route table.
"""

from __future__ import annotations

from .base import (
    GLOBAL_IP_LIMIT,
    LOCAL_RATE_LIMIT,
    BatchRateLimiter,
    RateLimiter,
    RateLimiterUnavailable,
    RateLimitExceeded,
    Reservation,
    WindowLimit,
    acquire_all,
    local_error,
)
from .local import LocalRateLimiter
from .redis import FailurePolicy, RedisRateLimiter, RedisReservation
from .settings import RateLimits

__all__ = [
    "GLOBAL_IP_LIMIT",
    "LOCAL_RATE_LIMIT",
    "BatchRateLimiter",
    "FailurePolicy",
    "LocalRateLimiter",
    "RateLimitExceeded",
    "RateLimiter",
    "RateLimiterUnavailable",
    "RateLimits",
    "RedisRateLimiter",
    "RedisReservation",
    "Reservation",
    "WindowLimit",
    "acquire_all",
    "local_error",
]
