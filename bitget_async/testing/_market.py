"""Public market data from the deterministic price paths: server time, tickers, candles, order
books, recent trades, the spot symbol list and the futures contract list."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import CONTRACTS, SPOT, Contract, Instrument, SpotPair, contract, spot_pair
from ._state import Ctx, Exchange, Handler
from ._wire import SimError, example, first_item, fmt, quant

__all__ = ["HANDLERS"]

_MIN = 60_000
_HOUR = 60 * _MIN
_DAY = 24 * _HOUR
SPOT_GRANULARITY: Mapping[str, int] = MappingProxyType(
    {
        "1min": _MIN, "3min": 3 * _MIN, "5min": 5 * _MIN, "15min": 15 * _MIN, "30min": 30 * _MIN,
        "1h": _HOUR, "4h": 4 * _HOUR, "6h": 6 * _HOUR, "12h": 12 * _HOUR, "1day": _DAY, "3day": 3 * _DAY,
        "1week": 7 * _DAY, "1M": 30 * _DAY, "6Hutc": 6 * _HOUR, "12Hutc": 12 * _HOUR, "1Dutc": _DAY,
        "3Dutc": 3 * _DAY, "1Wutc": 7 * _DAY, "1Mutc": 30 * _DAY,
    }
)
MIX_GRANULARITY: Mapping[str, int] = MappingProxyType(
    {
        "1m": _MIN, "3m": 3 * _MIN, "5m": 5 * _MIN, "15m": 15 * _MIN, "30m": 30 * _MIN, "1H": _HOUR,
        "4H": 4 * _HOUR, "6H": 6 * _HOUR, "12H": 12 * _HOUR, "1D": _DAY, "3D": 3 * _DAY, "1W": 7 * _DAY,
        "1M": 30 * _DAY, "6Hutc": 6 * _HOUR, "12Hutc": 12 * _HOUR, "1Dutc": _DAY, "3Dutc": 3 * _DAY,
        "1Wutc": 7 * _DAY, "1Mutc": 30 * _DAY,
    }
)


def _day_stats(ex: Exchange, inst: Instrument) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(last, open 24 h ago, low, high, base volume) over the last day of market time."""
    key = ("day", inst.base, ex.market_ms)
    cached = ex.market_cache.get(key)
    if cached is None:
        t = ex.market_ms
        last = ex.feed.price(inst, t)
        low, high = ex.feed.extremes(inst, t - _DAY, t, max_points=96)
        cached = ex.market_cache[key] = (last, ex.feed.price(inst, t - _DAY), low, high, ex.feed.volume(inst, t, _DAY, last))
    return cached


def _change(last: Decimal, opened: Decimal) -> str:
    return fmt(quant((last - opened) / opened, 5)) if opened else "0"


def _depth_size(ex: Exchange, inst: Instrument, side: str, level: int, price: Decimal) -> Decimal:
    usdt = Decimal(50 + ex.feed.noise(inst.base, side, level, ex.market_ms) % 2_000)
    return max(inst.lot, quant(usdt / price, inst.qty_scale))


def _spot_ticker(ex: Exchange, pair: SpotPair, now: int) -> dict[str, Any]:
    inst = pair.inst
    last, opened, low, high, volume = _day_stats(ex, inst)
    return {
        "symbol": pair.symbol,
        "high24h": fmt(high),
        "open": fmt(opened),
        "low24h": fmt(low),
        "lastPr": fmt(last),
        "quoteVolume": fmt(quant(volume * last, 4)),
        "baseVolume": fmt(volume),
        "usdtVolume": fmt(quant(volume * last, 4)),
        "bidPr": fmt(last - inst.tick),
        "askPr": fmt(last + inst.tick),
        "bidSz": fmt(_depth_size(ex, inst, "bid", 1, last)),
        "askSz": fmt(_depth_size(ex, inst, "ask", 1, last)),
        "openUtc": fmt(opened),
        "ts": str(now),
        "changeUtc24h": _change(last, opened),
        "change24h": _change(last, opened),
    }


def _mix_ticker(ex: Exchange, c: Contract, now: int) -> dict[str, Any]:
    row = _spot_ticker(ex, SPOT[f"{c.base}USDT"], now)
    row.update(
        symbol=c.symbol,
        indexPrice=row["lastPr"],
        markPrice=row["lastPr"],
        fundingRate="0.0001",
        holdingAmount=fmt(quant(_day_stats(ex, c.inst)[4] * 3, c.inst.qty_scale)),
        deliveryStartTime=None,
        deliveryTime=None,
        deliveryStatus="",
        open24h=row["open"],
    )
    return row


