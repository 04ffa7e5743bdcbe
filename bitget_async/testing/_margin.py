"""Cross and isolated margin routes: assets, loans (see ``_lending``), orders and history.

Margin orders run through the spot matching engine against the margin wallet; ``loanType``
``autoLoan`` borrows a shortfall before the order and ``autoRepay`` repays debt in the coin
received after the fill.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from . import _spot, _spot_orders
from ._catalog import spot_pair
from ._lending import borrow, max_borrowable, repay, wallet_coins
from ._state import Account, Ctx, Handler
from ._trading import SpotOrder
from ._wire import D0, Params, SimError, batch, fmt, id_pair, page

__all__ = ["HANDLERS"]

MAX_PAGE = 500  # margin history pages: "Default: 100, maximum: 500" on every doc page


def _wallet_key(mode: str, p: Params) -> str:
    if mode == "crossed":
        return "crossed_margin"
    return f"isolated_margin:{spot_pair(p.text('symbol')).symbol}"


def _symbol_of(wallet_key: str) -> str:
    return wallet_key.split(":", 1)[1] if ":" in wallet_key else ""


def _with_symbol(row: dict[str, Any], wallet_key: str) -> dict[str, Any]:
    symbol = _symbol_of(wallet_key)
    if symbol:
        row["symbol"] = symbol
    return row


def _page_envelope(rows: list[dict[str, Any]], key: str, ids: list[str]) -> dict[str, Any]:
    return {key: rows, "maxId": max(ids, key=int) if ids else "", "minId": min(ids, key=int) if ids else ""}


# -- assets and loans ---------------------------------------------------------------------
def _asset_row(ctx: Ctx, wallet_key: str, coin: str) -> dict[str, Any]:
    wallet = ctx.acct.wallet(wallet_key)
    available, frozen = wallet.free(coin), wallet.locked(coin)
    borrowed, interest = wallet.borrowed.get(coin, D0), wallet.interest.get(coin, D0)
    return _with_symbol(
        {
            "coin": coin,
            "totalAmount": fmt(available + frozen),
            "available": fmt(available),
            "frozen": fmt(frozen),
            "borrow": fmt(borrowed),
            "interest": fmt(interest),
            "net": fmt(available + frozen - borrowed - interest),
            "coupon": "0",
            "cTime": str(ctx.ex.start_ms),
            "uTime": str(ctx.now),
        },
        wallet_key,
    )


def _assets(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        if mode == "crossed":
            coin = ctx.p.text("coin").upper()
            coins = (coin,) if coin else tuple(ctx.acct.wallet("crossed_margin").coins())
            return [_asset_row(ctx, "crossed_margin", c) for c in coins]
        keys = (
            (_wallet_key(mode, ctx.p),)
            if ctx.p.text("symbol")
            else tuple(sorted(k for k in ctx.acct.wallets if k.startswith("isolated_margin:")))
        )
        return [_asset_row(ctx, key, c) for key in keys for c in wallet_coins(key)]

    return handler


def _max_borrowable(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        key = _wallet_key(mode, ctx.p)
        if mode == "crossed":
            coin = ctx.p.text("coin").upper()
            return {"coin": coin, "maxBorrowableAmount": fmt(max_borrowable(ctx.ex, ctx.acct, key, coin))}
        pair = spot_pair(ctx.p.text("symbol"))
        return {
            "symbol": pair.symbol,
            "baseCoin": pair.base,
            "baseCoinMaxBorrowAmount": fmt(max_borrowable(ctx.ex, ctx.acct, key, pair.base)),
            "quoteCoin": pair.quote,
            "quoteCoinMaxBorrowAmount": fmt(max_borrowable(ctx.ex, ctx.acct, key, pair.quote)),
        }

    return handler


def _claim(acct: Account, mode: str, client_oid: str, object_id: str) -> None:
    if client_oid:
        acct.claim_client_oid(f"loan:{mode}", client_oid, object_id, ("50060", "Duplicated clientOid"))


def _borrow(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        p = ctx.p
        key = _wallet_key(mode, p)
        client_oid = p.text("clientOid")
        if client_oid and ctx.acct.find_client_oid(f"loan:{mode}", client_oid) is not None:
            raise SimError("50060", "Duplicated clientOid")
        loan = borrow(ctx.ex, ctx.acct, key, p.text("coin").upper(), p.dec("borrowAmount"), ctx.now)
        _claim(ctx.acct, mode, client_oid, loan.loan_id)
        return _with_symbol({"loanId": loan.loan_id, "coin": loan.coin, "borrowAmount": fmt(loan.amount)}, key)

    return handler


def _repay(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        p = ctx.p
        key = _wallet_key(mode, p)
        record = repay(ctx.ex, ctx.acct, key, p.text("coin").upper(), p.dec("repayAmount"), ctx.now)
        return _with_symbol(
            {
                "coin": record.coin,
                "repayId": record.repay_id,
                "remainDebtAmount": fmt(ctx.acct.wallet(key).debt(record.coin)),
                "repayAmount": fmt(record.amount),
            },
            key,
        )

    return handler


def _history(mode: str, kind: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        p = ctx.p
        key = _wallet_key(mode, p)
        coin = p.text("coin").upper()
        rows: list[dict[str, Any]] = []
        ids: list[str] = []
        if kind == "borrow":
            loans = [x for x in ctx.acct.loans if x.wallet == key and (not coin or x.coin == coin) and (not p.text("loanId") or x.loan_id == p.text("loanId"))]
            for loan in page(loans, p, key=lambda x: x.loan_id, time=lambda x: x.c_time, max_limit=MAX_PAGE):
                ids.append(loan.loan_id)
                rows.append(_with_symbol({"loanId": loan.loan_id, "coin": loan.coin, "borrowAmount": fmt(loan.amount), "borrowType": loan.borrow_type, "cTime": str(loan.c_time), "uTime": str(loan.c_time)}, key))
        elif kind == "repay":
            repays = [x for x in ctx.acct.repayments if x.wallet == key and (not coin or x.coin == coin) and (not p.text("repayId") or x.repay_id == p.text("repayId"))]
            for r in page(repays, p, key=lambda x: x.repay_id, time=lambda x: x.c_time, max_limit=MAX_PAGE):
                ids.append(r.repay_id)
                rows.append(_with_symbol({"repayId": r.repay_id, "coin": r.coin, "repayAmount": fmt(r.amount), "repayType": r.repay_type, "repayInterest": fmt(r.interest), "repayPrincipal": fmt(r.principal), "cTime": str(r.c_time), "uTime": str(r.c_time)}, key))
        else:
            records = [x for x in ctx.acct.interest_records if x.wallet == key and (not coin or x.coin == coin)]
            for i in page(records, p, key=lambda x: x.interest_id, time=lambda x: x.c_time, max_limit=MAX_PAGE):
                ids.append(i.interest_id)
                rows.append(_with_symbol({"interestId": i.interest_id, "loanCoin": i.coin, "interestCoin": i.coin, "dailyInterestRate": fmt(i.daily_rate), "interestAmount": fmt(i.amount), "interstType": i.kind, "cTime": str(i.c_time), "uTime": str(i.c_time)}, key))
        return _page_envelope(rows, "resultList", ids)

    return handler


# -- orders -------------------------------------------------------------------------------
def _place_one(ctx: Ctx, mode: str, item: Params, symbol: str) -> SpotOrder:
    key = _wallet_key(mode, Params({"symbol": symbol}))
    order_type, side = item.text("orderType"), item.text("side")
    size_name = "quoteSize" if order_type == "market" and side == "buy" else "baseSize"
    size = item.opt_dec(size_name)
    if size is None:
        raise SimError("40019", f"Parameter {size_name} cannot be empty")
    order = _spot.place_order(
        ctx.ex, ctx.acct, wallet_key=key, symbol=symbol, side=side, order_type=order_type,
        force=item.text("force", "gtc"), price=item.opt_dec("price"), size=size, client_oid=item.text("clientOid"),
        now=ctx.now, loan_type=item.text("loanType", "normal"),
    )
    order.base_size = size if size_name == "baseSize" else D0
    order.quote_size = size if size_name == "quoteSize" else D0
    return order


def _place(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        order = _place_one(ctx, mode, ctx.p, ctx.p.text("symbol"))
        return id_pair(order)

    return handler


def _batch_place(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        def place(item: Params) -> SpotOrder:
            return _place_one(ctx, mode, item, ctx.p.text("symbol"))

        return batch(ctx.p.seq("orderList"), place, fields=("clientOid", "errorMsg", "errorCode"))

    return handler


def _cancel_one(ctx: Ctx, mode: str, item: Params) -> SpotOrder:
    key = _wallet_key(mode, ctx.p)
    order = _spot_orders.find_order(ctx.acct, item, key, symbol=ctx.p.text("symbol"))
    if not order.is_open:
        raise SimError(*_spot.NOT_FOUND)
    _spot.cancel_order(ctx.acct, order, ctx.now)
    return order


def _cancel(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        order = _cancel_one(ctx, mode, ctx.p)
        return id_pair(order)

    return handler


def _batch_cancel(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        return batch(ctx.p.seq("orderIdList"), lambda item: _cancel_one(ctx, mode, item), fields=("orderId", "clientOid", "errorMsg"))

    return handler


def _order_row(order: SpotOrder) -> dict[str, Any]:
    return {
        "orderId": order.order_id,
        "symbol": order.symbol,
        "orderType": order.order_type,
        "enterPointSource": "API",
        "clientOid": order.client_oid,
        "loanType": order.loan_type,
        "price": fmt(order.price),
        "side": order.side,
        "status": order.status,
        "baseSize": fmt(order.base_size),
        "quoteSize": fmt(order.quote_size),
        "priceAvg": fmt(order.price_avg),
        "size": fmt(order.base_volume),
        "amount": fmt(order.quote_volume),
        "force": order.force,
        "cTime": str(order.c_time),
        "uTime": str(order.u_time),
    }


def _orders(mode: str, *, open_: bool) -> Handler:
    def handler(ctx: Ctx) -> Any:
        p = ctx.p
        key = _wallet_key(mode, p)
        symbol = spot_pair(p.text("symbol")).symbol
        orders = [
            o
            for o in ctx.acct.orders.values()
            if o.wallet == key
            and o.symbol == symbol
            and o.is_open == open_
            and (not p.text("orderId") or o.order_id == p.text("orderId"))
            and (not p.text("clientOid") or o.client_oid == p.text("clientOid"))
        ]
        chosen = page(orders, p, key=lambda o: o.order_id, time=lambda o: o.c_time, max_limit=MAX_PAGE)
        return _page_envelope([_order_row(o) for o in chosen], "orderList", [o.order_id for o in chosen])

    return handler


def _fills(mode: str) -> Handler:
    def handler(ctx: Ctx) -> Any:
        p = ctx.p
        key = _wallet_key(mode, p)
        symbol = spot_pair(p.text("symbol")).symbol
        fills = [
            f for f in ctx.acct.fills if f.wallet == key and f.symbol == symbol and (not p.text("orderId") or f.order_id == p.text("orderId"))
        ]
        chosen = page(fills, p, key=lambda f: f.trade_id, time=lambda f: f.c_time, max_limit=MAX_PAGE)
        rows = [
            {
                "symbol": f.symbol,
                "orderId": f.order_id,
                "tradeId": f.trade_id,
                "orderType": f.order_type,
                "side": f.side,
                "priceAvg": fmt(f.price),
                "size": fmt(f.size),
                "amount": fmt(f.amount),
                "tradeScope": f.scope,
                "cTime": str(f.c_time),
                "uTime": str(f.c_time),
                "feeDetail": {"deduction": "no", "feeCoin": f.fee_coin, "totalDeductionFee": "0", "totalFee": fmt(-f.fee)},
            }
            for f in chosen
        ]
        return _page_envelope(rows, "fills", [f.trade_id for f in chosen])

    return handler


def _routes(mode: str) -> dict[str, Handler]:
    prefix = f"margin.{mode}"
    table: dict[str, Callable[[Ctx], Any]] = {
        f"{prefix}.account.assets": _assets(mode),
        f"{prefix}.account.max_borrowable_amount": _max_borrowable(mode),
        f"{prefix}.account.borrow": _borrow(mode),
        f"{prefix}.account.repay": _repay(mode),
        f"{prefix}.borrow_history": _history(mode, "borrow"),
        f"{prefix}.repay_history": _history(mode, "repay"),
        f"{prefix}.interest_history": _history(mode, "interest"),
        f"{prefix}.place_order": _place(mode),
        f"{prefix}.batch_place_order": _batch_place(mode),
        f"{prefix}.cancel_order": _cancel(mode),
        f"{prefix}.batch_cancel_order": _batch_cancel(mode),
        f"{prefix}.open_orders": _orders(mode, open_=True),
        f"{prefix}.history_orders": _orders(mode, open_=False),
        f"{prefix}.fills": _fills(mode),
    }
    return table


HANDLERS: Mapping[str, Handler] = MappingProxyType({**_routes("crossed"), **_routes("isolated")})
