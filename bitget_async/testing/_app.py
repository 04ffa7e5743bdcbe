"""The simulator's ASGI application: Bitget's gatekeeping in front of the exchange state.

Each request goes through what the real exchange checks, in this order:

1. route lookup in the package's route table (unknown path: 40404, HTTP 404);
2. a pending 429 burst (fault knob), then per-route rate limits by IP or UID from the route
   table plus 6,000/min per IP (HTTP 429), then the 503 fraction (fault knob);
3. for signed routes: headers present (40001/40002/40011), timestamp numeric (40005), key
   known (40006), timestamp within 30 s of the exchange clock (40008), passphrase (40012),
   HMAC or RSA signature over the exact bytes received (40009), demo key vs ``paptrading``
   header (40099);
4. parameters: JSON body (400172, Content-Type 40007), required and conditionally required
   parameters (40019), then each value through the client's own ``Param.encode`` (40020):
   ``_validate.py``, one validation for both sides;
5. the route's handler, or Bitget's documented example answer for routes without state;
6. a pending dropped connection (fault knob) loses the answer of a request that executed.

Answers use Bitget's envelope ``{"code", "msg", "requestTime", "data"}``; errors are HTTP 400.
No web framework: the app is plain ASGI so that the in-process path needs httpx and anyio only.
"""

from __future__ import annotations

import collections
import dataclasses
import random
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import anyio
import msgspec

from .._cursors import cursor_rule
from .._routes import ROUTES, Route
from . import (
    _convert,
    _copy,
    _earn,
    _futures_account,
    _futures_orders,
    _futures_plans,
    _margin,
    _market,
    _sharkfin,
    _spot_account,
    _spot_orders,
    _spot_plans,
)
from ._faults import ConnectionDropped, Faults
from ._paged import paged_example
from ._state import Account, Ctx, Exchange, Handler
from ._validate import parse, validate
from ._wire import Params, SimError, example_bytes

