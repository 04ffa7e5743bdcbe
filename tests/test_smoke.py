from __future__ import annotations

import httpx
import pytest

import bitget_async


@pytest.mark.anyio
async def test_public_call_without_credentials() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == "https://api.bitget.com/api/v2/public/time"
        return httpx.Response(200, json={"code": "00000", "msg": "success", "requestTime": 1, "data": {"serverTime": "1700000000123"}})

    async with bitget_async.BitgetClient(transport=httpx.MockTransport(handler)) as client:
        data = await client.public.time()
    assert data.server_time == 1700000000123
