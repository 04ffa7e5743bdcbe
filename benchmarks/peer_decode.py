"""Peers' decode of the same bodies, in-process: what ccxt and pybotters do with 1,000 tickers and
1,000 candles after the bytes arrive, beside ``json.loads`` timed in the same round-robin.

``decode_bench.py`` times bitget_async's typed decode; this puts the peers in that table too.
ccxt: ``json.loads`` then ``parse_tickers`` / ``parse_ohlcvs`` (what ``fetch_tickers`` and
``fetch_ohlcv`` run on the body), its markets loaded from the fake server's own ``/symbols``
answer with no socket.  pybotters: ``ClientResponse.json()``, i.e. the body decoded to ``str``
and ``json.loads``: plain dicts are what its users get.  Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any

from decode_bench import _time_all
from fake_http import Request
from fake_payloads import candles_body, tickers_body
from fake_server import FakeBitget

__all__ = ["run"]


async def _ccxt_markets() -> Any:
    """ccxt's bitget with its markets loaded from the fake server's answers, over no socket."""
    import ccxt.async_support as ccxt  # type: ignore[import-untyped]

    app = FakeBitget()

    async def fetch(url: str, method: str = "GET", headers: Any = None, body: Any = None) -> Any:
        target = "/" + url.split("//", 1)[1].partition("/")[2]
        return json.loads(app.respond(Request(method, target, {}, b"")).partition(b"\r\n\r\n")[2])

    ex = ccxt.bitget({"options": {"defaultType": "spot", "fetchMarkets": {"types": ["spot"]}, "uta": False}})
    ex.fetch = fetch
    await ex.load_markets()
    await ex.close()
    return ex


def run(rounds: int) -> dict[str, Any]:
    tickers, candles = tickers_body(), candles_body()
    ex = asyncio.run(_ccxt_markets())
    market = ex.market("BTC/USDT")
    assert len(ex.parse_tickers(json.loads(tickers)["data"])) == 1000
    assert len(ex.parse_ohlcvs(json.loads(candles)["data"], market, "1m")) == 1000
    # name -> (peer, the json.loads case it is compared with, the decode)
    cases: dict[str, tuple[str, str, Callable[[], Any]]] = {
        "tickers: json.loads (dicts)": ("baseline", "tickers: json.loads (dicts)", lambda: json.loads(tickers)),
        "tickers: json.loads + parse_tickers (unified tickers)": (
            "ccxt", "tickers: json.loads (dicts)", lambda: ex.parse_tickers(json.loads(tickers)["data"])),
        "tickers: ClientResponse.json() (str + json.loads)": (
            "pybotters", "tickers: json.loads (dicts)", lambda: json.loads(tickers.decode("utf-8"))),
        "candles: json.loads (dicts)": ("baseline", "candles: json.loads (dicts)", lambda: json.loads(candles)),
        "candles: json.loads + parse_ohlcvs (float rows)": (
            "ccxt", "candles: json.loads (dicts)", lambda: ex.parse_ohlcvs(json.loads(candles)["data"], market, "1m")),
        "candles: ClientResponse.json() (str + json.loads)": (
            "pybotters", "candles: json.loads (dicts)", lambda: json.loads(candles.decode("utf-8"))),
    }
    timed = _time_all({name: fn for name, (_, _, fn) in cases.items()}, rounds)
    results = {
        name: {"peer": peer, **timed[name], "vs_json_loads": timed[name]["median_us"] / timed[base]["median_us"]}
        for name, (peer, base, _) in cases.items()
    }
    return {"rounds": rounds, "results": results}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(json.dumps(run(rounds)), flush=True)


if __name__ == "__main__":
    main()