__all__ = ["RequestRecord", "SimulatorApp"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

TIMESTAMP_WINDOW_MS = 30_000
GLOBAL_LIMIT = (6_000, 60.0)  # requests per IP per minute, all routes together
_JSON_HEADERS = [(b"content-type", b"application/json")]
_UNAVAILABLE = b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>503</body></html>"
_ENCODER = msgspec.json.Encoder()


@dataclasses.dataclass(frozen=True)
class RequestRecord:
    """One request as the simulator saw it (``Simulator.requests``): for asserting on traffic."""

    method: str
    path: str
    status: int
    code: str
    executed: bool  # reached the route's handler (a write may have happened)
    dropped: bool  # the connection was dropped after executing
    query: str = ""  # the raw query string as sent (what a pagination test asserts cursors on)


@dataclasses.dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    client_ip: str


@dataclasses.dataclass(frozen=True)
class _Response:
    status: int
    body: bytes
    code: str
    executed: bool = False
    headers: tuple[tuple[bytes, bytes], ...] = ()


class SimulatorApp:
    """ASGI callable over one ``Exchange``; created by ``Simulator`` (``sim.app``)."""

    def __init__(self, exchange: Exchange, faults: Faults, *, seed: int, enforce_rate_limits: bool = True) -> None:
        self.exchange = exchange
        self.faults = faults
        self.enforce_rate_limits = enforce_rate_limits
        self.records: collections.deque[RequestRecord] = collections.deque(maxlen=10_000)
        self._rng = random.Random(seed)
        self._routes: dict[tuple[str, str], Route] = {(r.method, r.path): r for r in ROUTES}
        self._handlers: dict[str, Handler] = {
            **_market.HANDLERS,
            **_spot_orders.HANDLERS,
            **_spot_plans.HANDLERS,
            **_spot_account.HANDLERS,
            **_futures_account.HANDLERS,
            **_futures_orders.HANDLERS,
            **_futures_plans.HANDLERS,
            **_margin.HANDLERS,
            **_convert.HANDLERS,
            **_earn.HANDLERS,
            **_sharkfin.HANDLERS,
            **_copy.HANDLERS,
        }
        self._windows: dict[str, collections.deque[float]] = {}
        self.monotonic: Callable[[], float] = time.monotonic
        self.websocket: Callable[[Scope, Receive, Send], Awaitable[None]] | None = None  # the stream endpoint

    def has_state(self, route: Route) -> bool:
        """Does this route answer from exchange state (rather than the documented example)?"""
        return route.python_name in self._handlers

    # -- ASGI ------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] == "websocket" and self.websocket is not None:
            await self.websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        latency = self.faults.latency_s
        if latency > 0:
            await anyio.sleep(latency)
        client = scope.get("client") or ("127.0.0.1", 0)
        request = _Request(
            method=str(scope["method"]).upper(),
            path=(scope.get("raw_path") or scope["path"].encode()).decode("latin-1"),
            query=bytes(scope.get("query_string", b"")).decode("latin-1"),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])},
            body=bytes(body),
            client_ip=str(client[0]),
        )
        response, dropped = self.handle(request)
        headers = [*_JSON_HEADERS, *response.headers] if response.status != 503 else [(b"content-type", b"text/html")]
        if dropped:
            # Announce more bytes than will ever come, then fail: servers close the socket.
            headers.append((b"content-length", str(len(response.body) + 64).encode()))
            await send({"type": "http.response.start", "status": response.status, "headers": headers})
            raise ConnectionDropped(f"{request.method} {request.path} executed; connection dropped (fault knob)")
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    # -- request handling ------------------------------------------------------------------
    def handle(self, request: _Request) -> tuple[_Response, bool]:
        """Answer one request (synchronously, under the exchange lock); True = drop the answer."""
        ex = self.exchange
        with ex.lock:
            self.faults.check()
            now = ex.now() + self.faults.clock_skew_ms
            response = self._answer(request, now)
            dropped = False
            if response.executed and self.faults.drop_after_execute > 0:
                self.faults.drop_after_execute -= 1
                dropped = True
            self.records.append(
                RequestRecord(
                    request.method, request.path.split("?", 1)[0], response.status, response.code, response.executed,
                    dropped, request.query,
                )
            )
        return response, dropped

    def _answer(self, request: _Request, now: int) -> _Response:
        route = self._routes.get((request.method, request.path))
        if route is None:
            return _error(SimError("40404", "Request URL NOT FOUND", 404), now)
        key_owner = self.exchange.account(request.headers.get("access-key", ""))
        if self.faults.burst_429 > 0:
            self.faults.burst_429 -= 1
            return _error(SimError("429", "Too Many Requests", 429), now)
        if self.enforce_rate_limits and self._rate_limited(route, request, key_owner):
            return _error(SimError("429", "Too Many Requests", 429), now)
        if self.faults.error_rate_5xx > 0 and self._rng.random() < self.faults.error_rate_5xx:
            return _Response(503, _UNAVAILABLE, "HTTP503")
        try:
            account = self._authenticate(request, now) if route.auth else None
            values = parse(request.method, request.query, request.headers.get("content-type", ""), request.body, route)
            validate(route, values)
        except SimError as exc:
            return _error(exc, now)
        handler = self._handlers.get(route.python_name)
        if handler is None:
            rule = cursor_rule(route)
            if rule is not None:
                example = msgspec.json.decode(example_bytes(route.method, route.path))
                page = paged_example(rule, example, values, now)
                return _Response(200, _success(now, _ENCODER.encode(page)), "00000", executed=True)
            return _Response(200, _success(now, example_bytes(route.method, route.path)), "00000", executed=True)
        try:
            data = handler(Ctx(self.exchange, account, Params(values), now))
            if values.get("clientOid") and route.python_name in _LOOKUPS and self.faults.lookup_lag > 0:
                self.faults.lookup_lag -= 1
                data = _not_yet_visible(data)
        except SimError as exc:
            failed = _error(exc, now)
            return dataclasses.replace(failed, executed=True)
        return _Response(200, _success(now, _ENCODER.encode(data)), "00000", executed=True)

    def _rate_limited(self, route: Route, request: _Request, account: Account | None) -> bool:
        now = self.monotonic()
        scope_key = f"uid:{account.uid}" if route.scope == "UID" and account is not None else f"ip:{request.client_ip}"
        windows = (
            (f"{route.python_name}|{scope_key}", float(route.rate_per_s), 1.0),
            (f"global|ip:{request.client_ip}", float(GLOBAL_LIMIT[0]), GLOBAL_LIMIT[1]),
        )
        hits = []
        for key, limit, span in windows:
            window = self._windows.setdefault(key, collections.deque())
            while window and window[0] <= now - span:
                window.popleft()
            if len(window) >= limit:
                return True
            hits.append(window)
        for window in hits:
            window.append(now)
        return False

    def _authenticate(self, request: _Request, now: int) -> Account:
        h = request.headers
        key, sign, stamp, passphrase = (h.get(n, "") for n in ("access-key", "access-sign", "access-timestamp", "access-passphrase"))
        if not key:
            raise SimError("40001", "ACCESS_KEY cannot be empty")
        if not sign:
            raise SimError("40002", "ACCESS_SIGN cannot be empty")
        if not passphrase:
            raise SimError("40011", "ACCESS_PASSPHRASE cannot be empty")
        if not stamp.isdigit():
            raise SimError("40005", "Invalid ACCESS_TIMESTAMP")
        account = self.exchange.account(key)
        if account is None:
            raise SimError("40006", "Invalid ACCESS_KEY")
        if abs(int(stamp) - now) > TIMESTAMP_WINDOW_MS:
            raise SimError("40008", "Request timestamp expired")
        if not account.passphrase_ok(passphrase):
            raise SimError("40012", "apikey/password is incorrect")
        query = f"?{request.query}" if request.query else ""
        prehash = f"{stamp}{request.method}{request.path}{query}{request.body.decode('utf-8', 'replace')}"
        if not account.signature_ok(prehash, sign):
            raise SimError("40009", "sign signature error")
        if (h.get("paptrading", "").strip() == "1") != account.demo:
            raise SimError("40099", "exchange environment is incorrect")
        return account


# Routes the client looks orders up with, by clientOid (the ``lookup_lag`` fault hides orders there).
_LOOKUPS = frozenset({
    "spot.trade.order_info", "mix.order.detail", "mix.order.orders_plan_pending",
    "margin.crossed.open_orders", "margin.crossed.history_orders",
    "margin.isolated.open_orders", "margin.isolated.history_orders",
})


def _emptied(data: Any) -> Any:
    """The same answer with no rows: a list emptied, or a page object's lists emptied."""
    if isinstance(data, list):
        return []
    if isinstance(data, dict):
        return {k: ([] if isinstance(v, list) else v) for k, v in data.items()}
    return data


def _not_yet_visible(data: Any) -> Any:
    """The answer a lookup gets while the order is not visible yet: as for an unknown clientOid."""
    if isinstance(data, dict) and "orderId" in data:  # futures detail: the order itself
        raise SimError("40768", "Order does not exist", 400)
    return _emptied(data)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _success(now: int, data: bytes) -> bytes:
    return b'{"code":"00000","msg":"success","requestTime":%d,"data":%s}' % (now, data)


def _error(exc: SimError, now: int) -> _Response:
    body = _ENCODER.encode({"code": exc.code, "msg": exc.msg, "requestTime": now, "data": None})
    return _Response(exc.http_status, body, exc.code)
