"""``Simulator``: the public face of the fake exchange (accounts, time, transport, server)."""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import anyio
import httpx

from . import _futures, _spot
from ._app import RequestRecord, SimulatorApp
from ._catalog import CONTRACTS, SPOT, Instrument
from ._faults import ConnectionDropped, Faults
from ._feed import KNOT_MS
from ._lending import accrue_interest
from ._state import Account, Exchange
from ._ws import StreamSimulator

if TYPE_CHECKING:
    from .._client import BitgetClient

__all__ = ["Simulator", "SimulatorTransport"]

_HOUR_MS = 3_600_000
Amounts = Mapping[str, "Decimal | str | int"]
DEFAULT_SPOT: Mapping[str, Decimal] = {"USDT": Decimal(100_000), "BTC": Decimal(1), "ETH": Decimal(10)}
DEFAULT_WALLETS: Mapping[str, Mapping[str, Decimal]] = {
    "usdt_futures": {"USDT": Decimal(100_000)},
    "usdc_futures": {"USDC": Decimal(100_000)},
}
_ACCOUNT_TYPES = ("spot", "p2p", "usdt_futures", "usdc_futures", "coin_futures", "crossed_margin")


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def _money(value: Decimal | str | int, what: str) -> Decimal:
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError(f"{what}: pass money as Decimal, str or int, not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{what}: {value!r} is not a non-negative amount")
    return amount


class SimulatorTransport(httpx.AsyncBaseTransport):
    """In-process httpx transport into the simulator (no sockets, works on asyncio and trio).

    A connection dropped by the ``drop_after_execute`` fault surfaces as the
    ``httpx.RemoteProtocolError`` a real dropped connection gives, and an answer slower than the
    client's read timeout (simulated latency) as the ``httpx.ReadTimeout`` a socket would give.
    """

    def __init__(self, app: SimulatorApp) -> None:
        self._asgi = httpx.ASGITransport(app=app, client=("127.0.0.1", 50_000))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        read = (request.extensions.get("timeout") or {}).get("read")
        try:
            if read is None:
                return await self._asgi.handle_async_request(request)
            with anyio.fail_after(read):
                return await self._asgi.handle_async_request(request)
        except ConnectionDropped:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request) from None
        except TimeoutError:
            raise httpx.ReadTimeout(f"no answer within the read timeout of {read}s", request=request) from None


