"""One WebSocket connection's state on the simulator's stream endpoint (``_ws.py``): its
subscriptions, login, frame and subscribe counters, and the fault knobs that cut or stall it.

A ``Session`` sends under its own lock (one frame at a time, as a socket does) and ends its scope
when the client is gone; ``StreamFaults`` are epochs a session compares against, so a knob hits
the connections open when it was turned and no later ones.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import msgspec

from ._state import Account
from ._ws_feed import PrivateTracker, SimBook

__all__ = ["Session", "StreamFaults", "Sub", "sub_key"]

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
_ENCODER = msgspec.json.Encoder()


@dataclasses.dataclass
class StreamFaults:
    """WebSocket fault knobs; change them at any time."""

    corrupt_checksum: int = 0
    skip_seq: int = 0
    refuse_login: bool = False
    _drop: int = 0
    _stall: int = 0

    def drop_connections(self) -> None:
        """Every connection open now is cut at its next push tick (no close frame)."""
        self._drop += 1

    def stall_connections(self) -> None:
        """Every connection open now goes silent (no pushes, no pongs, no answers) for good."""
        self._stall += 1

    def reset(self) -> None:
        self.corrupt_checksum = 0
        self.skip_seq = 0
        self.refuse_login = False


@dataclasses.dataclass
class Sub:
    arg: dict[str, str]
    book: SimBook | None = None
    tracker: PrivateTracker | None = None
    snapshot_sent: bool = False


class Session:
    def __init__(self, faults: StreamFaults, stats: collections.Counter[str], ip: str, private: bool, send: Send) -> None:
        self.faults = faults
        self.stats = stats
        self.ip = ip
        self.private = private
        self._send = send
        self.account: Account | None = None
        self.subs: dict[tuple[str, str, str], Sub] = {}
        self.frames: collections.deque[float] = collections.deque()
        self.subscribes: collections.deque[float] = collections.deque()
        self.drop_epoch = faults._drop
        self.stall_epoch = faults._stall
        self.lock = anyio.Lock()
        self.dropped = False
        self.scope = anyio.CancelScope()
        stats["sessions"] += 1
        self.number = stats["sessions"]

    @property
    def stalled(self) -> bool:
        return self.faults._stall != self.stall_epoch

    async def send(self, obj: Any) -> None:
        if self.stalled:
            return
        text = obj if isinstance(obj, str) else _ENCODER.encode(obj).decode()
        try:
            async with self.lock:
                await self._send({"type": "websocket.send", "text": text})
        except (OSError, anyio.BrokenResourceError, RuntimeError):
            # The client is gone (uvicorn raises OSError/RuntimeError, our loopback server
            # BrokenResourceError): end the session as a server would.
            self.scope.cancel()
            return
        self.stats["frames_pushed"] += 1


def sub_key(arg: dict[str, str]) -> tuple[str, str, str]:
    return (arg.get("instType", ""), arg.get("channel", ""), arg.get("instId") or arg.get("coin") or "")
