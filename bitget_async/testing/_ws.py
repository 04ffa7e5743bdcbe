"""The simulator's WebSocket v2 endpoint: ``/v2/ws/public`` and ``/v2/ws/private`` as ASGI.

The same handler serves uvicorn (``python -m bitget_async sim``, ``sim.serve()``) and the
in-process loopback server (``sim.serve_stream()``).  Per connection it does what Bitget does:
answers ``ping`` with ``pong``; checks ``login`` (HMAC or RSA over ``timestamp + "GET" +
"/user/verify"``, timestamp within 30 s; a refused login is answered, then the connection is
closed); acks ``subscribe``/``unsubscribe``; refuses private channels before login (30004) and
unknown channels or instruments (30001); pushes every ``push_interval`` seconds.

It also *counts* what Bitget limits, so tests can assert that the client never exceeded them:
frames per second per connection (over 10 in any second: a violation, and the connection is
closed as Bitget would), subscribe messages per hour per connection (240), args bytes per
subscribe message (4,096), connection attempts per IP per 5 minutes (300, the handshake is then
refused).  ``StreamSimulator.violations`` lists every breach; ``stats`` has the counters.

Fault knobs (``sim.stream.faults``): ``drop_connections()``, ``stall_connections()``,
``corrupt_checksum`` (the next N ``books`` updates carry a wrong checksum), ``skip_seq`` (the next
N updates are applied but never sent: a sequence gap, which futures books show by ``pseq`` and
spot books only through the checksum, when the lost change touched the top 25 levels),
``refuse_login`` (logins fail with 30005).  ``paused`` stops market pushes, connections staying up.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import msgspec

from ._faults import ConnectionDropped
from ._state import Exchange
from ._ws_feed import (
    FUTURES,
    PRIVATE_CHANNELS,
    PUBLIC_CHANNELS,
    PrivateTracker,
    SimBook,
    instrument,
    public_data,
)
from ._ws_session import Session, StreamFaults, Sub, sub_key

__all__ = ["StreamSimulator"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ENCODER = msgspec.json.Encoder()
_INST_TYPES = frozenset({"SPOT", "MARGIN", *FUTURES})
FRAME_LIMIT = (10, 1.0)
SUBSCRIBE_LIMIT = (240, 3600.0)
CONNECT_LIMIT = (300, 300.0)
ARGS_BYTES_LIMIT = 4096
LOGIN_WINDOW_MS = 30_000


class StreamSimulator:
    """The streaming side of one ``Simulator`` (``sim.stream``)."""

    def __init__(self, exchange: Exchange, *, seed: int = 0) -> None:
        self.exchange = exchange
        self.faults = StreamFaults()
        self.push_interval = 0.05
        self.paused = False  # True: the market stops pushing (connections stay up and answer)
        self.violations: list[str] = []
        self.stats: collections.Counter[str] = collections.Counter()
        self.max_frames_per_second = 0
        self.max_args_bytes = 0
        self._rng = random.Random(seed)
        self._sessions: set[Session] = set()
        self._connects: dict[str, collections.deque[float]] = {}
        self.monotonic: Callable[[], float] = time.monotonic
        self._injected: dict[int, list[tuple[dict[str, str], list[dict[str, Any]]]]] = {}
        # (connection number, what the client sent: "ping", "login", "subscribe SPOT/ticker/BTCUSDT" ...)
        self.log: collections.deque[tuple[int, str]] = collections.deque(maxlen=100_000)

    @property
    def open_connections(self) -> int:
        return len(self._sessions)

    def subscriptions(self) -> list[dict[str, str]]:
        """Every arg subscribed on every open connection (for assertions)."""
        return [dict(s.arg) for session in list(self._sessions) for s in session.subs.values()]

    def push(self, inst_type: str, channel: str, data: list[dict[str, Any]], inst_id: str | None = None) -> int:
        """Queue ``data`` as one push to every connection subscribed to that channel (e.g. an
        ``adl-noti``, which simulated trading never produces); returns how many will get it."""
        count = 0
        for session in list(self._sessions):
            for key, sub in session.subs.items():
                if key[0] == inst_type and key[1] == channel and (inst_id is None or key[2] == inst_id):
                    session_pushes = self._injected.setdefault(id(session), [])
                    session_pushes.append((sub.arg, data))
                    count += 1
        return count

    def send_event(self, event: dict[str, Any]) -> int:
        """Queue an event frame (e.g. ``{"event": "error", "code": 30006, "msg": "request too
        many"}``) to every open connection; returns how many will get it."""
        for session in list(self._sessions):
            self._injected.setdefault(id(session), []).append(({}, [event]))
        return len(self._sessions)

    # -- ASGI ------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        if path not in ("/v2/ws/public", "/v2/ws/private"):
            await send({"type": "websocket.close", "code": 1008})
            return
        ip = str((scope.get("client") or ("127.0.0.1", 0))[0])
        now = self.monotonic()
        attempts = self._connects.setdefault(ip, collections.deque())
        while attempts and attempts[0] <= now - CONNECT_LIMIT[1]:
            attempts.popleft()
        attempts.append(now)
        self.stats["connects"] += 1
        if len(attempts) > CONNECT_LIMIT[0]:
            self.violations.append(f"{ip}: more than {CONNECT_LIMIT[0]} connection attempts in {CONNECT_LIMIT[1]:g} s")
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.accept"})
        session = Session(self.faults, self.stats, ip, path.endswith("private"), send)
        self._sessions.add(session)
        try:
            with session.scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self._pusher, session, tg.cancel_scope)
                    while True:
                        message = await receive()
                        if message["type"] == "websocket.disconnect":
                            break
                        text = message.get("text")
                        if text is None:
                            text = bytes(message.get("bytes") or b"").decode("utf-8", "replace")
                        if not await self._on_frame(session, text):
                            await send({"type": "websocket.close", "code": 1000})
                            break
                    tg.cancel_scope.cancel()
            if session.dropped:
                # End without a close frame: servers abort the socket on an exception.
                raise ConnectionDropped("WebSocket dropped (fault knob)")
        finally:
            self._sessions.discard(session)
            self._injected.pop(id(session), None)
            self.stats["disconnects"] += 1

    # -- client frames ---------------------------------------------------------------------
    async def _on_frame(self, session: Session, text: str) -> bool:
        """Handle one client frame; False closes the connection."""
        now = self.monotonic()
        frames = session.frames
        frames.append(now)
        while frames and frames[0] <= now - FRAME_LIMIT[1]:
            frames.popleft()
        self.stats["frames_received"] += 1
        self.max_frames_per_second = max(self.max_frames_per_second, len(frames))
        if len(frames) > FRAME_LIMIT[0]:
            self.violations.append(f"{session.ip}: {len(frames)} frames within {FRAME_LIMIT[1]:g} s")
            return False
        if session.stalled:
            return True
        if text == "ping":
            self.log.append((session.number, "ping"))
            self.stats["pings"] += 1
            await session.send("pong")
            return True
        try:
            request = msgspec.json.decode(text)
            op, args = request["op"], request.get("args") or []
            if not isinstance(args, list):
                raise TypeError
        except (msgspec.DecodeError, KeyError, TypeError):
            await session.send({"event": "error", "code": 30002, "msg": "illegal request"})
            return True
        if op == "login":
            self.log.append((session.number, "login"))
            return await self._login(session, args)
        if op in ("subscribe", "unsubscribe"):
            args_bytes = len(_ENCODER.encode(args))
            self.max_args_bytes = max(self.max_args_bytes, args_bytes)
            if args_bytes > ARGS_BYTES_LIMIT:
                self.violations.append(f"{session.ip}: {args_bytes} bytes of args in one {op}")
            if op == "subscribe":
                self.stats["subscribe_requests"] += 1
                session.subscribes.append(now)
                while session.subscribes and session.subscribes[0] <= now - SUBSCRIBE_LIMIT[1]:
                    session.subscribes.popleft()
                if len(session.subscribes) > SUBSCRIBE_LIMIT[0]:
                    self.violations.append(f"{session.ip}: more than {SUBSCRIBE_LIMIT[0]} subscribes in an hour")
                    await session.send({"event": "error", "code": 30006, "msg": "request too many"})
                    return True
            for arg in args:
                if isinstance(arg, dict):
                    self.log.append((session.number, f"{op} {'/'.join(str(v) for v in sub_key(arg))}"))
                await (self._subscribe(session, arg) if op == "subscribe" else self._unsubscribe(session, arg))
            return True
        await session.send({"event": "error", "code": 30003, "msg": f"invalid op {op}"})
        return True

    async def _login(self, session: Session, args: list[Any]) -> bool:
        self.stats["logins"] += 1
        arg = args[0] if args and isinstance(args[0], dict) else {}
        ex = self.exchange
        with ex.lock:
            account = ex.account(str(arg.get("apiKey", "")))
            stamp = str(arg.get("timestamp", ""))
            code, msg = 0, ""
            if self.faults.refuse_login:
                code, msg = 30005, "Login failed"
            elif account is None:
                code, msg = 30011, "Invalid ACCESS_KEY"
            elif not account.passphrase_ok(str(arg.get("passphrase", ""))):
                code, msg = 30012, "Invalid ACCESS_PASSPHRASE"
            elif not stamp.isdigit():
                code, msg = 30013, "Invalid ACCESS_TIMESTAMP"
            else:
                stamp_ms = int(stamp) * (1000 if len(stamp) <= 10 else 1)
                if abs(stamp_ms - ex.now()) > LOGIN_WINDOW_MS:
                    code, msg = 30014, "Request timestamp expired"
                elif not account.signature_ok(f"{stamp}GET/user/verify", str(arg.get("sign", ""))):
                    code, msg = 30015, "Invalid sign"
        if code:
            self.stats["logins_refused"] += 1
            await session.send({"event": "error", "code": code, "msg": msg})
            return False  # Bitget disconnects after a failed login
        session.account = account
        await session.send({"event": "login", "code": 0, "msg": ""})
        return True

    async def _subscribe(self, session: Session, raw: Any) -> None:
        if not isinstance(raw, dict):
            await session.send({"event": "error", "code": 30002, "msg": "illegal request"})
            return
        arg = {str(k): str(v) for k, v in raw.items()}
        inst_type, channel = arg.get("instType", ""), arg.get("channel", "")
        inst_id = arg.get("instId") or arg.get("coin") or ""
        error = None
        if channel in PRIVATE_CHANNELS:
            if not session.private:
                error = (30001, f"channel {channel} needs the private endpoint")
            elif session.account is None:
                error = (30004, "User not logged in")
            elif inst_type not in _INST_TYPES:
                error = (30001, f"instType:{inst_type} doesn't exist")
        elif channel in PUBLIC_CHANNELS:
            if inst_type not in _INST_TYPES or (channel != "index-price" and instrument(inst_type, inst_id) is None):
                error = (30001, f"instType:{inst_type},channel:{channel},instId:{inst_id} doesn't exist")
        else:
            error = (30001, f"channel:{channel} doesn't exist")
        if error is not None:
            self.stats["subscribes_refused"] += 1
            await session.send({"event": "error", "arg": arg, "code": error[0], "msg": error[1]})
            return
        sub = Sub(arg)
        ex = self.exchange
        with ex.lock:
            if channel in PRIVATE_CHANNELS:
                assert session.account is not None
                sub.tracker = PrivateTracker(ex, session.account, inst_type, channel, arg.get("instId"))
            elif channel.startswith("books"):
                inst = instrument(inst_type, inst_id)
                assert inst is not None
                sub.book = SimBook(ex, inst, random.Random(self._rng.random()), futures=inst_type in FUTURES)
        session.subs[sub_key(arg)] = sub
        self.stats["subscribed"] += 1
        await session.send({"event": "subscribe", "arg": arg})
        await self._push_one(session, sub)

    async def _unsubscribe(self, session: Session, raw: Any) -> None:
        arg = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        session.subs.pop(sub_key(arg), None)
        await session.send({"event": "unsubscribe", "arg": arg})

    # -- pushes ----------------------------------------------------------------------------
    async def _pusher(self, session: Session, scope: anyio.CancelScope) -> None:
        while True:
            await anyio.sleep(self.push_interval)
            if self.faults._drop != session.drop_epoch:
                self.stats["dropped_connections"] += 1
                session.dropped = True
                scope.cancel()
                return
            if session.stalled or self.paused:
                continue
            for sub in list(session.subs.values()):
                await self._push_one(session, sub)
            for arg, data in self._injected.pop(id(session), []):
                if not arg:  # an event frame from send_event()
                    await session.send(data[0])
                    continue
                await session.send({"action": "snapshot", "arg": arg, "data": data, "ts": self.exchange.now()})

    async def _push_one(self, session: Session, sub: Sub) -> None:
        arg = sub.arg
        channel = arg["channel"]
        ex = self.exchange
        with ex.lock:
            now = ex.now()
            action = "snapshot"
            if sub.tracker is not None:
                data = sub.tracker.poll()
                if not data:
                    return
            elif sub.book is not None:
                if channel != "books":
                    data = [sub.book.fixed(int(channel[5:]), now)]
                    sub.book.step(now)
                elif not sub.snapshot_sent:
                    data = [sub.book.snapshot(now)]
                    sub.snapshot_sent = True
                else:
                    update = sub.book.step(now)
                    if self.faults.skip_seq > 0:
                        self.faults.skip_seq -= 1
                        self.stats["skipped_updates"] += 1
                        return
                    if self.faults.corrupt_checksum > 0:
                        self.faults.corrupt_checksum -= 1
                        update["checksum"] = update["checksum"] ^ 0x5A5A
                        self.stats["corrupted_updates"] += 1
                    data = [update]
                    action = "update"
            else:
                data = public_data(ex, arg["instType"], channel, arg.get("instId", ""), now)
        await session.send({"action": action, "arg": arg, "data": data, "ts": now})

