"""Typed pushes of the private Bitget v2 WebSocket channels (account, orders, fills, positions).

Same rules as the public ones (``_messages.py``): exact ``Decimal`` amounts, ``int`` epoch ms,
every field optional, enum-like values as the plain strings Bitget sends.  Field lists are from
the private channel pages under ``spot|contract|margin/*/websocket``.
"""

from __future__ import annotations

import msgspec

from ._messages import D, I, Message, S

__all__ = ["AccountCrossed", "AccountIsolated", "AdlNotice", "Equity", "FeeDetail", "FuturesAccount", "FuturesFill", "FuturesOrder", "FuturesPlanOrder", "MarginOrder", "Position", "PositionHistory", "SpotAccount", "SpotFill", "SpotOrder", "SpotPlanOrder"]


class FeeDetail(Message):
    """One fee of an order or fill (``feeDetail``): the coin, the amount and any deduction."""

    fee_coin: S = None
    fee: D = None
    deduction: S = None
    total_deduction_fee: D = None
    total_fee: D = None


Fees = list[FeeDetail] | None  # ``feeDetail`` of orders and fills (None when absent)


class _Timed(Message):
    """When Bitget created and last updated the thing a push is about (epoch ms)."""

    c_time: I = None
    u_time: I = None


# -- accounts ---------------------------------------------------------------------------------
class SpotAccount(Message):
    """``account`` (spot): one coin's balance."""

    coin: S = None
    available: D = None
    frozen: D = None
    locked: D = None
    limit_available: D = None
    u_time: I = None


class _UnionMargin(Message):
    """A futures account's equity and its union (multi-asset) margin (``account``, ``equity``)."""

    usdt_equity: D = None
    unrealized_pl: D = msgspec.field(default=None, name="unrealizedPL")
    union_total_margin: D = None
    union_available: D = None
    union_mm: D = None


class FuturesAccount(_UnionMargin):
    """``account`` (futures): one margin coin's balance, equity and risk."""

    margin_coin: S = None
    frozen: D = None
    available: D = None
    max_open_pos_available: D = None
    max_transfer_out: D = None
    equity: D = None
    crossed_risk_rate: D = None
    assets_mode: S = None


class Equity(_UnionMargin):
    """``equity`` (futures): account equity and unrealized PnL."""

    btc_equity: D = None


# -- orders -----------------------------------------------------------------------------------
class _OrderRef(_Timed):
    """What every order push names: the order, its instrument, its side, size and state."""

    inst_id: S = None
    order_id: S = None
    client_oid: S = None
    price: D = None
    size: D = None
    side: S = None
    order_type: S = None
    status: S = None
    stp_mode: S = None
    enter_point_source: S = None


class _OrderExecution(_OrderRef):
    """An order push with its latest fill (spot and futures ``orders``)."""

    force: S = None
    fill_price: D = None
    trade_id: S = None
    base_volume: D = None
    fill_time: I = None
    fill_fee: D = None
    fill_fee_coin: S = None
    trade_scope: S = None
    acc_base_volume: D = None
    price_avg: D = None
    fee_detail: Fees = None


class SpotOrder(_OrderExecution):
    """``orders`` (spot): one state change of an order."""

    new_size: D = None
    notional: D = None
    ord_type: S = None


class FuturesOrder(_OrderExecution):
    """``orders`` (futures): one state change of an order."""

    pos_mode: S = None
    trade_side: S = None
    notional_usd: D = None
    pos_side: S = None
    margin_mode: S = None
    margin_coin: S = None
    fill_notional_usd: D = None
    cancel_reason: S = None
    leverage: D = None
    pnl: D = None
    reduce_only: S = None
    preset_stop_surplus_price: D = None
    preset_stop_loss_price: D = None
    total_profits: D = None


class _PlanOrder(_OrderRef):
    """A trigger order push (spot and futures ``orders-algo``)."""

    trigger_price: D = None
    trigger_type: S = None
    plan_type: S = None
    actual_size: D = None
    execute_price: D = None


