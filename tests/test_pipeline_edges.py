"""The request pipeline's edges, each reproduced on ``httpx.MockTransport`` (or the simulator).

Every test here failed before the pipeline was rebuilt: untyped exceptions, answers that lost an
order, headers that wedged a route, calls with no total deadline.
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from helpers import CREDS, envelope_bytes, make_client

import bitget_async
from bitget_async import (
    BitgetClient,
    BitgetError,
    ConfigurationError,
    OrderStateUnknownError,
    RateLimits,
    RetryPolicy,
    TimeoutError,
    ValidationError,
)
from bitget_async.testing import Simulator

NOW_MS = 1_700_000_000_000
ROOT = Path(__file__).resolve().parent.parent
ORDER_INFO_ROW = json.loads((ROOT / "spec" / "schemas-spot.json").read_text())["/api/v2/spot/trade/orderInfo"][
    "example_response"
]["data"][0]
FAST = RetryPolicy(max_attempts=3, backoff_base=0.0, jitter=0.0, lookup_attempts=2, lookup_delay=0.0)


def client_on(handler: Any, **kwargs: Any) -> BitgetClient:
    kwargs.setdefault("retry", FAST)
    return make_client(handler, **kwargs)


async def spot_order(client: BitgetClient, **kw: Any) -> Any:
    return await client.spot.trade.place_order(
        symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="30000.1", size="0.001", **kw
    )


class Book:
    """Placements answered by a script; lookups answered from what was really placed."""

    def __init__(self, *answers: Any, visible_after: int = 0) -> None:
        self.answers = list(answers)
        self.placed: dict[str, dict[str, Any]] = {}
        self.placements: list[dict[str, Any]] = []
        self.lookups = 0
        self.visible_after = visible_after  # lookups that miss a placed order (visibility lag)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/orderInfo"):
            self.lookups += 1
            oid = request.url.params["clientOid"]
            order = self.placed.get(oid)
            if order is None or self.lookups <= self.visible_after:
                return httpx.Response(200, content=envelope_bytes([]))
            row = {**ORDER_INFO_ROW, **order, "orderId": "4242", "clientOid": oid}
            return httpx.Response(200, content=envelope_bytes([row]))
        body = json.loads(request.content)
        self.placements.append(body)
        answer = self.answers.pop(0) if self.answers else "ok"
        if answer == "unplaced":
            raise httpx.ReadTimeout("timed out", request=request)
        self.placed[body["clientOid"]] = {k: body[k] for k in ("symbol", "side", "orderType", "size", "price")}
        if answer == "ok":
            return httpx.Response(200, content=envelope_bytes({"orderId": "4242", "clientOid": body["clientOid"]}))
        if answer == "lost":
            raise httpx.ReadTimeout("timed out", request=request)
        assert isinstance(answer, bytes)
        return httpx.Response(200, content=answer)


# -- edge 2: answers that do not prove the order exists ----------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize(
    "answer",
    [envelope_bytes(None), b'{"code":"00000","msg":"success","data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"],
    ids=["data-null", "100k-deep"],
)
async def test_success_without_a_usable_order_is_settled_by_lookup(answer: bytes) -> None:
    book = Book(answer)
    async with client_on(book) as client:
        placed = await spot_order(client, client_oid="n-1")
    assert (placed.order_id, placed.client_oid) == ("4242", "n-1")
    assert (len(book.placements), book.lookups) == (1, 1)


@pytest.mark.anyio
async def test_batch_success_with_data_null_is_settled_item_by_item() -> None:
    book = Book(envelope_bytes(None))

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch-orders"):
            body = json.loads(request.content)
            book.placements.append(body)
            for item in body["orderList"]:
                book.placed[item["clientOid"]] = {"symbol": body["symbol"], **item}
            return httpx.Response(200, content=envelope_bytes(None))
        return book(request)

    items = [{"side": "buy", "order_type": "limit", "force": "gtc", "price": "1", "size": "1", "client_oid": "b-1"}]
    async with client_on(handler) as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=items)
    assert [(s.order_id, s.client_oid) for s in result.success_list] == [("4242", "b-1")]
    assert result.failure_list == []


# -- edge 3: once sent, an order call ends in the order, a rejection, or OrderStateUnknownError ---
@pytest.mark.anyio
async def test_visibility_lag_is_covered_by_repeated_lookups() -> None:
    book = Book("lost", visible_after=1)  # the first lookup misses the order that exists
    async with client_on(book) as client:
        placed = await spot_order(client)
    assert placed.order_id == "4242"
    assert (len(book.placements), book.lookups) == (1, 2)  # found on the second look, never re-sent


@pytest.mark.anyio
async def test_late_execution_on_the_last_attempt_is_unknown_not_a_timeout() -> None:
    # Every attempt times out; the exchange places the last one after our lookups gave up.
    book = Book("unplaced", "unplaced", "unplaced")
    async with client_on(book) as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, client_oid="late-2")
    assert info.value.client_oid == "late-2"
    assert isinstance(info.value.__cause__, TimeoutError)
    assert len(book.placements) == 3  # one budget: three sends, not 3 x 3


@pytest.mark.anyio
async def test_one_attempt_budget_counts_every_send_of_an_order() -> None:
    sends = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal sends
        if request.url.path.endswith("/orderInfo"):
            return httpx.Response(200, content=envelope_bytes([]))
        sends += 1
        raise httpx.ConnectError("refused", request=request)  # nothing sent: retryable

    async with client_on(handler) as client:
        with pytest.raises(bitget_async.ConnectError):
            await spot_order(client)
    assert sends == FAST.max_attempts


# -- edge 4: Retry-After cannot wedge a route ----------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize("header", ["inf", "1e9"])
async def test_retry_after_inf_does_not_wedge_later_calls(header: str) -> None:
    answers = [httpx.Response(429, headers={"Retry-After": header}, content=b'{"code":"429","msg":"Too Many"}')]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop() if answers else httpx.Response(200, content=envelope_bytes([]))

    policy = RetryPolicy(max_attempts=2, max_retry_after=0.05)
    async with client_on(handler, retry=policy, rate_limits=RateLimits()) as client:
        with anyio.fail_after(5):
            assert await client.spot.market.tickers() == []
            assert await client.spot.market.tickers() == []


# -- edge 5: a total deadline per call, on any transport ---------------------------------------------
class Trickle(httpx.AsyncByteStream):
    """One byte every 0.5 s: every single read is fast, the whole body never comes."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for byte in envelope_bytes([]):
            await anyio.sleep(0.5)
            yield bytes([byte])


