"""Counters a client keeps about its own traffic: per route and per rate bucket.

Plain data, safe to log (no keys, no bodies): ``client.stats()`` returns them as dicts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["BucketStats", "RouteStats", "Stats"]


@dataclasses.dataclass
class RouteStats:
    """Counters for one route; ``client.stats()["routes"]`` returns these by python name.

    ``requests`` counts attempts handed to the HTTP backend (retries included), ``errors`` failed
    attempts (local rate refusals included), ``in_flight`` this route's attempts on the wire now.
    """

    requests: int = 0
    errors: int = 0
    retries: int = 0
    http_429: int = 0
    rate_waits: int = 0
    rate_wait_seconds: float = 0.0
    latency_seconds: float = 0.0
    in_flight: int = 0


@dataclasses.dataclass
class BucketStats:
    """Counters for one rate-limit key (``route|ip:host``, ``route|uid:<key hash>``, ``global|ip:host``)."""

    acquired: int = 0
    rate_waits: int = 0
    rate_wait_seconds: float = 0.0
    refused: int = 0  # calls refused locally (wait=False, or the wait would exceed max_wait)
    http_429: int = 0
    paused_seconds: float = 0.0  # pauses imposed on this key after the server said 429


class Stats:
    """The counters of one client, created on first use of a route or key."""

    __slots__ = ("buckets", "routes")

    def __init__(self) -> None:
        self.routes: dict[str, RouteStats] = {}
        self.buckets: dict[str, BucketStats] = {}

    def route(self, name: str) -> RouteStats:
        st = self.routes.get(name)
        if st is None:
            st = self.routes[name] = RouteStats()
        return st

    def bucket(self, key: str) -> BucketStats:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = BucketStats()
        return bucket

    def snapshot(self) -> dict[str, Any]:
        return {
            "routes": {name: dataclasses.asdict(s) for name, s in sorted(self.routes.items())},
            "buckets": {key: dataclasses.asdict(b) for key, b in sorted(self.buckets.items())},
        }
