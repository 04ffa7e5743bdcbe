"""Helpers shared by the retries tests (moved from test_retries.py when it was split)."""

from __future__ import annotations

from typing import Any

import httpx

from bitget_async import (
    BitgetClient,
    Limits,
    LocalRateLimiter,
    RateLimits,
    RetryPolicy,
)

API_KEY = "bg_0123456789abcdef"
API_SECRET = "s3cr3t-value-never-printed"
PASSPHRASE = "pass-phrase-never-printed"
OK = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'
OK_TRANSFER = b'{"code":"00000","msg":"success","requestTime":1,"data":{"transferId":"77","clientOid":""}}'
TOO_MANY = b'{"code":"429","msg":"Too Many Requests","requestTime":1,"data":null}'
FAST = RetryPolicy(max_attempts=3, backoff_base=0.0, jitter=0.0)
IP_TICKERS = "spot.market.tickers|ip:api.bitget.com"

Step = httpx.Response | type[Exception]


class StepClock:
    """Monotonic seconds that jump forward when slept on (one task, no real waiting)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Script:
    """The fake server: answers request k with step k (the last step repeats)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        step = self.steps[min(len(self.requests), len(self.steps) - 1)]
        self.requests.append(request)
        if isinstance(step, httpx.Response):
            return step
        raise step("injected", request=request)  # type: ignore[call-arg]


def client_for(
    script: Script,
    *,
    retry: RetryPolicy = FAST,
    clock: StepClock | None = None,
    limits: Limits | None = None,
    **rate: Any,
) -> BitgetClient:
    clock = clock or StepClock()
    return BitgetClient(
        api_key=API_KEY,
        api_secret=API_SECRET,
        passphrase=PASSPHRASE,
        transport=httpx.MockTransport(script),
        retry=retry,
        rate_limits=RateLimits(limiter=LocalRateLimiter(clock=clock, sleep=clock.sleep), margin=0.0, **rate),
        limits=limits or Limits(),
        clock=lambda: 1_700_000_000_000,
    )


def status(code: int, body: bytes = b"<html>bad gateway</html>", **headers: str) -> httpx.Response:
    return httpx.Response(code, content=body, headers=headers)


async def transfer(client: BitgetClient, **kw: Any) -> Any:
    return await client.spot.wallet.transfer(from_type="spot", to_type="usdt_futures", amount="10", coin="USDT", **kw)
