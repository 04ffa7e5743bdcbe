"""Shared pieces of the RedisRateLimiter tests: what a window holds in Redis, bounded calls."""

from __future__ import annotations

import anyio
from _redis_server import RedisServer

from bitget_async import BitgetClient, BitgetError

TICKERS = "/api/v2/spot/market/tickers"
ASSETS = "/api/v2/spot/account/assets"


def zscores(server: RedisServer, name: str) -> list[int]:
    """The instants (µs of Redis TIME) a window's sorted set holds, ascending."""
    return [int(s) for _m, s in server.sync().zrange(name, 0, -1, withscores=True)]


async def calls(client: BitgetClient, n: int) -> list[object]:
    """n sequential calls, each bounded in time: a hang fails the test instead of stalling it."""
    out: list[object] = []
    for _ in range(n):
        try:
            with anyio.fail_after(5):
                out.append(await client.spot.market.tickers())
        except BitgetError as exc:
            out.append(exc)
    return out
