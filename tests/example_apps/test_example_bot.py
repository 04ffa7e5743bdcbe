"""The examples in ``examples/`` run end to end against the simulator.

Two ways each: in-process (``sim.client()`` injected, exact checks on state) and as the user runs
them (a subprocess with ``BITGET_*`` from the environment, talking HTTP to ``python -m bitget_async
sim`` on loopback).  The bot test sends a real SIGINT and checks through the API that the bot left
no order open.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
from decimal import Decimal

import pytest
from examples_helpers import BTC, EXAMPLES, ROOT, Lines, ServedSim, bot, child_env

from bitget_async import BitgetClient
from bitget_async.testing import Simulator

# -- bot.py ----------------------------------------------------------------------------------------


async def open_orders(client: BitgetClient, symbol: str = BTC) -> list[tuple[str, str, Decimal]]:
    rows = await client.spot.trade.unfilled_orders(symbol=symbol)
    return sorted((o.client_oid, o.side, o.price_avg) for o in rows)


@pytest.mark.anyio
async def test_bot_quotes_amends_and_cancels(bitget_simulator: Simulator, bitget_sim: BitgetClient) -> None:
    mm = bot.MarketMaker(bitget_sim, bot.BotConfig(symbol=BTC, size=Decimal("0.001"), offset_bps=Decimal("50")))
    await mm.load_symbol()
    await mm.step()
    tag = mm.run_tag
    # Book at market time 0: bid 64999.99, ask 65000.01; 50 bps behind, rounded away from the touch.
    assert await open_orders(bitget_sim) == [
        (f"{tag}b1", "buy", Decimal("64674.99")),
        (f"{tag}s2", "sell", Decimal("65325.02")),
    ]
    bitget_simulator.advance(60)
    await mm.step()
    # Both quotes moved with the price via cancel-replace, each under a new explicit clientOid.
    assert await open_orders(bitget_sim) == [
        (f"{tag}b3", "buy", Decimal("64745.61")),
        (f"{tag}s4", "sell", Decimal("65396.35")),
    ]
    assert (mm.placed, mm.amended) == (2, 2)
    history = await bitget_sim.spot.trade.history_orders(symbol=BTC)
    assert sorted((o.client_oid, o.status) for o in history) == [
        (f"{tag}b1", "cancelled"), (f"{tag}s2", "cancelled"),
    ]
    assert await mm.shutdown() == 2
    assert await open_orders(bitget_sim) == []


@pytest.mark.anyio
async def test_bot_forgets_a_filled_quote_and_requotes(bitget_simulator: Simulator, bitget_sim: BitgetClient) -> None:
    mm = bot.MarketMaker(bitget_sim, bot.BotConfig(symbol=BTC, offset_bps=Decimal("50")))
    await mm.load_symbol()
    await mm.step()
    bitget_simulator.set_price(BTC, "64000")  # crosses our bid: it fills
    await mm.step()
    orders = await open_orders(bitget_sim)
    # b1 filled, so a fresh buy b3 was placed at the new level; the sell was amended (s2 -> s4).
    assert [oid.removeprefix(mm.run_tag) for oid, _, _ in orders] == ["b3", "s4"]
    # 1 BTC + 0.001 bought - 0.1 % fee (in BTC) - 0.001 frozen by the resting sell.
    assert bitget_simulator.balance("BTC") == Decimal("0.999999")
    assert await mm.shutdown() == 2


@pytest.mark.anyio
async def test_bot_skips_the_side_it_cannot_fund(bitget_simulator: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    bitget_simulator.add_account(api_key="usdt-only", api_secret="s", passphrase="p", balances={"USDT": "1000"})
    async with bitget_simulator.client(api_key="usdt-only", api_secret="s", passphrase="p") as client:
        mm = bot.MarketMaker(client, bot.BotConfig(symbol=BTC))
        await mm.load_symbol()
        with caplog.at_level(logging.INFO, logger="bot"):
            await mm.step()
        assert [(oid.removeprefix(mm.run_tag), side) for oid, side, _ in await open_orders(client)] == [("b1", "buy")]
        assert "sell BTCUSDT skipped: insufficient balance (code 43012)" in caplog.messages
        assert await mm.shutdown() == 1


@pytest.mark.anyio
async def test_bot_reconciles_an_order_of_unknown_fate(bitget_simulator: Simulator, bitget_sim: BitgetClient) -> None:
    mm = bot.MarketMaker(bitget_sim, bot.BotConfig(symbol=BTC))
    await mm.load_symbol()
    # The placement executes but its answer is lost, and so are all three clientOid lookups.
    bitget_simulator.faults.drop_after_execute = 4
    await mm.quote_side("buy", Decimal("60000.00"))
    assert mm.unknown == {f"{mm.run_tag}b1"} and mm.quotes == {}
    bitget_simulator.faults.reset()
    await mm.step()  # finds b1 live, cancels it, quotes afresh
    orders = await open_orders(bitget_sim)
    assert [oid.removeprefix(mm.run_tag) for oid, _, _ in orders] == ["b2", "s3"]
    info = await bitget_sim.spot.trade.order_info(client_oid=f"{mm.run_tag}b1")
    assert info[0].status == "cancelled" and mm.unknown == set()
    assert await mm.shutdown() == 2


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # run() is the asyncio entry point
async def test_bot_run_exit_codes(bitget_simulator: Simulator) -> None:
    async with bitget_simulator.client() as client:
        config = bot.BotConfig(symbol=BTC, iterations=2, interval=0)
        assert await bot.run(client, config, stop=asyncio.Event()) == 0
        assert await open_orders(client) == []
        # Below Bitget's 1 USDT minimum: MinimumAmountError is fatal (2), and nothing stays open.
        tiny = bot.BotConfig(symbol=BTC, size=Decimal("0.00001"), iterations=2, interval=0)
        assert await bot.run(client, tiny, stop=asyncio.Event()) == 2
        assert await open_orders(client) == []
        assert await bot.run(client, bot.BotConfig(symbol="NOPEUSDT"), stop=asyncio.Event()) == 2
    wrong = BitgetClient(bitget_simulator.api_key, "wrong-secret", bitget_simulator.passphrase,
                         transport=bitget_simulator.transport(), clock=bitget_simulator.now_ms)
    async with wrong:
        stop = asyncio.Event()
        assert await bot.run(wrong, bot.BotConfig(symbol=BTC, interval=0), stop=stop) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_bot_subprocess_sigint_cancels_its_orders() -> None:
    server = ServedSim()
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "bot.py"), "--symbol", BTC, "--interval", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env(server.env), cwd=ROOT,
    )
    assert proc.stdout is not None
    lines = Lines(proc.stdout)
    try:
        lines.wait_for(r"placed buy 0\.001000 BTCUSDT @ 64674\.99 clientOid=bot\w+b1$")
        lines.wait_for(r"placed sell 0\.001000 BTCUSDT @ 65325\.02 clientOid=bot\w+s2$")
        assert len(server.api(open_orders)) == 2  # the orders really are on the exchange
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        tail = lines.rest()
        assert any(line.endswith("stopped: placed 2, amended 0, cancelled 2") for line in tail), tail
        assert not any("Traceback" in line for line in tail), tail
        assert server.api(lambda c: c.spot.trade.unfilled_orders()) == []
        history = server.api(lambda c: c.spot.trade.history_orders(symbol=BTC))
        assert sorted((o.side, o.status) for o in history) == [("buy", "cancelled"), ("sell", "cancelled")]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        lines.close()
        server.close()
