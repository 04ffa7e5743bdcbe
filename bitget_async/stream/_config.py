"""``StreamConfig``: the WebSocket knobs and Bitget's limits, as one frozen value with named defaults.

The limits are Bitget's published ones (``common/websocket-intro.md``); the client paces itself a
little under them because the server counts frames by *arrival* time, and network jitter can
squeeze two frames sent a window apart into one window on the other side.
"""

from __future__ import annotations

import dataclasses
import ssl
import typing
from typing import Annotated, Any

__all__ = ["DEFAULT_STREAM_CONFIG", "LIVE_WS_URL", "DEMO_WS_URL", "StreamConfig"]

LIVE_WS_URL = "wss://ws.bitget.com"
DEMO_WS_URL = "wss://wspap.bitget.com"  # demo trading: demo API keys only


@dataclasses.dataclass(frozen=True)
class _Bound:
    """A numeric field's allowed range, written beside the field (``Annotated``) so that
    ``__post_init__`` checks every field from one rule instead of lists of field names."""

    low: float
    high: float | None = None
    strict: bool = False  # ``low`` itself is refused (a duration of 0 s means nothing)
    why: str = ""

    def check(self, name: str, value: float) -> None:
        if value < self.low or (self.strict and value == self.low) or (self.high is not None and value > self.high):
            rule = (f"between {self.low} and {self.high}" if self.high is not None
                    else f"{'>' if self.strict else '>='} {self.low}")
            raise ValueError(f"StreamConfig.{name} must be {rule}" + (f" ({self.why})" if self.why else ""))


Seconds = Annotated[float, _Bound(0, strict=True)]


@dataclasses.dataclass(frozen=True)
class StreamConfig:
    """How ``client.stream`` connects, keeps alive, reconnects and paces itself.

    ``url`` is the scheme and host (``wss://ws.bitget.com``); ``/v2/ws/public`` and
    ``/v2/ws/private`` are appended.  ``None`` picks the live host, or ``wspap`` for a client made
    with ``demo=True``.  Times are seconds; tests shrink them instead of sleeping.

    Keepalive: the text frame ``ping`` every ``ping_interval`` (Bitget closes after 2 minutes
    without one); a connection that delivered nothing at all (not even ``pong``) for
    ``dead_after`` is treated as dead and replaced.

    Reconnect: attempt ``n`` waits ``min(reconnect_max, reconnect_base * 2**n)`` scaled by a
    random factor in ``[0.5, 1.0]`` (jitter, so a fleet of clients does not reconnect in lockstep).

    ``give_up_after``: seconds of failed reconnecting after which the subscription fails with
    ``StreamConnectionError`` (default ``None``: keep trying, a stream outlives an exchange outage,
    flagging the gap when it returns).

    Limits: ``max_channels`` subscriptions per connection (Bitget allows 1,000 and recommends
    under 50); ``max_args_bytes`` of JSON ``args`` per subscribe message (Bitget: 4,096);
    ``max_frames`` outgoing frames per ``frame_window`` seconds per connection, pings and
    (un)subscribes included (Bitget: 10 per second); ``max_subscribes`` subscribe messages per
    ``subscribe_window`` per connection (Bitget: 240 per hour); ``max_connects`` connection
    attempts per ``connect_window`` per client (Bitget: 300 per 5 minutes per IP: clients sharing
    an IP should split it); at most ``max_connections`` open at once per client (Bitget: 100 per
IP), so a subscription that would need more is refused before connecting.

    ``ssl_context`` verifies ``wss://`` servers (default: the system's CA store); pass one for a
    private CA or a TLS-intercepting proxy.

    Backpressure: each subscription buffers at most ``queue_size`` pushes; when a consumer falls
    behind, the oldest push is dropped, counted in ``Subscription.dropped``, and the next push of
    that channel is flagged ``gap=True``.  Order books are conflated instead (see ``OrderBooks``).
    """

    url: str | None = None
    ping_interval: Seconds = 30.0
    dead_after: Seconds = 65.0
    connect_timeout: Seconds = 10.0
    reply_timeout: Seconds = 10.0
    reconnect_base: Annotated[float, _Bound(0)] = 1.0
    reconnect_max: Annotated[float, _Bound(0)] = 60.0
    give_up_after: Seconds | None = None
    max_channels: Annotated[int, _Bound(1, 1000, why="Bitget's limit")] = 50
    max_args_bytes: Annotated[int, _Bound(64, 4096, why="Bitget's limit")] = 4096
    max_frames: Annotated[int, _Bound(3, why="a login, a subscribe and a ping")] = 10
    frame_window: Seconds = 1.1
    max_subscribes: Annotated[int, _Bound(1)] = 240
    subscribe_window: Seconds = 3600.0
    max_connects: Annotated[int, _Bound(1)] = 300
    connect_window: Seconds = 300.0
    max_connections: Annotated[int, _Bound(1)] = 100
    queue_size: Annotated[int, _Bound(1)] = 1024
    ssl_context: ssl.SSLContext | None = dataclasses.field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.url is not None and not self.url.startswith(("ws://", "wss://")):
            raise ValueError(f"StreamConfig.url must start with ws:// or wss://, got {self.url!r}")
        for name, bound in _BOUNDS.items():
            value = getattr(self, name)
            if value is not None:  # None: an optional limit left off (give_up_after)
                bound.check(name, value)

    def endpoint(self, private: bool, demo: bool) -> str:
        base = self.url or (DEMO_WS_URL if demo else LIVE_WS_URL)
        return f"{base.rstrip('/')}/v2/ws/{'private' if private else 'public'}"

    def backoff(self, attempt: int, rand: float) -> float:
        """Seconds before reconnect attempt ``attempt`` (0-based), ``rand`` uniform in [0, 1)."""
        return min(self.reconnect_max, self.reconnect_base * 2.0 ** min(attempt, 30)) * (0.5 + rand / 2)


def _bound_of(hint: Any) -> _Bound | None:
    for part in (hint, *typing.get_args(hint)):  # ``Seconds | None``: the bound is on a member
        for meta in getattr(part, "__metadata__", ()):
            if isinstance(meta, _Bound):
                return meta
    return None


_BOUNDS = {
    name: bound for name, hint in typing.get_type_hints(StreamConfig, include_extras=True).items()
    if (bound := _bound_of(hint)) is not None
}
DEFAULT_STREAM_CONFIG = StreamConfig()
