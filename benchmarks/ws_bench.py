"""Pushes decoded per CPU second: bitget_async streams vs the raw receive + ``json.loads`` loop.

A local server (a child process, so its CPU is not counted) answers the subscribe and then sends
N copies of a realistic ``books15`` or ``ticker`` push as fast as the socket takes them.  The
client side is measured with ``time.process_time()`` from the first push to the N-th:

* ``raw``: the same transport the library uses (websockets' sans-I/O protocol over an anyio
  socket) and ``json.loads`` per message: the floor for any Python client;
* ``bitget_async``: ``client.stream.books(..., "books15")`` / ``client.stream.ticker(...)``, i.e.
  frame parsing, typed msgspec decode with exact Decimals, routing, queueing, iteration.

    python benchmarks/ws_bench.py [--n 20000]

ccxt pro and pybotters are not in this run: both hard-code Bitget's hosts per exchange class, and
pointing them at a loopback server needs patching their URL tables and answering their own
subscribe/ping dialects; that harness is not written yet.
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


def measure(kind: str, channel: str, n: int) -> float:
    q: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve, args=(q, n + 1000), daemon=True)
    proc.start()
    try:
        url = f"ws://127.0.0.1:{q.get(timeout=10)}"
        loop = raw_loop if kind == "raw" else library_loop
        return anyio.run(loop, url, channel, n)
    finally:
        proc.terminate()
        proc.join(5)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    results: dict[str, dict[str, float]] = {}
    for channel in ("books15", "ticker"):
        for kind in ("raw", "bitget_async"):
            best = max(measure(kind, channel, a.n) for _ in range(a.rounds))
            results.setdefault(channel, {})[kind] = best
        r = results[channel]
        print(f"{channel:8} raw websockets+json.loads {r['raw']:>9,.0f}/CPU s   bitget_async typed "
              f"{r['bitget_async']:>9,.0f}/CPU s   ratio raw/lib {r['raw'] / r['bitget_async']:.2f}x", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
