"""A FastAPI backend in front of Bitget: one shared ``BitgetClient`` for the whole app.

The client is opened in the lifespan (one connection pool, one rate limiter for every request the
app serves) and handed to routes with ``Depends``; creating a client per request would throw away
both.  Bitget's typed errors become HTTP answers in one table (``ERROR_STATUS``), so route code
only handles the success path.

    BITGET_BASE_URL=http://127.0.0.1:8765 BITGET_API_KEY=sim-api-key BITGET_API_SECRET=sim-api-secret \\
    BITGET_PASSPHRASE=sim-passphrase python examples/fastapi_app.py --port 8000
    # or: uvicorn --factory fastapi_app:create_app (from examples/)

Money crosses this API as decimal strings ("0.001"), both ways: JSON numbers would pass through a
binary float somewhere along the line.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_serializer

import bitget_async as bg
from bitget_async import UNSET, BitgetClient
from bitget_async.models import SpotOrderInfo, SpotTicker

__all__ = ["ERROR_STATUS", "create_app", "error_response", "get_client", "main"]

ClientFactory = Callable[[], BitgetClient]

# First match wins, so subclasses come before their bases.  Problems with *our* keys or the
# exchange are 5xx (the caller cannot fix them); problems with the caller's order are 4xx.
ERROR_STATUS: tuple[tuple[type[bg.BitgetError], int], ...] = (
    (bg.MissingCredentialsError, 503),  # this deployment has no keys: trading is switched off
    (bg.ValidationError, 422),  # refused by the client before anything was sent
    (bg.InsufficientBalanceError, 409),
    (bg.DuplicateClientOidError, 409),
    (bg.MinimumAmountError, 422),
    (bg.InvalidParameterError, 400),
    (bg.OrderNotFoundError, 404),
    (bg.RateLimitError, 429),
    (bg.AuthenticationError, 502),
    (bg.TimestampError, 502),
    (bg.DemoEnvironmentError, 502),
    (bg.NotFoundError, 502),  # the *exchange* did not know a path: our bug, not the caller's
    (bg.OrderStateUnknownError, 504),  # carries client_oid: the caller can look the order up later
    (bg.TimeoutError, 504),
    (bg.TransportError, 502),
    (bg.ServerError, 502),
    (bg.APIError, 502),
    (bg.BitgetError, 500),
)


def error_response(exc: bg.BitgetError) -> JSONResponse:
    """The HTTP answer for a Bitget error: status from ``ERROR_STATUS``, Bitget's code in the body.

    Credential failures are reported without the exchange's wording: the caller needs to know the
    upstream refused us, not how our keys are set up.
    """
    status = next(code for cls, code in ERROR_STATUS if isinstance(exc, cls))
    body: dict[str, str | None] = {"error": type(exc).__name__, "code": None, "message": str(exc)}
    headers: dict[str, str] = {}
    if isinstance(exc, bg.APIError):
        body["code"] = exc.code
        body["message"] = exc.msg
        if isinstance(exc, (bg.AuthenticationError, bg.DemoEnvironmentError, bg.TimestampError)):
            body["message"] = "the exchange refused this server's credentials"
        if isinstance(exc, bg.RateLimitError):
            # Whole seconds, rounded up; Bitget often sends no hint, and 1 s is its window.
            headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after or 0)))
    if isinstance(exc, (bg.OrderStateUnknownError, bg.APIError, bg.TransportError)) and exc.client_oid:
        body["client_oid"] = exc.client_oid
    if isinstance(exc, bg.ValidationError) and exc.param:
        body["param"] = exc.param
    return JSONResponse(body, status_code=status, headers=headers)


def _plain(value: Decimal | None) -> str | None:
    """Exact decimal text ("0.0000001", never "1E-7"); None where Bitget left the value blank."""
    return None if value is None else format(value, "f")


# -- schemas ---------------------------------------------------------------------------------------
class Ticker(BaseModel):
    """A value Bitget left blank is null here too, never a made-up zero."""

    symbol: str | None
    last: Decimal | None
    bid: Decimal | None
    ask: Decimal | None
    high24h: Decimal | None
    low24h: Decimal | None
    base_volume: Decimal | None
    ts: int | None

    @field_serializer("last", "bid", "ask", "high24h", "low24h", "base_volume")
    def _plain(self, value: Decimal | None) -> str | None:
        return _plain(value)

    @classmethod
    def from_bitget(cls, t: SpotTicker) -> Ticker:
        return cls(symbol=t.symbol, last=t.last_pr, bid=t.bid_pr, ask=t.ask_pr, high24h=t.high24h,
                   low24h=t.low24h, base_volume=t.base_volume, ts=t.ts)


class OrderIn(BaseModel):
    """Amounts are strings: the client checks them (and refuses floats) before anything is sent."""

    model_config = ConfigDict(extra="forbid")

    symbol: str
    side: Literal["buy", "sell"]
    order_type: Literal["limit", "market"] = "limit"
    force: Literal["gtc", "post_only", "fok", "ioc"] = "gtc"
    size: Annotated[str, Field(examples=["0.001"])]
    price: Annotated[str | None, Field(examples=["25000.5"])] = None
    client_oid: Annotated[str | None, Field(max_length=50)] = None


class OrderOut(BaseModel):
    order_id: str | None
    client_oid: str | None


class OpenOrder(BaseModel):
    order_id: str | None
    client_oid: str | None
    symbol: str | None
    side: str | None
    price: str | None
    size: str | None
    status: str | None


# -- app -------------------------------------------------------------------------------------------
def get_client(request: Request) -> BitgetClient:
    """The app's one client (dependency): opened and closed by the lifespan."""
    client: BitgetClient = request.app.state.bitget
    return client


