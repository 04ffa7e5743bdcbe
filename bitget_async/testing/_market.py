"""Public market data from the deterministic price paths: server time, tickers, candles, order
books, recent trades, the spot symbol list and the futures contract list."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import CONTRACTS, SPOT, Contract, Instrument, SpotPair, contract, spot_pair
from ._market_data import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    TRADE_ID_BASE,
    candles,
    day_stats,
    mix_ticker,
    order_book,
    recent_trades,
    spot_ticker,
    trade_row,
)
from ._state import Ctx, Handler
from ._wire import SimError, example, first_item, fmt, quant

__all__ = ["ANNOUNCEMENTS", "FUNDING_HISTORY_DAYS", "HANDLERS", "MIX_GRANULARITY", "SPOT_GRANULARITY"]


SPOT_GRANULARITY: Mapping[str, int] = MappingProxyType(
    {
        "1min": MINUTE_MS, "3min": 3 * MINUTE_MS, "5min": 5 * MINUTE_MS, "15min": 15 * MINUTE_MS, "30min": 30 * MINUTE_MS,
        "1h": HOUR_MS, "4h": 4 * HOUR_MS, "6h": 6 * HOUR_MS, "12h": 12 * HOUR_MS, "1day": DAY_MS, "3day": 3 * DAY_MS,
        "1week": 7 * DAY_MS, "1M": 30 * DAY_MS, "6Hutc": 6 * HOUR_MS, "12Hutc": 12 * HOUR_MS, "1Dutc": DAY_MS,
        "3Dutc": 3 * DAY_MS, "1Wutc": 7 * DAY_MS, "1Mutc": 30 * DAY_MS,
    }
)


MIX_GRANULARITY: Mapping[str, int] = MappingProxyType(
    {
        "1m": MINUTE_MS, "3m": 3 * MINUTE_MS, "5m": 5 * MINUTE_MS, "15m": 15 * MINUTE_MS, "30m": 30 * MINUTE_MS, "1H": HOUR_MS,
        "4H": 4 * HOUR_MS, "6H": 6 * HOUR_MS, "12H": 12 * HOUR_MS, "1D": DAY_MS, "3D": 3 * DAY_MS, "1W": 7 * DAY_MS,
        "1M": 30 * DAY_MS, "6Hutc": 6 * HOUR_MS, "12Hutc": 12 * HOUR_MS, "1Dutc": DAY_MS, "3Dutc": 3 * DAY_MS,
        "1Wutc": 7 * DAY_MS, "1Mutc": 30 * DAY_MS,
    }
)


def _granularity(table: Mapping[str, int], value: str) -> int:
    found = table.get(value)
    if found is None:
        raise SimError("40020", "Parameter granularity error")
    return found


def _spot_candles(ctx: Ctx, *, history: bool = False) -> Any:
    p = ctx.p
    pair = spot_pair(p.text("symbol"))
    limit = max(1, min(p.whole("limit", 100), 200 if history else 1000))
    return candles(
        ctx.ex, pair.inst, _granularity(SPOT_GRANULARITY, p.text("granularity")),
        start=0 if history else p.whole("startTime", 0), end=p.whole("endTime", 0), limit=limit, now=ctx.now, mix=False,
    )


def _mix_candles(ctx: Ctx, *, history: bool = False) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    limit = max(1, min(p.whole("limit", 100), 200 if history else 1000))
    return candles(
        ctx.ex, c.inst, _granularity(MIX_GRANULARITY, p.text("granularity")),
        start=p.whole("startTime", 0), end=p.whole("endTime", 0), limit=limit, now=ctx.now, mix=True,
    )


def _merge_levels(value: str) -> int:
    return 150 if value in ("", "max") else max(1, min(int(value) if value.isdigit() else 100, 150))


def _spot_orderbook(ctx: Ctx) -> Any:
    pair = spot_pair(ctx.p.text("symbol"))
    return order_book(ctx.ex, pair.inst, max(1, min(ctx.p.whole("limit", 100), 150)), ctx.now)


def _merge_depth(ctx: Ctx, inst: Instrument) -> Any:
    book = order_book(ctx.ex, inst, _merge_levels(ctx.p.text("limit", "100")), ctx.now)
    book.update(scale=fmt(inst.tick), precision=ctx.p.text("precision", "scale0"), isMaxPrecision="YES")
    return book


def _trade_history(ctx: Ctx, inst: Instrument, symbol: str, max_limit: int) -> list[dict[str, Any]]:
    """Market trades back in time, one per minute of exchange time, stable under paging.

    Trade ``k`` happens in minute ``k`` (its millisecond and size drawn from ``k`` alone), and
    its ``tradeId`` grows with its timestamp, so ``idLessThan``/``startTime``/``endTime`` cut the
    same history whichever page asks.  Without ``startTime`` the window is the last week (the
    doc's default)."""
    p, ex = ctx.p, ctx.ex
    limit = max(1, min(p.whole("limit", 500), max_limit))
    end = min(p.whole("endTime", 0) or ctx.now, ctx.now)
    start = p.whole("startTime", 0) or end - 7 * DAY_MS
    before = p.get("idLessThan")
    top = end if before is None else min(end, int(str(before)) - TRADE_ID_BASE - 1)
    rows: list[dict[str, Any]] = []
    k = top // MINUTE_MS
    while len(rows) < limit and k * MINUTE_MS + MINUTE_MS - 1 >= start:
        ts = k * MINUTE_MS + ex.feed.noise(inst.base, "trade-ms", k) % MINUTE_MS
        noise = ex.feed.noise(inst.base, "trade-k", k)
        k -= 1
        if ts > top or ts < start:
            continue
        rows.append(trade_row(ex, inst, symbol, ts, noise, noise % 7))
    return rows


_FUNDING_MS = 8 * HOUR_MS


FUNDING_HISTORY_DAYS = 60  # settlements the simulator remembers before its start


ANNOUNCEMENTS = 37


_ANN_TYPES = (
    "latest_news", "coin_listings", "product_updates", "security", "api_trading",
    "maintenance_system_updates", "symbol_delisting",
)


def _fund_rate_history(ctx: Ctx) -> Any:
    """Settlements every 8 hours (UTC) from 60 days before the simulator's start up to now,
    newest first, turned by ``pageNo``/``pageSize`` (default 20, max 100)."""
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    first = ctx.ex.start_ms - FUNDING_HISTORY_DAYS * DAY_MS
    first += -first % _FUNDING_MS
    last = ctx.now - ctx.now % _FUNDING_MS
    size = max(1, min(ctx.p.whole("pageSize", 20), 100))
    number = max(1, ctx.p.whole("pageNo", 1))
    rows = []
    for i in range((number - 1) * size, number * size):
        ts = last - i * _FUNDING_MS
        if ts < first:
            break
        rate = Decimal(ctx.ex.feed.noise(c.base, "funding", ts) % 200 - 50).scaleb(-6)
        rows.append({"symbol": c.symbol, "fundingRate": fmt(rate), "fundingTime": str(ts)})
    return rows


def _announcements(ctx: Ctx) -> Any:
    """37 announcements, one a day up to the simulator's start, ``annId`` 1..37 (newest the
    largest); ``cursor`` is the last ``annId`` seen, ``limit`` at most 10."""
    p = ctx.p
    template = first_item("GET", "/api/v2/public/annoucements")
    limit = max(1, min(p.whole("limit", 10), 10))
    cursor = p.whole("cursor", ANNOUNCEMENTS + 1)
    start, end = p.whole("startTime", 0), p.whole("endTime", 0)
    rows = []
    for ann_id in range(min(cursor - 1, ANNOUNCEMENTS), 0, -1):
        c_time = ctx.ex.start_ms - (ANNOUNCEMENTS - ann_id) * DAY_MS
        ann_type = _ANN_TYPES[ann_id % len(_ANN_TYPES)]
        if (p.text("annType") and ann_type != p.text("annType")) or (start and c_time < start) or (end and c_time > end):
            continue
        rows.append(
            {
                **template,
                "annId": str(ann_id),
                "annTitle": f"Simulated announcement {ann_id}",
                "annType": ann_type,
                "annUrl": f"https://www.bitget.com/support/articles/{ann_id}",
                "cTime": str(c_time),
                "language": p.text("language", "en_US"),
            }
        )
        if len(rows) >= limit:
            break
    return rows


def _listed_row(path: str, symbol: str, base: str, quote: str, maker_fee: Decimal, taker_fee: Decimal,
                **more: Any) -> dict[str, Any]:
    """The doc's example row of a symbol listing with what the catalog knows put in: the
    names and fees every instrument has, then ``more`` (the listing's own fields)."""
    row = first_item("GET", path)
    row.update(symbol=symbol, baseCoin=base, quoteCoin=quote, makerFeeRate=fmt(maker_fee), takerFeeRate=fmt(taker_fee))
    row.update(more)
    return row


def _symbol_row(pair: SpotPair) -> dict[str, Any]:
    return _listed_row(
        "/api/v2/spot/public/symbols", pair.symbol, pair.base, pair.quote, pair.maker_fee, pair.taker_fee,
        pricePrecision=str(pair.inst.price_scale),
        quantityPrecision=str(pair.inst.qty_scale),
        minTradeUSDT=fmt(pair.min_notional),
    )


def _contract_row(c: Contract) -> dict[str, Any]:
    return _listed_row(
        "/api/v2/mix/market/contracts", c.symbol, c.base, c.margin_coin, c.maker_fee, c.taker_fee,
        supportMarginCoins=[c.margin_coin],
        minTradeNum=fmt(c.inst.lot),
        priceEndStep="1",
        volumePlace=str(c.inst.qty_scale),
        pricePlace=str(c.inst.price_scale),
        sizeMultiplier=fmt(c.inst.lot),
        symbolType="perpetual",
        minTradeUSDT=fmt(c.min_notional),
        symbolStatus="normal",
        maxLever=str(c.inst.max_leverage),
        minLever="1",
        maxOrderQty=fmt(quant(Decimal(5_000_000) / c.inst.start, c.inst.qty_scale)),
        maxMarketOrderQty=fmt(quant(Decimal(1_000_000) / c.inst.start, c.inst.qty_scale)),
        isRwa="NO",
    )


def _products(ctx: Ctx) -> Mapping[str, Contract]:
    return CONTRACTS[ctx.p.text("productType").upper()]


def _spot_tickers(ctx: Ctx) -> Any:
    pairs = [spot_pair(ctx.p.text("symbol"))] if ctx.p.text("symbol") else list(SPOT.values())
    return [spot_ticker(ctx.ex, pair, ctx.now) for pair in pairs]


def _mix_tickers(ctx: Ctx) -> Any:
    return [mix_ticker(ctx.ex, c, ctx.now) for c in _products(ctx).values()]


def _mix_one_ticker(ctx: Ctx) -> Any:
    return [mix_ticker(ctx.ex, contract(ctx.p.text("productType"), ctx.p.text("symbol")), ctx.now)]


def _contracts(ctx: Ctx) -> Any:
    if ctx.p.text("symbol"):
        return [_contract_row(contract(ctx.p.text("productType"), ctx.p.text("symbol")))]
    return [_contract_row(c) for c in _products(ctx).values()]


def _symbol_price(ctx: Ctx) -> Any:
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    price = fmt(ctx.ex.price(c))
    return [{"symbol": c.symbol, "price": price, "indexPrice": price, "markPrice": price, "ts": str(ctx.now)}]


def _fund_rate(ctx: Ctx) -> Any:
    contracts = (
        [contract(ctx.p.text("productType"), ctx.p.text("symbol"))] if ctx.p.text("symbol") else list(_products(ctx).values())
    )
    template = first_item("GET", "/api/v2/mix/market/current-fund-rate")
    return [{**template, "symbol": c.symbol, "fundingRate": "0.0001"} for c in contracts]


def _spot_symbols(ctx: Ctx) -> Any:
    pairs = [spot_pair(ctx.p.text("symbol"))] if ctx.p.text("symbol") else list(SPOT.values())
    return [_symbol_row(pair) for pair in pairs]


def _spot_trades(ctx: Ctx, max_limit: int) -> Any:
    pair = spot_pair(ctx.p.text("symbol"))
    return recent_trades(ctx.ex, pair.inst, pair.symbol, max(1, min(ctx.p.whole("limit", 100), max_limit)), ctx.now)


def _mix_trades(ctx: Ctx, max_limit: int) -> Any:
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    return recent_trades(ctx.ex, c.inst, c.symbol, max(1, min(ctx.p.whole("limit", 100), max_limit)), ctx.now)


def _spot_trade_history(ctx: Ctx) -> Any:
    pair = spot_pair(ctx.p.text("symbol"))
    return _trade_history(ctx, pair.inst, pair.symbol, 1000)


def _mix_trade_history(ctx: Ctx) -> Any:
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    return _trade_history(ctx, c.inst, c.symbol, 1000)


def _open_interest(ctx: Ctx) -> Any:
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    data = example("GET", "/api/v2/mix/market/open-interest")
    volume = day_stats(ctx.ex, c.inst)[4]
    data["openInterestList"] = [{"symbol": c.symbol, "size": fmt(quant(volume * 3, c.inst.qty_scale))}]
    data["ts"] = str(ctx.now)
    return data


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "public.time": lambda ctx: {"serverTime": str(ctx.now)},
        "spot.market.tickers": _spot_tickers,
        "spot.market.candles": _spot_candles,
        "spot.market.history_candles": lambda ctx: _spot_candles(ctx, history=True),
        "spot.market.orderbook": _spot_orderbook,
        "spot.market.merge_depth": lambda ctx: _merge_depth(ctx, spot_pair(ctx.p.text("symbol")).inst),
        "spot.market.fills": lambda ctx: _spot_trades(ctx, 500),
        "spot.market.fills_history": _spot_trade_history,
        "spot.public.symbols": _spot_symbols,
        "mix.market.ticker": _mix_one_ticker,
        "mix.market.tickers": _mix_tickers,
        "mix.market.candles": _mix_candles,
        "mix.market.history_candles": lambda ctx: _mix_candles(ctx, history=True),
        "mix.market.history_mark_candles": lambda ctx: _mix_candles(ctx, history=True),
        "mix.market.history_index_candles": lambda ctx: _mix_candles(ctx, history=True),
        "mix.market.contracts": _contracts,
        "mix.market.symbol_price": _symbol_price,
        "mix.market.current_fund_rate": _fund_rate,
        "mix.market.open_interest": _open_interest,
        "mix.market.merge_depth": lambda ctx: _merge_depth(
            ctx, contract(ctx.p.text("productType"), ctx.p.text("symbol")).inst
        ),
        "mix.market.fills": lambda ctx: _mix_trades(ctx, 100),
        "mix.market.fills_history": lambda ctx: _mix_trade_history(ctx),
        "mix.market.history_fund_rate": _fund_rate_history,
        "public.announcements": _announcements,
    }
)
