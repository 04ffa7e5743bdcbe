"""Stream configuration, hosts, the login frame (golden signature), budgets and secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import json

import pytest
from stream_helpers import FAST

from bitget_async import BitgetClient, MissingCredentialsError, StreamAuthError, StreamConfig, ValidationError
from bitget_async._config import Credentials
from bitget_async.stream import StreamClient
from bitget_async.stream._limits import SlidingWindow
from bitget_async.testing import Simulator

SECRET, PASSPHRASE = "s3cr3t-value-xyz", "pass-phrase-123"


def test_hosts_live_demo_and_custom() -> None:
    cfg = StreamConfig()
    assert cfg.endpoint(False, False) == "wss://ws.bitget.com/v2/ws/public"
    assert cfg.endpoint(True, False) == "wss://ws.bitget.com/v2/ws/private"
    assert cfg.endpoint(True, True) == "wss://wspap.bitget.com/v2/ws/private"
    assert StreamConfig(url="ws://127.0.0.1:9/").endpoint(False, True) == "ws://127.0.0.1:9/v2/ws/public"
    demo = BitgetClient(demo=True)
    assert "wss://wspap.bitget.com/v2/ws/public" in repr(demo.stream)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"url": "https://ws.bitget.com"}, "url"), ({"ping_interval": 0}, "ping_interval"),
    ({"max_channels": 1001}, "max_channels"), ({"max_args_bytes": 5000}, "max_args_bytes"),
    ({"max_frames": 2}, "max_frames"), ({"queue_size": 0}, "queue_size"),
])
def test_config_refuses_values_beyond_bitgets_limits(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        StreamConfig(**kwargs)  # type: ignore[arg-type]


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    cfg = StreamConfig(reconnect_base=1.0, reconnect_max=60.0)
    assert [cfg.backoff(n, 0.0) for n in range(8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert [cfg.backoff(n, 0.999999) for n in (0, 3, 10)] == pytest.approx([1.0, 8.0, 60.0], rel=1e-5)


def test_sliding_window_allows_limit_per_span() -> None:
    w = SlidingWindow(3, 1.0, "frames")
    for t in (0.0, 0.1, 0.2):
        assert w.delay(t) == 0.0
        w.record(t)
    assert w.delay(0.5) == pytest.approx(0.5)  # the oldest leaves the window at 1.0
    assert w.delay(1.0) == 0.0
    w.record(1.0)
    assert w.delay(1.05) == pytest.approx(0.05) and w.total == 4


def test_login_frame_is_signed_over_timestamp_get_user_verify() -> None:
    creds = Credentials(api_key="key-1234567890", api_secret=SECRET, passphrase=PASSPHRASE)
    stream = StreamClient(credentials=creds, timestamp_ms=lambda: "1700000000123")
    frame = json.loads(stream._login_frame())
    expected = base64.b64encode(hmac.new(SECRET.encode(), b"1700000000GET/user/verify", hashlib.sha256).digest())
    assert frame == {"op": "login", "args": [{"apiKey": "key-1234567890", "passphrase": PASSPHRASE,
                                               "timestamp": "1700000000", "sign": expected.decode()}]}
    assert SECRET not in repr(stream) and PASSPHRASE not in repr(stream)


@pytest.mark.anyio
async def test_rsa_login_and_refusals_never_show_secrets(anyio_backend: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    sim = Simulator()
    sim.add_account(api_key="rsa-key-123456789", passphrase=PASSPHRASE, private_key_pem=pem)
    sim.stream.push_interval = 0.02
    async with sim.serve_stream() as url:
        cfg = StreamConfig(url=url, **FAST)  # type: ignore[arg-type]
        async with sim.client(api_key="rsa-key-123456789", api_secret=None, passphrase=PASSPHRASE,
                              private_key=pem, stream_config=cfg) as client:
            async with client.stream.account("SPOT") as account:
                async for push in account:
                    assert push.data
                    break
        wrong = sim.client(api_secret=SECRET, stream_config=cfg)
        async with wrong:
            with pytest.raises(StreamAuthError) as info:
                async with wrong.stream.orders("SPOT"):
                    raise AssertionError("unreachable")
        assert info.value.code == "30015"
        text = f"{info.value!r} {info.value}"
        assert SECRET not in text and sim.passphrase not in text


@pytest.mark.parametrize(("name", "channel", "spot", "futures"), [
    ("orders", "orders", "SpotOrder", "FuturesOrder"),
    ("fill", "fill", "SpotFill", "FuturesFill"),
    ("orders_algo", "orders-algo", "SpotPlanOrder", "FuturesPlanOrder"),
])
def test_spot_or_futures_channels_read_like_methods(name: str, channel: str, spot: str, futures: str) -> None:
    client = BitgetClient(api_key="k", api_secret=SECRET, passphrase=PASSPHRASE)
    method = getattr(client.stream, name)
    assert inspect.isroutine(method) and method.__name__ == name
    assert str(inspect.signature(method)) == (
        f"(inst_type: 'str', inst_id: 'InstIds' = 'default') -> 'Subscription[{spot}] | Subscription[{futures}]'")
    assert method.__doc__.startswith(f"``{channel}``: ")
    for inst_type, arg_type, item in (("spot", "SPOT", spot), ("coin-futures", "COIN-FUTURES", futures)):
        sub = method(inst_type, ["btcusdt", "ethusdt"])
        assert [(a.inst_type, a.channel, a.inst_id) for a in sub.args] == [
            (arg_type, channel, "BTCUSDT"), (arg_type, channel, "ETHUSDT")]
        assert sub.private and sub.decoder.decode(b'{"data":[{}]}').data[0].__class__.__name__ == item
    with pytest.raises(ValidationError, match="inst_type must be one of SPOT, USDT-FUTURES"):
        method("MARGIN")
    with pytest.raises(TypeError, match=f"client.stream.{name}"):
        getattr(StreamClient, name)("SPOT")
    with pytest.raises(MissingCredentialsError):
        getattr(BitgetClient().stream, name)("SPOT")
