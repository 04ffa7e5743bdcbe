"""Fault injection for reliability tests: the knobs and the exception a dropped connection is."""

from __future__ import annotations

import dataclasses

__all__ = ["ConnectionDropped", "Faults"]


@dataclasses.dataclass
class Faults:
    """Mutable knobs read on every request; change them at any time (``sim.faults.burst_429 = 3``).
    Each knob's meaning is written under it."""

    latency_s: float = 0.0
    """Seconds added before each request is handled."""
    error_rate_5xx: float = 0.0
    """Fraction (0..1) of requests answered HTTP 503 *before* they execute, chosen by the
    simulator's seeded random generator."""
    burst_429: int = 0
    """The next N requests get HTTP 429 (code 429) without executing."""
    drop_after_execute: int = 0
    """The next N requests that get past authentication and parameter checks execute
    (successfully or with a business error), then the connection drops before the answer: a
    write may have happened although the client saw only a network error."""
    clock_skew_ms: int = 0
    """The exchange clock runs this far ahead (negative: behind) of the simulator clock that
    ``sim.client()`` signs with."""
    lookup_lag: int = 0
    """The next N order lookups by ``clientOid`` (spot orderInfo, futures detail, margin
    open/history orders, futures pending plan orders) answer as if the order did not exist
    yet: Bitget's replication lag."""

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Refuse knob values that make no sense (checked again on every request)."""
        if self.latency_s < 0:
            raise ValueError("Faults.latency_s must be >= 0")
        if not 0.0 <= self.error_rate_5xx <= 1.0:
            raise ValueError("Faults.error_rate_5xx must be between 0 and 1")
        if self.burst_429 < 0 or self.drop_after_execute < 0 or self.lookup_lag < 0:
            raise ValueError("Faults.burst_429, drop_after_execute and lookup_lag must be >= 0")

    def reset(self) -> None:
        """Back to a healthy exchange: every knob at its default."""
        for knob in dataclasses.fields(self):
            setattr(self, knob.name, knob.default)


class ConnectionDropped(Exception):
    """Raised by the ASGI app after executing a request whose answer must be lost.

    Servers close the connection on it (the response was started with a longer
    ``Content-Length`` than ever sent); ``Simulator.transport()`` turns it into the
    ``httpx.RemoteProtocolError`` a real dropped connection gives.
    """
