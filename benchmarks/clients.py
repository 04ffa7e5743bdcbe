"""The clients under test, each behind the same four calls so the worker can time them alike.

Every adapter does what a user of that library would write for the workload, pointed at the
fake server: ``small`` (one ticker), ``signed`` (place a limit order, HMAC-signed), ``large``
(1,000 tickers decoded: bitget_async to its typed models, raw clients with ``json.loads``, ccxt
to its unified tickers, pybotters to plain dicts) and ``candles`` (1,000 candles, Bitget's page).  Raw clients
check the envelope code, as any real caller must; bitget_async, ccxt and pybotters do their own.

Pools: raw httpx and raw aiohttp hold ``POOL`` connections, the size of bitget_async's default
``Limits()``, so every "vs raw" ratio compares equal pools (the ``pool128`` rows: 128 on both
sides).  ccxt and pybotters run as their users get them (aiohttp's default connector).

Imports of peer libraries happen inside the adapter so a worker process loads only the client it
measures (peak RSS then belongs to that client).
"""

from __future__ import annotations

import abc
import base64
import hashlib
import hmac
import json
import time
import uuid
from decimal import Decimal
from typing import Any, Protocol

from fake_server import API_KEY, API_SECRET, CANDLES, PAGE_ROWS, PASSPHRASE, PLACE_ORDER, TICKERS

__all__ = ["CLIENTS", "Adapter", "make_adapter"]

SMALL_QUERY = "symbol=BTCUSDT"
CANDLES_QUERY = f"symbol=BTCUSDT&granularity=1min&limit={PAGE_ROWS}"
GATE = 8  # in-flight gate of "raw httpx gated": the same 8 bitget_async uses by default
POOL = 8  # connections of every raw httpx and aiohttp pool: the same as bitget_async's Limits() default
BIG_POOL = 128  # the "pool 128" variants: one connection per caller at 128 concurrent


class Adapter(Protocol):
    async def open(self) -> None: ...
    async def small(self) -> None: ...
    async def signed(self) -> None: ...
    async def large(self) -> None: ...
    async def candles(self) -> None: ...
    async def close(self) -> None: ...


def _order_body() -> bytes:
    # A fresh clientOid per order, as every client here generates one (bitget_async always does).
    return json.dumps(
        {
            "symbol": "BTCUSDT",
            "side": "buy",
            "orderType": "limit",
            "force": "gtc",
            "price": "25000.5",
            "size": "0.001",
            "clientOid": uuid.uuid4().hex,
        },
        separators=(",", ":"),
    ).encode()


class _RawSigner:
    """What a hand-rolled client does per signed call: timestamp, prehash, HMAC, headers."""

    def __init__(self) -> None:
        self._mac = hmac.new(API_SECRET.encode(), digestmod=hashlib.sha256)
        self._base = {
            "ACCESS-KEY": API_KEY,
            "ACCESS-PASSPHRASE": PASSPHRASE,
            "Content-Type": "application/json",
            "locale": "en-US",
        }

    def headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        ts = str(time.time_ns() // 1_000_000)
        mac = self._mac.copy()
        mac.update(f"{ts}{method}{path}".encode())
        mac.update(body)
        return {**self._base, "ACCESS-TIMESTAMP": ts, "ACCESS-SIGN": base64.b64encode(mac.digest()).decode()}


def _check(body: bytes | str) -> Any:
    doc = json.loads(body)
    if doc.get("code") != "00000":
        raise RuntimeError(f"API error {doc.get('code')}: {doc.get('msg')}")
    return doc["data"]


class BitgetAsyncAdapter:
    """bitget_async as documented: one client, the generated methods, typed models."""

    def __init__(self, base_url: str, transport: str | None, pool: int | None = None) -> None:
        self._base_url = base_url
        self._transport = transport
        self._pool = pool
        self._client: Any = None

    async def open(self) -> None:
        from bitget_async import BitgetClient, Limits, RateLimits, WindowLimit

        # Bitget allows 20 tickers/s and 10 orders/s per IP; a loopback benchmark goes far
        # beyond that, so the published limits are raised (not disabled): the limiter still
        # runs on every call and its cost is part of what is measured.
        many = 10_000_000.0
        rate_limits = RateLimits(
            overrides={"spot.market.tickers": many, "spot.market.candles": many, "spot.trade.place_order": many},
            global_limit=WindowLimit(1_000_000_000, 1.0),
        )
        self._client = BitgetClient(
            API_KEY,
            API_SECRET,
            PASSPHRASE,
            base_url=self._base_url,
            transport=self._transport,  # type: ignore[arg-type]
            rate_limits=rate_limits,
            limits=Limits(max_connections=self._pool, max_keepalive_connections=self._pool) if self._pool else Limits(),
        )

    async def small(self) -> None:
        await self._client.spot.market.tickers(symbol="BTCUSDT")

    async def signed(self) -> None:
        await self._client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="gtc",
            price=Decimal("25000.5"), size=Decimal("0.001"),
        )

    async def large(self) -> None:
        tickers = await self._client.spot.market.tickers()
        assert len(tickers) == PAGE_ROWS

    async def candles(self) -> None:
        candles = await self._client.spot.market.candles(symbol="BTCUSDT", granularity="1min", limit=PAGE_ROWS)
        assert len(candles) == PAGE_ROWS

    async def close(self) -> None:
        await self._client.aclose()


