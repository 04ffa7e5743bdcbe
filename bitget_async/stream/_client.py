"""``StreamClient`` (``client.stream``): one method per Bitget v2 channel, each a subscription.

Spelling: the channel name (``ticker``, ``candle``, ``trade``, ``books``, ``orders``, ``fill``,
``orders_algo``, ``positions_history`` ...) with ``instType`` first and ``instId`` second, as
Bitget's subscribe args are.  ``inst_id`` may be one instrument or a list; a list is sharded over
as many connections as ``StreamConfig.max_channels`` requires, and comes back as one stream.
Arguments are checked before any I/O (``ValidationError`` naming the parameter).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

import anyio

from .._config import Credentials
from .._errors import ClientClosedError, MissingCredentialsError, StreamRateLimitError, ValidationError
from ..signing import HmacSigner, RsaSigner, Signer
from ._codec import PushDecoder, RoutingDecoder, encode
from ._config import DEFAULT_STREAM_CONFIG, StreamConfig
from ._connection import Connection
from ._limits import SlidingWindow
from ._messages import (
    Arg,
    Auction,
    Books,
    Candle,
    FuturesTicker,
    IndexPrice,
    SpotTicker,
    Trade,
)
from ._private_messages import (
    AccountCrossed,
    AccountIsolated,
    AdlNotice,
    Equity,
    FuturesAccount,
    FuturesFill,
    FuturesOrder,
    FuturesPlanOrder,
    MarginOrder,
    Position,
    PositionHistory,
    SpotAccount,
    SpotFill,
    SpotOrder,
    SpotPlanOrder,
)
from ._subscription import OrderBooks, Subscription

if TYPE_CHECKING:
    from ._subscription import _Stream

__all__ = ["CANDLE_INTERVALS", "INST_TYPES", "StreamClient"]

T = TypeVar("T")
SpotT = TypeVar("SpotT")
FuturesT = TypeVar("FuturesT")
InstType = Literal["SPOT", "USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES", "MARGIN"]
Futures = Literal["USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"]
InstIds = str | Sequence[str]
INST_TYPES = ("SPOT", "USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES", "MARGIN")
FUTURES = ("USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES")
CANDLE_INTERVALS = (
    "1m", "5m", "15m", "30m", "1H", "4H", "6H", "12H", "1D", "3D", "1W", "1M",
    "6Hutc", "12Hutc", "1Dutc", "3Dutc", "1Wutc", "1Mutc",
)
BOOK_DEPTHS = ("books", "books1", "books5", "books15")


def _inst_type(value: str, allowed: Sequence[str] = INST_TYPES, param: str = "inst_type") -> str:
    if not isinstance(value, str) or value.upper() not in allowed:
        raise ValidationError(f"{param} must be one of {', '.join(allowed)}; got {value!r}", param=param)
    return value.upper()


def _inst_ids(value: InstIds, param: str = "inst_id") -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    if not items:
        raise ValidationError(f"{param}: give at least one instrument", param=param)
    for item in items:
        if not isinstance(item, str) or not item.strip() or len(item) > 64:
            raise ValidationError(f"{param}: instrument ids are non-empty strings, got {item!r}", param=param)
    return [i.strip() if i.strip() == "default" else i.strip().upper() for i in items]


class _SpotOrFutures(Generic[SpotT, FuturesT]):
    """A private channel with one push type on spot and one on futures, chosen by ``inst_type``
    (``orders``, ``fill``, ``orders-algo``): one line per channel on ``StreamClient`` instead of
    a method and two overloads each.  Read on a client it is bound to it, like a method; it
    passes for a function in ``help()`` and ``inspect`` (a descriptor with a signature)."""

    def __init__(self, channel: str, spot: type[SpotT], futures: type[FuturesT], doc: str,
                 client: StreamClient | None = None) -> None:
        self.channel, self.spot, self.futures = channel, spot, futures
        self.__name__ = channel.replace("-", "_")
        self._doc = doc
        self.__doc__ = f"``{channel}``: {doc}."
        self._client = client

    @property
    def __signature__(self) -> inspect.Signature:
        returns = f"Subscription[{self.spot.__name__}] | Subscription[{self.futures.__name__}]"
        return inspect.signature(self.__call__).replace(return_annotation=returns)

    def __repr__(self) -> str:
        return f"<stream channel {self.channel}: {self.spot.__name__} (SPOT) or {self.futures.__name__} (futures)>"

    def __get__(self, client: StreamClient | None, owner: type | None = None) -> _SpotOrFutures[SpotT, FuturesT]:
        if client is None:
            return self
        return _SpotOrFutures(self.channel, self.spot, self.futures, self._doc, client)

    @overload
    def __call__(self, inst_type: Literal["SPOT"], inst_id: InstIds = ...) -> Subscription[SpotT]: ...
    @overload
    def __call__(self, inst_type: Futures, inst_id: InstIds = ...) -> Subscription[FuturesT]: ...
    def __call__(self, inst_type: str, inst_id: InstIds = "default") -> Subscription[SpotT] | Subscription[FuturesT]:
        client = self._client
        if client is None:
            raise TypeError(f"StreamClient.{self.__name__} is called on a client's stream (client.stream.{self.__name__})")
        kind = _inst_type(inst_type, ("SPOT", *FUTURES))
        if kind == "SPOT":
            return client._private(kind, self.channel, self.spot, inst_id=inst_id)
        return client._private(kind, self.channel, self.futures, inst_id=inst_id)


class StreamClient:
    """The WebSocket side of a ``BitgetClient`` (``client.stream``); closed by ``client.aclose()``.

    Every method returns an un-started subscription: enter it with ``async with`` to connect.
    Private channels need the client's API keys (HMAC or RSA) and log in on their own
    connections.  Demo clients (``demo=True``) use the ``wspap`` host.
    """

    def __init__(
        self,
        *,
        config: StreamConfig = DEFAULT_STREAM_CONFIG,
        credentials: Credentials | None = None,
        demo: bool = False,
        timestamp_ms: Callable[[], str] | None = None,
    ) -> None:
        self.config = config
        self.demo = demo
        self._credentials = credentials
        self._signer: Signer | None = None
        if credentials is not None:
            self._signer = (RsaSigner(credentials.private_key) if credentials.private_key
                            else HmacSigner(credentials.api_secret or ""))
        self._timestamp_ms = timestamp_ms or _wall_ms
        self._connects = SlidingWindow(config.max_connects, config.connect_window, "connects")
        self._open: set[_Stream[Any]] = set()
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<StreamClient {self.config.endpoint(False, self.demo)} subscriptions={len(self._open)} {state}>"

    async def aclose(self) -> None:
        """Stop every open subscription (their consumers get ``ClientClosedError``).  Idempotent."""
        self._closed = True
        for sub in list(self._open):
            sub._shutdown()
        await anyio.lowlevel.checkpoint()

    # -- observability ---------------------------------------------------------------------
    @property
    def connect_attempts(self) -> int:
        """Connection attempts made so far by all of this client's subscriptions."""
        return self._connects.total

    # -- internals used by subscriptions ---------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError("the client is closed")

    def _register(self, sub: _Stream[Any]) -> None:
        if self._closed:
            raise ClientClosedError("the client is closed")
        self._open.add(sub)

    def _forget(self, sub: _Stream[Any]) -> None:
        self._open.discard(sub)

    def _connections_for(self, sub: Subscription[Any] | OrderBooks) -> list[Connection]:
        per = self.config.max_channels
        needed = -(-len(sub.args) // per)
        in_use = sum(len(other.connections) for other in self._open if other is not sub)
        if in_use + needed > self.config.max_connections:
            raise StreamRateLimitError(
                f"{sub!r} needs {needed} connections; {in_use} are open and Bitget allows "
                f"{self.config.max_connections} per IP (StreamConfig.max_connections): pass several "
                "instruments to one subscription to share connections")
        url = self.config.endpoint(sub.private, self.demo)
        login = self._login_frame if sub.private else None
        return [
            Connection(url=url, args=sub.args[i:i + per], handler=sub, config=self.config, connects=self._connects,
                       login=login)
            for i in range(0, len(sub.args), per)
        ]

    def _login_frame(self) -> bytes:
        creds, signer = self._credentials, self._signer
        assert creds is not None and signer is not None
        ts = str(int(self._timestamp_ms()) // 1000)
        sign = signer.sign(f"{ts}GET/user/verify")
        return encode({"op": "login", "args": [
            {"apiKey": creds.api_key, "passphrase": creds.passphrase, "timestamp": ts, "sign": sign}]})

    def _public(self, inst_type: str, channel: str, inst_id: InstIds, item: type[T]) -> Subscription[T]:
        args = [Arg(inst_type, channel, i) for i in _inst_ids(inst_id)]
        return Subscription(self, args, False, item)

    def _private(self, inst_type: str, channel: str, item: type[T], *, inst_id: InstIds | None = None,
                 coin: bool = False) -> Subscription[T]:
        if self._credentials is None:
            raise MissingCredentialsError(f"the {channel} channel is private: create the client with API keys",
                                          param="api_key")
        if coin:
            args = [Arg(inst_type, channel, coin="default")]
        elif inst_id is None:
            args = [Arg(inst_type, channel)]
        else:
            args = [Arg(inst_type, channel, i) for i in _inst_ids(inst_id)]
        return Subscription(self, args, True, item)

    def merge(self, *subscriptions: Subscription[Any]) -> Subscription[Any]:
        """One subscription over the channels of several not-yet-entered ones, sharing connections
        (and, for private channels, one login per connection): ``merge(s.orders("SPOT"),
        s.fill("SPOT"), s.account("SPOT"))``.  Each push keeps its channel's type; tell them apart
        by ``push.arg.channel``.  All must be public, or all private."""
        if not subscriptions:
            raise ValidationError("merge() needs at least one subscription", param="subscriptions")
        routes: dict[tuple[str, str], PushDecoder[Any]] = {}
        args: list[Arg] = []
        for sub in subscriptions:
            if not isinstance(sub, Subscription) or not isinstance(sub.decoder, PushDecoder):
                raise ValidationError("merge() takes subscriptions made by this client's channel methods "
                                      "(order_book() keeps its own books and cannot be merged)", param="subscriptions")
            if sub._owner is not self or sub._state != "new":
                raise ValidationError("merge() takes new subscriptions of this client", param="subscriptions")
            if sub.private != subscriptions[0].private:
                raise ValidationError("merge() cannot mix public and private channels (they use different "
                                      "hosts)", param="subscriptions")
            for arg in sub.args:
                routes[(arg.inst_type, arg.channel)] = sub.decoder
            args.extend(sub.args)
        decoder = RoutingDecoder(routes, PushDecoder(dict))
        return Subscription(self, args, subscriptions[0].private, object, decoder=decoder)

    # -- public channels -------------------------------------------------------------------
    @overload
    def ticker(self, inst_type: Literal["SPOT"], inst_id: InstIds) -> Subscription[SpotTicker]: ...
    @overload
    def ticker(self, inst_type: Futures, inst_id: InstIds) -> Subscription[FuturesTicker]: ...
    def ticker(self, inst_type: str, inst_id: InstIds) -> Subscription[SpotTicker] | Subscription[FuturesTicker]:
        """``ticker``: last price, best bid/ask, 24 h statistics (spot every 200-300 ms, futures 300-400 ms)."""
        kind = _inst_type(inst_type, ("SPOT", *FUTURES))
        if kind == "SPOT":
            return self._public(kind, "ticker", inst_id, SpotTicker)
        return self._public(kind, "ticker", inst_id, FuturesTicker)

    def candle(self, inst_type: Literal["SPOT"] | Futures, inst_id: InstIds, interval: str = "1m") -> Subscription[Candle]:
        """``candle<interval>``: the candle in progress (``interval`` 1m .. 1M, or a ``utc`` variant)."""
        kind = _inst_type(inst_type, ("SPOT", *FUTURES))
        if interval not in CANDLE_INTERVALS:
            raise ValidationError(f"interval must be one of {', '.join(CANDLE_INTERVALS)}; got {interval!r}",
                                  param="interval")
        return self._public(kind, f"candle{interval}", inst_id, Candle)

    def trade(self, inst_type: Literal["SPOT"] | Futures, inst_id: InstIds) -> Subscription[Trade]:
        """``trade``: public trades as they happen (a snapshot of recent ones first)."""
        return self._public(_inst_type(inst_type, ("SPOT", *FUTURES)), "trade", inst_id, Trade)

    def books(self, inst_type: Literal["SPOT"] | Futures, inst_id: InstIds,
              depth: Literal["books", "books1", "books5", "books15"] = "books15") -> Subscription[Books]:
        """Raw book pushes: ``books1``/``books5``/``books15`` are whole snapshots each push; ``books``
        is a snapshot then updates (use ``order_book`` to have them applied and verified)."""
        if depth not in BOOK_DEPTHS:
            raise ValidationError(f"depth must be one of {', '.join(BOOK_DEPTHS)}; got {depth!r}", param="depth")
        return self._public(_inst_type(inst_type, ("SPOT", *FUTURES)), depth, inst_id, Books)

    def order_book(self, inst_type: Literal["SPOT"] | Futures, inst_id: InstIds) -> OrderBooks:
        """Verified local order books from ``books`` (checksum and seq/pseq checked, resync on failure)."""
        kind = _inst_type(inst_type, ("SPOT", *FUTURES))
        return OrderBooks(self, [Arg(kind, "books", i) for i in _inst_ids(inst_id)])

    def auction(self, inst_id: InstIds) -> Subscription[Auction]:
        """``auction`` (spot): call-auction stages and the estimated opening price of new listings."""
        return self._public("SPOT", "auction", inst_id, Auction)

    def index_price(self, inst_id: InstIds = "default") -> Subscription[IndexPrice]:
        """``index-price`` (instType MARGIN): index prices of the margin symbols."""
        return self._public("MARGIN", "index-price", inst_id, IndexPrice)

    # -- private: spot and futures ---------------------------------------------------------
    @overload
    def account(self, inst_type: Literal["SPOT"]) -> Subscription[SpotAccount]: ...
    @overload
    def account(self, inst_type: Futures) -> Subscription[FuturesAccount]: ...
    def account(self, inst_type: str) -> Subscription[SpotAccount] | Subscription[FuturesAccount]:
        """``account``: balances (a snapshot on subscribe, then every change)."""
        kind = _inst_type(inst_type, ("SPOT", *FUTURES))
        if kind == "SPOT":
            return self._private(kind, "account", SpotAccount, coin=True)
        return self._private(kind, "account", FuturesAccount, coin=True)

    orders = _SpotOrFutures("orders", SpotOrder, FuturesOrder,
                            "every state change of your orders (placed, partially filled, filled, canceled)")
    fill = _SpotOrFutures("fill", SpotFill, FuturesFill, "your trades, one push per execution")
    orders_algo = _SpotOrFutures("orders-algo", SpotPlanOrder, FuturesPlanOrder, "trigger (plan) orders and TP/SL")

    def positions(self, inst_type: Futures, inst_id: InstIds = "default") -> Subscription[Position]:
        """``positions`` (futures): open positions (a snapshot on subscribe, then every change)."""
        return self._private(_inst_type(inst_type, FUTURES), "positions", Position, inst_id=inst_id)

    def positions_history(self, inst_type: Futures, inst_id: InstIds = "default") -> Subscription[PositionHistory]:
        """``positions-history`` (futures): positions as they close."""
        return self._private(_inst_type(inst_type, FUTURES), "positions-history", PositionHistory, inst_id=inst_id)

    def equity(self, inst_type: Futures) -> Subscription[Equity]:
        """``equity`` (futures; takes no instId): account equity and unrealized PnL."""
        return self._private(_inst_type(inst_type, FUTURES), "equity", Equity)

    def adl_noti(self, inst_type: Futures, inst_id: InstIds = "default") -> Subscription[AdlNotice]:
        """``adl-noti`` (futures): auto-deleveraging notices."""
        return self._private(_inst_type(inst_type, FUTURES), "adl-noti", AdlNotice, inst_id=inst_id)

    # -- private: margin -------------------------------------------------------------------
    def account_crossed(self) -> Subscription[AccountCrossed]:
        """``account-crossed``: cross-margin assets and debt."""
        return self._private("MARGIN", "account-crossed", AccountCrossed, coin=True)

    def orders_crossed(self, inst_id: InstIds) -> Subscription[MarginOrder]:
        """``orders-crossed``: cross-margin orders of a symbol (this channel takes a symbol, not "default")."""
        return self._private("MARGIN", "orders-crossed", MarginOrder, inst_id=inst_id)

    def account_isolated(self) -> Subscription[AccountIsolated]:
        """``account-isolated``: isolated-margin assets and debt."""
        return self._private("MARGIN", "account-isolated", AccountIsolated, coin=True)

    def orders_isolated(self, inst_id: InstIds) -> Subscription[MarginOrder]:
        """``orders-isolated``: isolated-margin orders of a symbol."""
        return self._private("MARGIN", "orders-isolated", MarginOrder, inst_id=inst_id)


def _wall_ms() -> str:
    import time

    return str(time.time_ns() // 1_000_000)
