"""Which library carries a client's bytes, and how many requests it lets into it at once.

The default is aiohttp on asyncio and httpx on trio; httpx also carries every client that brings
something of httpx's world (a transport, a client, HTTP/2, a proxy object, a respx router).
These run against the simulator served over real loopback HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import anyio
import httpx
import pytest
import respx

from bitget_async import BitgetClient, Limits
from bitget_async._backends._aiohttp import AiohttpBackend
from bitget_async._backends._auto import AutoBackend
from bitget_async._backends._httpx import HTTPX_IN_FLIGHT, HttpxBackend
from bitget_async._client import aiohttp_can_carry
from bitget_async._gate import InFlight
from bitget_async.testing import Simulator

TICKERS = "/api/v2/spot/market/tickers"


@pytest.fixture
async def served() -> AsyncIterator[tuple[Simulator, str]]:
    sim = Simulator(enforce_rate_limits=False)
    async with sim.serve() as url:
        yield sim, url


def carrier(client: BitgetClient) -> object:
    backend = client._transport.backend
    return backend.chosen if isinstance(backend, AutoBackend) else backend


@pytest.mark.anyio
async def test_default_is_aiohttp_on_asyncio_and_httpx_on_trio(
    anyio_backend: str, served: tuple[Simulator, str]
) -> None:
    sim, url = served
    async with BitgetClient(sim.api_key, sim.api_secret, sim.passphrase, base_url=url) as client:
        assert carrier(client) is None  # nothing chosen before the first request
        assets = await client.spot.account.assets(coin="USDT")
        tickers = await client.spot.market.tickers(symbol="BTCUSDT")
        expected = AiohttpBackend if anyio_backend == "asyncio" else HttpxBackend
        assert type(carrier(client)) is expected
        assert client.stats()["routes"]["spot.market.tickers"]["requests"] == 1
    assert assets[0].available == Decimal(100_000)
    assert tickers[0].symbol == "BTCUSDT"
    assert [r.path for r in sim.requests] == ["/api/v2/spot/account/assets", TICKERS]


@pytest.mark.anyio
async def test_httpx_gate_caps_in_flight_whatever_the_pool(anyio_backend: str, served: tuple[Simulator, str]) -> None:
    _, url = served
    big = Limits(max_connections=128, max_keepalive_connections=128)
    async with BitgetClient(base_url=url, limits=big, transport="httpx") as forced:
        assert forced.stats()["max_in_flight"] == HTTPX_IN_FLIGHT
    async with BitgetClient(base_url=url, limits=big) as default:
        assert default.stats()["max_in_flight"] == 128  # nothing chosen yet
        async with anyio.create_task_group() as tg:
            for _ in range(40):
                tg.start_soon(default.spot.market.tickers)
        # aiohttp's connector carries 128 well; httpx (trio) gets the cap on its first request.
        assert default.stats()["max_in_flight"] == (128 if anyio_backend == "asyncio" else HTTPX_IN_FLIGHT)
        assert default.stats()["in_flight"] == 0
    async with BitgetClient(base_url=url, limits=Limits(max_in_flight=3), transport="httpx") as small:
        assert small.stats()["max_in_flight"] == 3  # a smaller gate is kept as asked


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_respx_router_sees_default_clients_calls(anyio_backend: str) -> None:
    body = (
        b'{"code":"00000","msg":"success","requestTime":1,"data":[{"symbol":"BTCUSDT","high24h":"2",'
        b'"open":"1","low24h":"1","lastPr":"1.5","quoteVolume":"0","baseVolume":"0","usdtVolume":"0",'
        b'"bidPr":"0","askPr":"0","bidSz":"0","askSz":"0","openUtc":"1","ts":"1","changeUtc24h":"0",'
        b'"change24h":"0"}]}'
    )
    with respx.mock(assert_all_called=True) as router:
        route = router.get(f"https://api.bitget.com{TICKERS}").mock(return_value=httpx.Response(200, content=body))
        async with BitgetClient() as client:
            tickers = await client.spot.market.tickers(symbol="BTCUSDT")
            assert type(carrier(client)) is HttpxBackend
    assert tickers[0].last_pr == Decimal("1.5")
    assert route.call_count == 1
    assert str(route.calls[0].request.url) == f"https://api.bitget.com{TICKERS}?symbol=BTCUSDT"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"transport": httpx.MockTransport(lambda r: httpx.Response(200))},
        {"transport": "httpx"},
        {"httpx_client": httpx.AsyncClient()},
        {"proxy": httpx.Proxy("http://127.0.0.1:9", auth=("u", "p"))},
    ],
    ids=["mock-transport", "httpx-by-name", "httpx-client", "proxy-object"],
)
def test_httpx_world_stays_on_httpx(kwargs: dict[str, object]) -> None:
    client = BitgetClient(**kwargs)  # type: ignore[arg-type]
    assert type(client._transport.backend) is HttpxBackend


def test_http2_and_socks_are_never_given_to_aiohttp() -> None:
    # Building those httpx clients needs h2 / socksio; which library is asked is the point here.
    with pytest.raises(ImportError, match="h2"):
        BitgetClient(limits=Limits(http2=True))
    with pytest.raises(ImportError, match="socksio"):
        BitgetClient(proxy="socks5://127.0.0.1:9")
    assert (aiohttp_can_carry("socks5://h:1"), aiohttp_can_carry("https://h:1"), aiohttp_can_carry(None)) == (
        False, True, True,
    )


def test_plain_http_proxy_goes_to_aiohttp_by_default() -> None:
    assert type(BitgetClient(proxy="http://127.0.0.1:9")._transport.backend) is AutoBackend
    assert type(BitgetClient(transport="aiohttp")._transport.backend) is AiohttpBackend


# -- the in-flight counter -----------------------------------------------------------------------
@pytest.mark.anyio
async def test_in_flight_hands_slots_over_in_arrival_order() -> None:
    gate = InFlight(2)
    order: list[int] = []
    await gate.acquire()
    await gate.acquire()

    async def waiter(i: int) -> None:
        await gate.acquire()
        order.append(i)

    async with anyio.create_task_group() as tg:
        for i in range(3):
            tg.start_soon(waiter, i)
            await anyio.wait_all_tasks_blocked()
        assert (gate.borrowed, len(gate.waiters)) == (2, 3)
        for _ in range(3):
            gate.release()
            await anyio.wait_all_tasks_blocked()
    assert order == [0, 1, 2]
    assert (gate.borrowed, len(gate.waiters)) == (2, 0)
    gate.release()
    gate.release()
    assert gate.borrowed == 0


@pytest.mark.anyio
@pytest.mark.parametrize("cancel_first", [False, True], ids=["release-then-cancel", "cancel-then-release"])
async def test_in_flight_waiter_cancelled_around_the_handover_passes_the_slot_on(cancel_first: bool) -> None:
    # release-then-cancel: the slot is handed to the first waiter, which is cancelled before it
    # runs.  cancel-then-release: on asyncio its parked future is cancelled already, so the
    # handover must not try to complete it.  Either way the slot goes on to the second waiter.
    gate = InFlight(1)
    await gate.acquire()
    got: list[str] = []

    async def second() -> None:
        await gate.acquire()
        got.append("second")

    async with anyio.create_task_group() as tg:
        first_scope = anyio.CancelScope()
        tg.start_soon(_acquire_in, gate, first_scope, got)
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(second)
        await anyio.wait_all_tasks_blocked()
        if cancel_first:
            first_scope.cancel()
        gate.release()
        if not cancel_first:
            first_scope.cancel()
        await anyio.wait_all_tasks_blocked()
    # Whether the first waiter ran with its slot or was cancelled holding it, the slot went on.
    assert got in (["second"], ["first", "second"])
    assert (gate.borrowed, len(gate.waiters)) == (1, 0)


@pytest.mark.anyio
async def test_in_flight_waiter_cancelled_while_queued_leaves_the_queue() -> None:
    gate = InFlight(1)
    await gate.acquire()
    with anyio.move_on_after(0.01):
        await gate.acquire()
    assert (gate.borrowed, len(gate.waiters)) == (1, 0)
    gate.release()
    assert gate.borrowed == 0


async def _acquire_in(gate: InFlight, scope: anyio.CancelScope, got: list[str]) -> None:
    with scope:
        await gate.acquire()
        got.append("first")
        gate.release()


@pytest.mark.anyio
async def test_in_flight_cap_lowered_under_load_never_strands_a_waiter() -> None:
    gate = InFlight(4)
    for _ in range(4):
        await gate.acquire()
    done: list[int] = []

    async def waiter(i: int) -> None:
        await gate.acquire()
        done.append(i)

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter, 0)
        await anyio.wait_all_tasks_blocked()
        gate.total = 2
        for expected_borrowed in (3, 2):
            gate.release()  # above the new cap: the slot is retired, not handed over
            assert (gate.borrowed, done) == (expected_borrowed, [])
        gate.release()
        await anyio.wait_all_tasks_blocked()
    assert (gate.borrowed, done) == (2, [0])