@pytest.mark.anyio
async def test_a_trickling_body_is_cut_off_by_the_attempt_deadline() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Trickle())

    async with client_on(handler, timeout=0.4, retry=RetryPolicy(max_attempts=1)) as client:
        started = time.monotonic()
        with pytest.raises(TimeoutError) as info:
            await client.spot.market.tickers()
    assert info.value.request_sent is True
    assert "no complete answer within 0.4s" in str(info.value)
    assert time.monotonic() - started < 5


@pytest.mark.anyio
async def test_per_call_timeout_bounds_the_whole_call_on_the_simulator() -> None:
    sim = Simulator()
    sim.faults.latency_s = 2.0
    async with sim.client() as client:
        started = time.monotonic()
        with pytest.raises(TimeoutError) as info:
            await client.spot.market.tickers(symbol="BTCUSDT", timeout=0.3)
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert "the call's timeout of 0.3s was reached" in str(info.value)


@pytest.mark.anyio
async def test_client_timeout_bounds_each_attempt_on_the_simulator() -> None:
    sim = Simulator()
    sim.faults.latency_s = 2.0
    async with sim.client(timeout=0.3, retry=RetryPolicy(max_attempts=1)) as client:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await client.spot.market.tickers(symbol="BTCUSDT")
    assert time.monotonic() - started < 1.5


@pytest.mark.anyio
async def test_an_order_cut_off_by_its_deadline_after_sending_is_unknown() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(5)
        return httpx.Response(200, content=envelope_bytes({"orderId": "1", "clientOid": "d-1"}))

    async with client_on(handler) as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, client_oid="d-1", timeout=0.2)
    assert info.value.client_oid == "d-1"


# -- edge 6: every failure is a BitgetError; bad configuration fails at construction -----------------
@pytest.mark.anyio
async def test_raw_batch_with_a_dict_order_list_is_refused_before_sending() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    async with client_on(handler) as client:
        with pytest.raises(ValidationError) as info:
            await client.request("POST", "/api/v2/spot/trade/batch-orders", body={"symbol": "BTCUSDT", "orderList": {"a": 1}})
    assert info.value.param == "orderList"
    assert sent == []


@pytest.mark.anyio
async def test_a_70kb_query_value_is_a_validation_error() -> None:
    async with client_on(lambda r: httpx.Response(200, content=envelope_bytes([]))) as client:
        with pytest.raises(ValidationError, match=r"query string of \d+ bytes exceeds 8192 \(longest parameter 'symbol'\)"):
            await client.spot.market.tickers(symbol="A" * 70_000)
        with pytest.raises(ValidationError):
            await client.request("GET", "/api/v2/spot/market/tickers", params={"symbol": "B" * 70_000})


@pytest.mark.parametrize("locale", ["de-DÜ", "x\r\ny", "", "en US"])
def test_bad_locale_fails_at_construction(locale: str) -> None:
    with pytest.raises(ConfigurationError, match="locale must look like"):
        BitgetClient(locale=locale)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"headers": {"X-Bad": "a\r\nb"}}, "printable ASCII without line breaks"),
        ({"headers": {"Bad Name": "v"}}, "is not an HTTP token"),
        ({"timeout": 0}, "timeout must be seconds > 0"),
        ({"transport": "curl"}, "transport must be"),
        ({"retry": 3}, "retry must be a bitget_async.RetryPolicy"),
        ({"base_url": "ftp://x"}, "base_url must start with"),
    ],
)
def test_bad_configuration_is_a_configuration_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        BitgetClient(**kwargs)
    assert isinstance(info.value, BitgetError) and isinstance(info.value, ValueError)


