"""Earn on the simulator: savings (flexible and fixed) and sharkfin move coins between spot and
the Earn account, which ``earn.account.assets`` reflects; exact balances and Bitget's codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bitget_async import APIError, BitgetClient
from bitget_async.testing import Simulator

pytestmark = pytest.mark.anyio
D = Decimal
FLEX_USDT, FLEX_BTC, FIXED_7D = "4101", "4102", "4107"
SHARK_BTC = "5201"


async def earn_assets(client: BitgetClient) -> dict[str, Decimal]:
    return {a.coin: a.amount for a in await client.earn.account.assets()}


async def refused(code: str, call: Any, **kwargs: Any) -> None:
    with pytest.raises(APIError) as caught:
        await call(**kwargs)
    assert caught.value.code == code, (caught.value.code, caught.value.msg)


async def test_products_list_and_filters() -> None:
    sim = Simulator()
    async with sim.client() as client:
        products = await client.earn.savings.product()
        assert [(p.product_id, p.coin, p.period_type, p.period) for p in products] == [
            (FLEX_USDT, "USDT", "flexible", None), (FLEX_BTC, "BTC", "flexible", None), ("4103", "ETH", "flexible", None),
            (FIXED_7D, "USDT", "fixed", "7"), ("4130", "USDT", "fixed", "30"),
        ]
        assert [(t.min_step_val, t.max_step_val, t.current_apy) for t in products[0].apy_list or []] == [
            (D(0), D(1000), D(8)), (D(1000), D(1_000_000), D(3)),
        ]
        assert [p.product_id for p in await client.earn.savings.product(coin="BTC")] == [FLEX_BTC]
        assert await client.earn.savings.product(filter="held") == []
        await client.earn.savings.subscribe(product_id=FLEX_BTC, period_type="flexible", amount="0.5")
        assert [p.product_id for p in await client.earn.savings.product(filter="held")] == [FLEX_BTC]


async def test_flexible_subscribe_and_redeem_move_spot_and_earn_balances() -> None:
    sim = Simulator()
    async with sim.client() as client:
        first = await client.earn.savings.subscribe(product_id=FLEX_USDT, period_type="flexible", amount="1000")
        await client.earn.savings.subscribe(product_id=FLEX_USDT, period_type="flexible", amount="500")
        assert sim.balance("USDT") == D(98_500)
        assert await earn_assets(client) == {"USDT": D(1500)}
        held = await client.earn.savings.assets(period_type="flexible")
        assert [(h.product_id, h.product_coin, h.hold_amount, h.status) for h in held.result_list or []] == [
            (FLEX_USDT, "USDT", D(1500), "in_holding")  # one flexible holding per product
        ]
        assert (await client.earn.savings.subscribe_result(product_id=FLEX_USDT, period_type="flexible")).result == "success"
        account = await client.earn.savings.account()
        assert (account.usdt_amount, account.btc_amount) == (D(1500), D("0.02307692"))

        redeemed = await client.earn.savings.redeem(product_id=FLEX_USDT, period_type="flexible", amount="300")
        assert sim.balance("USDT") == D(98_800)
        assert await earn_assets(client) == {"USDT": D(1200)}
        await refused("59044", client.earn.savings.redeem, product_id=FLEX_USDT, period_type="flexible", amount="1")
        sim.advance(60)  # Bitget: one redemption per product per minute
        await refused("59022", client.earn.savings.redeem, product_id=FLEX_USDT, period_type="flexible", amount="1200.01")
        await client.earn.savings.redeem(product_id=FLEX_USDT, period_type="flexible", amount="1200")
        assert sim.balance("USDT") == D(100_000)
        assert await earn_assets(client) == {}
        assert (await client.earn.savings.assets(period_type="flexible")).result_list == []

        result = await client.earn.savings.redeem_result(order_id=redeemed.order_id, period_type="flexible")
        assert (result.result, result.msg) == ("success", None)  # "" is unset: None
        assert (await client.earn.savings.redeem_result(order_id=first.order_id, period_type="flexible")).result == "fail"
        records = await client.earn.savings.records(period_type="flexible")
        assert [(r.order_type, r.amount) for r in records.result_list or []] == [
            ("redeem", D(1200)), ("redeem", D(300)), ("subscribe", D(500)), ("subscribe", D(1000)),
        ]
        only = await client.earn.savings.records(period_type="flexible", order_type="subscribe", limit=1)
        assert [r.amount for r in only.result_list or []] == [D(500)]
        older = await client.earn.savings.records(period_type="flexible", order_type="subscribe", id_less_than=only.end_id)
        assert [r.amount for r in older.result_list or []] == [D(1000)]


async def test_fixed_term_is_one_holding_per_order_redeemed_whole() -> None:
    sim = Simulator()
    async with sim.client() as client:
        a = await client.earn.savings.subscribe(product_id=FIXED_7D, period_type="fixed", amount="100")
        await client.earn.savings.subscribe(product_id=FIXED_7D, period_type="fixed", amount="250")
        held = await client.earn.savings.assets(period_type="fixed")
        rows = held.result_list or []
        assert [(h.hold_amount, h.period) for h in rows] == [(D(250), "7"), (D(100), "7")]
        assert (await client.earn.savings.assets(period_type="flexible")).result_list == []
        await refused("59025", client.earn.savings.redeem, product_id=FIXED_7D, period_type="fixed", amount="100")
        await refused("59022", client.earn.savings.redeem, product_id=FIXED_7D, period_type="fixed", amount="1", order_id="1")
        assert rows[1].order_id == a.order_id  # the subscription's id names the holding
        await client.earn.savings.redeem(product_id=FIXED_7D, period_type="fixed", amount="1", order_id=a.order_id)
        assert sim.balance("USDT") == D(100_000 - 250)  # the whole 100 came back
        assert await earn_assets(client) == {"USDT": D(250)}
        info = await client.earn.savings.subscribe_info(product_id=FIXED_7D, period_type="fixed")
        assert (info.single_min_amount, info.single_max_amount, info.remaining_amount) == (D(10), D(100_000), D(199_750))
        assert info.expire_time == info.interest_time + 7 * 86_400_000


async def test_subscription_refusals_change_nothing() -> None:
    sim = Simulator()
    sim.add_account(api_key="rich", api_secret="s", passphrase="p", balances={"USDT": "300000"})
    async with sim.client() as client:
        sub = client.earn.savings.subscribe
        for code, kwargs in (
            ("59049", {"product_id": "999", "period_type": "flexible", "amount": "10"}),
            ("59049", {"product_id": FLEX_USDT, "period_type": "fixed", "amount": "10"}),
            ("59020", {"product_id": FLEX_USDT, "period_type": "flexible", "amount": "0.5"}),
            ("59030", {"product_id": FLEX_USDT, "period_type": "flexible", "amount": "1000001"}),
            ("59010", {"product_id": FLEX_USDT, "period_type": "flexible", "amount": "1.1234567"}),
            ("59011", {"product_id": FLEX_USDT, "period_type": "flexible", "amount": "100001"}),
        ):
            await refused(code, sub, **kwargs)
        assert sim.balance("USDT") == D(100_000)
        assert await earn_assets(client) == {}
    async with sim.client(api_key="rich", api_secret="s", passphrase="p") as rich:
        for _ in range(2):
            await rich.earn.savings.subscribe(product_id=FIXED_7D, period_type="fixed", amount="100000")
        await refused("59016", rich.earn.savings.subscribe, product_id=FIXED_7D, period_type="fixed", amount="10")
        assert sim.balance("USDT", api_key="rich") == D(100_000)


async def test_sharkfin_subscribe_from_spot_shared_quota() -> None:
    sim = Simulator()
    sim.add_account(api_key="whale", api_secret="s", passphrase="p", balances={"USDT": "6000000"})
    async with sim.client() as client:
        products = await client.earn.sharkfin.product(coin="BTC")
        (btc,) = products.result_list or []
        assert (btc.product_id, btc.product_coin, btc.subscribe_coin, btc.min_amount, btc.sold_amount) == (
            SHARK_BTC, "BTC", "USDT", D(100), D(0)
        )
        assert len((await client.earn.sharkfin.product(coin="USDT")).result_list or []) == 2
        await client.earn.savings.subscribe(product_id=FLEX_USDT, period_type="flexible", amount="10")
        order = await client.earn.sharkfin.subscribe(product_id=SHARK_BTC, amount="150")
        assert sim.balance("USDT") == D(100_000 - 160)
        assert await earn_assets(client) == {"USDT": D(160)}  # savings and sharkfin together
        assert (await client.earn.sharkfin.subscribe_result(order_id=order.order_id)).result == "success"
        assert (await client.earn.sharkfin.subscribe_result(order_id="1")).result == "fail"
        held = await client.earn.sharkfin.assets(status="subscribed")
        assert [(a.product_id, a.subscribe_coin, a.product_status) for a in held.result_list or []] == [(SHARK_BTC, "USDT", "running")]
        assert (await client.earn.sharkfin.assets(status="settled")).result_list == []
        records = await client.earn.sharkfin.records(type_="subscription")
        assert [(r.product, r.amount, r.type_) for r in records.result_list or []] == [("USDT/BTC_7D", D(150), "subscription")]
        assert (await client.earn.sharkfin.account()).usdt_subscribe_amount == D(150)
        await refused("59020", client.earn.sharkfin.subscribe, product_id=SHARK_BTC, amount="99")
        await refused("59049", client.earn.sharkfin.subscribe, product_id="1", amount="100")
        info = await client.earn.sharkfin.subscribe_info(product_id=SHARK_BTC)
        assert (info.current_price, info.available_balance, info.remaining_amount) == (D(65_000), D(99_840), D(4_999_850))
    async with sim.client(api_key="whale", api_secret="s", passphrase="p") as whale:
        await whale.earn.sharkfin.subscribe(product_id=SHARK_BTC, amount="4999800")
        with pytest.raises(APIError) as full:
            await whale.earn.sharkfin.subscribe(product_id=SHARK_BTC, amount="100")
        assert (full.value.code, full.value.msg) == ("59043", "Insufficient product remaining quota, remaining 50 USDT")
        sold = (await whale.earn.sharkfin.product(coin="BTC")).result_list or []
        assert sold[0].sold_amount == D(4_999_950)
        assert sim.balance("USDT", api_key="whale") == D(1_000_200)
