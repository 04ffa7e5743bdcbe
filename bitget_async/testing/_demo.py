"""``python -m bitget_async demo``: a session a new user can watch, against the in-process
simulator, through the real client (signed requests, rate limits, typed models).

Needs only the base dependencies: no keys, no network, no uvicorn.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TextIO, TypeVar

import anyio

from .._client import BitgetClient
from ._catalog import SPOT
from ._simulator import Simulator

__all__ = ["run_demo"]

T = TypeVar("T")
_BAR = 30


@dataclasses.dataclass
class _Step:
    name: str
    calls: int = 0
    seconds: list[float] = dataclasses.field(default_factory=list)
    wall: float = 0.0


class _Session:
    """Prints what happens and times every request by step."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.steps: dict[str, _Step] = {}

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def timed(self, step: str, call: Callable[[], Awaitable[T]]) -> T:
        record = self.steps.setdefault(step, _Step(step))
        started = time.perf_counter()
        try:
            return await call()
        finally:
            record.calls += 1
            record.seconds.append(time.perf_counter() - started)

    def table(self) -> None:
        self.say("Summary of request timings (client round trip incl. waiting for a rate-limit slot):")
        self.say(f"  {'step':<26}{'calls':>6}{'total ms':>11}{'mean ms':>10}{'max ms':>9}{'wall ms':>10}")
        for s in self.steps.values():
            total = sum(s.seconds) * 1000
            wall = (s.wall or sum(s.seconds)) * 1000
            self.say(
                f"  {s.name:<26}{s.calls:>6}{total:>11.1f}{total / max(s.calls, 1):>10.2f}"
                f"{max(s.seconds, default=0) * 1000:>9.2f}{wall:>10.1f}"
            )


class _Progress:
    """A plain-text progress bar: redrawn in place on a terminal, milestone lines otherwise."""

    def __init__(self, out: TextIO, total: int, label: str) -> None:
        self.out, self.total, self.label, self.done = out, total, label, 0
        self.tty = out.isatty()
        self._next_line = max(1, total // 5)

    def advance(self) -> None:
        self.done += 1
        if self.tty:
            filled = _BAR * self.done // self.total
            bar = "#" * filled + "-" * (_BAR - filled)
            end = "\n" if self.done == self.total else ""
            print(f"\r  {self.label} [{bar}] {self.done}/{self.total}", end=end, file=self.out, flush=True)
        elif self.done == self.total or self.done % self._next_line == 0:
            print(f"  {self.label}: {self.done}/{self.total}", file=self.out, flush=True)


def _clock(ms: int | None) -> str:
    if ms is None:
        return "-"
    moment = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


async def run_demo(out: TextIO, *, symbols: int = 50, seed: int = 0) -> int:
    """Run the scripted session; returns the process exit code."""
    session = _Session(out)
    sim = Simulator(seed=seed)
    session.say("bitget-async demo: the real client against the built-in Bitget simulator")
    session.say("(in-process: no API keys, no network; requests are signed and checked like on Bitget)")
    session.say()
    async with sim.client() as client:
        await _market(session, client)
        await _spot_order(session, client)
        await _futures_position(session, client, sim)
        await _candles(session, client, symbols)
    session.say()
    session.table()
    return 0


async def _market(session: _Session, client: BitgetClient) -> None:
    server = await session.timed("server time", lambda: client.public.time())
    offset = await session.timed("server time", client.sync_time)
    session.say(f"1. Server time  {_clock(server.server_time)}  (clock offset after sync: {offset} ms)")
    tickers = await session.timed("tickers", lambda: client.spot.market.tickers())
    session.say(f"2. Tickers      {len(tickers)} spot pairs; the five busiest:")
    for t in sorted(tickers, key=lambda t: t.usdt_volume or 0, reverse=True)[:5]:
        session.say(f"     {t.symbol:<10} last {t.last_pr:>14}   24h {(t.change24h or 0) * 100:+.2f} %   volume {t.usdt_volume:>16,.0f} USDT")


async def _spot_order(session: _Session, client: BitgetClient) -> None:
    ticker = (await session.timed("tickers", lambda: client.spot.market.tickers(symbol="BTCUSDT")))[0]
    if ticker.last_pr is None:
        raise RuntimeError("the simulator sent a BTCUSDT ticker without a last price")
    price = (ticker.last_pr * Decimal("0.95")).quantize(Decimal("0.01"))
    placed = await session.timed(
        "spot order",
        lambda: client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price=price, size=Decimal("0.001")
        ),
    )
    session.say(f"3. Spot order   limit buy 0.001 BTC at {price} (5 % under the market): order {placed.order_id}")
    resting = await session.timed("spot order", lambda: client.spot.trade.unfilled_orders(symbol="BTCUSDT"))
    session.say(f"                open orders: {len(resting)} (status {resting[0].status})")
    await session.timed("spot order", lambda: client.spot.trade.cancel_order(symbol="BTCUSDT", order_id=placed.order_id))
    history = await session.timed("spot order", lambda: client.spot.trade.history_orders(symbol="BTCUSDT"))
    session.say(f"                cancelled: history shows status {history[0].status!r}")


async def _futures_position(session: _Session, client: BitgetClient, sim: Simulator) -> None:
    mix = client.mix
    await session.timed(
        "futures position",
        lambda: mix.account.set_leverage(symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", leverage="10"),
    )
    await session.timed(
        "futures position",
        lambda: mix.order.place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed",
            size=Decimal("0.05"), side="buy", order_type="market",
        ),
    )

    async def position() -> Any:
        rows = await session.timed(
            "futures position",
            lambda: mix.position.single_position(symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT"),
        )
        return rows[0]

    opened = await position()
    session.say(
        f"4. Futures      opened {opened.hold_side} {opened.total} BTC at {opened.open_price_avg:.2f}, "
        f"10x, margin {opened.margin_size:.2f} USDT"
    )
    sim.advance(15 * 60)
    later = await position()
    session.say(f"                15 minutes later: mark {later.mark_price}, unrealized PnL {later.unrealized_pl:+.2f} USDT")
    await session.timed(
        "futures position", lambda: mix.order.close_positions(product_type="USDT-FUTURES", symbol="BTCUSDT")
    )
    closed = await session.timed(
        "futures position", lambda: mix.position.history_position(product_type="USDT-FUTURES", symbol="BTCUSDT")
    )
    last = closed.list_[0] if closed.list_ else None
    if last is not None:
        session.say(
            f"                closed at {last.close_avg_price:.2f}: PnL {last.pnl:+.2f} USDT, "
            f"after fees {last.net_profit:+.2f} USDT"
        )


async def _candles(session: _Session, client: BitgetClient, count: int) -> None:
    names = list(SPOT)[:count]
    session.say(
        f"5. Candles      100 one-minute candles for {len(names)} symbols, all requested at once; "
        "the client paces them to Bitget's 20 requests/s for this route"
    )
    progress = _Progress(session.out, len(names), "candles")
    got: dict[str, int] = {}

    async def fetch(symbol: str) -> None:
        rows = await session.timed(
            "candles", lambda: client.spot.market.candles(symbol=symbol, granularity="1min", limit=100)
        )
        got[symbol] = len(rows)
        progress.advance()

    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for symbol in names:
            tg.start_soon(fetch, symbol)
    wall = time.perf_counter() - started
    session.steps["candles"].wall = wall
    session.say(
        f"                {sum(got.values())} candles in {wall:.2f} s ({len(names) / wall:.1f} requests/s), "
        f"every symbol complete: {all(n == 100 for n in got.values())}"
    )
