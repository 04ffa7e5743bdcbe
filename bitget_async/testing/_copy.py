"""Copy trading, the follower's side: follow a trader by writing settings, read them back, unfollow.

Facts from Bitget's pages (copytrading/future-copytrade/follower/*, copytrading/spot-copytrade/
follower/*, REST error codes): writing settings for a trader (``settings``, and for futures the
newer ``copy-settings``) starts following them; ``query-settings`` reads back what was written
(``followerEnable``/``enable`` YES while following); ``cancel-trader`` unfollows; ``query-traders``
lists the traders followed, with the first following date.  Settings are per symbol, and a
symbol the trader does not trade is refused (31052); an unknown trader is 40860; unfollowing a
trader not followed is 43062 "not to follow"; take-profit / stop-loss ratios outside 1-400 are
31040 / 31041; ``copyAmount`` below 50 USDT or not whole is a parameter error (40020).
The simulated elite traders are fixed data (``TRADERS``); their orders are not simulated, so the
tracking-order routes keep answering with Bitget's documented examples.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._ledger import Follow
from ._state import Ctx, Handler
from ._wire import SimError

__all__ = ["HANDLERS", "TRADERS"]


@dataclasses.dataclass(frozen=True)
class Trader:
    trader_id: str
    family: str  # mix / spot
    name: str
    symbols: tuple[str, ...]
    profit_rate: str  # % over the trader's history
    max_followers: int


TRADERS: Mapping[tuple[str, str], Trader] = MappingProxyType({
    (t.family, t.trader_id): t
    for t in (
        Trader("b0b54e7d8bb33d55a191", "mix", "sim-futures-alpha", ("BTCUSDT", "ETHUSDT", "SOLUSDT"), "35.2", 1000),
        Trader("b1c09b1a6fb53e5ba593", "mix", "sim-futures-beta", ("BTCUSDT", "XRPUSDT"), "12.8", 500),
        Trader("c2a66e0cf8f73c51a294", "spot", "sim-spot-gamma", ("BTCUSDT", "ETHUSDT"), "21.5", 300),
        Trader("c3f10d2b7ac43e08b695", "spot", "sim-spot-delta", ("ETHUSDT", "SOLUSDT", "DOGEUSDT"), "8.4", 300),
    )
})
_RATIO_RANGE = (Decimal(1), Decimal(400))


def _trader(ctx: Ctx, family: str) -> Trader:
    trader = TRADERS.get((family, ctx.p.text("traderId")))
    if trader is None:
        raise SimError("40860", "The trader does not exist and cannot be set to follow")
    return trader


def _follow(ctx: Ctx, trader: Trader) -> Follow:
    key = (trader.family, trader.trader_id)
    found = ctx.acct.follows.get(key)
    if found is None:
        found = ctx.acct.follows[key] = Follow(trader.family, trader.trader_id, ctx.now)
    return found


def _options(ctx: Ctx, follow: Follow, names: tuple[str, ...]) -> None:
    for name in names:
        if name in ctx.p:
            follow.options[name] = ctx.p.text(name)


def _check_ratios(item: Mapping[str, Any]) -> None:
    for name, code, what in (("stopSurplusRatio", "31040", "T/P"), ("stopLossRatio", "31041", "S/L")):
        value = item.get(name)
        if value not in (None, "") and not _RATIO_RANGE[0] <= Decimal(str(value)) <= _RATIO_RANGE[1]:
            raise SimError(code, f"{what} ratio must between 1%-400%")


def _write_settings(ctx: Ctx, family: str) -> Follow:
    """Check every symbol's settings, then store them all: a refused call changes nothing."""
    trader = _trader(ctx, family)
    items = [dict(item) for item in ctx.p.seq("settings")]
    for item in items:
        if str(item.get("symbol", "")).upper() not in trader.symbols:
            raise SimError("31052", "Cannot set trading symbol that have not been opened by traders.")
        _check_ratios(item)
    follow = _follow(ctx, trader)
    _options(ctx, follow, ("autoCopy", "mode"))
    for item in items:
        follow.symbols[str(item["symbol"]).upper()] = {k: str(v) for k, v in item.items() if v is not None}
    return follow


def _unfollow(ctx: Ctx, family: str) -> None:
    trader = _trader(ctx, family)
    if ctx.acct.follows.pop((family, trader.trader_id), None) is None:
        raise SimError("43062", "not to follow")


def _followed(ctx: Ctx, family: str) -> list[tuple[Follow, Trader]]:
    """The traders followed, oldest follow first, filtered by following date and paged."""
    start, end = ctx.p.whole("startTime", 0), ctx.p.whole("endTime", 0)
    mine = sorted(
        (f for f in ctx.acct.follows.values() if f.family == family and start <= f.since and (not end or f.since <= end)),
        key=lambda f: (f.since, f.trader_id),
    )
    page_no, size = max(1, ctx.p.whole("pageNo", 1)), max(1, min(ctx.p.whole("pageSize", 20), 50))
    chosen = mine[(page_no - 1) * size : page_no * size]
    return [(f, TRADERS[(family, f.trader_id)]) for f in chosen]


# -- futures ------------------------------------------------------------------------------
def _mix_settings(ctx: Ctx) -> Any:
    _write_settings(ctx, "mix")
    return "success"


