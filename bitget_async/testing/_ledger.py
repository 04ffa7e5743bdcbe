"""The exchange's money records: wallets and their balances, transfers and bills, loans and
interest, convert quotes, earn holdings and copy-trading follows.

Plain data with a few invariant-keeping methods (a debit never goes below zero); ``Account`` in
``_state.py`` holds them, the route modules move them under ``Exchange.lock``.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from ._wire import D0, SimError

__all__ = ["Bill", "Conversion", "EarnHolding", "EarnRecord", "Err", "Follow", "FuturesBill", "InterestRecord", "Loan", "Quote", "Repayment", "SPOT_INSUFFICIENT", "Transfer", "Wallet"]


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
