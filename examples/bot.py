"""A small spot market maker on asyncio: quote both sides of one symbol and keep the quotes fresh.

Every order carries a clientOid chosen here, so the bot can find, amend and cancel its own orders
even after an ambiguous failure, and so a restart never confuses them with someone else's.  The
loop runs until Ctrl-C / SIGTERM (or ``--iterations``), then cancels everything it placed and
exits 0.

    # against the simulator (another terminal: python -m bitget_async sim --port 8765)
    BITGET_BASE_URL=http://127.0.0.1:8765 BITGET_API_KEY=sim-api-key \\
    BITGET_API_SECRET=sim-api-secret BITGET_PASSPHRASE=sim-passphrase python examples/bot.py

    # against Bitget demo trading: your demo keys and BITGET_DEMO=1
    python examples/bot.py --symbol BTCUSDT --size 0.0001 --offset-bps 200

Exit codes: 0 clean shutdown; 1 an unexpected exchange error, or cleanup failed (the log names
the clientOid tag to look for); 2 configuration or credential problem.  Cleanup is bounded at 30 s; further signals during it are
ignored so that it can finish.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import secrets
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Literal

from bitget_async import (
    AuthenticationError,
    BitgetClient,
    BitgetError,
    DemoEnvironmentError,
    InsufficientBalanceError,
    InvalidParameterError,
    MinimumAmountError,
    MissingCredentialsError,
    OrderNotFoundError,
    OrderStateUnknownError,
    RateLimitError,
    ServerError,
    StreamConfig,
    TransportError,
)

__all__ = ["BotConfig", "MarketMaker", "main", "parse_args", "run"]

log = logging.getLogger("bot")

Side = Literal["buy", "sell"]
SIDES: tuple[Side, Side] = ("buy", "sell")
# Errors that no amount of waiting fixes: stop quoting and tell the operator.
FATAL_ERRORS = (AuthenticationError, DemoEnvironmentError, MissingCredentialsError, MinimumAmountError)


class FatalBotError(Exception):
    """Raised out of the loop for a problem that needs the operator (exit code 2)."""


@dataclasses.dataclass(frozen=True)
class BotConfig:
    """What to quote and how hard: sizes are base-coin amounts, offsets in basis points."""

    symbol: str = "BTCUSDT"
    size: Decimal = Decimal("0.001")
    offset_bps: Decimal = Decimal("50")
    interval: float = 2.0
    iterations: int = 0  # 0 = until a signal arrives
    oid_prefix: str = "bot"
    fills_stream: bool = False  # react to fills pushed on the WebSocket (the command line turns it on)


@dataclasses.dataclass
class Quote:
    """One live order of ours: enough to amend or cancel it without another lookup."""

    client_oid: str
    price: Decimal
    order_id: str = ""


class MarketMaker:
    """Keeps at most one resting limit order per side, ``offset_bps`` behind the best price.

    ``step()`` is one pass (read the book, place or amend); ``shutdown()`` cancels every order
    this instance placed.  Both are separate from the signal handling in ``run()`` so a test or
    another program can drive the bot one step at a time.
    """

    def __init__(self, client: BitgetClient, config: BotConfig) -> None:
        self.client = client
        self.config = config
        # A per-run tag in every clientOid: orders of an earlier run, or of another bot on the
        # same account, are never touched by this run's cleanup.
        self.run_tag = f"{config.oid_prefix}{int(time.time()) % 100_000_000:08d}{secrets.token_hex(2)}"
        self.quotes: dict[Side, Quote] = {}
        # clientOids whose placement or amend outcome is unknown: reconciled later, never re-sent.
        self.unknown: set[str] = set()
        self.placed = 0
        self.amended = 0
        self._seq = 0
        self._tick = Decimal("0.01")
        self._lot = Decimal("0.0001")
        self.filled = asyncio.Event()  # set by the fill stream: quote again now, not after the interval
        self.fills_seen = 0

    def next_oid(self, side: Side) -> str:
        self._seq += 1
        return f"{self.run_tag}{side[0]}{self._seq}"

    async def load_symbol(self) -> None:
        """Price and size steps come from the exchange; quoting off-grid would be rejected."""
        try:
            info = await self.client.spot.public.symbols(symbol=self.config.symbol)
        except InvalidParameterError as exc:  # Bitget answers 40034 for a symbol it does not list
            raise FatalBotError(f"unknown symbol {self.config.symbol}: [{exc.code}] {exc.msg}") from None
        if not info:
            raise FatalBotError(f"unknown symbol {self.config.symbol}")
        price_precision, quantity_precision = info[0].price_precision, info[0].quantity_precision
        if price_precision is None or quantity_precision is None:
            raise FatalBotError(f"{self.config.symbol}: Bitget sent no price/size precision")
        self._tick = Decimal(1).scaleb(-price_precision)
        self._lot = Decimal(1).scaleb(-quantity_precision)

    def target_price(self, side: Side, best: Decimal) -> Decimal:
        offset = self.config.offset_bps / Decimal(10_000)
        if side == "buy":
            return (best * (1 - offset)).quantize(self._tick, rounding=ROUND_DOWN)
        return (best * (1 + offset)).quantize(self._tick, rounding=ROUND_UP)

    async def step(self) -> None:
        """One pass: forget orders that filled, then place or move each side's quote."""
        symbol = self.config.symbol
        book = await self.client.spot.market.orderbook(symbol=symbol, limit=5)
        if not book.bids or not book.asks:
            log.info("empty book on %s; not quoting", symbol)
            return
        await self.reconcile()
        best = {"buy": book.bids[0].price, "sell": book.asks[0].price}
        for side in SIDES:
            price = best[side]
            if price is None:  # a blank level: nothing to quote against this pass
                continue
            await self.quote_side(side, self.target_price(side, price))

    async def quote_side(self, side: Side, price: Decimal) -> None:
        """Quote one side; the errors that concern only this side end here."""
        try:
            await self.quote(side, price)
        except InsufficientBalanceError as exc:
            # Expected on the side we hold nothing for: keep quoting the other one.
            log.info("%s %s skipped: insufficient balance (code %s)", side, self.config.symbol, exc.code)
        except OrderStateUnknownError as exc:
            # Never re-send blindly: the order may exist.  reconcile() finds it by clientOid.
            log.warning("%s %s: outcome unknown for clientOid %s; will reconcile", side, self.config.symbol,
                        exc.client_oid)
            self.unknown.add(exc.client_oid)
            self.quotes.pop(side, None)

    async def quote(self, side: Side, price: Decimal) -> None:
        size = self.config.size.quantize(self._lot, rounding=ROUND_DOWN)
        current = self.quotes.get(side)
        if current is None:
            oid = self.next_oid(side)
            placed = await self.client.spot.trade.place_order(
                symbol=self.config.symbol, side=side, order_type="limit", force="gtc",
                price=price, size=size, client_oid=oid,
            )
            self.quotes[side] = Quote(oid, price, placed.order_id or "")
            self.placed += 1
            log.info("placed %s %s %s @ %s clientOid=%s", side, size, self.config.symbol, price, oid)
            return
        if current.price == price:
            return
        new_oid = self.next_oid(side)
        try:
            result = await self.client.spot.trade.cancel_replace_order(
                symbol=self.config.symbol, price=price, size=size,
                client_oid=current.client_oid, new_client_oid=new_oid,
            )
        except OrderNotFoundError:
            self.quotes.pop(side, None)  # filled or cancelled elsewhere: a fresh order next pass
            return
        except (TransportError, ServerError):
            # Either order may or may not exist now: let reconcile() look both up by clientOid.
            self.unknown.update((current.client_oid, new_oid))
            self.quotes.pop(side, None)
            raise
        if result.success != "success":
            log.info("amend of %s refused (%s); re-quoting next pass", current.client_oid, result.msg)
            self.quotes.pop(side, None)
            return
        self.quotes[side] = Quote(new_oid, price, result.order_id or "")
        self.amended += 1
        log.info("amended %s %s -> %s clientOid=%s", side, current.price, price, new_oid)

    def on_fill(self, order_id: str | None, size: Decimal | None, price: Decimal | None) -> None:
        """A fill pushed by the stream: forget that quote at once (no polling needed to notice);
        a partially filled order may still rest, so reconcile() cancels it if it is still open."""
        for side, q in list(self.quotes.items()):
            if q.order_id and q.order_id == order_id:
                self.fills_seen += 1
                log.info("filled %s %s @ %s clientOid=%s (stream)", side, size, price, q.client_oid)
                del self.quotes[side]
                self.unknown.add(q.client_oid)
                self.filled.set()

    async def watch_fills(self) -> None:
        """Follow our fills on the ``fill`` channel until cancelled; without a stream, polling
        (reconcile) still notices fills, one pass later."""
        try:
            async with self.client.stream.fill("SPOT", self.config.symbol) as fills:
                log.info("listening for fills on the stream")
                async for push in fills:
                    if push.gap:
                        log.info("fill stream reconnected; the next pass reconciles by polling")
                    for fill in push.data:
                        self.on_fill(fill.order_id, fill.size, fill.price_avg)
        except BitgetError as exc:
            log.warning("fill stream unavailable (%s: %s); relying on polling", type(exc).__name__, exc)

    async def reconcile(self) -> None:
        """Match our bookkeeping to the exchange's open orders (one request per pass)."""
        open_orders = await self.client.spot.trade.unfilled_orders(symbol=self.config.symbol)
        live = {oid for o in open_orders if (oid := o.client_oid) and oid.startswith(self.run_tag)}
        for side, q in list(self.quotes.items()):
            if q.client_oid not in live:
                log.info("%s order %s is no longer open (filled or cancelled)", side, q.client_oid)
                del self.quotes[side]
        # Orders of unknown fate that turned out to exist are cancelled: we re-quote anyway.
        for oid in sorted(self.unknown & live):
            await self.cancel(oid)
        self.unknown.clear()

    async def cancel(self, client_oid: str) -> bool:
        try:
            await self.client.spot.trade.cancel_order(symbol=self.config.symbol, client_oid=client_oid)
        except OrderNotFoundError:
            return False
        log.info("cancelled clientOid=%s", client_oid)
        return True

    async def shutdown(self) -> int:
        """Cancel every order of this run, including ones whose placement was ambiguous.

        The tracked quotes go first (cheap, by clientOid); then the exchange's open orders are
        listed once more so nothing carrying this run's tag survives.  Returns the count.
        """
        cancelled = 0
        for q in list(self.quotes.values()):
            cancelled += await self.cancel(q.client_oid)
        self.quotes.clear()
        open_orders = await self.client.spot.trade.unfilled_orders(symbol=self.config.symbol)
        for order in open_orders:
            oid = order.client_oid
            if oid and oid.startswith(self.run_tag):
                cancelled += await self.cancel(oid)
        self.unknown.clear()
        return cancelled