def _candles(
    ex: Exchange, inst: Instrument, granularity_ms: int, *, start: int, end: int, limit: int, now: int, mix: bool
) -> list[list[str]]:
    """Candles oldest first; the last one is the candle in progress (as on Bitget)."""
    end = min(end or now, now)
    last_open = end - end % granularity_ms
    first_open = last_open - (limit - 1) * granularity_ms
    if start:
        first_open = max(first_open, start + (-start % granularity_ms))
    rows = []
    for ts in range(first_open, last_open + 1, granularity_ms):
        a = ex.market_time_of(ts)
        b = ex.market_time_of(min(ts + granularity_ms, now))
        opened, closed = ex.feed.price(inst, a), ex.feed.price(inst, b)
        low, high = ex.feed.extremes(inst, a, b, max_points=12) if b > a else (opened, opened)
        volume = ex.feed.volume(inst, ts, granularity_ms, closed)
        quote = fmt(quant(volume * closed, 4))
        row = [str(ts), fmt(opened), fmt(high), fmt(low), fmt(closed), fmt(volume), quote]
        rows.append(row if mix else [*row, quote])
    return rows


def _granularity(table: Mapping[str, int], value: str) -> int:
    found = table.get(value)
    if found is None:
        raise SimError("40020", "Parameter granularity error")
    return found


def _spot_candles(ctx: Ctx, *, history: bool = False) -> Any:
    p = ctx.p
    pair = spot_pair(p.text("symbol"))
    limit = max(1, min(p.whole("limit", 100), 200 if history else 1000))
    return _candles(
        ctx.ex, pair.inst, _granularity(SPOT_GRANULARITY, p.text("granularity")),
        start=0 if history else p.whole("startTime", 0), end=p.whole("endTime", 0), limit=limit, now=ctx.now, mix=False,
    )


def _mix_candles(ctx: Ctx, *, history: bool = False) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    limit = max(1, min(p.whole("limit", 100), 200 if history else 1000))
    return _candles(
        ctx.ex, c.inst, _granularity(MIX_GRANULARITY, p.text("granularity")),
        start=p.whole("startTime", 0), end=p.whole("endTime", 0), limit=limit, now=ctx.now, mix=True,
    )


def _book(ex: Exchange, inst: Instrument, levels: int, now: int) -> dict[str, Any]:
    price = ex.feed.price(inst, ex.market_ms)
    asks = [[fmt(price + inst.tick * k), fmt(_depth_size(ex, inst, "ask", k, price))] for k in range(1, levels + 1)]
    bids = [
        [fmt(price - inst.tick * k), fmt(_depth_size(ex, inst, "bid", k, price))]
        for k in range(1, levels + 1)
        if price - inst.tick * k > 0
    ]
    return {"asks": asks, "bids": bids, "ts": str(now)}


def _merge_levels(value: str) -> int:
    return 150 if value in ("", "max") else max(1, min(int(value) if value.isdigit() else 100, 150))


def _spot_orderbook(ctx: Ctx) -> Any:
    pair = spot_pair(ctx.p.text("symbol"))
    return _book(ctx.ex, pair.inst, max(1, min(ctx.p.whole("limit", 100), 150)), ctx.now)


def _merge_depth(ctx: Ctx, inst: Instrument) -> Any:
    book = _book(ctx.ex, inst, _merge_levels(ctx.p.text("limit", "100")), ctx.now)
    book.update(scale=fmt(inst.tick), precision=ctx.p.text("precision", "scale0"), isMaxPrecision="YES")
    return book


