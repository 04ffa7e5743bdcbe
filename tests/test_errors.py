"""Responses and failures: the envelope, the code table, non-Bitget bodies, httpx errors.

Each failure is driven through a real ``BitgetClient`` over ``httpx.MockTransport`` so the test
covers the one path a caller sees: backend -> codec -> typed exception.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from helpers import Recorder, make_client

import bitget_async
from bitget_async import (
    APIError,
    AuthenticationError,
    BitgetClient,
    BitgetError,
    ConnectError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TimeoutError,
    TransportError,
)
from bitget_async._codec import ResponseCodec
from bitget_async._error_codes import CODE_TABLE, error_class_for

NOW = 1_700_000_000_000
PATH = "/api/v2/test/thing"
NO_RETRY = RetryPolicy(max_attempts=1)
FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base=0.0, jitter=0.0)


def client_for(server: Recorder, *, retry: RetryPolicy = NO_RETRY, signed: bool = False) -> BitgetClient:
    keys = {"api_key": "bg_key_0001", "api_secret": "sec-0001", "passphrase": "pass-0001"} if signed else {}
    return make_client(server, signed=False, retry=retry, **keys)


async def call(answer: Callable[[httpx.Request], httpx.Response], method: str = "GET") -> Any:
    async with client_for(Recorder(answer)) as client:
        return await client.request(method, PATH, auth=False)


async def fail(answer: Callable[[httpx.Request], httpx.Response], method: str = "GET") -> BitgetError:
    with pytest.raises(BitgetError) as info:
        await call(answer, method)
    return info.value


def no_traceback_chain(err: BaseException) -> bool:
    """No decode/httpx exception printed under ours: no cause, and any context suppressed."""
    return err.__cause__ is None and (err.__context__ is None or err.__suppress_context__)


def reply(status: int, content: bytes | str, headers: dict[str, str] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, content=content, headers=headers)


# -- success envelope ---------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("request_time", [b"1700000000000", b'"1700000000000"', b"null"])
async def test_success_returns_data_for_any_request_time_form(request_time: bytes) -> None:
    body = b'{"code":"00000","msg":"success","requestTime":' + request_time + b',"data":{"price":"0.1","n":2}}'
    assert await call(reply(200, body)) == {"price": "0.1", "n": 2}


@pytest.mark.anyio
async def test_success_with_null_data_and_untyped_numbers_stay_exact() -> None:
    assert await call(reply(200, b'{"code":"00000","msg":"success","requestTime":1,"data":null}')) is None
    got = await call(reply(200, b'{"code":"00000","msg":"success","requestTime":1,"data":[0.1,1e-7]}'))
    assert got == [Decimal("0.1"), Decimal("1e-7")]


@pytest.mark.parametrize("request_time", [b"1700000000000", b'"1700000000000"'])
def test_error_request_time_number_or_string(request_time: bytes) -> None:
    body = b'{"code":"40001","msg":"bad","requestTime":' + request_time + b',"data":null}'
    with pytest.raises(APIError) as info:
        ResponseCodec(Any).decode(body, status=400, method="GET", path=PATH)
    assert info.value.request_time == 1_700_000_000_000


def test_typed_success_decodes_request_time_string() -> None:
    codec: ResponseCodec[bitget_async.models.PublicTime] = ResponseCodec(bitget_async.models.PublicTime)
    got = codec.decode(b'{"code":"00000","msg":"success","requestTime":"1700000000001","data":{"serverTime":"5"}}')
    assert got.server_time == 5


def test_success_data_of_the_wrong_shape_is_response_decode_error() -> None:
    codec: ResponseCodec[bitget_async.models.PublicTime] = ResponseCodec(bitget_async.models.PublicTime)
    body = b'{"code":"00000","msg":"success","requestTime":1,"data":[{"serverTime":"5"}]}'
    with pytest.raises(bitget_async.ResponseDecodeError) as info:
        codec.decode(body, method="GET", path="/api/v2/public/time")
    assert info.value.code == "DECODE"
    assert info.value.msg == (
        "response data did not match PublicTime: Expected `object | null`, got `array` - at `$.data`"
    )
    assert info.value.body == body
    assert info.value.__cause__ is None


def test_success_text_that_is_no_number_reads_none() -> None:
    """Only the shape of an answer can fail it: "soon" in a timestamp is no value, not an error."""
    codec: ResponseCodec[bitget_async.models.PublicTime] = ResponseCodec(bitget_async.models.PublicTime)
    body = b'{"code":"00000","msg":"success","requestTime":1,"data":{"serverTime":"soon"}}'
    assert codec.decode(body).server_time is None


@pytest.mark.parametrize(
    ("tp", "name"),
    [(list[bitget_async.models.PublicTime], "list[PublicTime]"),
     (bitget_async.models.PublicTime | None, "PublicTime | None"),
     (dict[str, list[int]], "dict[str, list[int]]")],
)
def test_decode_error_names_generic_types_in_full(tp: Any, name: str) -> None:
    with pytest.raises(bitget_async.ResponseDecodeError) as info:
        ResponseCodec(tp).decode(b'{"code":"00000","msg":"success","requestTime":1,"data":7}')
    assert info.value.msg.startswith(f"response data did not match {name}: ")


# -- the code table -----------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(("code", "cls"), sorted(CODE_TABLE.items()), ids=sorted(CODE_TABLE))
async def test_each_code_maps_to_its_class(code: str, cls: type[APIError]) -> None:
    body = msgspec.json.encode({"code": code, "msg": f"msg {code}", "requestTime": NOW, "data": None})
    err = await fail(reply(400, body))
    assert type(err) is cls
    assert isinstance(err, APIError)
    assert (err.code, err.msg, err.http_status, err.method, err.path) == (code, f"msg {code}", 400, "GET", PATH)
    assert err.request_time == NOW


def test_issue_codes_are_in_the_table() -> None:
    expected = {
        "40006": bitget_async.AuthenticationError,
        "40009": bitget_async.AuthenticationError,
        "40012": bitget_async.AuthenticationError,
        "40005": bitget_async.TimestampError,
        "40008": bitget_async.TimestampError,
        "40099": bitget_async.DemoEnvironmentError,
        "40404": bitget_async.NotFoundError,
        "40762": bitget_async.InsufficientBalanceError,
        "43012": bitget_async.InsufficientBalanceError,
        "40764": bitget_async.PositionNotFoundError,
        "45110": bitget_async.MinimumAmountError,
        "40001": bitget_async.AuthenticationError,
        "400171": bitget_async.InvalidParameterError,
    }
    assert {code: CODE_TABLE[code] for code in expected} == expected


@pytest.mark.anyio
async def test_unknown_code_is_plain_api_error_with_the_code() -> None:
    err = await fail(reply(400, b'{"code":"99999","msg":"something new","requestTime":"1700000000000","data":null}'))
    assert type(err) is APIError
    assert (err.code, err.msg, err.http_status, err.request_time) == ("99999", "something new", 400, NOW)
    assert str(err) == f"[99999] something new (HTTP 400 GET {PATH})"


@pytest.mark.anyio
async def test_error_on_http_200_and_message_spelling() -> None:
    err = await fail(reply(200, b'{"code":"40404","message":"Request URL NOT FOUND","requestTime":1}'))
    assert type(err) is NotFoundError
    assert (err.code, err.msg, err.http_status, err.request_time) == ("40404", "Request URL NOT FOUND", 200, 1)


@pytest.mark.parametrize(
    ("status", "cls"),
    [(429, RateLimitError), (401, AuthenticationError), (403, AuthenticationError), (404, NotFoundError),
     (500, ServerError), (502, ServerError), (503, ServerError), (400, APIError), (418, APIError)],
)
def test_http_status_fallback_for_unknown_codes(status: int, cls: type[APIError]) -> None:
    assert error_class_for("77777", status) is cls
    assert error_class_for("", status) is cls


# -- HTTP status and non-Bitget bodies ------------------------------------------------------------


@pytest.mark.anyio
async def test_http_429_is_rate_limit_error_with_retry_after() -> None:
    err = await fail(reply(429, b'{"code":"429","msg":"Too Many Requests","requestTime":1,"data":null}', {"Retry-After": "3"}))
    assert type(err) is RateLimitError
    assert (err.code, err.http_status, err.retry_after) == ("429", 429, 3.0)


@pytest.mark.anyio
async def test_http_429_with_non_json_body_is_rate_limit_error() -> None:
    err = await fail(reply(429, b"<html>slow down</html>"))
    assert type(err) is RateLimitError
    assert (err.code, err.http_status) == ("HTTP429", 429)
    assert err.msg == "non-JSON response: '<html>slow down</html>'"


@pytest.mark.anyio
@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_html_is_server_error_with_status_and_first_200_chars(status: int) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>" + "é" * 300 + "</body></html>"
    err = await fail(reply(status, page.encode("utf-8"), {"Content-Type": "text/html"}))
    assert type(err) is ServerError
    assert (err.code, err.http_status, err.method, err.path) == (f"HTTP{status}", status, "GET", PATH)
    assert err.msg == f"non-JSON response: {page[:200]!r}"
    assert len(page[:200]) == 200 and "é" * 145 in err.msg and "é" * 146 not in err.msg
    assert no_traceback_chain(err)


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "cls"), [(200, ServerError), (500, ServerError), (502, ServerError), (400, APIError)])
async def test_empty_body(status: int, cls: type[APIError]) -> None:
    err = await fail(reply(status, b""))
    assert type(err) is cls
    assert (err.code, err.msg, err.http_status) == (f"HTTP{status}", "empty response body", status)


@pytest.mark.anyio
@pytest.mark.parametrize("body", [b"OK", b"<html>proxy</html>", b"[1, 2", b"\xff\xfe garbage"])
async def test_non_json_200_is_server_error_not_a_decode_traceback(body: bytes) -> None:
    err = await fail(reply(200, body))
    assert type(err) is ServerError
    assert err.http_status == 200
    assert err.msg == f"non-JSON response: {body.decode('utf-8', 'replace')!r}"
    assert no_traceback_chain(err)


@pytest.mark.anyio
async def test_json_that_is_not_an_envelope() -> None:
    err = await fail(reply(200, b'["not", "an", "envelope"]'))
    assert type(err) is ServerError
    assert err.http_status == 200


@pytest.mark.anyio
async def test_error_carries_request_data_for_a_signed_post() -> None:
    server = Recorder(reply(400, b'{"code":"43012","msg":"Insufficient balance","requestTime":"1700000000002","data":null}'))
    async with client_for(server, signed=True) as client:
        with pytest.raises(bitget_async.InsufficientBalanceError) as info:
            await client.spot.trade.cancel_order(symbol="BTCUSDT", client_oid="my-oid")
    err = info.value
    assert (err.code, err.msg, err.http_status, err.method, err.path, err.request_time) == (
        "43012", "Insufficient balance", 400, "POST", "/api/v2/spot/trade/cancel-order", 1_700_000_000_002
    )
    assert err.client_oid == "my-oid"
    assert repr(err) == (
        "InsufficientBalanceError(code='43012', msg='Insufficient balance', http_status=400, method='POST', "
        "path='/api/v2/spot/trade/cancel-order', request_time=1700000000002, client_oid='my-oid')"
    )
    assert len(server.requests) == 1


# -- httpx exceptions: translated once -----------------------------------------------------------


def raising(exc_type: type[httpx.RequestError], message: str = "boom") -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise exc_type(message, request=request)

    return answer


HTTPX_MAP: list[tuple[type[httpx.RequestError], type[TransportError], bool, str]] = [
    # Edge 8: the host and httpx's reason, not only the class name.
    (httpx.ConnectError, ConnectError, False, "could not connect to api.bitget.com: ConnectError: boom"),
    (httpx.ConnectTimeout, TimeoutError, False, "could not connect to api.bitget.com: ConnectTimeout: boom"),
    (httpx.PoolTimeout, TimeoutError, False, "could not connect to api.bitget.com: PoolTimeout: boom"),
    (httpx.ReadTimeout, TimeoutError, True, "ReadTimeout after sending"),
    (httpx.WriteTimeout, TimeoutError, True, "WriteTimeout after sending"),
    (httpx.RemoteProtocolError, NetworkError, True, "connection failed after sending: RemoteProtocolError: boom"),
    (httpx.ReadError, NetworkError, True, "connection failed after sending: ReadError: boom"),
    (httpx.WriteError, NetworkError, True, "connection failed after sending: WriteError: boom"),
    (httpx.DecodingError, NetworkError, True, "connection failed after sending: DecodingError: boom"),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("httpx_exc", "cls", "sent", "message"), HTTPX_MAP, ids=[m[0].__name__ for m in HTTPX_MAP])
async def test_httpx_errors_are_translated(
    httpx_exc: type[httpx.RequestError], cls: type[TransportError], sent: bool, message: str
) -> None:
    for method in ("GET", "POST"):
        err = await fail(raising(httpx_exc), method)
        assert type(err) is cls
        assert (str(err), err.request_sent, err.method, err.path) == (message, sent, method, PATH)
        assert no_traceback_chain(err)
        assert not isinstance(err, httpx.HTTPError)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("httpx_exc", "attempts"),
    [(httpx.ReadTimeout, 1), (httpx.WriteTimeout, 1), (httpx.RemoteProtocolError, 1), (httpx.ReadError, 1),
     (httpx.ConnectError, 3), (httpx.ConnectTimeout, 3)],
)
async def test_post_write_is_not_retried_once_sent(httpx_exc: type[httpx.RequestError], attempts: int) -> None:
    server = Recorder(raising(httpx_exc))
    async with client_for(server, retry=FAST_RETRY, signed=True) as client:
        with pytest.raises(TransportError) as info:
            await client.spot.trade.cancel_order(symbol="BTCUSDT", order_id="1")
    # Sent writes may have executed: exactly one attempt.  Unsent ones are safe to retry.
    assert len(server.requests) == attempts
    assert info.value.request_sent is (attempts == 1)
    assert {r.content for r in server.requests} == {b'{"symbol":"BTCUSDT","orderId":"1"}'}


@pytest.mark.anyio
async def test_raw_post_write_is_not_retried_after_a_read_timeout() -> None:
    server = Recorder(raising(httpx.ReadTimeout))
    async with client_for(server, retry=FAST_RETRY, signed=True) as client:
        with pytest.raises(TimeoutError):
            await client.request("POST", "/api/v2/test/write", body={"a": "1"})
    assert len(server.requests) == 1


@pytest.mark.anyio
async def test_get_read_is_retried_after_a_read_timeout() -> None:
    server = Recorder(raising(httpx.ReadTimeout))
    async with client_for(server, retry=FAST_RETRY) as client:
        with pytest.raises(TimeoutError):
            await client.spot.market.tickers()
    assert len(server.requests) == 3


class _HttpxCatchers(ast.NodeVisitor):
    """Collects the class enclosing every ``except httpx.…`` clause of one module."""

    def __init__(self) -> None:
        self.owner = "<module>"
        self.found: set[str] = set()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer, self.owner = self.owner, node.name
        self.generic_visit(node)
        self.owner = outer

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None and "httpx." in ast.unparse(node.type):
            self.found.add(self.owner)
        self.generic_visit(node)


def test_httpx_exceptions_are_caught_in_one_place_only() -> None:
    catchers: set[tuple[str, str]] = set()
    for source in sorted(Path(bitget_async.__file__).parent.rglob("*.py")):
        visitor = _HttpxCatchers()
        visitor.visit(ast.parse(source.read_text(encoding="utf-8")))
        catchers |= {(source.name, owner) for owner in visitor.found}
    assert catchers == {("_httpx.py", "HttpxBackend")}