async def _sleep_or_stop(stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None) -> None:
    events = [stop] if wake is None else [stop, wake]
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
    if wake is not None:
        wake.clear()


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))


async def run(client: BitgetClient, config: BotConfig, stop: asyncio.Event | None = None) -> int:
    """The trading loop with a graceful stop: a signal sets ``stop``, the current pass finishes
    (no request is cut off halfway, so no order is left in an unknown state by us), then
    ``shutdown()`` cancels what is open.  Returns the process exit code."""
    if stop is None:
        stop = asyncio.Event()
        _install_signal_handlers(stop)
    bot = MarketMaker(client, config)
    watcher = asyncio.ensure_future(bot.watch_fills()) if config.fills_stream else None
    try:
        return await _run(client, config, stop, bot)
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


async def _run(client: BitgetClient, config: BotConfig, stop: asyncio.Event, bot: MarketMaker) -> int:
    code = 0
    try:
        await client.sync_time()
        await bot.load_symbol()
        log.info("quoting %s (run tag %s); Ctrl-C to stop", config.symbol, bot.run_tag)
        iteration = 0
        while not stop.is_set():
            iteration += 1
            try:
                await bot.step()
            except RateLimitError as exc:
                wait = exc.retry_after if exc.retry_after is not None else config.interval
                log.warning("rate limited on %s; pausing %.1fs", exc.path, wait)
                await _sleep_or_stop(stop, wait)
                continue
            except (TransportError, ServerError) as exc:
                log.warning("transient failure %s: %s; next pass in %.1fs", type(exc).__name__, exc, config.interval)
            if config.iterations and iteration >= config.iterations:
                break
            await _sleep_or_stop(stop, config.interval, bot.filled)
    except FATAL_ERRORS as exc:
        log.error("stopping: %s", exc)
        code = 2
        if isinstance(exc, (AuthenticationError, DemoEnvironmentError, MissingCredentialsError)):
            return code  # the keys do not work, so cancelling would fail too
    except FatalBotError as exc:
        log.error("stopping: %s", exc)
        return 2
    except BitgetError as exc:
        # Anything else the exchange refused (a changed trading rule, a new error code): stop
        # quoting rather than guess, but still take our orders off the book.
        log.error("stopping on an unexpected exchange error: %r", exc)
        code = 1
    log.info("shutting down: cancelling open orders")
    try:
        cancelled = await asyncio.wait_for(bot.shutdown(), timeout=30)
    except (BitgetError, asyncio.TimeoutError) as exc:
        log.error("cleanup failed (%s); check open orders tagged %s", type(exc).__name__, bot.run_tag)
        return 1
    log.info("stopped: placed %d, amended %d, cancelled %d", bot.placed, bot.amended, cancelled)
    return code


