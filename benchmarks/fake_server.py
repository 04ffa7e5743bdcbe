"""A loopback fake of the Bitget REST API, fast enough that it is never what a benchmark measures.

Every client under test talks to this one server, so the differences the benchmark reports are
client-side.  It is a bare ``asyncio.Protocol`` (on uvloop when installed) speaking HTTP/1.1
keep-alive, with every response body and header block built once at start-up; per request it
only parses the head, looks the route up in a dict and writes pre-built bytes.

It still checks what matters: every request that carries ``ACCESS-SIGN`` (and every request to
a private route) is verified with Bitget's scheme,
``base64(HMAC-SHA256(secret, timestamp + METHOD + path + ("?" + query) + body))``, over the exact
bytes received, so a client that signs a different query or body than it sends is caught.
Failures answer Bitget's ``40009`` and are counted; ``GET /__stats`` reports the counters and this
process's CPU time so the harness can show the server was not the bottleneck.

Standard library only (uvloop optional): the test suite imports this module.  The payloads live in
``fake_payloads.py`` and the HTTP/1.1 framing in ``fake_http.py``; this module routes and verifies.

Why this is not the package's simulator (``bitget_async.testing``), on purpose:

- *Cost.*  The simulator answers from exchange state: per request it routes, rate-limits,
  validates every parameter, matches orders under a lock and encodes fresh JSON, tens of
  microseconds of Python before the answer.  Here every answer is pre-built bytes, so the server
  stays a small fraction of the run's CPU (``/__stats`` shows it) and the ratios measure clients.
- *Independence.*  The HMAC check below is its own few lines, not ``bitget_async.signing``: a
  signing bug in the package must fail here, not be reproduced by the server checking it.
  Importing nothing from the package also lets peers (ccxt, pybotters ...) be measured against
  the same server without our client's code on the server side.
- *Payloads.*  The market data is random but fixed at start-up (``tickers_body``, ``candles_body``
  ...), not the simulator's deterministic price paths: only its size and shape matter here.
  The simulator's own spot symbol row is the doc's example row with the catalog's facts put in,
  so the constant fields in ``fake_payloads.symbols_body`` are not kept twice in the package.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import os
import random
import resource
import sys
import time
from collections.abc import Callable

from fake_http import HttpParser, Request, http_response
from fake_http import serve as serve_http
from fake_payloads import candles_body, envelope, symbols_body, ticker_dict, tickers_body

__all__ = [
    "API_KEY",
    "API_SECRET",
    "PASSPHRASE",
    "CANDLES",
    "PAGE_ROWS",
    "PLACE_ORDER",
    "TICKERS",
    "FakeBitget",
    "HttpParser",
    "Request",
    "candles_body",
    "serve",
    "symbols_body",
    "ticker_dict",
    "tickers_body",
]

# Benchmark-only credentials: the fake server accepts exactly these.
API_KEY = "bg_bench_key_0123456789abcdef"
API_SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
PASSPHRASE = "bench-passphrase"

MAX_SKEW_MS = 30_000  # Bitget refuses timestamps more than 30 s away from its clock

TICKERS = "/api/v2/spot/market/tickers"
CANDLES = "/api/v2/spot/market/candles"
HISTORY_CANDLES = "/api/v2/spot/market/history-candles"
PLACE_ORDER = "/api/v2/spot/trade/place-order"
SYMBOLS = "/api/v2/spot/public/symbols"
SERVER_TIME = "/api/v2/public/time"
STATS = "/__stats"
# Bitget's page sizes: /candles answers at most 1,000 rows (limit max 1000); /tickers without a
# symbol answers every spot pair (about a thousand).  The adapters assert they got this many.
PAGE_ROWS = 1000
# Paths that must be signed: an unsigned request to one of them is a signature failure.
PRIVATE_PREFIXES = ("/api/v2/spot/trade/", "/api/v2/spot/account/", "/api/v2/mix/order/", "/api/v2/mix/account/")


@dataclasses.dataclass
class Counters:
    requests: int = 0
    signed_ok: int = 0
    signed_bad: int = 0
    not_found: int = 0


class FakeBitget:
    """Routes a request to pre-built response bytes, verifying the signature on the way."""

    def __init__(
        self,
        *,
        secret: str = API_SECRET,
        api_key: str = API_KEY,
        passphrase: str = PASSPHRASE,
        tickers: int = PAGE_ROWS,
        candles: int = PAGE_ROWS,
        clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    ) -> None:
        self._mac = hmac.new(secret.encode(), digestmod=hashlib.sha256)
        self._api_key = api_key
        self._passphrase = passphrase
        self._clock_ms = clock_ms
        self.counters = Counters()
        self.bad_paths: dict[str, int] = {}
        self.unknown_paths: dict[str, int] = {}
        rng = random.Random(1)
        one_ticker = http_response(200, envelope([ticker_dict("BTCUSDT", rng)]))
        candles_resp = http_response(200, candles_body(candles))
        empty = http_response(200, envelope([]))
        # (method, path) -> response, for requests whose query does not change the answer.
        self._fixed: dict[tuple[str, str], bytes] = {
            ("GET", CANDLES): candles_resp,
            ("GET", HISTORY_CANDLES): candles_resp,
            ("GET", SYMBOLS): http_response(200, symbols_body(tickers)),
            ("GET", "/api/v2/spot/public/coins"): empty,
            ("GET", "/api/v2/margin/currencies"): empty,
            ("POST", PLACE_ORDER): http_response(
                200, envelope({"orderId": "1234567890123456789", "clientOid": "bench-order"})
            ),
        }
        self._one_ticker = one_ticker
        self._all_tickers = http_response(200, tickers_body(tickers))
        self._empty = empty
        self._bad_sign = http_response(400, b'{"code":"40009","msg":"sign signature error","requestTime":0,"data":null}')
        self._not_found = http_response(404, b'{"code":"40404","msg":"Request URL NOT FOUND","requestTime":0,"data":null}')
        self._started_wall = time.monotonic()

    # -- signatures -----------------------------------------------------------------------------
    def verify(self, req: Request) -> bool:
        """Does ``ACCESS-SIGN`` match Bitget's prehash of exactly what was received?"""
        h = req.headers
        sign = h.get("access-sign")
        ts = h.get("access-timestamp", "")
        if not sign or h.get("access-key") != self._api_key or h.get("access-passphrase") != self._passphrase:
            return False
        if not ts.isdigit() or abs(int(ts) - self._clock_ms()) > MAX_SKEW_MS:
            return False
        mac = self._mac.copy()
        # The request target is path + "?" + query exactly as sent: Bitget's prehash.
        mac.update(f"{ts}{req.method}{req.target}".encode())
        mac.update(req.body)
        expected = base64.b64encode(mac.digest()).decode("ascii")
        return hmac.compare_digest(expected, sign)

    # -- routing -------------------------------------------------------------------------------
    def respond(self, req: Request) -> bytes:
        path, _, query = req.target.partition("?")
        if path == STATS:
            return http_response(200, self.stats_json())
        c = self.counters
        c.requests += 1
        if "access-sign" in req.headers or path.startswith(PRIVATE_PREFIXES):
            if not self.verify(req):
                c.signed_bad += 1
                self.bad_paths[path] = self.bad_paths.get(path, 0) + 1
                return self._bad_sign
            c.signed_ok += 1
        if req.method == "GET" and path == TICKERS:
            return self._one_ticker if "symbol=" in query else self._all_tickers
        if req.method == "GET" and path == SERVER_TIME:
            return http_response(200, envelope({"serverTime": str(self._clock_ms())}))
        resp = self._fixed.get((req.method, path))
        if resp is not None:
            return resp
        self.unknown_paths[f"{req.method} {path}"] = self.unknown_paths.get(f"{req.method} {path}", 0) + 1
        if req.method == "GET" and path.startswith("/api/v2/"):
            return self._empty  # e.g. market lists a peer library loads that we do not model
        c.not_found += 1
        return self._not_found

    def stats_json(self) -> bytes:
        """Counters plus this process's CPU seconds and a monotonic wall clock (for busy %)."""
        ru = resource.getrusage(resource.RUSAGE_SELF)
        return json.dumps(
            {
                **dataclasses.asdict(self.counters),
                "bad_paths": self.bad_paths,
                "unknown_paths": self.unknown_paths,
                "cpu_s": ru.ru_utime + ru.ru_stime,
                "wall_s": time.monotonic(),
                "pid": os.getpid(),
            }
        ).encode()


async def serve(app: FakeBitget, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Start listening with ``app`` answering; the caller reads the bound port from ``server.sockets``."""
    return await serve_http(app.respond, host, port)


async def _main(port: int) -> None:
    server = await serve(FakeBitget(), port=port)
    bound = server.sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed as 'PORT n')")
    args = parser.parse_args(argv)
    try:
        import uvloop
    except ImportError:
        runner: Callable[..., object] = asyncio.run
    else:
        runner = uvloop.run
    try:
        runner(_main(args.port))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
