"""Static typing of the generated surface, checked by ``mypy --strict tests/typing`` in CI.

Never run (pytest does not collect ``check_*.py``): every ``assert_type`` line is a claim mypy
verifies, and every ``# type: ignore[code]`` line is an error mypy must report, because strict mode's
``warn_unused_ignores`` fails the run if that error ever disappears.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any, Literal

from bitget_async import BitgetClient, Paginator
from bitget_async.models import (
    ConvertQuotedPrice,
    CopyQuerySettings,
    CopySpotFollowerQuerySetting,
    EarnHourInterest,
    JsonObject,
    MarginCrossedAccountBorrow,
    MarginCrossedHistoryOrderOrderList,
    MixCandle,
    MixFillsFillList,
    MixHistoryFundRate,
    MixOrdersHistoryEntrustedList,
    MixSubAccountAsset,
    MixTicker,
    PublicAnnouncement,
    SpotCandle,
    SpotHistoryOrder,
    SpotHistoryPlanOrderOrderList,
    SpotOrderInfo,
    SpotPlaceOrder,
    SpotSubaccountAsset,
    SpotTicker,
    SpotTradeBatchOrdersItem,
    SpotUnfilledOrder,
    UserBatchCreateSubaccountAndApikey,
    UserBatchCreateSubaccountAndApikeyItem,
)

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # the package supports 3.10, where assert_type lives in typing_extensions
    from typing_extensions import assert_type

ProductType = Literal["USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"]


async def routes_from_the_doc_pages(client: BitgetClient) -> None:
    """Routes added from Bitget's doc pages are as typed as the first 154."""
    quote = await client.convert.quoted_price(from_coin="USDT", to_coin="BTC", from_coin_size=Decimal("10"))
    assert_type(quote, ConvertQuotedPrice)
    assert_type(quote.cnvt_price, Decimal | None)
    assert_type(await client.spot.account.switch_deduct(deduct="on"), bool)
    assert_type(await client.mix.account.sub_account_assets(product_type="USDT-FUTURES"), list[MixSubAccountAsset])
    assert_type(await client.copy.spot_follower.query_settings(trader_id="1"), CopySpotFollowerQuerySetting)
    created = await client.user.batch_create_subaccount_and_apikey(
        subaccounts=[UserBatchCreateSubaccountAndApikeyItem(sub_account_name="a", passphrase="p", label="l")]
    )
    assert_type(created, list[UserBatchCreateSubaccountAndApikey])


async def return_types(client: BitgetClient) -> None:
    assert_type(await client.mix.market.tickers(product_type="USDT-FUTURES"), list[MixTicker])
    assert_type(await client.spot.trade.order_info(order_id="1"), list[SpotOrderInfo])
    assert_type(await client.spot.market.tickers(symbol="BTCUSDT"), list[SpotTicker])
    assert_type(await client.public.announcements(language="en_US"), list[PublicAnnouncement])
    assert_type(
        await client.margin.crossed.account.borrow(coin="USDT", borrow_amount=Decimal("1")),
        MarginCrossedAccountBorrow,
    )
    assert_type(await client.copy.mix_follower.query_settings(trader_id="1"), CopyQuerySettings)
    assert_type(
        await client.earn.loan.public.hour_interest(
            loan_coin="USDT", pledge_coin="BTC", daily="SEVEN", pledge_amount="1"
        ),
        EarnHourInterest,
    )
    order = await client.spot.trade.place_order(
        symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price=Decimal("1"), size=2
    )
    assert_type(order, SpotPlaceOrder)
    assert_type(order.order_id, str)


