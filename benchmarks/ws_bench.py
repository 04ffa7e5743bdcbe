"""Pushes decoded per CPU second: bitget_async streams vs the raw receive + ``json.loads`` loop.

A local server (a child process, so its CPU is not counted) answers the subscribe and then sends
N copies of a realistic ``books15`` or ``ticker`` push as fast as the socket takes them.  The
client side is measured with ``time.process_time()`` from the first push to the N-th:

* ``raw``: the same transport the library uses (websockets' sans-I/O protocol over an anyio
  socket) and ``json.loads`` per message: the floor for any Python client;
* ``bitget_async``: ``client.stream.books(..., "books15")`` / ``client.stream.ticker(...)``, i.e.
  frame parsing, typed msgspec decode with exact Decimals, routing, queueing, iteration.

    python benchmarks/ws_bench.py [--n 20000]     # the table in ws_results.md
    python benchmarks/ws_bench.py --parsers       # websockets vs wsproto frame parsing alone

* ``pybotters``: ``Client.ws_connect`` to the loopback URL with ``BitgetV2DataStore.onmessage`` as
  the handler (its own JSON decode, aiohttp's WebSocket, the data store's book/ticker update);
* ``ccxt pro``: ``ccxt.pro.bitget`` with its ``urls['api']['ws']['public']`` pointed at the loopback
  server and one market set by hand (``set_markets``: its ``load_markets`` would call Bitget's REST
  API), ``watch_order_book(limit=15)`` / ``watch_ticker`` in a loop; pushes are counted where ccxt
  handles them (``handle_message``), since its ``watch_*`` calls return the latest state only.

The peers run on asyncio (pybotters and ccxt are asyncio-only); numbers are pushes per CPU second
of the client process, the ratios in the same run are what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time
from typing import Any

import anyio

BOOK = {"asks": [[f"{65000 + i}.1", f"{1 + i / 7:.4f}"] for i in range(15)],
        "bids": [[f"{64999 - i}.9", f"{2 + i / 9:.4f}"] for i in range(15)],
        "checksum": 0, "seq": 123456, "ts": "1700000000000"}
TICKER = {"instId": "BTCUSDT", "lastPr": "65000.12", "open24h": "64000.5", "high24h": "66000", "low24h": "63000",
          "change24h": "0.0156", "bidPr": "65000.11", "askPr": "65000.13", "bidSz": "0.5", "askSz": "0.7",
          "baseVolume": "1234.5678", "quoteVolume": "80234567.12", "openUtc": "64500", "changeUtc24h": "0.0077",
          "ts": "1700000000000"}


def _serve(port_q: Any, n: int) -> None:
    from websockets.asyncio.server import serve

    async def handler(ws: Any) -> None:
        sub = json.loads(await ws.recv())
        arg = sub["args"][0]
        await ws.send(json.dumps({"event": "subscribe", "arg": arg}))
        data = BOOK if arg["channel"].startswith("books") else TICKER
        frame = json.dumps({"action": "snapshot", "arg": arg, "data": [data], "ts": 1700000000000})
        for _ in range(n):
            await ws.send(frame)
        await ws.wait_closed()

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0, compression=None) as server:
            port_q.put(next(iter(server.sockets)).getsockname()[1])
            await asyncio.Future()

    asyncio.run(main())


async def raw_loop(url: str, channel: str, n: int) -> float:
    from bitget_async.stream._socket import WebSocket

    ws = await WebSocket.connect(url + "/v2/ws/public", connect_timeout=5)
    arg = {"instType": "SPOT", "channel": channel, "instId": "BTCUSDT"}
    await ws.send_text(json.dumps({"op": "subscribe", "args": [arg]}).encode())
    seen = -1  # the ack
    start = 0.0
    while seen < n:
        for message in await ws.receive():
            json.loads(message)
            seen += 1
            if seen == 0:
                start = time.process_time()
    elapsed = time.process_time() - start
    await ws.aclose()
    return n / elapsed


async def library_loop(url: str, channel: str, n: int) -> float:
    from bitget_async import BitgetClient, StreamConfig

    client = BitgetClient(stream_config=StreamConfig(url=url, queue_size=n + 10))
    async with client:
        sub = client.stream.books("SPOT", "BTCUSDT", "books15") if channel == "books15" else client.stream.ticker(
            "SPOT", "BTCUSDT")
        async with sub:
            seen = 0
            start = time.process_time()
            async for push in sub:
                assert push.data
                seen += 1
                if seen == n:
                    break
            return n / (time.process_time() - start)


async def pybotters_loop(url: str, channel: str, n: int) -> float:
    import pybotters

    store = pybotters.BitgetV2DataStore()
    done = asyncio.Event()
    seen = 0
    start = 0.0

    def handler(msg: Any, ws: Any) -> None:
        nonlocal seen, start
        store.onmessage(msg, ws)
        if "data" in msg:
            if seen == 0:
                start = time.process_time()
            seen += 1
            if seen == n:
                done.set()

    arg = {"instType": "SPOT", "channel": channel, "instId": "BTCUSDT"}
    async with pybotters.Client() as client:
        app = await client.ws_connect(url + "/v2/ws/public", send_json={"op": "subscribe", "args": [arg]},
                                      hdlr_json=handler)
        await done.wait()
        elapsed = time.process_time() - start
        await app.current_ws.close() if app.current_ws is not None else None
    return (n - 1) / elapsed


_CCXT_MARKET = {
    "id": "BTCUSDT", "symbol": "BTC/USDT", "base": "BTC", "quote": "USDT", "baseId": "BTC", "quoteId": "USDT",
    "type": "spot", "spot": True, "margin": False, "swap": False, "future": False, "option": False, "active": True,
    "contract": False, "linear": None, "inverse": None, "settle": None, "settleId": None, "contractSize": None,
    "precision": {"amount": 0.0001, "price": 0.01}, "limits": {"amount": {"min": None, "max": None},
                                                            "price": {"min": None, "max": None},
                                                            "cost": {"min": None, "max": None}},
    "info": {},
}


async def ccxt_loop(url: str, channel: str, n: int) -> float:
    import ccxt.pro

    exchange = ccxt.pro.bitget({"newUpdates": False})
    exchange.urls["api"]["ws"]["public"] = url + "/v2/ws/public"
    exchange.set_markets([_CCXT_MARKET])
    seen = 0
    start = 0.0
    done = asyncio.Event()
    handle = exchange.handle_message

    def counting(client: Any, message: Any) -> Any:
        nonlocal seen, start
        result = handle(client, message)
        if isinstance(message, dict) and "data" in message:
            if seen == 0:
                start = time.process_time()
            seen += 1
            if seen == n:
                done.set()
        return result

    exchange.handle_message = counting

    async def consume() -> None:
        while not done.is_set():
            if channel == "books15":
                await exchange.watch_order_book("BTC/USDT", 15)
            else:
                await exchange.watch_ticker("BTC/USDT")

    task = asyncio.ensure_future(consume())
    await done.wait()
    elapsed = time.process_time() - start
    task.cancel()
    await exchange.close()
    return (n - 1) / elapsed


LOOPS = {"raw": raw_loop, "bitget_async": library_loop, "pybotters": pybotters_loop, "ccxt.pro": ccxt_loop}


def measure(kind: str, channel: str, n: int) -> float:
    q: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve, args=(q, n + 1000), daemon=True)
    proc.start()
    try:
        url = f"ws://127.0.0.1:{q.get(timeout=10)}"
        return anyio.run(LOOPS[kind], url, channel, n)
    finally:
        proc.terminate()
        proc.join(5)


def parsers(n: int = 20_000) -> dict[str, float]:
    """Frames parsed per CPU second by the sans-I/O parsers alone (how the library was picked):
    ``n`` unmasked server text frames of a books15 push, fed in 64 KiB chunks."""
    from websockets.protocol import CLIENT, Protocol, State
    from wsproto import ConnectionType
    from wsproto.connection import Connection

    payload = json.dumps({"action": "snapshot", "arg": {"instType": "SPOT", "channel": "books15",
                                                        "instId": "BTCUSDT"}, "data": [BOOK], "ts": 1}).encode()
    header = bytes([0x81, 126]) + len(payload).to_bytes(2, "big") if len(payload) >= 126 else bytes([0x81, len(payload)])
    blob = (header + payload) * n
    out: dict[str, float] = {}
    ws = Protocol(CLIENT, state=State.OPEN, max_size=None)
    start = time.process_time()
    for i in range(0, len(blob), 65536):
        ws.receive_data(blob[i:i + 65536])
        ws.events_received()
    out["websockets"] = n / (time.process_time() - start)
    wp = Connection(ConnectionType.CLIENT)
    start = time.process_time()
    for i in range(0, len(blob), 65536):
        wp.receive_data(blob[i:i + 65536])
        list(wp.events())
    out["wsproto"] = n / (time.process_time() - start)
    start = time.process_time()
    for _ in range(n):
        json.loads(payload)
    out["json.loads"] = n / (time.process_time() - start)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--parsers", action="store_true", help="only compare the sans-I/O frame parsers")
    a = p.parse_args()
    if a.parsers:
        print(json.dumps({k: round(v) for k, v in parsers(a.n).items()}))
        return
    results: dict[str, dict[str, float]] = {}
    for channel in ("books15", "ticker"):
        for kind in LOOPS:
            try:
                best = max(measure(kind, channel, a.n) for _ in range(a.rounds))
            except Exception as exc:  # a peer that cannot run here is reported, not fatal
                print(f"{channel} {kind}: failed: {exc!r}", flush=True)
                continue
            results.setdefault(channel, {})[kind] = best
        r = results[channel]
        print(f"{channel:8} " + "  ".join(f"{k} {v:,.0f}/CPU s" for k, v in r.items())
              + f"   raw/bitget_async {r['raw'] / r['bitget_async']:.2f}x", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
