"""The exchange's state: accounts, their balances, orders, positions, loans and history.

Plain data with a few invariant-keeping methods; the rules that move it (matching, margin,
interest) live in ``_spot.py``, ``_futures.py`` and ``_margin.py``.  One ``Exchange`` per
``Simulator``: nothing here is module-level.  Every mutation happens under ``Exchange.lock``
(the served simulator runs its HTTP server on another thread).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from ._catalog import SPOT, Contract, Instrument, SpotPair
from ._feed import PriceFeed
from ._wire import D0, IdGen, Params, SimError

__all__ = [
    "Account",
    "Bill",
    "Conversion",
    "Ctx",
    "EarnHolding",
    "EarnRecord",
    "Exchange",
    "Handler",
    "Fill",
    "FuturesBill",
    "FuturesFill",
    "FuturesOrder",
    "FuturesPlan",
    "Follow",
    "InterestRecord",
    "Loan",
    "Position",
    "Quote",
    "Repayment",
    "SpotOrder",
    "SpotPlan",
    "SymbolSettings",
    "Transfer",
    "Wallet",
]

T = TypeVar("T")
Err = tuple[str, str]
SPOT_INSUFFICIENT: Err = ("43012", "Insufficient balance")


class Wallet:
    """Balances of one account type ("spot", "usdt_futures", "isolated_margin:BTCUSDT" ...)."""

    __slots__ = ("available", "borrowed", "frozen", "interest")

    def __init__(self) -> None:
        self.available: dict[str, Decimal] = {}
        self.frozen: dict[str, Decimal] = {}
        self.borrowed: dict[str, Decimal] = {}
        self.interest: dict[str, Decimal] = {}

    def __repr__(self) -> str:
        return f"Wallet(available={self.available!r}, frozen={self.frozen!r}, borrowed={self.borrowed!r})"

    def free(self, coin: str) -> Decimal:
        return self.available.get(coin, D0)

    def locked(self, coin: str) -> Decimal:
        return self.frozen.get(coin, D0)

    def debt(self, coin: str) -> Decimal:
        return self.borrowed.get(coin, D0) + self.interest.get(coin, D0)

    def coins(self) -> list[str]:
        return sorted(set(self.available) | set(self.frozen) | set(self.borrowed) | set(self.interest))

    def credit(self, coin: str, amount: Decimal) -> None:
        self.available[coin] = self.free(coin) + amount

    def debit(self, coin: str, amount: Decimal, err: Err = SPOT_INSUFFICIENT) -> None:
        if amount > self.free(coin):
            raise SimError(*err)
        self.available[coin] = self.free(coin) - amount

    def freeze(self, coin: str, amount: Decimal, err: Err = SPOT_INSUFFICIENT) -> None:
        self.debit(coin, amount, err)
        self.frozen[coin] = self.locked(coin) + amount

    def unfreeze(self, coin: str, amount: Decimal) -> None:
        amount = min(amount, self.locked(coin))
        self.frozen[coin] = self.locked(coin) - amount
        self.credit(coin, amount)

    def spend_frozen(self, coin: str, amount: Decimal) -> None:
        self.frozen[coin] = self.locked(coin) - amount


@dataclasses.dataclass(eq=False)
class SpotOrder:
    """A spot or margin order.  ``size`` is as placed: quote coin for a market buy."""

    order_id: str
    client_oid: str
    symbol: str
    side: str
    order_type: str
    force: str
    price: Decimal  # limit price; 0 for market orders
    size: Decimal
    wallet: str  # "spot", "crossed_margin" or "isolated_margin:<symbol>"
    c_time: int
    u_time: int
    status: str = "live"  # live -> filled | cancelled
    frozen: Decimal = D0  # what placing it froze (quote for buys, base for sells)
    base_volume: Decimal = D0
    quote_volume: Decimal = D0
    price_avg: Decimal = D0
    fee: Decimal = D0  # positive amount paid
    fee_coin: str = ""
    cancel_reason: str = ""
    source: str = "normal"  # orderSource: normal / market / plan
    loan_type: str = "normal"
    base_size: Decimal = D0  # margin: the base quantity asked for (baseSize)
    quote_size: Decimal = D0  # margin: the quote amount asked for (quoteSize)

    @property
    def is_open(self) -> bool:
        return self.status == "live"

    @property
    def family(self) -> str:
        return "spot" if self.wallet == "spot" else "margin"


@dataclasses.dataclass(frozen=True)
class Fill:
    trade_id: str
    order_id: str
    symbol: str
    side: str
    order_type: str
    price: Decimal
    size: Decimal  # base quantity
    amount: Decimal  # quote value
    fee: Decimal
    fee_coin: str
    scope: str  # taker / maker
    c_time: int
    wallet: str


@dataclasses.dataclass(eq=False)
class SpotPlan:
    """A spot trigger order: becomes a normal order when the price crosses ``trigger_price``."""

    order_id: str
    client_oid: str
    symbol: str
    side: str
    trigger_price: Decimal
    order_type: str
    execute_price: Decimal  # 0 for market execution
    size: Decimal
    plan_type: str  # amount (base) / total (quote)
    trigger_type: str
    force: str
    direction: str  # "up": fires when price >= trigger; "down": when price <= trigger
    c_time: int
    u_time: int
    status: str = "live"  # live -> executed | fail_execute | cancelled
    sub_order_id: str = ""
    fail_reason: str = ""


@dataclasses.dataclass(eq=False)
class SymbolSettings:
    """Per-contract account settings (leverage and margin mode)."""

    margin_mode: str = "crossed"
    long_leverage: Decimal = Decimal(20)
    short_leverage: Decimal = Decimal(20)
    cross_leverage: Decimal = Decimal(20)
    auto_margin: str = "off"

    def leverage(self, hold_side: str) -> Decimal:
        if self.margin_mode == "crossed":
            return self.cross_leverage
        return self.long_leverage if hold_side == "long" else self.short_leverage


@dataclasses.dataclass(eq=False)
class Position:
    position_id: str
    product: str
    symbol: str
    margin_coin: str
    hold_side: str  # long / short
    margin_mode: str
    pos_mode: str
    leverage: Decimal
    c_time: int
    u_time: int
    size: Decimal = D0
    locked: Decimal = D0  # held by pending close orders
    avg_price: Decimal = D0
    margin: Decimal = D0
    achieved: Decimal = D0  # realized PnL, fees excluded
    open_total: Decimal = D0
    close_total: Decimal = D0
    close_value: Decimal = D0
    open_fee: Decimal = D0
    close_fee: Decimal = D0

    @property
    def available(self) -> Decimal:
        return self.size - self.locked

    def unrealized(self, mark: Decimal) -> Decimal:
        diff = mark - self.avg_price if self.hold_side == "long" else self.avg_price - mark
        return diff * self.size


@dataclasses.dataclass(eq=False)
class FuturesOrder:
    order_id: str
    client_oid: str
    product: str
    symbol: str
    margin_coin: str
    margin_mode: str
    pos_mode: str
    side: str  # buy / sell
    trade_side: str  # open / close (hedge) or buy_single / sell_single ... (one-way)
    pos_side: str  # long / short / net
    order_type: str
    force: str
    price: Decimal
    size: Decimal
    reduce_only: bool
    leverage: Decimal
    c_time: int
    u_time: int
    status: str = "live"  # live -> filled | canceled
    frozen_margin: Decimal = D0
    locked_close: Decimal = D0  # position size this order holds (close orders)
    base_volume: Decimal = D0
    price_avg: Decimal = D0
    fee: Decimal = D0  # positive amount paid
    profit: Decimal = D0
    source: str = "normal"
    preset_tp: Decimal = D0
    preset_sl: Decimal = D0
    cancel_reason: str = ""
    # What filling it does, decided when placed: (hold side, "open" | "close", quantity).
    legs: tuple[tuple[str, str, Decimal], ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status == "live"


@dataclasses.dataclass(frozen=True)
class FuturesFill:
    trade_id: str
    order_id: str
    product: str
    symbol: str
    margin_coin: str
    side: str
    trade_side: str
    pos_mode: str
    price: Decimal
    size: Decimal
    fee: Decimal
    profit: Decimal
    scope: str
    c_time: int


@dataclasses.dataclass(eq=False)
class FuturesPlan:
    """A futures trigger order or a TP/SL (plan types profit_plan, loss_plan, pos_profit ...)."""

    order_id: str
    client_oid: str
    plan_type: str
    product: str
    symbol: str
    margin_coin: str
    margin_mode: str
    pos_mode: str
    side: str
    trade_side: str
    pos_side: str
    order_type: str
    size: Decimal  # 0 = the whole position (pos_profit / pos_loss)
    price: Decimal  # execution price; 0 = market
    trigger_price: Decimal
    trigger_type: str
    direction: str
    c_time: int
    u_time: int
    hold_side: str = ""  # TP/SL: which position it closes
    callback_ratio: Decimal = D0
    status: str = "live"  # live -> executed | fail_execute | cancelled
    executed_order_id: str = ""

    @property
    def is_tpsl(self) -> bool:
        return self.plan_type in ("profit_plan", "loss_plan", "pos_profit", "pos_loss", "moving_plan")


@dataclasses.dataclass(frozen=True)
class Transfer:
    transfer_id: str
    client_oid: str
    coin: str
    amount: Decimal
    from_type: str
    to_type: str
    from_symbol: str
    to_symbol: str
    ts: int


@dataclasses.dataclass(frozen=True)
class Bill:
    """A spot account ledger line."""

    bill_id: str
    coin: str
    group_type: str
    business_type: str
    size: Decimal  # signed change
    balance: Decimal
    fees: Decimal
    c_time: int


@dataclasses.dataclass(frozen=True)
class FuturesBill:
    bill_id: str
    product: str
    symbol: str
    coin: str
    business_type: str
    amount: Decimal
    fee: Decimal
    balance: Decimal
    c_time: int


@dataclasses.dataclass(frozen=True)
class Loan:
    loan_id: str
    wallet: str
    coin: str
    amount: Decimal
    borrow_type: str
    c_time: int


@dataclasses.dataclass(frozen=True)
class Repayment:
    repay_id: str
    wallet: str
    coin: str
    amount: Decimal
    interest: Decimal
    principal: Decimal
    repay_type: str
    c_time: int


@dataclasses.dataclass(frozen=True)
class InterestRecord:
    interest_id: str
    wallet: str
    coin: str
    daily_rate: Decimal
    amount: Decimal
    kind: str  # first / scheduled
    c_time: int


@dataclasses.dataclass(frozen=True)
class Quote:
    """A convert quote (``traceId``): good for one trade within its validity."""

    trace_id: str
    from_coin: str
    from_size: Decimal
    to_coin: str
    to_size: Decimal
    price: Decimal  # toCoin per fromCoin
    fee: Decimal
    c_time: int


@dataclasses.dataclass(frozen=True)
class Conversion:
    """A finished convert trade (kind "convert") or small-balance conversion to BGB ("bgb")."""

    record_id: str
    kind: str
    from_coin: str
    from_size: Decimal
    to_coin: str
    to_size: Decimal  # bgb: before the fee, as Bitget's records show it
    price: Decimal  # convert: toCoin per fromCoin
    fee: Decimal
    c_time: int
    from_price: Decimal = D0  # bgb: USDT prices of both coins
    to_price: Decimal = D0


@dataclasses.dataclass(eq=False)
class EarnHolding:
    """Coins held in an Earn product: one per flexible product, one per fixed or sharkfin order."""

    order_id: str
    family: str  # savings / sharkfin
    product_id: str
    coin: str
    amount: Decimal
    c_time: int


@dataclasses.dataclass(frozen=True)
class EarnRecord:
    record_id: str
    family: str
    product_id: str
    coin: str
    kind: str  # savings: subscribe / redeem; sharkfin: subscription
    amount: Decimal
    c_time: int


@dataclasses.dataclass(eq=False)
class Follow:
    """A copy-trading follow relationship and the follower's settings, as last written."""

    family: str  # mix / spot
    trader_id: str
    since: int
    options: dict[str, str] = dataclasses.field(default_factory=dict)  # autoCopy, mode, copy-settings fields
    symbols: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)  # symbol -> wire settings


