"""What mypy infers for the public surface, as it would show in an editor (msgspec's tests/typing).

Never run: ``tests/test_typing.py`` runs mypy over this file and compares every
``reveal_type`` note with the ``# R:`` comment on its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bitget_async import BitgetClient

if TYPE_CHECKING:  # mypy's own; typing has it only from 3.11
    from typing_extensions import reveal_type


async def revealed(client: BitgetClient) -> None:
    reveal_type(client.spot.market.tickers)  # R: def (*, symbol: str | bitget_async._types.Unset =, extra_params: typing.Mapping[str, Any] | None =, retries: int | bitget_async._config.RetryPolicy | None =, wait: bool | None =, max_wait: float | None =, timeout: float | None =, headers: typing.Mapping[str, str] | None =) -> typing.Coroutine[Any, Any, list[bitget_async._generated.models.spot.SpotTicker]]
    tickers = await client.spot.market.tickers(symbol="BTCUSDT")
    reveal_type(tickers)  # R: list[bitget_async._generated.models.spot.SpotTicker]
    reveal_type(tickers[0].last_pr)  # R: decimal.Decimal | None
    reveal_type(tickers[0].ts)  # R: int | None
    order = await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="1")
    reveal_type(order.order_id)  # R: str
    reveal_type(client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT"))  # R: bitget_async._pagination.Paginator[bitget_async._generated.models.spot.SpotHistoryOrder]
    reveal_type(await client.request("GET", "/api/v2/public/time", auth=False))  # R: Any
