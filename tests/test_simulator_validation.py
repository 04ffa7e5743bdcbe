"""The simulator checks parameters with the client's own route table (``Param.encode``): a value is
refused on the exchange side exactly when the client refuses it, in Bitget's words (40019/40020)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bitget_async._errors import ValidationError
from bitget_async._routes import find_route
from bitget_async.testing import Simulator

CANDLES = "/api/v2/spot/market/candles"
LIMIT = next(p for p in find_route("GET", CANDLES).params if p.wire == "limit")


async def _code(sim: Simulator, query: dict[str, str]) -> tuple[int, str]:
    async with httpx.AsyncClient(transport=sim.transport(), base_url="https://api.bitget.com") as http:
        response = await http.get(CANDLES, params=query)
    return response.status_code, response.json()["code"]


@pytest.mark.anyio
@pytest.mark.parametrize("limit", ["1_000", "1e2", " 10", "١٢", "10.5", "-"])
async def test_malformed_numbers_refused_like_the_client(limit: str) -> None:
    with pytest.raises(ValidationError):
        LIMIT.encode(limit, "candles")
    assert await _code(Simulator(), {"symbol": "BTCUSDT", "granularity": "1min", "limit": limit}) == (400, "40020")


@pytest.mark.anyio
async def test_enum_any_letter_case_and_exact_case_first() -> None:
    sim = Simulator()
    assert await _code(sim, {"symbol": "BTCUSDT", "granularity": "1MIN"}) == (200, "00000")
    assert await _code(sim, {"symbol": "BTCUSDT", "granularity": "1Min", "limit": "10"}) == (200, "00000")
    assert await _code(sim, {"symbol": "BTCUSDT", "granularity": "2min"}) == (400, "40020")
    assert await _code(sim, {"symbol": "BTCUSDT", "granularity": ""}) == (400, "40019")


@pytest.mark.anyio
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.text(alphabet="0123456789._-e +", min_size=1, max_size=6))
@example(limit="0.")  # an integer by the table's format: the handler must read it as one too
@example(limit="10.0")
@example(limit="1_0")
async def test_simulator_refuses_exactly_what_the_client_refuses(limit: str) -> None:
    try:
        LIMIT.encode(limit, "candles")
        client_ok = True
    except ValidationError:
        client_ok = False
    status, code = await _code(Simulator(), {"symbol": "BTCUSDT", "granularity": "1min", "limit": limit})
    assert (code == "00000") is client_ok, (limit, status, code)
    assert code in ("00000", "40020")
