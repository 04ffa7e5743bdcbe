"""The exchange's trading records: spot orders, fills and plan orders; futures orders, fills,
plan orders, positions and per-contract settings.

Plain data; the engines that move them are ``_spot.py`` and ``_futures.py``, the account that
indexes them is ``Account`` in ``_state.py``.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from ._wire import D0

__all__ = ["Fill", "FuturesFill", "FuturesOrder", "FuturesPlan", "Position", "SpotOrder", "SpotPlan", "SymbolSettings"]


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