def test_bad_policies_are_configuration_errors() -> None:
    for kwargs in ({"max_attempts": 0}, {"max_attempts": "2"}, {"max_retry_after": float("inf")}, {"lookup_attempts": 0}):
        with pytest.raises(ConfigurationError):
            RetryPolicy(**kwargs)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("kwargs", "param"),
    [({"retries": -1}, "retries"), ({"retries": "2"}, "retries"), ({"retries": True}, "retries"),
     ({"timeout": -1}, "timeout"), ({"timeout": float("nan")}, "timeout"), ({"max_wait": "1"}, "max_wait"),
     ({"wait": "yes"}, "wait"), ({"headers": {"h": "\n"}}, "headers")],
)
async def test_bad_per_call_options_are_validation_errors(kwargs: dict[str, Any], param: str) -> None:
    sent: list[httpx.Request] = []
    async with client_on(lambda r: sent.append(r) or httpx.Response(200, content=envelope_bytes([]))) as client:
        with pytest.raises(ValidationError) as info:
            await client.spot.market.tickers(**kwargs)
        assert info.value.param == param
        with pytest.raises(ValidationError):
            await client.request("GET", "/api/v2/spot/market/tickers", **kwargs)
    assert sent == []


# -- edge 7: the clock re-sync request is a request like any other ------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize("first_time_answer", [429, 502])
async def test_time_resync_after_40008_is_retried(first_time_answer: int) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/api/v2/public/time":
            if calls.count("/api/v2/public/time") == 1:
                return httpx.Response(first_time_answer, content=b'{"code":"429","msg":"busy"}')
            return httpx.Response(200, content=envelope_bytes({"serverTime": str(NOW_MS + 5_000)}))
        if calls.count(request.url.path) == 1:
            return httpx.Response(400, content=envelope_bytes(None, code="40008"))
        return httpx.Response(200, content=envelope_bytes([]))

    async with client_on(handler) as client:
        assert await client.spot.account.assets() == []
        assert client.time_offset_ms == 5_000
    assert calls == ["/api/v2/spot/account/assets", "/api/v2/public/time", "/api/v2/public/time",
                     "/api/v2/spot/account/assets"]


# -- what users expect: headers, proxies, signatures --------------------------------------------------
@pytest.mark.anyio
async def test_user_agent_and_client_and_call_headers_reach_the_wire() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return httpx.Response(200, content=envelope_bytes([]))
        return httpx.Response(200, content=envelope_bytes({"orderId": "1", "clientOid": "h-1"}))

    async with client_on(handler, headers={"X-CHANNEL-API-CODE": "brk1"}) as client:
        await client.spot.market.tickers()
        await spot_order(client, client_oid="h-1", headers={"X-CHANNEL-API-CODE": "brk2", "X-Trace": "t"})
        await client.request("GET", "/api/v2/spot/market/tickers", headers={"user-agent": "mine/1"})
    public, order, raw = seen
    assert public.headers["User-Agent"] == f"bitget-async/{bitget_async.__version__}"
    assert public.headers["X-CHANNEL-API-CODE"] == "brk1"
    assert (order.headers["X-CHANNEL-API-CODE"], order.headers["X-Trace"]) == ("brk2", "t")
    assert order.headers["ACCESS-KEY"] == CREDS["api_key"]  # signing headers always win
    assert raw.headers.get_list("user-agent") == ["mine/1"]


@pytest.mark.anyio
async def test_proxy_setting_reaches_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    client = BitgetClient(proxy="http://127.0.0.1:9")  # nothing listens on the discard port
    async with client:
        with pytest.raises(bitget_async.ConnectError) as info:
            await client.spot.market.tickers(retries=0)
    assert "could not connect to api.bitget.com" in str(info.value)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    async with BitgetClient(trust_env=True) as from_env:
        with pytest.raises(bitget_async.ConnectError):
            await from_env.spot.market.tickers(retries=0)


def test_endpoints_show_their_real_signature() -> None:
    client = BitgetClient()
    sig = inspect.signature(client.mix.order.place_order)
    assert list(sig.parameters)[:3] == ["symbol", "product_type", "margin_mode"]
    assert sig.parameters["size"].annotation == Decimal | str | int
    assert sig.parameters["price"].default is bitget_async.UNSET
    assert {"timeout", "headers", "retries"} <= set(sig.parameters)
    assert sig.return_annotation is bitget_async.models.MixPlaceOrder
    assert inspect.isroutine(client.mix.order.place_order)  # so help() renders the signature