class SpotPlanOrder(_PlanOrder):
    """``orders-algo`` (spot): a trigger (plan) order."""


class FuturesPlanOrder(_PlanOrder):
    """``orders-algo`` (futures): a trigger order or TP/SL."""

    trigger_time: I = None
    trade_side: S = None
    pos_side: S = None
    margin_coin: S = None
    pos_mode: S = None
    stop_surplus_price: D = None
    stop_surplus_trigger_price: D = None
    stop_surplus_trigger_type: S = None
    stop_loss_price: D = None
    stop_loss_trigger_price: D = None
    stop_loss_trigger_type: S = None


# -- fills ------------------------------------------------------------------------------------
class _Fill(_Timed):
    """What every fill push names (spot and futures ``fill``)."""

    order_id: S = None
    trade_id: S = None
    symbol: S = None
    order_type: S = None
    side: S = None
    trade_scope: S = None
    fee_detail: Fees = None


class SpotFill(_Fill):
    """``fill`` (spot): one execution of your order."""

    price_avg: D = None
    size: D = None
    amount: D = None


class FuturesFill(_Fill):
    """``fill`` (futures): one execution of your order."""

    client_oid: S = None
    pos_mode: S = None
    price: D = None
    base_volume: D = None
    quote_volume: D = None
    profit: D = None
    trade_side: S = None


# -- positions (futures) ----------------------------------------------------------------------
class _PositionRef(_Timed):
    """What every position push names (``positions``, ``positions-history``)."""

    pos_id: S = None
    inst_id: S = None
    margin_coin: S = None
    margin_mode: S = None
    hold_side: S = None
    pos_mode: S = None
    open_price_avg: D = None
    achieved_profits: D = None


class Position(_PositionRef):
    """``positions``: one open position."""

    margin_size: D = None
    total: D = None
    available: D = None
    frozen: D = None
    leverage: D = None
    unrealized_pl: D = msgspec.field(default=None, name="unrealizedPL")
    unrealized_plr: D = msgspec.field(default=None, name="unrealizedPLR")
    liquidation_price: D = None
    keep_margin_rate: D = None
    isolated_margin_rate: D = None
    margin_rate: D = None
    break_even_price: D = None
    total_fee: D = None
    deducted_fee: D = None
    mark_price: D = None
    asset_mode: S = None


class PositionHistory(_PositionRef):
    """``positions-history``: a position as it closed."""

    close_price_avg: D = None
    open_size: D = None
    close_size: D = None
    settle_fee: D = None
    open_fee: D = None
    close_fee: D = None


class AdlNotice(Message):
    """``adl-noti`` (futures): an auto-deleveraging notice."""

    symbol: S = None
    side: S = None
    status: S = None
    price: D = None
    amount: D = None
    ts: I = None


# -- margin -----------------------------------------------------------------------------------
class _MarginAsset(Message):
    """One coin of a margin account (``account-crossed``, ``account-isolated``)."""

    id: S = None
    coin: S = None
    available: D = None
    frozen: D = None
    borrow: D = None
    interest: D = None
    coupon: D = None
    u_time: I = None


class AccountCrossed(_MarginAsset):
    """``account-crossed``: one coin of the cross-margin account."""


class AccountIsolated(_MarginAsset):
    """``account-isolated``: one coin of an isolated-margin account, with its symbol."""

    symbol: S = None


class MarginOrder(Message):
    """``orders-crossed`` and ``orders-isolated`` (the same fields)."""

    symbol: S = None
    order_id: S = None
    client_oid: S = None
    price: D = None
    base_size: D = None
    quote_size: D = None
    fill_price: D = None
    base_volume: D = None
    fill_total_amount: D = None
    loan_type: S = None
    order_type: S = None
    side: S = None
    force: S = None
    status: S = None
    enter_point_source: S = None
    fee_detail: Fees = None
    stp_mode: S = None
    c_time: I = None
    u_time: I = None
