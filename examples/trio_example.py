"""The same client under trio: a nursery of concurrent reads, then an order placed and cancelled.

bitget_async is written against anyio, so nothing changes but the event loop: no adapter, no
extra thread.  Cancellation follows trio's rules (a ``trio.move_on_after`` around a call gives
back its connection and rate slot).

    python examples/trio_example.py --symbols 10          # public data only, no keys needed
    BITGET_BASE_URL=... BITGET_API_KEY=... python examples/trio_example.py --order   # + an order

With ``--order`` the order rests 5 % below the best bid (it should not fill) and is cancelled by
its clientOid straight away.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

import trio

from bitget_async import BitgetClient, InsufficientBalanceError, MinimumAmountError, OrderNotFoundError
from bitget_async.models import SpotTicker

__all__ = ["fetch_tickers", "main", "place_and_cancel", "run"]


async def fetch_tickers(client: BitgetClient, symbols: Sequence[str]) -> dict[str, SpotTicker]:
    """One request per symbol, all at once; the client's limiter paces them (20/s per IP)."""
    results: dict[str, SpotTicker] = {}

    async def one(symbol: str) -> None:
        rows = await client.spot.market.tickers(symbol=symbol)
        if rows:
            results[symbol] = rows[0]

    async with trio.open_nursery() as nursery:
        for symbol in symbols:
            nursery.start_soon(one, symbol)
    return results


async def place_and_cancel(client: BitgetClient, symbol: str, size: Decimal, client_oid: str) -> str:
    """A resting buy 5 % under the bid, cancelled by clientOid; returns the exchange's orderId."""
    info = (await client.spot.public.symbols(symbol=symbol))[0]
    book = await client.spot.market.orderbook(symbol=symbol, limit=1)
    if not book.bids:
        raise RuntimeError(f"no bids on {symbol}")
    bid = book.bids[0].price
    if info.price_precision is None or bid is None:
        raise RuntimeError(f"{symbol}: Bitget sent no price precision or a blank bid")
    tick = Decimal(1).scaleb(-info.price_precision)
    price = (bid * Decimal("0.95")).quantize(tick, rounding=ROUND_DOWN)
    placed = await client.spot.trade.place_order(
        symbol=symbol, side="buy", order_type="limit", force="gtc", price=price, size=size,
        client_oid=client_oid,
    )
    print(f"placed  {placed.order_id} clientOid={placed.client_oid} buy {size} {symbol} @ {price}")
    # Shielded: if trio cancels us right here, the order must still be cancelled, not orphaned.
    with trio.CancelScope(shield=True):
        try:
            await client.spot.trade.cancel_order(symbol=symbol, client_oid=client_oid)
            print(f"cancelled clientOid={client_oid}")
        except OrderNotFoundError:
            print(f"clientOid={client_oid} was no longer open (filled?)")
    return placed.order_id


def _plain(value: Decimal | None) -> str:
    """Exact decimal text; a dash where Bitget left the value blank."""
    return "-" if value is None else format(value, "f")


async def run(client: BitgetClient, count: int, order_symbol: str | None, size: Decimal) -> int:
    offset = await client.sync_time()
    print(f"server clock offset: {offset} ms")
    symbols = [s.symbol for s in await client.spot.public.symbols() if s.symbol and s.status == "online"][:count]
    with trio.move_on_after(30) as scope:
        tickers = await fetch_tickers(client, symbols)
    if scope.cancelled_caught:
        print("ticker fetch took over 30 s; showing what arrived", file=sys.stderr)
    for symbol in symbols:
        t = tickers.get(symbol)
        if t is not None:
            print(f"{symbol:<14} last {_plain(t.last_pr):>16}  bid {_plain(t.bid_pr):>16}  ask {_plain(t.ask_pr):>16}")
    if order_symbol is not None:
        try:
            await place_and_cancel(client, order_symbol, size, f"trio-{secrets.token_hex(6)}")
        except (InsufficientBalanceError, MinimumAmountError) as exc:
            print(f"order refused: {type(exc).__name__} code={exc.code} {exc.msg}", file=sys.stderr)
            return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="bitget_async under trio.")
    p.add_argument("--symbols", type=int, default=5, help="how many tickers to show")
    p.add_argument("--order", action="store_true", help="also place and cancel one order (needs keys)")
    p.add_argument("--symbol", default="BTCUSDT", help="symbol for --order")
    p.add_argument("--size", type=Decimal, default=Decimal("0.001"), help="base size for --order")
    a = p.parse_args(argv)

    async def go() -> int:
        async with BitgetClient.from_env() as client:
            return await run(client, a.symbols, a.symbol if a.order else None, a.size)

    return trio.run(go)


if __name__ == "__main__":
    sys.exit(main())
