"""Typed pushes for every Bitget v2 WebSocket channel (msgspec Structs, decoded once per frame).

Field names follow Bitget's (``lastPr`` is ``last_pr``); amounts are exact ``Decimal`` (from JSON
strings or numbers alike); timestamps are ``int`` epoch ms whether Bitget sends ``"1695..."`` or a
number; every field is optional (absent, ``""`` and ``null`` all decode to ``None``: see
``_codec.py``) and unknown fields are ignored, so a field Bitget adds or drops never breaks a
stream.  Enum-like values (``side``, ``status`` ...) stay plain strings: live frames spell
``canceled`` where doc examples spell ``cancelled``, and a value Bitget adds tomorrow must
arrive, not fail.  Field lists are from the channel pages under ``spot|contract|margin/*/websocket``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Generic, TypeVar

import msgspec

__all__ = [
    "AccountCrossed", "AccountIsolated", "AdlNotice", "Arg", "Auction", "BookLevel", "Books", "Candle",
    "Equity", "FeeDetail", "FuturesAccount", "FuturesFill", "FuturesOrder", "FuturesPlanOrder",
    "FuturesTicker", "IndexPrice", "MarginOrder", "Position", "PositionHistory", "Push", "SpotAccount",
    "SpotFill", "SpotOrder", "SpotPlanOrder", "SpotTicker", "Trade",
]

T = TypeVar("T")
D = Decimal | None
S = str | None
I = int | None  # noqa: E741


class Arg(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, gc=False):
    """A subscription as Bitget spells it: ``{"instType", "channel", "instId"}`` (or ``coin``)."""

    inst_type: str = ""
    channel: str = ""
    inst_id: S = None
    coin: S = None

    def wire(self) -> dict[str, str]:
        out = {"instType": self.inst_type, "channel": self.channel}
        if self.inst_id is not None:
            out["instId"] = self.inst_id
        if self.coin is not None:
            out["coin"] = self.coin
        return out

    def __str__(self) -> str:
        return f"{self.inst_type}/{self.channel}/{self.inst_id or self.coin or '-'}"


class Push(msgspec.Struct, Generic[T], gc=False):
    """One push frame: ``arg`` (which subscription), ``action`` (``snapshot``/``update``), ``data``.

    ``gap`` is set by the client, never by Bitget: True on the first push of this ``arg`` after
    pushes may have been lost (a reconnect, or older pushes dropped because the consumer fell
    behind).  Treat it as "state built from earlier pushes may be stale".
    """

    arg: Arg = Arg()
    action: S = None
    data: list[T] = msgspec.field(default_factory=list)
    ts: I = None
    gap: bool = False
    event: S = None  # set on event frames only (the client routes those elsewhere)
    code: int | str | None = None
    msg: S = None


# -- public -------------------------------------------------------------------------------
class SpotTicker(msgspec.Struct, rename="camel", gc=False):
    inst_id: S = None
    last_pr: D = None
    open24h: D = None
    high24h: D = None
    low24h: D = None
    change24h: D = None
    bid_pr: D = None
    ask_pr: D = None
    bid_sz: D = None
    ask_sz: D = None
    base_volume: D = None
    quote_volume: D = None
    open_utc: D = None
    change_utc24h: D = None
    ts: I = None


class FuturesTicker(msgspec.Struct, rename="camel", gc=False):
    inst_id: S = None
    symbol: S = None
    last_pr: D = None
    bid_pr: D = None
    ask_pr: D = None
    bid_sz: D = None
    ask_sz: D = None
    open24h: D = None
    high24h: D = None
    low24h: D = None
    change24h: D = None
    funding_rate: D = None
    next_funding_time: I = None
    mark_price: D = None
    index_price: D = None
    holding_amount: D = None
    base_volume: D = None
    quote_volume: D = None
    open_utc: D = None
    symbol_type: I = None  # "1" live, 1 in the doc: both decode to 1
    delivery_price: D = None
    ts: I = None


class Candle(msgspec.Struct, array_like=True, gc=False):
    """``[ts, open, high, low, close, baseVolume, quoteVolume, usdtVolume]`` (WS order: index 6 is
    the quote volume and 7 the USDT volume, the reverse of the REST candle pages)."""

    ts: I = None
    open: D = None
    high: D = None
    low: D = None
    close: D = None
    base_volume: D = None
    quote_volume: D = None
    usdt_volume: D = None


class Trade(msgspec.Struct, rename="camel", gc=False):
    trade_id: S = None
    ts: I = None
    price: D = None
    size: D = None
    side: S = None


class BookLevel(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """``[price, size]`` as Bitget sent them (``price_str``/``size_str``, exact text, e.g. for the
    checksum), with ``price``/``size`` as exact Decimals made when read.  Building 60 Decimals per
    ``books15`` push up front cost 4x the JSON parse (benchmarks/ws_results.md); most consumers
    read the top level or two.  A size of 0 in an update removes the level."""

    price_str: str
    size_str: str

    @property
    def price(self) -> Decimal:
        return Decimal(self.price_str)

    @property
    def size(self) -> Decimal:
        return Decimal(self.size_str)


class Books(msgspec.Struct, gc=False):
    """A ``books``/``books1``/``books5``/``books15`` push.  ``checksum`` is Bitget's signed CRC32
    (0 or absent where Bitget no longer sends it), ``pseq`` the previous update's ``seq``."""

    asks: list[BookLevel] = msgspec.field(default_factory=list)
    bids: list[BookLevel] = msgspec.field(default_factory=list)
    checksum: I = None
    seq: I = None
    pseq: I = None
    ts: I = None
    instId: S = None