Client = Annotated[BitgetClient, Depends(get_client)]


def create_app(client_factory: ClientFactory = BitgetClient.from_env) -> FastAPI:
    """Build the app; ``client_factory`` is how tests point it at the simulator in-process."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with client_factory() as client:
            app.state.bitget = client
            yield

    app = FastAPI(title="bitget_async example backend", lifespan=lifespan)

    @app.exception_handler(bg.BitgetError)
    async def bitget_error(request: Request, exc: bg.BitgetError) -> JSONResponse:
        return error_response(exc)

    @app.get("/tickers")
    async def tickers(client: Client, symbol: str | None = None) -> list[Ticker]:
        rows = await client.spot.market.tickers(symbol=symbol or UNSET)
        return [Ticker.from_bitget(t) for t in rows]

    @app.get("/tickers/{symbol}", responses={404: {"description": "unknown symbol"}})
    async def ticker(client: Client, symbol: str) -> Ticker:
        rows = await client.spot.market.tickers(symbol=symbol)
        if not rows:
            raise HTTPException(404, f"unknown symbol {symbol}")
        return Ticker.from_bitget(rows[0])

    @app.post("/orders", status_code=201)
    async def place_order(client: Client, order: OrderIn) -> OrderOut:
        try:
            placed = await client.spot.trade.place_order(
                symbol=order.symbol, side=order.side, order_type=order.order_type, force=order.force,
                size=order.size, price=UNSET if order.price is None else order.price,
                client_oid=order.client_oid or UNSET,
            )
        except bg.DuplicateClientOidError:
            # This API treats client_oid as an idempotency key: a repeated request for the same
            # order gets that order back; a different order under a taken key stays a 409.
            if order.client_oid is None:
                raise
            existing = await client.spot.trade.order_info(client_oid=order.client_oid)
            if not existing or not _same_order(existing[0], order):
                raise
            return OrderOut(order_id=existing[0].order_id, client_oid=order.client_oid)
        return OrderOut(order_id=placed.order_id, client_oid=placed.client_oid)

    @app.get("/orders/open")
    async def open_orders(client: Client, symbol: str) -> list[OpenOrder]:
        rows = await client.spot.trade.unfilled_orders(symbol=symbol)
        # On this route Bitget's "priceAvg" field carries the order's limit price.
        return [
            OpenOrder(order_id=o.order_id, client_oid=o.client_oid, symbol=o.symbol, side=o.side,
                      price=_plain(o.price_avg), size=_plain(o.size), status=o.status)
            for o in rows
        ]

    @app.delete("/orders/{symbol}/{client_oid}")
    async def cancel_order(client: Client, symbol: str, client_oid: str) -> OrderOut:
        done = await client.spot.trade.cancel_order(symbol=symbol, client_oid=client_oid)
        return OrderOut(order_id=done.order_id, client_oid=done.client_oid or client_oid)

    return app


def _same_order(found: SpotOrderInfo, order: OrderIn) -> bool:
    """Is the order the exchange holds under a clientOid the one this request describes?"""
    return (
        found.symbol == order.symbol
        and found.side == order.side
        and found.size == Decimal(order.size)
        and (order.price is None or found.price == Decimal(order.price))
    )


def main(argv: Sequence[str] | None = None) -> int:
    import uvicorn

    p = argparse.ArgumentParser(description="Serve the example FastAPI backend.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    a = p.parse_args(argv)
    uvicorn.run(create_app(), host=a.host, port=a.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
