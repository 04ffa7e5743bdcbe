"""``StreamConfig``: the WebSocket knobs and Bitget's limits, as one frozen value with named defaults.

The limits are Bitget's published ones (``common/websocket-intro.md``); the client paces itself a
little under them because the server counts frames by *arrival* time, and network jitter can
squeeze two frames sent a window apart into one window on the other side.
"""

from __future__ import annotations

import dataclasses
import ssl

__all__ = ["DEFAULT_STREAM_CONFIG", "LIVE_WS_URL", "DEMO_WS_URL", "StreamConfig"]

LIVE_WS_URL = "wss://ws.bitget.com"
DEMO_WS_URL = "wss://wspap.bitget.com"  # demo trading: demo API keys only


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
    ping_interval: float = 30.0
    dead_after: float = 65.0
    connect_timeout: float = 10.0
    reply_timeout: float = 10.0
    reconnect_base: float = 1.0
    reconnect_max: float = 60.0
    give_up_after: float | None = None
    max_channels: int = 50
    max_args_bytes: int = 4096
    max_frames: int = 10
    frame_window: float = 1.1
    max_subscribes: int = 240
    subscribe_window: float = 3600.0
    max_connects: int = 300
    connect_window: float = 300.0
    max_connections: int = 100
    queue_size: int = 1024
    ssl_context: ssl.SSLContext | None = dataclasses.field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.url is not None and not self.url.startswith(("ws://", "wss://")):
            raise ValueError(f"StreamConfig.url must start with ws:// or wss://, got {self.url!r}")
        for name in ("ping_interval", "dead_after", "connect_timeout", "reply_timeout", "frame_window",
                     "subscribe_window", "connect_window"):
            if getattr(self, name) <= 0:
                raise ValueError(f"StreamConfig.{name} must be > 0")
        if self.give_up_after is not None and self.give_up_after <= 0:
            raise ValueError("StreamConfig.give_up_after must be > 0 or None")
        if self.reconnect_base < 0 or self.reconnect_max < 0:
            raise ValueError("StreamConfig.reconnect_base and reconnect_max must be >= 0")
        if not 1 <= self.max_channels <= 1000:
            raise ValueError("StreamConfig.max_channels must be between 1 and 1000 (Bitget's limit)")
        if not 64 <= self.max_args_bytes <= 4096:
            raise ValueError("StreamConfig.max_args_bytes must be between 64 and 4096 (Bitget's limit)")
        for name in ("max_frames", "max_subscribes", "max_connects", "max_connections", "queue_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"StreamConfig.{name} must be >= 1")
        if self.max_frames < 3:
            raise ValueError("StreamConfig.max_frames must be >= 3 (a login, a subscribe and a ping)")

    def endpoint(self, private: bool, demo: bool) -> str:
        base = self.url or (DEMO_WS_URL if demo else LIVE_WS_URL)
        return f"{base.rstrip('/')}/v2/ws/{'private' if private else 'public'}"

    def backoff(self, attempt: int, rand: float) -> float:
        """Seconds before reconnect attempt ``attempt`` (0-based), ``rand`` uniform in [0, 1)."""
        return min(self.reconnect_max, self.reconnect_base * 2.0 ** min(attempt, 30)) * (0.5 + rand / 2)


DEFAULT_STREAM_CONFIG = StreamConfig()