class _Pointed:
    """An adapter pointed at the fake server; it makes its client in ``open`` (inside the loop)."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url


class _RawAdapter(_Pointed, abc.ABC):
    """The four workloads as a hand-written client sends them; subclasses supply ``_send``."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self._signer = _RawSigner()

    @abc.abstractmethod
    async def _send(self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None) -> Any:
        """Send one request and return the envelope's ``data`` (``_check``ed)."""

    async def small(self) -> None:
        await self._send("GET", f"{TICKERS}?{SMALL_QUERY}", None, None)

    async def signed(self) -> None:
        body = _order_body()
        await self._send("POST", PLACE_ORDER, self._signer.headers("POST", PLACE_ORDER, body), body)

    async def large(self) -> None:
        assert len(await self._send("GET", TICKERS, None, None)) == PAGE_ROWS

    async def candles(self) -> None:
        assert len(await self._send("GET", f"{CANDLES}?{CANDLES_QUERY}", None, None)) == PAGE_ROWS


class RawHttpxAdapter(_RawAdapter):
    """httpx as most hand-written clients use it: one ``AsyncClient``, optionally gated."""

    def __init__(self, base_url: str, gated: bool, pool: int = POOL, module: str = "httpx") -> None:
        super().__init__(base_url)
        self._module = module
        self._gated = gated
        self._gate: Any = None
        self._pool = pool
        self._client: Any = None

    async def open(self) -> None:
        import importlib

        import anyio

        httpx: Any = importlib.import_module(self._module)  # "httpx2": the fork, as a probe

        # anyio's Semaphore so the same adapter runs on trio; the pool is the client's size.
        self._gate = anyio.Semaphore(GATE) if self._gated else None
        limits = httpx.Limits(max_connections=self._pool, max_keepalive_connections=self._pool)
        self._client = httpx.AsyncClient(base_url=self._base_url, trust_env=False, limits=limits)

    async def _send(self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None) -> Any:
        if self._gate is None:
            r = await self._client.request(method, target, headers=headers, content=body)
        else:
            async with self._gate:
                r = await self._client.request(method, target, headers=headers, content=body)
        return _check(r.content)

    async def close(self) -> None:
        await self._client.aclose()


class RawAiohttpAdapter(_RawAdapter):
    """aiohttp with one ``ClientSession``: the floor for an asyncio HTTP client in Python.

    Its connector holds ``POOL`` connections, the same as bitget_async's default ``Limits()``
    (aiohttp's own default is 100), so "within 1.15x raw aiohttp" compares equal pools.
    """

    def __init__(self, base_url: str, pool: int = POOL) -> None:
        super().__init__(base_url)
        self._pool = pool
        self._session: Any = None

    async def open(self) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=self._pool, limit_per_host=self._pool)
        self._session = aiohttp.ClientSession(base_url=self._base_url, connector=connector)

    async def _send(self, method: str, target: str, headers: dict[str, str] | None, body: bytes | None) -> Any:
        async with self._session.request(method, target, headers=headers, data=body) as r:
            return _check(await r.read())

    async def close(self) -> None:
        await self._session.close()


