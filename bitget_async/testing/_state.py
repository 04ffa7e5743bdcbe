"""The exchange's state: the accounts (their wallets, orders, positions and indexes), the
``Exchange`` that owns them with its price feed, clock and lock, and the ``Ctx`` a handler gets.

The records themselves are plain data in ``_ledger.py`` (money) and ``_trading.py`` (orders,
positions); the rules that move them (matching, margin, interest) live in ``_spot.py``,
``_futures.py`` and ``_margin.py``.  One ``Exchange`` per ``Simulator``: nothing here is
module-level.  Every mutation happens under ``Exchange.lock`` (the served simulator runs its
HTTP server on another thread).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from ._catalog import SPOT, Contract, Instrument, SpotPair
from ._feed import PriceFeed
from ._ledger import (
    Bill,
    Conversion,
    EarnHolding,
    EarnRecord,
    Err,
    Follow,
    FuturesBill,
    InterestRecord,
    Loan,
    Quote,
    Repayment,
    Transfer,
    Wallet,
)
from ._trading import (
    Fill,
    FuturesFill,
    FuturesOrder,
    FuturesPlan,
    Position,
    SpotOrder,
    SpotPlan,
    SymbolSettings,
)
from ._wire import D0, IdGen, Params, SimError

__all__ = ["Account", "Ctx", "Exchange", "Handler", "listings"]


T = TypeVar("T")


class _Keyed(Protocol):
    @property
    def order_id(self) -> str: ...


K = TypeVar("K", bound=_Keyed)


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
    # Each kind is indexed twice: all of them by id, and the live ones (pruned as they close).
    def add_order(self, order: SpotOrder) -> None:
        _index(order, self.orders, self._live_orders)

    def add_plan(self, plan: SpotPlan) -> None:
        _index(plan, self.plans, self._live_plans)

    def add_futures_order(self, order: FuturesOrder) -> None:
        _index(order, self.f_orders, self._live_f_orders)

    def add_futures_plan(self, plan: FuturesPlan) -> None:
        _index(plan, self.f_plans, self._live_f_plans)

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


def _index(obj: K, every: dict[str, K], live: dict[str, K]) -> None:
    every[obj.order_id] = live[obj.order_id] = obj


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


def listings(page: Callable[[Ctx, bool], Any], live: str, finished: str) -> dict[str, Handler]:
    """The two routes that list one kind of record, the ``live`` one the open records and the
    ``finished`` one the rest: one page function answers both, told which by its flag."""
    return {live: lambda ctx: page(ctx, True), finished: lambda ctx: page(ctx, False)}