def _trades(ex: Exchange, inst: Instrument, symbol: str, limit: int, now: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(limit):
        ts = now - i * 1_000 - ex.feed.noise(inst.base, "trade-ts", i, ex.market_ms) % 1_000
        noise = ex.feed.noise(inst.base, "trade", i, ex.market_ms)
        price = ex.feed.price(inst, ex.market_time_of(ts)) + inst.tick * (noise % 3 - 1)
        rows.append(
            {
                "symbol": symbol,
                "tradeId": str(10**15 + ts),
                "side": "buy" if noise % 2 else "sell",
                "price": fmt(max(price, inst.tick)),
                "size": fmt(_depth_size(ex, inst, "trade", i, price)),
                "ts": str(ts),
            }
        )
    return rows


def _trade_history(ctx: Ctx, inst: Instrument, symbol: str, max_limit: int) -> list[dict[str, Any]]:
    """Market trades back in time, one per minute of exchange time, stable under paging.

    Trade ``k`` happens in minute ``k`` (its millisecond and size drawn from ``k`` alone), and
    its ``tradeId`` grows with its timestamp, so ``idLessThan``/``startTime``/``endTime`` cut the
    same history whichever page asks.  Without ``startTime`` the window is the last week (the
    doc's default)."""
    p, ex = ctx.p, ctx.ex
    limit = max(1, min(p.whole("limit", 500), max_limit))
    end = min(p.whole("endTime", 0) or ctx.now, ctx.now)
    start = p.whole("startTime", 0) or end - 7 * _DAY
    before = p.get("idLessThan")
    top = end if before is None else min(end, int(str(before)) - _TRADE_ID_BASE - 1)
    rows: list[dict[str, Any]] = []
    k = top // _MIN
    while len(rows) < limit and k * _MIN + _MIN - 1 >= start:
        ts = k * _MIN + ex.feed.noise(inst.base, "trade-ms", k) % _MIN
        noise = ex.feed.noise(inst.base, "trade-k", k)
        k -= 1
        if ts > top or ts < start:
            continue
        price = ex.feed.price(inst, ex.market_time_of(ts)) + inst.tick * (noise % 3 - 1)
        rows.append(
            {
                "symbol": symbol,
                "tradeId": str(_TRADE_ID_BASE + ts),
                "side": "buy" if noise % 2 else "sell",
                "price": fmt(max(price, inst.tick)),
                "size": fmt(_depth_size(ex, inst, "trade", noise % 7, price)),
                "ts": str(ts),
            }
        )
    return rows


_TRADE_ID_BASE = 10**15
_FUNDING_MS = 8 * _HOUR
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
    first = ctx.ex.start_ms - FUNDING_HISTORY_DAYS * _DAY
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
        c_time = ctx.ex.start_ms - (ANNOUNCEMENTS - ann_id) * _DAY
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


def _symbol_row(pair: SpotPair) -> dict[str, Any]:
    return {
        "symbol": pair.symbol,
        "baseCoin": pair.base,
        "quoteCoin": pair.quote,
        "minTradeAmount": "0",
        "maxTradeAmount": "900000000000000000000",
        "takerFeeRate": fmt(pair.taker_fee),
        "makerFeeRate": fmt(pair.maker_fee),
        "pricePrecision": str(pair.inst.price_scale),
        "quantityPrecision": str(pair.inst.qty_scale),
        "quotePrecision": "8",
        "status": "online",
        "minTradeUSDT": fmt(pair.min_notional),
        "buyLimitPriceRatio": "0.05",
        "sellLimitPriceRatio": "0.05",
        "areaSymbol": "no",
        "orderQuantity": "200",
        "openTime": "1532454360000",
        "offTime": "",
    }


def _contract_row(c: Contract) -> dict[str, Any]:
    row = first_item("GET", "/api/v2/mix/market/contracts")
    row.update(
        symbol=c.symbol,
        baseCoin=c.base,
        quoteCoin=c.margin_coin,
        makerFeeRate=fmt(c.maker_fee),
        takerFeeRate=fmt(c.taker_fee),
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
    return row


def _products(ctx: Ctx) -> Mapping[str, Contract]:
    return CONTRACTS[ctx.p.text("productType").upper()]


def _spot_tickers(ctx: Ctx) -> Any:
    pairs = [spot_pair(ctx.p.text("symbol"))] if ctx.p.text("symbol") else list(SPOT.values())
    return [_spot_ticker(ctx.ex, pair, ctx.now) for pair in pairs]


def _mix_tickers(ctx: Ctx) -> Any:
    return [_mix_ticker(ctx.ex, c, ctx.now) for c in _products(ctx).values()]


def _mix_one_ticker(ctx: Ctx) -> Any:
    return [_mix_ticker(ctx.ex, contract(ctx.p.text("productType"), ctx.p.text("symbol")), ctx.now)]


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
    return _trades(ctx.ex, pair.inst, pair.symbol, max(1, min(ctx.p.whole("limit", 100), max_limit)), ctx.now)


def _mix_trades(ctx: Ctx, max_limit: int) -> Any:
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    return _trades(ctx.ex, c.inst, c.symbol, max(1, min(ctx.p.whole("limit", 100), max_limit)), ctx.now)


def _spot_trade_history(ctx: Ctx) -> Any:
    pair = spot_pair(ctx.p.text("symbol"))
    return _trade_history(ctx, pair.inst, pair.symbol, 1000)


def _mix_trade_history(ctx: Ctx) -> Any:
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    return _trade_history(ctx, c.inst, c.symbol, 1000)


def _open_interest(ctx: Ctx) -> Any:
    c = contract(ctx.p.text("productType"), ctx.p.text("symbol"))
    data = example("GET", "/api/v2/mix/market/open-interest")
    volume = _day_stats(ctx.ex, c.inst)[4]
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
