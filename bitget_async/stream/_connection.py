"""One logical WebSocket connection: connect, login, subscribe, keep alive, reconnect, pace.

A ``Connection`` serves a fixed list of ``Arg``s for one subscription and runs as one task
(``run``) until cancelled.  Its life:

1. wait for a connection-attempt slot (``max_connects`` per ``connect_window``, per client);
2. open the socket; on the private host send ``login`` and wait for its answer: nothing private is
   subscribed before the answer, because Bitget refuses those with 30004 (a known bug of clients
   that pipeline them);
3. subscribe its args in messages of at most ``max_args_bytes`` of JSON args, each one paced by the
   frame window (``max_frames`` per ``frame_window``) and the subscribe window (``max_subscribes``
   per ``subscribe_window``), and wait for every ack;
4. read: pushes go to the handler; ``ping`` goes out every ``ping_interval``; nothing received for
   ``dead_after`` means a dead connection;
5. on loss: tell the handler (``on_gap``), wait ``backoff(attempt)`` and go to 1.

A refused login or subscribe is final (``StreamAuthError``/``StreamSubscribeError`` reported to the
handler); a failure before the first successful setup is final too (``StreamConnectionError``), so
a wrong URL fails fast instead of retrying forever.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import anyio

from .._error_codes import STREAM_CODE_TABLE
from .._errors import (
    StreamAuthError,
    StreamConnectionError,
    StreamError,
    StreamRateLimitError,
    StreamSubscribeError,
)
from ._codec import PushDecoder, RoutingDecoder, encode
from ._config import StreamConfig
from ._limits import SlidingWindow
from ._messages import Arg, Push
from ._socket import SocketClosed, WebSocket

__all__ = ["Connection", "Handler", "chunk_args"]


class Handler(Protocol):
    """What a connection reports to (the subscription that owns it)."""

    decoder: PushDecoder[Any] | RoutingDecoder

    def on_push(self, push: Push[Any], conn: Connection) -> None: ...

    def on_gap(self, args: Sequence[Arg]) -> None: ...

    def on_state(self) -> None: ...


def chunk_args(args: Sequence[Arg], max_bytes: int) -> list[list[Arg]]:
    """Split args into subscribe messages whose JSON ``args`` array stays within ``max_bytes``."""
    chunks: list[list[Arg]] = []
    current: list[Arg] = []
    size = 2  # the brackets
    for arg in args:
        item = len(encode(arg.wire())) + 1  # the comma
        if item + 2 > max_bytes:
            raise ValueError(f"one subscription arg is longer than {max_bytes} bytes: {arg}")
        if current and size + item > max_bytes:
            chunks.append(current)
            current, size = [], 2
        current.append(arg)
        size += item
    if current:
        chunks.append(current)
    return chunks


def _code(value: object) -> str | None:
    return None if value is None else str(value)


def _event_error(push: Push[Any], default: type[StreamError]) -> StreamError:
    code = _code(push.code)
    cls = STREAM_CODE_TABLE.get(code or "", default)
    arg = push.arg.wire() if push.arg.channel else None
    return cls(f"[{code}] {push.msg or push.event}", code=code, arg=arg)


class _Fatal(Exception):
    def __init__(self, error: StreamError) -> None:
        self.error = error


class Connection:
    """See the module docstring.  ``stats()`` reports counters for tests and monitoring."""

    def __init__(
        self,
        *,
        url: str,
        args: Sequence[Arg],
        handler: Handler,
        config: StreamConfig,
        connects: SlidingWindow,
        login: Callable[[], bytes] | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        # What this connection serves, and its own budgets (Bitget counts frames and subscribes
        # per connection); the connect budget and the login are the client's, shared by all.
        self.url = url
        self.args = list(args)
        self.handler = handler
        self.config = config
        self.frames = SlidingWindow(config.max_frames, config.frame_window, "frames")
        self.subscribes = SlidingWindow(config.max_subscribes, config.subscribe_window, "subscribes")
        self._connects = connects
        self._login = login
        self._rand = rand
        self.ready = False
        self.error: StreamError | None = None
        # Counters for ``stats()`` and tests.
        self.connected = self.reconnects = self.pings = self.server_rate_limited = 0
        self._ws: WebSocket | None = None
        self._logged_in = False
        self._unacked: set[Arg] = set()
        self._resync: list[Arg] = []
        self._in_setup = False
        self._last_recv = 0.0
        self._next_ping = 0.0
        self.cancel_scope = anyio.CancelScope()

    def stats(self) -> dict[str, Any]:
        return {"url": self.url, "args": len(self.args), "connected": self.connected, "reconnects": self.reconnects,
                "frames_sent": self.frames.total, "subscribes_sent": self.subscribes.total, "pings": self.pings}

    def request_resync(self, arg: Arg) -> None:
        """Resubscribe ``arg`` (for a fresh snapshot) as soon as the read loop can send."""
        if arg not in self._resync:
            self._resync.append(arg)

    # -- the task --------------------------------------------------------------------------
    async def run(self) -> None:
        """Serve the args until cancelled; final errors go to the handler, never out of here."""
        attempt = 0
        lost_at = anyio.current_time()
        with self.cancel_scope:
            try:
                while True:
                    try:
                        await self._setup()
                    except _Fatal as fatal:
                        self._finish(fatal.error)
                        return
                    except (StreamConnectionError, SocketClosed) as exc:
                        await self._drop()
                        error = exc if isinstance(exc, StreamError) else StreamConnectionError(
                            f"connection to {self.url} lost during setup: {exc}")
                        limit = self.config.give_up_after
                        if not self.ready or (limit is not None and anyio.current_time() - lost_at > limit):
                            self._finish(error)
                            return
                        await anyio.sleep(self.config.backoff(attempt, self._rand()))
                        attempt += 1
                        continue
                    if self.ready:
                        self.reconnects += 1
                    else:
                        self.ready = True
                        self.handler.on_state()
                    attempt = 0
                    try:
                        await self._read_loop()
                    except _Fatal as fatal:
                        self._finish(fatal.error)
                        return
                    except SocketClosed:
                        pass  # lost: reconnect below
                    await self._drop()
                    lost_at = anyio.current_time()
                    self.handler.on_gap(self.args)
                    await anyio.sleep(self.config.backoff(attempt, self._rand()))
                    attempt += 1
            finally:
                await self._drop()

    def _finish(self, error: StreamError) -> None:
        self.error = error
        self.handler.on_state()

    async def _drop(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.aclose()

    # -- setup -----------------------------------------------------------------------------
    async def _setup(self) -> None:
        await self._connects.acquire()
        self._ws = await WebSocket.connect(self.url, connect_timeout=self.config.connect_timeout,
                                           ssl_context=self.config.ssl_context)
        self.connected += 1
        self.frames.reset()
        self.subscribes.reset()
        now = anyio.current_time()
        self._last_recv = now
        self._next_ping = now + self.config.ping_interval
        self._logged_in = False
        self._resync.clear()
        self._in_setup = True
        try:
            if self._login is not None:
                await self._send(self._login())
                await self._until(lambda: self._logged_in, "login")
            self._unacked = set(self.args)
            for chunk in chunk_args(self.args, self.config.max_args_bytes):
                await self._subscribe(chunk)
            await self._until(lambda: not self._unacked, "subscribe")
        finally:
            self._in_setup = False

    async def _subscribe(self, args: Sequence[Arg], op: str = "subscribe") -> None:
        if op == "subscribe":
            await self.subscribes.acquire()
        await self._send(encode({"op": op, "args": [a.wire() for a in args]}))

    async def _send(self, frame: bytes) -> None:
        assert self._ws is not None
        await self.frames.acquire()
        await self._ws.send_text(frame)

    async def _until(self, done: Callable[[], bool], what: str) -> None:
        """Read (and dispatch) until ``done()``; the server must answer within ``reply_timeout``."""
        deadline = anyio.current_time() + self.config.reply_timeout
        while not done():
            if anyio.current_time() >= deadline:
                raise StreamConnectionError(f"no {what} answer from {self.url} within {self.config.reply_timeout:g} s")
            await self._pump(deadline)

    # -- reading ---------------------------------------------------------------------------
    async def _read_loop(self) -> None:
        while True:
            await self._pump(None)
            while self._resync:
                arg = self._resync.pop(0)
                await self._subscribe([arg], "unsubscribe")
                await self._subscribe([arg])

    async def _pump(self, until: float | None) -> None:
        """One read (or a ping, or a timeout); raises ``SocketClosed`` on a dead connection."""
        ws = self._ws
        assert ws is not None
        now = anyio.current_time()
        if now >= self._next_ping:
            self._next_ping = now + self.config.ping_interval
            self.pings += 1
            await self._send(b"ping")
        dead_at = self._last_recv + self.config.dead_after
        if now >= dead_at:
            raise SocketClosed(f"nothing received for {self.config.dead_after:g} s")
        wake = min(self._next_ping, dead_at, until if until is not None else dead_at)
        messages: Sequence[bytes] = ()
        with anyio.move_on_after(max(0.0, wake - now)):
            messages = await ws.receive()
        if not messages:
            return
        self._last_recv = anyio.current_time()
        decode = self.handler.decoder.decode
        for raw in messages:
            if raw == b"pong":
                continue
            push = decode(raw)
            if push.event is None:
                self.handler.on_push(push, self)
            else:
                self._on_event(push)

    def _on_event(self, push: Push[Any]) -> None:
        event = push.event
        if event == "login":
            if _code(push.code) in ("0", None):
                self._logged_in = True
                return
            raise _Fatal(_event_error(push, StreamAuthError))
        if event == "subscribe":
            self._unacked.discard(push.arg)
            return
        if event == "unsubscribe":
            return
        if event == "error":
            error = _event_error(push, StreamSubscribeError if push.arg.channel else StreamError)
            if isinstance(error, StreamRateLimitError) and not self._in_setup:
                # "request too many": Bitget drops such connections; a fresh one after the
                # backoff (with the gap flagged) is what keeps the stream alive.
                self.server_rate_limited += 1
                raise SocketClosed(f"server refused a request: {error}")
            raise _Fatal(error)