class Auction(msgspec.Struct, rename="camel", gc=False):
    stage: S = None
    stage_end_time: I = None
    est_opening_price: D = None
    matched_volume: D = None
    auction_end_time: I = None


class IndexPrice(msgspec.Struct, rename="camel", gc=False):
    symbol: S = None
    base_coin: S = None
    quote_coin: S = None
    index_price: D = None
    ts: I = None


# -- private ------------------------------------------------------------------------------
class FeeDetail(msgspec.Struct, rename="camel", gc=False):
    fee_coin: S = None
    fee: D = None
    deduction: S = None
    total_deduction_fee: D = None
    total_fee: D = None


class SpotAccount(msgspec.Struct, rename="camel", gc=False):
    coin: S = None
    available: D = None
    frozen: D = None
    locked: D = None
    limit_available: D = None
    u_time: I = None


class SpotOrder(msgspec.Struct, rename="camel", gc=False):
    inst_id: S = None
    order_id: S = None
    client_oid: S = None
    price: D = None
    size: D = None
    new_size: D = None
    notional: D = None
    ord_type: S = None
    force: S = None
    side: S = None
    fill_price: D = None
    trade_id: S = None
    base_volume: D = None
    fill_time: I = None
    fill_fee: D = None
    fill_fee_coin: S = None
    trade_scope: S = None
    acc_base_volume: D = None
    price_avg: D = None
    status: S = None
    enter_point_source: S = None
    fee_detail: list[FeeDetail] | None = None
    stp_mode: S = None
    c_time: I = None
    u_time: I = None


class SpotFill(msgspec.Struct, rename="camel", gc=False):
    order_id: S = None
    trade_id: S = None
    symbol: S = None
    order_type: S = None
    side: S = None
    price_avg: D = None
    size: D = None
    amount: D = None
    trade_scope: S = None
    fee_detail: list[FeeDetail] | None = None
    c_time: I = None
    u_time: I = None


class SpotPlanOrder(msgspec.Struct, rename="camel", gc=False):
    inst_id: S = None
    order_id: S = None
    client_oid: S = None
    trigger_price: D = None
    trigger_type: S = None
    plan_type: S = None
    price: D = None
    size: D = None
    actual_size: D = None
    order_type: S = None
    side: S = None
    status: S = None
    execute_price: D = None
    enter_point_source: S = None
    stp_mode: S = None
    c_time: I = None
    u_time: I = None


class FuturesAccount(msgspec.Struct, rename="camel", gc=False):
    margin_coin: S = None
    frozen: D = None
    available: D = None
    max_open_pos_available: D = None
    max_transfer_out: D = None
    equity: D = None
    usdt_equity: D = None
    crossed_risk_rate: D = None
    unrealized_pl: D = msgspec.field(default=None, name="unrealizedPL")
    union_total_margin: D = None
    union_available: D = None
    union_mm: D = None
    assets_mode: S = None