class CcxtAdapter(_Pointed):
    """ccxt's async bitget with every API URL pointed at the fake server (unified methods)."""

    _ex: Any

    async def open(self) -> None:
        import ccxt.async_support as ccxt  # type: ignore[import-untyped]

        ex = ccxt.bitget(
            {
                "apiKey": API_KEY,
                "secret": API_SECRET,
                "password": PASSPHRASE,
                "enableRateLimit": False,  # like bitget_async's raised limits: measure, don't sleep
                "options": {"defaultType": "spot", "fetchMarkets": {"types": ["spot"]}, "uta": False},
            }
        )
        ex.urls["api"] = {name: self._base_url for name in ex.urls["api"]}
        await ex.load_markets()  # from the fake server, before the timed phase
        self._ex = ex

    async def small(self) -> None:
        await self._ex.fetch_ticker("BTC/USDT")

    async def signed(self) -> None:
        await self._ex.create_order("BTC/USDT", "limit", "buy", 0.001, 25000.5)

    async def large(self) -> None:
        assert len(await self._ex.fetch_tickers()) == PAGE_ROWS

    async def candles(self) -> None:
        assert len(await self._ex.fetch_ohlcv("BTC/USDT", "1m", limit=PAGE_ROWS)) == PAGE_ROWS

    async def close(self) -> None:
        await self._ex.close()


class PybottersAdapter(_Pointed):
    """pybotters' ``Client`` with its Bitget auth; raw dicts out, as pybotters users get them."""

    _client: Any

    async def open(self) -> None:
        import pybotters
        from pybotters.auth import Auth, Hosts, Item

        # pybotters picks the signer by host name; teach it that the fake server is Bitget.
        Hosts.items["127.0.0.1"] = Item("bitget", Auth.bitget)
        self._client = pybotters.Client(
            apis={"bitget": [API_KEY, API_SECRET, PASSPHRASE]}, base_url=self._base_url
        )

    async def _get(self, path: str, params: dict[str, str] | None) -> Any:
        # auth=None: public calls unsigned (pybotters would otherwise sign them too).
        async with self._client.get(path, params=params, auth=None) as r:
            return _check(await r.read())

    async def small(self) -> None:
        await self._get(TICKERS, {"symbol": "BTCUSDT"})

    async def signed(self) -> None:
        data = {
            "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
            "price": "25000.5", "size": "0.001", "clientOid": uuid.uuid4().hex,
        }
        async with self._client.post(PLACE_ORDER, data=data) as r:
            _check(await r.read())

    async def large(self) -> None:
        assert len(await self._get(TICKERS, None)) == PAGE_ROWS

    async def candles(self) -> None:
        assert len(await self._get(CANDLES, {"symbol": "BTCUSDT", "granularity": "1min", "limit": str(PAGE_ROWS)})) == PAGE_ROWS

    async def close(self) -> None:
        await self._client.close()


CLIENTS = (
    "bitget_async",
    "bitget_async_httpx",
    "bitget_async_fast",
    "httpx",
    "httpx_gated",
    "aiohttp",
    "aiohttp_pool100",
    "ccxt",
    "pybotters",
    "bitget_async_trio",
    "httpx_trio",
    "bitget_async_pool128",
    "bitget_async_httpx_pool128",
    "httpx_pool128",
    "httpx2_gated",
)
# Clients the worker runs under trio.run (everything else on the stock asyncio loop).
TRIO_CLIENTS = ("bitget_async_trio", "httpx_trio")


def make_adapter(name: str, base_url: str) -> Adapter:
    if name in ("bitget_async", "bitget_async_trio"):
        return BitgetAsyncAdapter(base_url, None)  # the default install: what a user gets
    if name == "bitget_async_httpx":
        return BitgetAsyncAdapter(base_url, "httpx")
    if name == "bitget_async_fast":
        return BitgetAsyncAdapter(base_url, "aiohttp")
    if name == "bitget_async_pool128":
        return BitgetAsyncAdapter(base_url, None, pool=BIG_POOL)
    if name == "bitget_async_httpx_pool128":
        return BitgetAsyncAdapter(base_url, "httpx", pool=BIG_POOL)
    if name in ("httpx", "httpx_trio"):
        return RawHttpxAdapter(base_url, gated=False)
    if name == "httpx_gated":
        return RawHttpxAdapter(base_url, gated=True)
    if name == "httpx2_gated":  # probe only (not in the default run): pip install httpx2
        return RawHttpxAdapter(base_url, gated=True, module="httpx2")
    if name == "httpx_pool128":
        return RawHttpxAdapter(base_url, gated=False, pool=BIG_POOL)
    if name == "aiohttp":
        return RawAiohttpAdapter(base_url)
    if name == "aiohttp_pool100":
        return RawAiohttpAdapter(base_url, pool=100)  # aiohttp's own TCPConnector default
    if name == "ccxt":
        return CcxtAdapter(base_url)
    if name == "pybotters":
        return PybottersAdapter(base_url)
    raise ValueError(f"unknown client {name!r}; choose from {', '.join(CLIENTS)}")