async def field_types(client: BitgetClient) -> None:
    # Every field Bitget may omit, blank or null is ``X | None`` (lists: empty), so the checker
    # makes the caller decide; only the ids a call exists to return are plain ``str``.
    ticker = (await client.mix.market.tickers(product_type="USDT-FUTURES"))[0]
    assert_type(ticker.last_pr, Decimal | None)
    assert_type(ticker.ts, int | None)
    assert_type(ticker.delivery_time, int | None)
    assert_type(ticker.symbol, str | None)
    spot_candle = (await client.spot.market.candles(symbol="BTCUSDT", granularity="1min"))[0]
    assert_type(spot_candle, SpotCandle)
    assert_type(spot_candle.ts, int)  # a candle row is its timestamp: required
    assert_type(spot_candle.usdt_volume, Decimal | None)
    mix_candle = (await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1m"))[0]
    assert_type(mix_candle, MixCandle)
    info = (await client.spot.trade.order_info(client_oid="x"))[0]
    assert_type(info.fee_detail, JsonObject | None)
    assert_type(info.c_time, int | None)
    fee: dict[str, Any] | None = info.fee_detail  # a JsonObject is a dict
    assert_type(fee, dict[str, Any] | None)
    unfilled = (await client.spot.trade.unfilled_orders())[0]
    assert_type(unfilled, SpotUnfilledOrder)
    assert_type(unfilled.execute_take_profit_price, Decimal | None)
    sub = (await client.spot.account.subaccount_assets())[0]
    assert_type(sub, SpotSubaccountAsset)
    assert_type(sub.id_, str | None)  # ids stay strings even when sent as JSON integers
    assert_type((await client.public.time()).server_time, int | None)
    fills = await client.mix.order.fills(product_type="USDT-FUTURES")
    assert_type(fills.fill_list, list[MixFillsFillList])  # a blank list is []


async def enums_take_any_letter_case(client: BitgetClient, product_type: ProductType, text: str) -> None:
    # The Literal values are IDE help; Bitget and the runtime check take them in any letter case,
    # so mypy accepts any str there (a wrong value is a ValidationError before I/O).
    await client.mix.market.tickers(product_type=product_type)
    await client.mix.market.tickers(product_type=text)
    await client.mix.market.tickers(product_type="usdt-futures")
    await client.spot.trade.place_order(
        symbol="BTCUSDT", side="buy", order_type="limit", force="GTC", price="50000", size="0.001"
    )
    await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1H", k_line_type="mark")
    SpotTradeBatchOrdersItem(side="BUY", order_type="market", force="gtc", size="1")
    SpotTradeBatchOrdersItem(side="buy", order_type="market", force="gtc", size="1", extra_params={"new": "x"})
    await client.mix.market.tickers(product_type=1)  # type: ignore[arg-type]  # still a str
    SpotTradeBatchOrdersItem(side=None, order_type="market", force="gtc", size="1")  # type: ignore[arg-type]


async def parameter_mistakes_are_errors(client: BitgetClient) -> None:
    await client.mix.market.tickers(prodct_type="USDT-FUTURES")  # type: ignore[call-arg]
    await client.mix.market.tickers(productType="USDT-FUTURES")  # type: ignore[call-arg]
    await client.mix.market.tickers()  # type: ignore[call-arg]
    await client.spot.market.tickers("BTCUSDT")  # type: ignore[call-arg]  # keyword-only
    await client.spot.trade.place_order(
        symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size=0.1  # type: ignore[arg-type]
    )
    wrong: list[SpotTicker] = await client.mix.market.tickers(product_type="USDT-FUTURES")  # type: ignore[assignment]
    del wrong


async def accepted_inputs(client: BitgetClient) -> None:
    await client.spot.market.candles(
        symbol="BTCUSDT", granularity="1min", start_time=1700000000000, end_time="1700000060000", limit=100
    )
    await client.spot.trade.batch_orders(
        symbol="BTCUSDT",
        order_list=[
            SpotTradeBatchOrdersItem(side="buy", order_type="limit", force="gtc", price=Decimal("1"), size="1"),
            {"side": "sell", "orderType": "market", "force": "gtc", "size": "1"},
        ],
    )
    await client.spot.market.tickers(extra_params={"newField": "x"}, retries=2)


async def paginate_yields_the_row_type(client: BitgetClient) -> None:
    # Routes whose data is the list of rows.
    orders = client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", limit=500)
    assert_type(orders, Paginator[SpotHistoryOrder])
    async for order in orders:
        assert_type(order, SpotHistoryOrder)
        assert_type(order.order_id, str | None)
    async for rate in client.paginate(client.mix.market.history_fund_rate, product_type="USDT-FUTURES", symbol="X"):
        assert_type(rate, MixHistoryFundRate)
    async for candle in client.paginate(client.spot.market.candles, symbol="BTCUSDT", granularity="1h", start_time=1):
        assert_type(candle, SpotCandle)
    async for ann in client.paginate(client.public.announcements, language="en_US"):
        assert_type(ann, PublicAnnouncement)
    # Routes whose data is a page object holding the rows (entrustedList, orderList ...).
    async for f_order in client.paginate(client.mix.order.orders_history, product_type="USDT-FUTURES"):
        assert_type(f_order, MixOrdersHistoryEntrustedList)
    async for m_order in client.paginate(client.margin.crossed.history_orders, symbol="BTCUSDT", start_time=1):
        assert_type(m_order, MarginCrossedHistoryOrderOrderList)
    async for plan in client.paginate(client.spot.trade.history_plan_order, page_size=50):
        assert_type(plan, SpotHistoryPlanOrderOrderList)


async def paginate_mistakes_are_errors(client: BitgetClient) -> None:
    client.paginate(client.spot.account.info)  # type: ignore[arg-type]  # one object, no rows
    client.paginate(client.spot.trade.history_orders, limit="5")  # type: ignore[call-overload]