def parse_args(argv: Sequence[str] | None = None) -> BotConfig:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--symbol", default=BotConfig.symbol)
    p.add_argument("--size", type=Decimal, default=BotConfig.size, help="base-coin size per order")
    p.add_argument("--offset-bps", type=Decimal, default=BotConfig.offset_bps,
                   help="distance behind the best price, basis points")
    p.add_argument("--interval", type=float, default=BotConfig.interval, help="seconds between passes")
    p.add_argument("--iterations", type=int, default=0, help="stop after N passes (0: run until Ctrl-C)")
    p.add_argument("--oid-prefix", default=BotConfig.oid_prefix, help="start of every clientOid")
    p.add_argument("--no-stream", action="store_true", help="notice fills by polling only (no WebSocket)")
    a = p.parse_args(argv)
    return BotConfig(a.symbol, a.size, a.offset_bps, a.interval, a.iterations, a.oid_prefix,
                     fills_stream=not a.no_stream)


def stream_config(env: Mapping[str, str]) -> StreamConfig | None:
    """``BITGET_WS_URL``, else the WebSocket beside a custom ``BITGET_BASE_URL`` (the served
    simulator answers both on one port), else Bitget's own hosts."""
    url = env.get("BITGET_WS_URL") or ""
    base = env.get("BITGET_BASE_URL") or ""
    if not url and base.startswith("http") and "bitget.com" not in base:
        url = "ws" + base[4:]
    return StreamConfig(url=url) if url else None


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stdout)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request is noise here

    async def go() -> int:
        async with BitgetClient.from_env(stream_config=stream_config(os.environ)) as client:
            return await run(client, config)

    return asyncio.run(go())


if __name__ == "__main__":
    sys.exit(main())