def _mix_copy_settings(ctx: Ctx) -> Any:
    trader = _trader(ctx, "mix")
    amount = ctx.p.dec("copyAmount")
    if amount < 50 or amount != amount.to_integral_value():
        raise SimError("40020", "Parameter copyAmount error")
    multiple = ctx.p.opt_dec("multiple")
    if multiple is not None and not 1 <= multiple <= 125:
        raise SimError("40020", "Parameter multiple error")
    follow = _follow(ctx, trader)
    _options(ctx, follow, ("copyAmount", "copyAllPostions", "autoCopy", "equityGuardian", "equityGuardianMode",
                           "equity", "marginMode", "leverage", "multiple"))
    return "success"


def _mix_detail(symbol: str, s: Mapping[str, str]) -> dict[str, str]:
    return {
        "symbol": symbol,
        "productType": s.get("productType", "USDT-FUTURES"),
        "marginType": s.get("marginType", "trader"),
        "marginCoin": s.get("marginCoin", "USDT"),
        "leverType": s.get("leverType", "trader"),
        "longLeverage": s.get("longLeverage", "0"),
        "shortLeverage": s.get("shortLeverage", "0"),
        "traceType": s.get("traceType", "percent"),
        "traceValue": s.get("traceValue", "0"),
        "maxHoldSize": s.get("maxHoldSize", "0"),
        "stopSurplusRatio": s.get("stopSurplusRatio", ""),
        "stopLossRatio": s.get("stopLossRatio", ""),
    }


def _mix_query_settings(ctx: Ctx) -> Any:
    trader = _trader(ctx, "mix")
    follow = ctx.acct.follows.get(("mix", trader.trader_id))
    if follow is None:
        return {"followerEnable": "NO", "detailList": []}
    return {"followerEnable": "YES", "detailList": [_mix_detail(sym, s) for sym, s in sorted(follow.symbols.items())]}


def _mix_cancel(ctx: Ctx) -> Any:
    _unfollow(ctx, "mix")
    return "success"


def _mix_traders(ctx: Ctx) -> Any:
    count = sum(1 for f in ctx.acct.follows.values() if f.family == "mix")
    return [
        {
            "certificationType": "Certified",
            "traderId": t.trader_id,
            "traderName": t.name,
            "maxFollowLimit": str(t.max_followers),
            "followCount": str(count),
            "traceTotalMarginAmount": "0",
            "traceTotalNetProfit": "0",
            "traceTotalProfit": "0",
            "currentTradingPairs": list(t.symbols),
            "followerTime": str(f.since),
            "bgbMaxFollowLimit": "0",
            "bgbFollowCount": "0",
        }
        for f, t in _followed(ctx, "mix")
    ]


# -- spot ---------------------------------------------------------------------------------
def _spot_settings(ctx: Ctx) -> Any:
    _write_settings(ctx, "spot")
    return ""


def _spot_query_settings(ctx: Ctx) -> Any:
    trader = _trader(ctx, "spot")
    follow = ctx.acct.follows.get(("spot", trader.trader_id))
    mine = sorted(follow.symbols.items()) if follow is not None else []
    return {
        "enable": "YES" if follow is not None else "NO",
        "profitRate": trader.profit_rate,
        "settledInDays": "30",
        "traderHeadPic": "",
        "traderName": trader.name,
        "tradeSettingList": [
            {
                "maxTraceAmount": s.get("maxHoldSize", "0"),
                "stopLossRation": s.get("stopLossRatio", "0"),
                "stopSurplusRation": s.get("stopSurplusRatio", "0"),
                "symbol": sym,
                "traceType": s.get("traceType", "amount"),
            }
            for sym, s in mine
        ],
        "tradeSymbolSettingList": [
            {
                "maxStopLossRation": "90", "maxStopSurplusRation": "400", "maxTraceAmount": "5000",
                "maxTraceAmountSystem": "50000", "maxTraceSize": "500", "maxTraceRation": "20", "minStopLossRation": "1",
                "minStopSurplusRation": "1", "minTraceAmount": "10", "minTraceSize": "0.001", "minTraceRation": "0.1",
                "sliderMaxStopLossRatio": "90", "sliderMaxStopSurplusRatio": "400", "symbol": sym,
            }
            for sym in trader.symbols
        ],
    }


def _spot_cancel(ctx: Ctx) -> Any:
    _unfollow(ctx, "spot")
    return ""


def _spot_traders(ctx: Ctx) -> Any:
    count = sum(1 for f in ctx.acct.follows.values() if f.family == "spot")
    return {
        "resultList": [
            {
                "certificationType": "certified",
                "traceTotalAmount": "0",
                "traceTotalNetProfit": "0",
                "traceTotalProfit": "0",
                "traderName": t.name,
                "traderId": t.trader_id,
                "maxFollowLimit": str(t.max_followers),
                "bgbMaxFollowLimit": "",
                "followCount": str(count),
                "bgbFollowCount": "",
                "followerTime": str(f.since),
            }
            for f, t in _followed(ctx, "spot")
        ]
    }


def _spot_trader_symbols(ctx: Ctx) -> Any:
    return {"currentTradingList": list(_trader(ctx, "spot").symbols)}


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "copy.mix_follower.settings": _mix_settings,
        "copy.mix_follower.copy_settings": _mix_copy_settings,
        "copy.mix_follower.query_settings": _mix_query_settings,
        "copy.mix_follower.cancel_trader": _mix_cancel,
        "copy.mix_follower.query_traders": _mix_traders,
        "copy.spot_follower.settings": _spot_settings,
        "copy.spot_follower.query_settings": _spot_query_settings,
        "copy.spot_follower.cancel_trader": _spot_cancel,
        "copy.spot_follower.query_traders": _spot_traders,
        "copy.spot_follower.query_trader_symbols": _spot_trader_symbols,
    }
)