class Simulator:
    """A stateful fake Bitget v2 exchange: deterministic prices, accounts, orders, positions.

    Construction does no I/O.  Use it in-process (``sim.client()``, ``sim.transport()``,
    ``httpx.ASGITransport(app=sim.app)``) or over loopback HTTP (``async with sim.serve()``).
    The market moves only when told to: ``advance(seconds)`` walks the price path (filling
    resting limits, firing trigger orders, charging margin interest) and moves the exchange
    clock; ``set_price`` jumps a market to a given price.

    Two accounts exist from the start: a live one (``api_key``/``api_secret``/``passphrase``)
    and a demo one (``demo_api_key`` ...; requests need the ``paptrading: 1`` header), each with
    100,000 USDT, 1 BTC and 10 ETH on spot and 100,000 USDT / USDC in the futures accounts.

    ``seed`` fixes the price paths, the 5xx fault draws and the ids.  ``clock`` (epoch ms,
    default the wall clock) is the exchange clock before ``advance``; pass a constant for
    byte-identical timestamps.  ``enforce_rate_limits=False`` turns the per-route limits off.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        clock: Callable[[], int] | None = None,
        enforce_rate_limits: bool = True,
        api_key: str = "sim-api-key",
        api_secret: str = "sim-api-secret",
        passphrase: str = "sim-passphrase",
        demo_api_key: str = "sim-demo-api-key",
        demo_api_secret: str = "sim-demo-api-secret",
        demo_passphrase: str = "sim-demo-passphrase",
    ) -> None:
        self.seed = seed
        self.faults = Faults()
        self._exchange = Exchange(seed, clock or _wall_clock_ms)
        self.app = SimulatorApp(self._exchange, self.faults, seed=seed, enforce_rate_limits=enforce_rate_limits)
        self.stream = StreamSimulator(self._exchange, seed=seed)  # WebSocket v2: sim.stream.faults ...
        self.app.websocket = self.stream
        self.api_key, self.api_secret, self.passphrase = api_key, api_secret, passphrase
        self.demo_api_key, self.demo_api_secret, self.demo_passphrase = demo_api_key, demo_api_secret, demo_passphrase
        self.add_account(api_key=api_key, api_secret=api_secret, passphrase=passphrase)
        self.add_account(api_key=demo_api_key, api_secret=demo_api_secret, passphrase=demo_passphrase, demo=True)

    def __repr__(self) -> str:
        return f"<Simulator seed={self.seed} accounts={len(self._exchange.accounts)} t+{self._exchange.advanced_ms / 1000:g}s>"

    # -- accounts --------------------------------------------------------------------------
    def add_account(
        self,
        *,
        api_key: str,
        api_secret: str | None = None,
        passphrase: str,
        balances: Amounts | None = None,
        demo: bool = False,
        private_key_pem: str | bytes | None = None,
        wallets: Mapping[str, Amounts] | None = None,
    ) -> str:
        """Register an API key and fund it; returns the account's uid.

        ``balances`` are spot balances (default 100,000 USDT, 1 BTC, 10 ETH).  ``wallets`` funds
        other account types by transfer name (``"usdt_futures"``, ``"crossed_margin"``,
        ``"isolated_margin:BTCUSDT"`` ...); by default both futures accounts get 100,000.
        ``private_key_pem`` makes it an RSA key (signatures are verified with its public half;
        needs the ``rsa`` extra) instead of an HMAC ``api_secret``.
        """
        if not api_key or not passphrase:
            raise ValueError("api_key and passphrase are required")
        if api_secret is None and private_key_pem is None:
            raise ValueError("an account needs api_secret (HMAC) or private_key_pem (RSA)")
        public_key = _rsa_public_key(private_key_pem) if private_key_pem is not None else None
        ex = self._exchange
        with ex.lock:
            if api_key in ex.accounts:
                raise ValueError("an account with this api_key already exists")
            account = Account(
                uid=ex.next_uid(), api_key=api_key, api_secret=api_secret, passphrase=passphrase, demo=demo,
                rsa_public_key=public_key,
            )
            funding = {"spot": DEFAULT_SPOT if balances is None else balances}
            funding.update(DEFAULT_WALLETS if wallets is None else wallets)
            for key, amounts in funding.items():
                _check_account_type(key)
                for coin, amount in amounts.items():
                    account.wallet(key).credit(coin.upper(), _money(amount, f"{key} {coin}"))
            ex.accounts[api_key] = account
            return account.uid

    def account(self, api_key: str | None = None) -> Account:
        """The state behind an API key (default: the live key), for assertions in tests."""
        account = self._exchange.account(api_key or self.api_key)
        if account is None:
            raise KeyError("no account with this api_key")
        return account

    def balance(self, coin: str, *, account_type: str = "spot", api_key: str | None = None) -> Decimal:
        """Available balance of ``coin`` in an account type (``"spot"``, ``"usdt_futures"`` ...)."""
        _check_account_type(account_type)
        with self._exchange.lock:
            return self.account(api_key).wallet(account_type).free(coin.upper())

    # -- wiring ----------------------------------------------------------------------------
    def transport(self) -> httpx.AsyncBaseTransport:
        """An in-process httpx transport into this simulator: no sockets, asyncio or trio."""
        return SimulatorTransport(self.app)

    def client(self, **kwargs: Any) -> BitgetClient:
        """A ``BitgetClient`` on ``transport()`` with the live keys (``demo=True``: the demo keys).

        It signs with the simulator's clock, so ``advance()`` never makes its timestamps stale;
        keyword arguments go to ``BitgetClient`` and override these defaults.
        """
        from .._client import BitgetClient

        demo = bool(kwargs.get("demo", False))
        kwargs.setdefault("api_key", self.demo_api_key if demo else self.api_key)
        kwargs.setdefault("api_secret", self.demo_api_secret if demo else self.api_secret)
        kwargs.setdefault("passphrase", self.demo_passphrase if demo else self.passphrase)
        kwargs.setdefault("base_url", "https://api.bitget.com")
        kwargs.setdefault("clock", self.now_ms)
        if "httpx_client" not in kwargs:
            kwargs.setdefault("transport", self.transport())
        return BitgetClient(**kwargs)

    @contextlib.asynccontextmanager
    async def serve(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Serve over real HTTP with uvicorn (``sim`` extra); yields the base URL."""
        from ._serve import ServerThread

        server = ServerThread(self.app, host, port)
        try:
            await anyio.to_thread.run_sync(server.start)
            yield server.url
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(server.stop)

    @contextlib.asynccontextmanager
    async def serve_stream(
        self, host: str = "127.0.0.1", port: int = 0, *, ssl_context: ssl.SSLContext | None = None
    ) -> AsyncIterator[str]:
        """Serve only the WebSocket endpoint on loopback, in the caller's event loop (asyncio or
        trio, no thread, no uvicorn); yields ``ws://host:port`` for ``StreamConfig(url=...)``
        (``wss://`` when given a server ``ssl_context``)."""
        from ._ws_server import serve_websocket

        async with serve_websocket(self.stream, host, port, ssl_context) as url:
            yield url

    @property
    def requests(self) -> list[RequestRecord]:
        """The requests seen so far (method, path, status, code, executed, dropped), oldest first."""
        with self._exchange.lock:
            return list(self.app.records)

    # -- time and prices -------------------------------------------------------------------
    def now_ms(self) -> int:
        """The simulator clock in epoch ms (wall clock plus everything advanced)."""
        return self._exchange.now()

    def price(self, symbol: str) -> Decimal:
        """Current price of a spot symbol or futures contract (``"BTCUSDT"``, ``"BTCPERP"``)."""
        with self._exchange.lock:
            return self._exchange.feed.price(_instrument(symbol), self._exchange.market_ms)

    def set_price(self, symbol: str, price: Decimal | str | int) -> None:
        """Jump the market of ``symbol`` to ``price`` now: resting orders and triggers it crosses
        execute at once (all spot pairs and contracts on the same coin move together)."""
        inst = _instrument(symbol)
        target = _money(price, "price")
        ex = self._exchange
        with ex.lock:
            before = ex.feed.price(inst, ex.market_ms)
            ex.feed.jump(inst, ex.market_ms, target)
            ex.market_cache.clear()
            after = ex.feed.price(inst, ex.market_ms)
            self._match(inst, min(before, after), max(before, after))

    def advance(self, seconds: float) -> None:
        """Move market time and the exchange clock forward, executing everything the price path
        crosses on the way: limit fills, trigger orders, TP/SL, hourly margin interest."""
        if seconds < 0:
            raise ValueError("advance() moves forward only")
        ex = self._exchange
        with ex.lock:
            ex.now()  # pin the market origin before time moves
            t = ex.advanced_ms
            target = t + round(seconds * 1000)
            while t < target:
                active = self._active_instruments()
                # Walk knot by knot where prices can trigger something; otherwise only the
                # hourly interest charge can happen, so hop to the next hour boundary.
                boundary = (t // KNOT_MS + 1) * KNOT_MS if active else (t // _HOUR_MS + 1) * _HOUR_MS
                step_end = min(target, boundary)
                ex.advanced_ms = step_end
                for inst in active:
                    low, high = ex.feed.extremes(inst, t, step_end)
                    self._match(inst, low, high)
                for _ in range(t // _HOUR_MS, step_end // _HOUR_MS):
                    for account in ex.accounts.values():
                        accrue_interest(ex, account, ex.now())
                t = step_end
            ex.market_cache.clear()

    # -- internals -------------------------------------------------------------------------
    def _active_instruments(self) -> list[Instrument]:
        """Coins with something that prices can trigger: open limits, live plans, TP/SL."""
        bases: set[str] = set()
        for account in self._exchange.accounts.values():
            bases.update(SPOT[o.symbol].base for o in account.open_orders())
            bases.update(SPOT[p.symbol].base for p in account.live_plans())
            bases.update(CONTRACTS[o.product][o.symbol].base for o in account.open_futures_orders())
            bases.update(CONTRACTS[p.product][p.symbol].base for p in account.live_futures_plans())
        return [SPOT[f"{b}USDT"].inst for b in sorted(bases)]

    def _match(self, inst: Instrument, low: Decimal, high: Decimal) -> None:
        ex = self._exchange
        now = ex.now()
        for account in list(ex.accounts.values()):
            _spot.match(ex, account, SPOT[f"{inst.base}USDT"], low, high, now)
            for product in ("USDT-FUTURES", "USDC-FUTURES"):
                for c in CONTRACTS[product].values():
                    if c.base == inst.base:
                        _futures.match(ex, account, c, low, high, now)


def _check_account_type(key: str) -> None:
    if key not in _ACCOUNT_TYPES and not (key.startswith("isolated_margin:") and key.split(":", 1)[1] in SPOT):
        raise ValueError(f"unknown account type {key!r}")


def _instrument(symbol: str) -> Instrument:
    name = symbol.strip().upper()
    if name in SPOT:
        return SPOT[name].inst
    for contracts in CONTRACTS.values():
        if name in contracts:
            return contracts[name].inst
    raise KeyError(f"unknown symbol {symbol!r}")


def _rsa_public_key(pem: str | bytes) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("private_key_pem must be an RSA private key")
    return key.public_key()