class Account:
    """One API key's user.  ``repr`` shows the uid and key tail only, never secrets."""

    def __init__(
        self,
        *,
        uid: str,
        api_key: str,
        api_secret: str | None,
        passphrase: str,
        demo: bool,
        rsa_public_key: Any = None,
    ) -> None:
        self.uid = uid
        self.api_key = api_key
        self.demo = demo
        self._secret = api_secret
        self._passphrase_digest = hashlib.sha256(passphrase.encode()).digest()
        self._rsa_public_key = rsa_public_key
        self.wallets: dict[str, Wallet] = {}
        self.orders: dict[str, SpotOrder] = {}
        self.fills: list[Fill] = []
        self.plans: dict[str, SpotPlan] = {}
        self.f_orders: dict[str, FuturesOrder] = {}
        self.f_fills: list[FuturesFill] = []
        self.f_plans: dict[str, FuturesPlan] = {}
        self.positions: dict[tuple[str, str, str], Position] = {}
        self.closed_positions: list[Position] = []
        self.settings: dict[tuple[str, str], SymbolSettings] = {}
        self.pos_mode: dict[str, str] = {}
        self.transfers: list[Transfer] = []
        self.bills: list[Bill] = []
        self.f_bills: list[FuturesBill] = []
        self.loans: list[Loan] = []
        self.repayments: list[Repayment] = []
        self.interest_records: list[InterestRecord] = []
        self.quotes: dict[str, Quote] = {}  # traceId -> unused convert quote
        self.conversions: list[Conversion] = []
        self.earn_holdings: dict[str, EarnHolding] = {}
        self.earn_records: list[EarnRecord] = []
        self.earn_redeemed: dict[str, int] = {}  # productId -> time of the last savings redemption
        self.follows: dict[tuple[str, str], Follow] = {}  # (family, traderId)
        # clientOid -> id, per namespace ("spot", "margin:crossed", "plan", "futures", "transfer", ...)
        self.client_oids: dict[tuple[str, str], str] = {}
        # What a price move can still trigger, by id; entries that stopped being live are
        # dropped when next read, so no status change anywhere has to remember these.
        self._live_orders: dict[str, SpotOrder] = {}
        self._live_plans: dict[str, SpotPlan] = {}
        self._live_f_orders: dict[str, FuturesOrder] = {}
        self._live_f_plans: dict[str, FuturesPlan] = {}

    def __repr__(self) -> str:
        tail = self.api_key[-4:] if len(self.api_key) > 8 else "***"
        return f"<Account uid={self.uid} key=...{tail} demo={self.demo}>"

    # -- authentication --------------------------------------------------------------------
    def passphrase_ok(self, passphrase: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(passphrase.encode()).digest(), self._passphrase_digest)

    def signature_ok(self, prehash: str, signature: str) -> bool:
        """HMAC-SHA256 (API secret) or SHA256withRSA (registered key) over the exact prehash."""
        if self._rsa_public_key is not None:
            return _rsa_verify(self._rsa_public_key, prehash, signature)
        if self._secret is None:
            return False
        digest = hmac.new(self._secret.encode(), prehash.encode(), hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64encode(digest).decode("ascii"), signature)

    # -- orders ----------------------------------------------------------------------------
    def add_order(self, order: SpotOrder) -> None:
        self.orders[order.order_id] = order
        self._live_orders[order.order_id] = order

    def add_plan(self, plan: SpotPlan) -> None:
        self.plans[plan.order_id] = plan
        self._live_plans[plan.order_id] = plan

    def add_futures_order(self, order: FuturesOrder) -> None:
        self.f_orders[order.order_id] = order
        self._live_f_orders[order.order_id] = order

    def add_futures_plan(self, plan: FuturesPlan) -> None:
        self.f_plans[plan.order_id] = plan
        self._live_f_plans[plan.order_id] = plan

    def open_orders(self) -> list[SpotOrder]:
        """Live spot and margin orders, oldest first."""
        return _prune(self._live_orders, lambda o: o.is_open)

    def live_plans(self) -> list[SpotPlan]:
        return _prune(self._live_plans, lambda p: p.status == "live")

    def open_futures_orders(self) -> list[FuturesOrder]:
        return _prune(self._live_f_orders, lambda o: o.is_open)

    def live_futures_plans(self) -> list[FuturesPlan]:
        return _prune(self._live_f_plans, lambda p: p.status == "live")

    # -- balances --------------------------------------------------------------------------
    def wallet(self, key: str) -> Wallet:
        wallet = self.wallets.get(key)
        if wallet is None:
            wallet = self.wallets[key] = Wallet()
        return wallet

    def claim_client_oid(self, namespace: str, client_oid: str, object_id: str, err: Err) -> None:
        """Reserve a clientOid, or refuse it the way Bitget does when it was used before."""
        key = (namespace, client_oid)
        if key in self.client_oids:
            raise SimError(*err)
        self.client_oids[key] = object_id

    def find_client_oid(self, namespace: str, client_oid: str) -> str | None:
        return self.client_oids.get((namespace, client_oid))

    def contract_settings(self, product: str, symbol: str) -> SymbolSettings:
        key = (product, symbol)
        found = self.settings.get(key)
        if found is None:
            found = self.settings[key] = SymbolSettings()
        return found

    def position_mode(self, product: str) -> str:
        return self.pos_mode.get(product, "one_way_mode")


