"""What the simulated exchange pushes: market data frames and the private events of trading.

Market data comes from the same deterministic price paths as the REST answers.  The ``books``
channel needs a book that *changes* between pushes: ``SimBook`` keeps one per subscription,
centred on the feed price, and moves a few levels per push (sizes change, levels vanish and
appear), with Bitget's checksum (written here independently of the client's) and ``seq``
(``pseq`` too on futures).  Private pushes are found by comparing the account's state with what a
session has already been told (``PrivateTracker``): no trading code had to learn about streams.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from ._catalog import CONTRACTS, PRODUCT_WALLET, SPOT, Instrument
from ._market_data import candles, mix_ticker, recent_trades, spot_ticker
from ._state import Account, Exchange
from ._wire import fmt, quant

__all__ = ["CANDLE_MS", "PRIVATE_CHANNELS", "PUBLIC_CHANNELS", "PrivateTracker", "SimBook", "public_data", "sim_checksum"]

MINUTE_MS = 60_000
CANDLE_MS = {
    "1m": MINUTE_MS, "5m": 5 * MINUTE_MS, "15m": 15 * MINUTE_MS, "30m": 30 * MINUTE_MS, "1H": 60 * MINUTE_MS, "4H": 240 * MINUTE_MS,
    "6H": 360 * MINUTE_MS, "12H": 720 * MINUTE_MS, "1D": 1440 * MINUTE_MS, "3D": 3 * 1440 * MINUTE_MS, "1W": 7 * 1440 * MINUTE_MS,
    "1M": 30 * 1440 * MINUTE_MS, "6Hutc": 360 * MINUTE_MS, "12Hutc": 720 * MINUTE_MS, "1Dutc": 1440 * MINUTE_MS,
    "3Dutc": 3 * 1440 * MINUTE_MS, "1Wutc": 7 * 1440 * MINUTE_MS, "1Mutc": 30 * 1440 * MINUTE_MS,
}
PUBLIC_CHANNELS = frozenset({"ticker", "trade", "books", "books1", "books5", "books15", "auction", "index-price",
                             *(f"candle{k}" for k in CANDLE_MS)})
PRIVATE_CHANNELS = frozenset({"account", "orders", "fill", "orders-algo", "positions", "positions-history", "equity",
                              "adl-noti", "account-crossed", "orders-crossed", "account-isolated", "orders-isolated"})
FUTURES = ("USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES")


def sim_checksum(bids: list[list[str]], asks: list[list[str]]) -> int:
    """Bitget's book checksum, the simulator's own copy (the client's is tested against it)."""
    fields: list[str] = []
    for bid, ask in zip_longest(bids[:25], asks[:25]):
        if bid is not None:
            fields += bid
        if ask is not None:
            fields += ask
    value = zlib.crc32(":".join(fields).encode())
    return value - 2**32 if value > 2**31 - 1 else value


def instrument(inst_type: str, inst_id: str) -> Instrument | None:
    if inst_type in ("SPOT", "MARGIN"):
        pair = SPOT.get(inst_id)
        return pair.inst if pair is not None else None
    contracts = CONTRACTS.get(inst_type)
    c = contracts.get(inst_id) if contracts is not None else None
    return c.inst if c is not None else None


class SimBook:
    """A full-depth book that moves a little on every ``step``; levels are exact strings."""

    def __init__(self, ex: Exchange, inst: Instrument, rng: random.Random, *, futures: bool, depth: int = 60) -> None:
        self.inst = inst
        self.rng = rng
        self.futures = futures
        self.depth = depth
        self.seq = rng.randrange(10_000, 1_000_000)
        mid = ex.feed.ticks(inst, ex.market_ms)
        self.bids: dict[int, str] = {mid - k: self._size() for k in range(1, depth + 1) if mid - k > 0}
        self.asks: dict[int, str] = {mid + k: self._size() for k in range(1, depth + 1)}

    def _size(self) -> str:
        lot = self.inst.lot
        return fmt(quant(lot * self.rng.randrange(1, 50_000), self.inst.qty_scale))

    def _price(self, ticks: int) -> str:
        return fmt(self.inst.tick * ticks)

    def levels(self, n: int | None = None) -> tuple[list[list[str]], list[list[str]]]:
        bids = [[self._price(t), self.bids[t]] for t in sorted(self.bids, reverse=True)[:n]]
        asks = [[self._price(t), self.asks[t]] for t in sorted(self.asks)[:n]]
        return bids, asks

    def snapshot(self, ts: int) -> dict[str, Any]:
        bids, asks = self.levels()
        out: dict[str, Any] = {"asks": asks, "bids": bids, "checksum": sim_checksum(bids, asks),
                               "seq": self.seq, "ts": str(ts)}
        return out

    def step(self, ts: int) -> dict[str, Any]:
        """Move 1-3 levels; returns the update (with checksum and seq) Bitget would push."""
        changed_bids: dict[int, str] = {}
        changed_asks: dict[int, str] = {}
        for _ in range(self.rng.randrange(1, 4)):
            side, changed = (self.bids, changed_bids) if self.rng.random() < 0.5 else (self.asks, changed_asks)
            keys = sorted(side, reverse=side is self.bids)
            roll = self.rng.random()
            if roll < 0.15 and len(keys) > 10:  # a level vanishes; a new one appears at the far end
                gone = keys[self.rng.randrange(len(keys) // 2)]
                del side[gone]
                changed[gone] = "0"
                far = keys[-1] - 1 if side is self.bids else keys[-1] + 1
                if far > 0:
                    side[far] = changed[far] = self._size()
            else:
                level = keys[min(len(keys) - 1, int(self.rng.expovariate(0.3)))]
                side[level] = changed[level] = self._size()
        pseq = self.seq
        self.seq += 1
        bids, asks = self.levels()
        out: dict[str, Any] = {
            "asks": [[self._price(t), s] for t, s in sorted(changed_asks.items())],
            "bids": [[self._price(t), s] for t, s in sorted(changed_bids.items(), reverse=True)],
            "checksum": sim_checksum(bids, asks),
            "seq": self.seq,
            "ts": str(ts),
        }
        if self.futures:
            out["pseq"] = pseq
        return out

    def fixed(self, depth: int, ts: int) -> dict[str, Any]:
        """A ``books1``/``books5``/``books15`` push: the top ``depth`` levels, a snapshot every time."""
        bids, asks = self.levels(depth)
        return {"asks": asks, "bids": bids, "checksum": 0, "seq": self.seq, "ts": str(ts)}


def public_data(ex: Exchange, inst_type: str, channel: str, inst_id: str, now: int) -> list[Any]:
    """One push's ``data`` for the stateless public channels (ticker, candles, trade, auction, index)."""
    if channel == "index-price":
        pairs = list(SPOT.values())[:5] if inst_id == "default" else [SPOT[inst_id]]
        return [{"symbol": p.symbol, "baseCoin": p.base, "quoteCoin": p.quote,
                 "indexPrice": fmt(ex.price(p)), "ts": str(now)} for p in pairs]
    inst = instrument(inst_type, inst_id)
    assert inst is not None
    if channel == "ticker":
        if inst_type == "SPOT":
            row = spot_ticker(ex, SPOT[inst_id], now)
        else:
            row = mix_ticker(ex, CONTRACTS[inst_type][inst_id], now)
            row["symbolType"] = "1"  # a string live, a number in the doc
            row["nextFundingTime"] = str(now - now % 28_800_000 + 28_800_000)
        row["instId"] = row.pop("symbol") if inst_type == "SPOT" else row["symbol"]
        row.setdefault("open24h", row.pop("open", None))  # the WS page's name for it
        return [row]
    if channel.startswith("candle"):
        rows = candles(ex, inst, CANDLE_MS[channel[6:]], start=0, end=0, limit=1, now=now, mix=False)
        return [rows[-1]]
    if channel == "trade":
        return [{k: t[k] for k in ("ts", "price", "size", "side", "tradeId")}
                for t in recent_trades(ex, inst, inst_id, 2, now)]
    if channel == "auction":
        price = ex.price(SPOT[inst_id])
        return [{"stage": "0", "stageEndTime": str(now + 60_000), "estOpeningPrice": fmt(price),
                 "matchedVolume": "0", "auctionEndTime": str(now + 300_000)}]
    raise ValueError(channel)


# -- private ------------------------------------------------------------------------------
def _fee(coin: str, fee: Decimal) -> list[dict[str, str]]:
    return [{"feeCoin": coin, "fee": fmt(-fee)}]


def _spot_order(o: Any) -> dict[str, Any]:
    status = {"cancelled": "canceled"}.get(o.status, o.status)  # live frames spell it "canceled"
    if status == "live" and o.base_volume > 0:
        status = "partially_filled"
    return {
        "instId": o.symbol, "orderId": o.order_id, "clientOid": o.client_oid, "price": fmt(o.price),
        "size": fmt(o.size), "newSize": fmt(o.size), "notional": fmt(o.quote_volume), "ordType": o.order_type,
        "force": o.force, "side": o.side, "fillPrice": fmt(o.price_avg), "baseVolume": fmt(o.base_volume),
        "accBaseVolume": fmt(o.base_volume), "priceAvg": fmt(o.price_avg), "status": status,
        "fillFee": fmt(-o.fee), "fillFeeCoin": o.fee_coin, "enterPointSource": "API",
        "feeDetail": _fee(o.fee_coin, o.fee) if o.fee_coin else [], "cTime": str(o.c_time), "uTime": str(o.u_time),
        "stpMode": "none",
    }


def _margin_order(o: Any) -> dict[str, Any]:
    row = _spot_order(o)
    return {"symbol": o.symbol, "orderId": o.order_id, "clientOid": o.client_oid, "price": fmt(o.price),
            "baseSize": fmt(o.base_size), "quoteSize": fmt(o.quote_size), "fillPrice": fmt(o.price_avg),
            "baseVolume": fmt(o.base_volume), "fillTotalAmount": fmt(o.quote_volume), "loanType": o.loan_type,
            "orderType": o.order_type, "side": o.side, "force": o.force, "status": row["status"],
            "enterPointSource": "API", "cTime": str(o.c_time), "uTime": str(o.u_time), "stpMode": "none",
            "feeDetail": [{"feeCoin": o.fee_coin, "totalFee": fmt(-o.fee), "deduction": "no",
                           "totalDeductionFee": "0"}] if o.fee_coin else []}


def _futures_order(o: Any) -> dict[str, Any]:
    status = {"cancelled": "canceled"}.get(o.status, o.status)
    if status == "live" and o.base_volume > 0:
        status = "partially_filled"
    return {
        "instId": o.symbol, "orderId": o.order_id, "clientOid": o.client_oid, "price": fmt(o.price),
        "size": fmt(o.size), "posMode": o.pos_mode, "enterPointSource": "API", "tradeSide": o.trade_side,
        "orderType": o.order_type, "force": o.force, "side": o.side, "posSide": o.pos_side,
        "marginMode": o.margin_mode, "marginCoin": o.margin_coin, "fillPrice": fmt(o.price_avg),
        "baseVolume": fmt(o.base_volume), "accBaseVolume": fmt(o.base_volume), "priceAvg": fmt(o.price_avg),
        "status": status, "cancelReason": o.cancel_reason, "leverage": fmt(o.leverage),
        "feeDetail": _fee(o.margin_coin, o.fee), "pnl": fmt(o.profit), "reduceOnly": "yes" if o.reduce_only else "no",
        "cTime": str(o.c_time), "uTime": str(o.u_time), "stpMode": "none",
        "notionalUsd": fmt(o.price_avg * o.base_volume) if o.base_volume else "",
    }


def _position(ex: Exchange, p: Any) -> dict[str, Any]:
    mark = ex.price(CONTRACTS[p.product][p.symbol])
    return {
        "posId": p.position_id, "instId": p.symbol, "marginCoin": p.margin_coin, "marginSize": fmt(p.margin),
        "marginMode": p.margin_mode, "holdSide": p.hold_side, "posMode": p.pos_mode, "total": fmt(p.size),
        "available": fmt(p.available), "frozen": fmt(p.locked), "openPriceAvg": fmt(p.avg_price),
        "leverage": fmt(p.leverage), "achievedProfits": fmt(p.achieved), "unrealizedPL": fmt(p.unrealized(mark)),
        "unrealizedPLR": "", "liquidationPrice": "", "keepMarginRate": "0.004", "marginRate": "",
        "markPrice": fmt(mark), "totalFee": fmt(-(p.open_fee + p.close_fee)), "cTime": str(p.c_time),
        "uTime": str(p.u_time), "assetMode": "single",
    }


def _history(p: Any) -> dict[str, Any]:
    close_avg = p.close_value / p.close_total if p.close_total else Decimal(0)
    return {"posId": p.position_id, "instId": p.symbol, "marginCoin": p.margin_coin, "marginMode": p.margin_mode,
            "holdSide": p.hold_side, "posMode": p.pos_mode, "openPriceAvg": fmt(p.avg_price),
            "closePriceAvg": fmt(quant(close_avg, 8)), "openSize": fmt(p.open_total), "closeSize": fmt(p.close_total),
            "achievedProfits": fmt(p.achieved), "settleFee": "0", "openFee": fmt(-p.open_fee),
            "closeFee": fmt(-p.close_fee), "cTime": str(p.c_time), "uTime": str(p.u_time)}


class PrivateTracker:
    """One private subscription of one session: what it was told, and what changed since."""

    def __init__(self, ex: Exchange, account: Account, inst_type: str, channel: str, inst_id: str | None) -> None:
        self.ex = ex
        self.account = account
        self.inst_type = inst_type
        self.channel = channel
        self.inst_id = inst_id
        self.seen: dict[str, Any] = {}
        self.count = 0
        self.first = True

    def _wallet_key(self) -> str:
        if self.channel == "account-crossed":
            return "crossed_margin"
        return "spot" if self.inst_type == "SPOT" else PRODUCT_WALLET[self.inst_type]

    def _rows(self) -> Iterable[tuple[str, Any, dict[str, Any] | None]]:
        """(key, state used for change detection, row) for everything this channel covers."""
        a, ch, kind = self.account, self.channel, self.inst_type
        want = None if self.inst_id in (None, "default") else self.inst_id
        if ch in ("account", "account-crossed"):
            wallet = a.wallet(self._wallet_key())
            for coin in wallet.coins():
                free, locked = wallet.free(coin), wallet.locked(coin)
                if ch == "account-crossed":
                    row = {"id": a.uid, "coin": coin, "available": fmt(free), "frozen": fmt(locked),
                           "borrow": fmt(wallet.borrowed.get(coin, Decimal(0))),
                           "interest": fmt(wallet.interest.get(coin, Decimal(0))), "coupon": "0",
                           "uTime": str(self.ex.now())}
                elif kind == "SPOT":
                    row = {"coin": coin, "available": fmt(free), "frozen": fmt(locked), "locked": "0",
                           "limitAvailable": "0", "uTime": str(self.ex.now())}
                else:
                    row = {"marginCoin": coin, "frozen": fmt(locked), "available": fmt(free),
                           "maxOpenPosAvailable": fmt(free), "maxTransferOut": fmt(free), "equity": fmt(free + locked),
                           "usdtEquity": fmt(self.ex.usdt_value(coin, free + locked)), "crossedRiskRate": "",
                           "unrealizedPL": "", "assetsMode": "single"}
                yield coin, (free, locked), row
        elif ch == "account-isolated":
            for key, wallet in a.wallets.items():
                if key.startswith("isolated_margin:"):
                    symbol = key.split(":", 1)[1]
                    for coin in wallet.coins():
                        state = (wallet.free(coin), wallet.locked(coin), wallet.debt(coin))
                        yield f"{symbol}:{coin}", state, {
                            "id": a.uid, "symbol": symbol, "coin": coin, "available": fmt(state[0]),
                            "frozen": fmt(state[1]), "borrow": fmt(wallet.borrowed.get(coin, Decimal(0))),
                            "interest": fmt(wallet.interest.get(coin, Decimal(0))), "coupon": "0",
                            "uTime": str(self.ex.now())}
        elif ch == "equity":
            wallet = a.wallet(PRODUCT_WALLET[kind])
            total = sum((self.ex.usdt_value(c, wallet.free(c) + wallet.locked(c)) for c in wallet.coins()), Decimal(0))
            yield "equity", total, {"usdtEquity": fmt(total), "btcEquity": "", "unrealizedPL": "0",
                                    "unionTotalMargin": fmt(total), "unionAvailable": fmt(total), "unionMm": "0"}
        elif ch in ("orders", "orders-crossed", "orders-isolated") and kind in ("SPOT", "MARGIN"):
            family = {"orders": "spot", "orders-crossed": "crossed_margin"}.get(ch)
            for o in a.orders.values():
                if (family is not None and o.wallet != family) or (family is None and not o.wallet.startswith("isolated")):
                    continue
                if want is not None and o.symbol != want:
                    continue
                row = _spot_order(o) if ch == "orders" else _margin_order(o)
                yield o.order_id, (o.status, o.base_volume), row
        elif ch == "orders":
            for fo in a.f_orders.values():
                if fo.product == kind and (want is None or fo.symbol == want):
                    yield fo.order_id, (fo.status, fo.base_volume), _futures_order(fo)
        elif ch == "fill" and kind == "SPOT":
            for f in a.fills:
                if f.wallet == "spot" and (want is None or f.symbol == want):
                    yield f.trade_id, 1, {
                        "orderId": f.order_id, "tradeId": f.trade_id, "symbol": f.symbol, "orderType": f.order_type,
                        "side": f.side, "priceAvg": fmt(f.price), "size": fmt(f.size), "amount": fmt(f.amount),
                        "tradeScope": f.scope, "cTime": str(f.c_time), "uTime": str(f.c_time),
                        "feeDetail": [{"feeCoin": f.fee_coin, "deduction": "no", "totalDeductionFee": "0",
                                       "totalFee": fmt(-f.fee)}]}
        elif ch == "fill":
            for ff in a.f_fills:
                if ff.product == kind and (want is None or ff.symbol == want):
                    order = a.f_orders.get(ff.order_id)
                    yield ff.trade_id, 1, {
                        "orderId": ff.order_id, "clientOid": order.client_oid if order else "", "tradeId": ff.trade_id,
                        "symbol": ff.symbol, "side": ff.side, "orderType": order.order_type if order else "market",
                        "posMode": ff.pos_mode, "price": fmt(ff.price), "baseVolume": fmt(ff.size),
                        "quoteVolume": fmt(ff.price * ff.size), "profit": fmt(ff.profit), "tradeSide": ff.trade_side,
                        "tradeScope": ff.scope, "cTime": str(ff.c_time), "uTime": str(ff.c_time),
                        "feeDetail": [{"feeCoin": ff.margin_coin, "deduction": "no", "totalDeductionFee": "0",
                                       "totalFee": fmt(-ff.fee)}]}
        elif ch == "orders-algo" and kind == "SPOT":
            for sp in a.plans.values():
                yield sp.order_id, sp.status, {
                    "instId": sp.symbol, "orderId": sp.order_id, "clientOid": sp.client_oid,
                    "triggerPrice": fmt(sp.trigger_price), "triggerType": sp.trigger_type, "planType": sp.plan_type,
                    "price": fmt(sp.execute_price), "size": fmt(sp.size), "actualSize": fmt(sp.size),
                    "orderType": sp.order_type, "side": sp.side, "status": sp.status,
                    "executePrice": fmt(sp.execute_price), "enterPointSource": "API",
                    "cTime": str(sp.c_time), "uTime": str(sp.u_time), "stpMode": "none"}
        elif ch == "orders-algo":
            for fp in a.f_plans.values():
                if fp.product == kind:
                    yield fp.order_id, fp.status, {
                        "instId": fp.symbol, "orderId": fp.order_id, "clientOid": fp.client_oid,
                        "triggerPrice": fmt(fp.trigger_price), "triggerType": fp.trigger_type, "planType": fp.plan_type,
                        "price": fmt(fp.price), "executePrice": fmt(fp.price), "size": fmt(fp.size),
                        "actualSize": fmt(fp.size), "orderType": fp.order_type, "side": fp.side,
                        "tradeSide": fp.trade_side, "posSide": fp.pos_side, "marginCoin": fp.margin_coin,
                        "status": fp.status, "posMode": fp.pos_mode, "enterPointSource": "API",
                        "uTime": str(fp.u_time), "stpMode": "none"}
        elif ch == "positions":
            for p in a.positions.values():
                if p.product == kind and (want is None or p.symbol == want):
                    yield p.position_id, (p.size, p.avg_price, p.margin, p.u_time), _position(self.ex, p)
        elif ch == "positions-history":
            for p in a.closed_positions:
                if p.product == kind and (want is None or p.symbol == want):
                    yield p.position_id, 1, _history(p)

    def poll(self) -> list[dict[str, Any]]:
        """Rows that are new or changed since the last poll.  The first poll is the subscribe
        snapshot: balances and positions are pushed in full, order and fill history is not."""
        out = []
        snapshot_all = self.channel in ("account", "account-crossed", "account-isolated", "equity", "positions")
        for key, state, row in self._rows():
            if self.seen.get(key, _MISSING) != state:
                self.seen[key] = state
                if row is not None and (not self.first or snapshot_all):
                    out.append(row)
        self.first = False
        self.count += len(out)
        return out


_MISSING = object()