class FuturesOrder(msgspec.Struct, rename="camel", gc=False):
    inst_id: S = None
    order_id: S = None
    client_oid: S = None
    price: D = None
    size: D = None
    pos_mode: S = None
    enter_point_source: S = None
    trade_side: S = None
    notional_usd: D = None
    order_type: S = None
    force: S = None
    side: S = None
    pos_side: S = None
    margin_mode: S = None
    margin_coin: S = None
    fill_price: D = None
    trade_id: S = None
    base_volume: D = None
    fill_time: I = None
    fill_fee: D = None
    fill_fee_coin: S = None
    trade_scope: S = None
    acc_base_volume: D = None
    fill_notional_usd: D = None
    price_avg: D = None
    status: S = None
    cancel_reason: S = None
    leverage: D = None
    fee_detail: list[FeeDetail] | None = None
    pnl: D = None
    reduce_only: S = None
    preset_stop_surplus_price: D = None
    preset_stop_loss_price: D = None
    stp_mode: S = None
    total_profits: D = None
    c_time: I = None
    u_time: I = None


class FuturesFill(msgspec.Struct, rename="camel", gc=False):
    order_id: S = None
    client_oid: S = None
    trade_id: S = None
    symbol: S = None
    side: S = None
    order_type: S = None
    pos_mode: S = None
    price: D = None
    base_volume: D = None
    quote_volume: D = None
    profit: D = None
    trade_side: S = None
    trade_scope: S = None
    fee_detail: list[FeeDetail] | None = None
    c_time: I = None
    u_time: I = None


class FuturesPlanOrder(msgspec.Struct, rename="camel", gc=False):
    inst_id: S = None
    order_id: S = None
    client_oid: S = None
    trigger_price: D = None
    trigger_type: S = None
    trigger_time: I = None
    plan_type: S = None
    price: D = None
    execute_price: D = None
    size: D = None
    actual_size: D = None
    order_type: S = None
    side: S = None
    trade_side: S = None
    pos_side: S = None
    margin_coin: S = None
    status: S = None
    pos_mode: S = None
    enter_point_source: S = None
    stop_surplus_price: D = None
    stop_surplus_trigger_price: D = None
    stop_surplus_trigger_type: S = None
    stop_loss_price: D = None
    stop_loss_trigger_price: D = None
    stop_loss_trigger_type: S = None
    stp_mode: S = None
    u_time: I = None


class Position(msgspec.Struct, rename="camel", gc=False):
    pos_id: S = None
    inst_id: S = None
    margin_coin: S = None
    margin_size: D = None
    margin_mode: S = None
    hold_side: S = None
    pos_mode: S = None
    total: D = None
    available: D = None
    frozen: D = None
    open_price_avg: D = None
    leverage: D = None
    achieved_profits: D = None
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
    c_time: I = None
    u_time: I = None


class PositionHistory(msgspec.Struct, rename="camel", gc=False):
    pos_id: S = None
    inst_id: S = None
    margin_coin: S = None
    margin_mode: S = None
    hold_side: S = None
    pos_mode: S = None
    open_price_avg: D = None
    close_price_avg: D = None
    open_size: D = None
    close_size: D = None
    achieved_profits: D = None
    settle_fee: D = None
    open_fee: D = None
    close_fee: D = None
    c_time: I = None
    u_time: I = None


class Equity(msgspec.Struct, rename="camel", gc=False):
    usdt_equity: D = None
    btc_equity: D = None
    unrealized_pl: D = msgspec.field(default=None, name="unrealizedPL")
    union_total_margin: D = None
    union_available: D = None
    union_mm: D = None


class AdlNotice(msgspec.Struct, rename="camel", gc=False):
    symbol: S = None
    side: S = None
    status: S = None
    price: D = None
    amount: D = None
    ts: I = None


class AccountCrossed(msgspec.Struct, rename="camel", gc=False):
    id: S = None
    coin: S = None
    available: D = None
    frozen: D = None
    borrow: D = None
    interest: D = None
    coupon: D = None
    u_time: I = None


class AccountIsolated(msgspec.Struct, rename="camel", gc=False):
    id: S = None
    symbol: S = None
    coin: S = None
    available: D = None
    frozen: D = None
    borrow: D = None
    interest: D = None
    coupon: D = None
    u_time: I = None


class MarginOrder(msgspec.Struct, rename="camel", gc=False):
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
    fee_detail: list[FeeDetail] | None = None
    stp_mode: S = None
    c_time: I = None
    u_time: I = None
