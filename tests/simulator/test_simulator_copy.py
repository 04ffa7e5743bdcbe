"""Copy trading on the simulator, the follower's side: settings written are read back, following
starts with them and ends with cancel-trader; futures and spot are separate; Bitget's codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bitget_async import APIError, BitgetClient, InvalidParameterError, RateLimits
from bitget_async.testing import Simulator

pytestmark = pytest.mark.anyio
D = Decimal
T0 = 1_700_000_000_000
MIX_ALPHA, MIX_BETA = "b0b54e7d8bb33d55a191", "b1c09b1a6fb53e5ba593"
SPOT_GAMMA = "c2a66e0cf8f73c51a294"


def unlimited(sim: Simulator) -> BitgetClient:
    """Settings routes allow 1 request/s per UID; these tests are about state, not pacing."""
    return sim.client(rate_limits=RateLimits(enabled=False))


def mix_setting(symbol: str = "BTCUSDT", **changes: str) -> dict[str, str]:
    setting = {
        "symbol": symbol, "product_type": "USDT-FUTURES", "margin_type": "specify", "margin_coin": "USDT",
        "lever_type": "specify", "long_leverage": "5", "short_leverage": "3", "trace_type": "amount",
        "trace_value": "330", "max_hold_size": "5000", "stop_surplus_ratio": "200",
    }
    setting.update(changes)
    return setting


async def refused(code: str, call: Any, **kwargs: Any) -> None:
    with pytest.raises(APIError) as caught:
        await call(**kwargs)
    assert caught.value.code == code, (caught.value.code, caught.value.msg)


async def test_futures_settings_are_stored_and_read_back() -> None:
    sim = Simulator(clock=lambda: T0, enforce_rate_limits=False)
    async with unlimited(sim) as client:
        follower = client.copy.mix_follower
        before = await follower.query_settings(trader_id=MIX_ALPHA)
        assert (before.follower_enable, before.detail_list) == ("NO", [])
        assert await follower.query_traders() == []

        assert await follower.settings(trader_id=MIX_ALPHA, settings=[mix_setting()]) == "success"
        after = await follower.query_settings(trader_id=MIX_ALPHA)
        assert after.follower_enable == "YES"
        (row,) = after.detail_list or []
        assert (row.symbol, row.product_type, row.margin_type, row.lever_type, row.long_leverage, row.short_leverage) == (
            "BTCUSDT", "USDT-FUTURES", "specify", "specify", D(5), D(3)
        )
        assert (row.trace_type, row.trace_value, row.max_hold_size, row.stop_surplus_ratio, row.stop_loss_ratio) == (
            "amount", D(330), D(5000), D(200), None
        )

        # a second write replaces that symbol's settings and adds others
        await follower.settings(trader_id=MIX_ALPHA, settings=[mix_setting(trace_value="100"), mix_setting("ETHUSDT")])
        rows = (await follower.query_settings(trader_id=MIX_ALPHA)).detail_list or []
        assert [(r.symbol, r.trace_value) for r in rows] == [("BTCUSDT", D(100)), ("ETHUSDT", D(330))]

        (trader,) = await follower.query_traders()
        assert (trader.trader_id, trader.follower_time, trader.follow_count) == (MIX_ALPHA, T0, 1)
        assert trader.current_trading_pairs == ["BTCUSDT", "ETHUSDT", "SOLUSDT"]


async def test_futures_refusals_leave_settings_unchanged() -> None:
    sim = Simulator(enforce_rate_limits=False)
    async with unlimited(sim) as client:
        follower = client.copy.mix_follower
        await follower.settings(trader_id=MIX_ALPHA, settings=[mix_setting()])
        await refused("40860", follower.settings, trader_id="nobody", settings=[mix_setting()])
        await refused("40860", follower.query_settings, trader_id="nobody")
        # XRPUSDT is not one of alpha's symbols; the valid BTCUSDT item is not stored either
        await refused("31052", follower.settings, trader_id=MIX_ALPHA, settings=[mix_setting(trace_value="1"), mix_setting("XRPUSDT")])
        await refused("31040", follower.settings, trader_id=MIX_ALPHA, settings=[mix_setting(stop_surplus_ratio="401")])
        await refused("31041", follower.settings, trader_id=MIX_ALPHA, settings=[mix_setting(stop_loss_ratio="0")])
        rows = (await follower.query_settings(trader_id=MIX_ALPHA)).detail_list or []
        assert [(r.symbol, r.trace_value, r.stop_surplus_ratio) for r in rows] == [("BTCUSDT", D(330), D(200))]
        for amount in ("49", "50.5"):
            with pytest.raises(InvalidParameterError) as bad:
                await follower.copy_settings(trader_id=MIX_BETA, copy_amount=amount)
            assert bad.value.code == "40020"
        assert [t.trader_id for t in await follower.query_traders()] == [MIX_ALPHA]


async def test_follow_and_unfollow() -> None:
    sim = Simulator(enforce_rate_limits=False)
    async with unlimited(sim) as client:
        follower = client.copy.mix_follower
        await refused("43062", follower.cancel_trader, trader_id=MIX_BETA)
        assert await follower.copy_settings(trader_id=MIX_BETA, copy_amount="200", auto_copy="on") == "success"
        await follower.settings(trader_id=MIX_ALPHA, settings=[mix_setting()])
        assert sorted(t.trader_id for t in await follower.query_traders()) == [MIX_ALPHA, MIX_BETA]
        assert (await follower.query_settings(trader_id=MIX_BETA)).follower_enable == "YES"
        assert await follower.cancel_trader(trader_id=MIX_BETA) == "success"
        assert [t.trader_id for t in await follower.query_traders()] == [MIX_ALPHA]
        assert (await follower.query_settings(trader_id=MIX_BETA)).follower_enable == "NO"
        await refused("43062", follower.cancel_trader, trader_id=MIX_BETA)
        # the settings go with the follow: following again starts empty
        await follower.cancel_trader(trader_id=MIX_ALPHA)
        await follower.copy_settings(trader_id=MIX_ALPHA, copy_amount="50")
        assert (await follower.query_settings(trader_id=MIX_ALPHA)).detail_list == []


async def test_spot_follower_settings_separate_from_futures() -> None:
    sim = Simulator(clock=lambda: T0, enforce_rate_limits=False)
    async with unlimited(sim) as client:
        spot = client.copy.spot_follower
        assert (await spot.query_trader_symbols(trader_id=SPOT_GAMMA)).current_trading_list == ["BTCUSDT", "ETHUSDT"]
        await refused("40860", spot.query_trader_symbols, trader_id=MIX_ALPHA)  # a futures trader is not a spot one
        assert (await spot.query_settings(trader_id=SPOT_GAMMA)).enable == "NO"
        setting = {"symbol": "ETHUSDT", "trace_type": "amount", "max_hold_size": "1000", "trace_value": "100",
                   "stop_surplus_ratio": "10", "stop_loss_ratio": "20"}
        assert await spot.settings(trader_id=SPOT_GAMMA, settings=[setting]) == ""
        got = await spot.query_settings(trader_id=SPOT_GAMMA)
        assert (got.enable, got.trader_name, got.profit_rate) == ("YES", "sim-spot-gamma", D("21.5"))
        (mine,) = got.trade_setting_list or []
        assert (mine.symbol, mine.trace_type, mine.max_trace_amount, mine.stop_surplus_ration, mine.stop_loss_ration) == (
            "ETHUSDT", "amount", D(1000), D(10), D(20)
        )
        assert [s.symbol for s in got.trade_symbol_setting_list or []] == ["BTCUSDT", "ETHUSDT"]
        await refused("31052", spot.settings, trader_id=SPOT_GAMMA, settings=[{**setting, "symbol": "SOLUSDT"}])

        listed = await spot.query_traders()
        assert [(t.trader_id, t.follower_time, t.follow_count) for t in listed.result_list or []] == [(SPOT_GAMMA, T0, 1)]
        assert await client.copy.mix_follower.query_traders() == []
        assert await spot.cancel_trader(trader_id=SPOT_GAMMA) == ""
        assert (await spot.query_traders()).result_list == []
        await refused("43062", spot.cancel_trader, trader_id=SPOT_GAMMA)


async def test_query_traders_pages() -> None:
    sim = Simulator(enforce_rate_limits=False)
    async with unlimited(sim) as client:
        follower = client.copy.mix_follower
        await follower.copy_settings(trader_id=MIX_ALPHA, copy_amount="100")
        sim.advance(1)
        await follower.copy_settings(trader_id=MIX_BETA, copy_amount="100")
        first = await follower.query_traders(page_no=1, page_size=1)
        second = await follower.query_traders(page_no=2, page_size=1)
        assert [t.trader_id for t in first + second] == [MIX_ALPHA, MIX_BETA]  # oldest follow first
        assert await follower.query_traders(page_no=3, page_size=1) == []
        since = first[0].follower_time + 1
        assert [t.trader_id for t in await follower.query_traders(start_time=since)] == [MIX_BETA]
        assert [t.trader_id for t in await follower.query_traders(end_time=since)] == [MIX_ALPHA]