def _prune(index: dict[str, T], live: Callable[[T], bool]) -> list[T]:
    for key in [k for k, v in index.items() if not live(v)]:
        del index[key]
    return list(index.values())


def _rsa_verify(public_key: Any, prehash: str, signature: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, prehash.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


class Exchange:
    """The whole simulated exchange: clock, market, accounts.  Owned by one ``Simulator``."""

    def __init__(self, seed: int, clock: Callable[[], int]) -> None:
        self.seed = seed
        self.lock = threading.RLock()
        self.feed = PriceFeed(seed)
        self.ids = IdGen(seed)
        self._clock = clock
        self._start_ms: int | None = None
        self.advanced_ms = 0
        self.accounts: dict[str, Account] = {}
        self._uids = 0
        # Market statistics keyed by what they depend on; emptied whenever the market moves.
        self.market_cache: dict[tuple[Any, ...], Any] = {}

    # -- time ------------------------------------------------------------------------------
    @property
    def start_ms(self) -> int:
        """Exchange time when the market started: fixed at the first look (no I/O at init)."""
        if self._start_ms is None:
            self._start_ms = self._clock()
        return self._start_ms

    def now(self) -> int:
        """Exchange clock in epoch ms: the wall clock moved forward by ``advance``."""
        if self._start_ms is None:  # the market's origin is the first moment anyone looks
            self._start_ms = self._clock()
        return self._clock() + self.advanced_ms

    @property
    def market_ms(self) -> int:
        """Market time: the market only moves when the simulator is advanced."""
        return self.advanced_ms

    def market_time_of(self, epoch_ms: int) -> int:
        """Market time shown at an exchange timestamp (history before the last advance)."""
        return min(epoch_ms - self.start_ms, self.advanced_ms)

    # -- prices ----------------------------------------------------------------------------
    def price(self, inst: Instrument | SpotPair | Contract) -> Decimal:
        base = inst if isinstance(inst, Instrument) else inst.inst
        return self.feed.price(base, self.advanced_ms)

    def usdt_value(self, coin: str, amount: Decimal) -> Decimal:
        """USDT value of ``amount`` of ``coin`` at the current price (stablecoins at par)."""
        if coin in ("USDT", "USDC"):
            return amount
        pair = SPOT.get(f"{coin}USDT")
        return amount * self.price(pair) if pair is not None else D0

    # -- accounts --------------------------------------------------------------------------
    def next_uid(self) -> str:
        self._uids += 1
        return str(6_000_000_000 + self.seed % 1000 * 1_000_000 + self._uids)

    def account(self, api_key: str) -> Account | None:
        return self.accounts.get(api_key)


@dataclasses.dataclass
class Ctx:
    """What a route handler sees: the exchange, the caller's account and its parameters."""

    ex: Exchange
    account: Account | None
    p: Params
    now: int

    @property
    def acct(self) -> Account:
        if self.account is None:  # only signed routes ask, and the app authenticated them
            raise SimError("40006", "Invalid ACCESS_KEY")
        return self.account


Handler = Callable[[Ctx], Any]
