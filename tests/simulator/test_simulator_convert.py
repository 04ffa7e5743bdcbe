"""Convert on the simulator: quote then trade against the spot balances, the quote's life, the
history, and small balances to BGB; exact balances and Bitget's error codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitget_async import APIError, InvalidParameterError, RateLimits
from bitget_async.testing import Simulator

pytestmark = pytest.mark.anyio
D = Decimal
HOUR = 3_600_000
T0 = 1_700_000_000_000  # a fixed exchange clock for exact timestamps


async def test_quote_then_trade_moves_exactly_the_quoted_amounts() -> None:
    sim = Simulator(clock=lambda: T0)
    async with sim.client() as client:
        quote = await client.convert.quoted_price(from_coin="BTC", to_coin="USDT", from_coin_size="0.01")
        assert (quote.from_coin, quote.from_coin_size, quote.to_coin, quote.to_coin_size) == ("BTC", D("0.01"), "USDT", D("650"))
        assert (quote.cnvt_price, quote.fee) == (D("65000"), D(0))
        done = await client.convert.trade(
            from_coin="BTC", from_coin_size=quote.from_coin_size, cnvt_price=quote.cnvt_price, to_coin="USDT",
            to_coin_size=quote.to_coin_size, trace_id=quote.trace_id,
        )
        assert (done.to_coin, done.to_coin_size, done.cnvt_price) == ("USDT", D("650"), D("65000"))
        assert done.ts == T0
        assert sim.balance("BTC") == D("0.99")
        assert sim.balance("USDT") == D("100650")
        history = await client.convert.convert_record(start_time=T0 - HOUR, end_time=T0)
        (row,) = history.data_list or []
        assert (row.from_coin, row.from_coin_size, row.to_coin, row.to_coin_size, row.fee) == ("BTC", D("0.01"), "USDT", D("650"), D(0))
        assert history.end_id == row.id_
        bills = await client.spot.account.bills(group_type="convert")
        assert sorted((b.coin, b.size) for b in bills) == [("BTC", D("-0.01")), ("USDT", D("650"))]


async def test_quote_by_target_size_rounds_the_source_up() -> None:
    sim = Simulator()
    async with sim.client() as client:
        quote = await client.convert.quoted_price(from_coin="USDT", to_coin="BTC", to_coin_size="0.01")
        # 1/65000 to 16 places, then 0.01 / price rounded up to 8 places: never less than asked
        assert quote.cnvt_price == D("0.0000153846153846")
        assert (quote.from_coin_size, quote.to_coin_size) == (D("650.00000001"), D("0.01"))
        by_source = await client.convert.quoted_price(from_coin="USDT", to_coin="BTC", from_coin_size="650")
        assert by_source.to_coin_size == D("0.00999999")  # rounded down: never credit more than the price gives


async def test_a_quote_serves_one_trade_for_8_seconds() -> None:
    sim = Simulator()
    async with sim.client() as client:

        async def trade(trace_id: str, **changes: str) -> None:
            kwargs: dict[str, Any] = {
                "from_coin": "BTC", "from_coin_size": "0.01", "cnvt_price": "65000", "to_coin": "USDT",
                "to_coin_size": "650", "trace_id": trace_id, **changes,
            }
            await client.convert.trade(**kwargs)

        quote = await client.convert.quoted_price(from_coin="BTC", to_coin="USDT", from_coin_size="0.01")
        with pytest.raises(APIError) as tampered:
            await trade(quote.trace_id, to_coin_size="651")
        assert (tampered.value.code, tampered.value.msg) == ("12022", "The flash quote information has been tampered with")
        with pytest.raises(APIError) as unknown:
            await trade("123")
        assert unknown.value.code == "12021"
        await trade(quote.trace_id)
        with pytest.raises(APIError) as reused:
            await trade(quote.trace_id)
        assert (reused.value.code, reused.value.msg) == ("12021", "Flash quote expired")
        assert sim.balance("BTC") == D("0.99")

        stale = await client.convert.quoted_price(from_coin="BTC", to_coin="USDT", from_coin_size="0.01")
        sim.advance(8.001)
        with pytest.raises(APIError) as expired:
            await trade(stale.trace_id)
        assert expired.value.code == "12021"
        assert (sim.balance("BTC"), sim.balance("USDT")) == (D("0.99"), D("100650"))


async def test_convert_refusals() -> None:
    sim = Simulator()
    async with sim.client() as client:
        cases: tuple[tuple[dict[str, Any], str], ...] = (
            ({"from_coin": "USDT", "to_coin": "BTC", "from_coin_size": "0.5"}, "12006"),  # under 1 USDT worth
            ({"from_coin": "USDT", "to_coin": "BTC", "from_coin_size": "200001"}, "12007"),  # over 200,000 USDT worth
            ({"from_coin": "FOO", "to_coin": "BTC", "from_coin_size": "1"}, "43131"),
            ({"from_coin": "BTC", "to_coin": "BTC", "from_coin_size": "1"}, "43131"),
        )
        for kwargs, code in cases:
            with pytest.raises(APIError) as refused:
                await client.convert.quoted_price(**kwargs)
            assert refused.value.code == code, kwargs
        with pytest.raises(InvalidParameterError) as neither:
            await client.convert.quoted_price(from_coin="USDT", to_coin="BTC")
        assert neither.value.code == "40019"
        big = await client.convert.quoted_price(from_coin="BTC", to_coin="USDT", from_coin_size="2")  # holds 1 BTC
        with pytest.raises(APIError) as short:
            await client.convert.trade(
                from_coin="BTC", from_coin_size=big.from_coin_size, cnvt_price=big.cnvt_price, to_coin="USDT",
                to_coin_size=big.to_coin_size, trace_id=big.trace_id,
            )
        assert (short.value.code, short.value.msg) == ("43132", "BTCInsufficient funds")
        assert (sim.balance("BTC"), sim.balance("USDT")) == (D(1), D(100_000))


async def test_currencies_show_balances_and_limits() -> None:
    sim = Simulator()
    async with sim.client() as client:
        rows = {c.coin: c for c in await client.convert.currencies()}
    btc = rows["BTC"]
    assert (btc.available, btc.min_amount, btc.max_amount) == (D(1), D("0.00001539"), D("3.07692307"))
    assert (rows["USDT"].available, rows["USDT"].min_amount, rows["USDT"].max_amount) == (D(100_000), D(1), D(200_000))


async def test_small_balances_convert_to_bgb_less_2_percent() -> None:
    sim = Simulator()
    sim.add_account(api_key="dust", api_secret="s", passphrase="p", balances={"DOGE": "20", "ETH": "0.001", "BTC": "1"})
    async with sim.client(api_key="dust", api_secret="s", passphrase="p") as client:
        listed = await client.convert.bgb_convert_coin_list()
        rows = {c.coin: c for c in listed.coin_list or []}
        assert set(rows) == {"DOGE", "ETH"}  # BTC is worth 65,000 USDT: not a small balance
        doge = rows["DOGE"]
        assert (doge.available, doge.bgb_est_amount, doge.precision) == (D(20), D(3), D(8))
        assert [(f.fee_rate, f.fee) for f in doge.fee_detail or []] == [(D("0.02"), D("0.06"))]

        for coins, code in ((["DOGE", "BTC"], "70211"), (["BGB"], "43131"), (["SOL"], "43132")):
            with pytest.raises(APIError) as refused:
                await client.convert.bgb_convert(coin_list=coins)
            assert refused.value.code == code
        assert sim.balance("DOGE", api_key="dust") == D(20)  # all or nothing

        done = await client.convert.bgb_convert(coin_list=["DOGE", "ETH"])
        assert [o.coin for o in done.order_list or []] == ["DOGE", "ETH"]
        assert (sim.balance("DOGE", api_key="dust"), sim.balance("ETH", api_key="dust")) == (D(0), D(0))
        assert sim.balance("BGB", api_key="dust") == D("6.272")  # (3 - 0.06) + (3.4 - 0.068)
        records = await client.convert.bgb_convert_records()
        by_coin = {r.from_coin: r for r in records}
        eth = by_coin["ETH"]
        assert (eth.from_amount, eth.from_coin_price, eth.to_coin, eth.to_amount, eth.to_coin_price, eth.status) == (
            D("0.001"), D("3400"), "BGB", D("3.4"), D(1), "success"
        )
        assert [(f.fee_coin, f.fee) for f in eth.fee_detail or []] == [("BGB", D("0.068"))]
        only = await client.convert.bgb_convert_records(order_id=by_coin["DOGE"].order_id)
        assert [r.from_coin for r in only] == ["DOGE"]
        assert (await client.convert.bgb_convert_coin_list()).coin_list == []


_COINS = ("USDT", "BTC", "ETH", "DOGE", "SHIB", "BGB")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pair=st.sampled_from([(a, b) for a in _COINS for b in _COINS if a != b]),
    share=st.decimals(min_value=D("0.001"), max_value=D("0.9"), places=3),
)
async def test_any_trade_moves_exactly_the_quote_and_never_creates_value(pair: tuple[str, str], share: Decimal) -> None:
    from_coin, to_coin = pair
    sim = Simulator(enforce_rate_limits=False)
    start = {"USDT": "100000", "BTC": "1", "ETH": "10", "DOGE": "500000", "SHIB": "1000000000", "BGB": "50000"}
    sim.add_account(api_key="k", api_secret="s", passphrase="p", balances=start)
    unit = {c: D(1) if c == "USDT" else sim.price(f"{c}USDT") for c in _COINS}
    # a share of the holding, kept inside the 1 .. 200,000 USDT convert limits
    value = min(D(start[from_coin]) * unit[from_coin] * share, D(150_000))
    size = max(value, D(2)) / unit[from_coin]
    size = size.quantize(D("1e-8"))
    async with sim.client(api_key="k", api_secret="s", passphrase="p", rate_limits=RateLimits(enabled=False)) as client:
        quote = await client.convert.quoted_price(from_coin=from_coin, to_coin=to_coin, from_coin_size=size)
        await client.convert.trade(
            from_coin=from_coin, from_coin_size=quote.from_coin_size, cnvt_price=quote.cnvt_price, to_coin=to_coin,
            to_coin_size=quote.to_coin_size, trace_id=quote.trace_id,
        )
    assert quote.from_coin_size == size
    assert quote.to_coin_size == (size * quote.cnvt_price).quantize(D("1e-8"), rounding="ROUND_DOWN")
    assert quote.to_coin_size * unit[to_coin] <= size * unit[from_coin]  # rounding never credits value
    assert sim.balance(from_coin, api_key="k") == D(start[from_coin]) - size
    assert sim.balance(to_coin, api_key="k") == D(start[to_coin]) + quote.to_coin_size
