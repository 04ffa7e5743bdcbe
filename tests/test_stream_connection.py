"""The connection layer against the simulator over real sockets: reconnect, dead connections,
login ordering, limits counted at the server, sharding, cancellation and backpressure."""

from __future__ import annotations

import ssl
from decimal import Decimal

import anyio
import pytest
from stream_helpers import FAST, eventually, streaming

from bitget_async import ClientClosedError, StreamConfig, StreamConnectionError
from bitget_async.stream import Arg
from bitget_async.stream._connection import chunk_args
from bitget_async.testing._catalog import SPOT

pytestmark = pytest.mark.anyio
SYMBOLS = sorted(SPOT)


async def test_dropped_connection_reconnects_resubscribes_and_flags_the_gap(anyio_backend: str) -> None:
    async with streaming() as (sim, client), client.stream.ticker("SPOT", SYMBOLS[:3]) as sub:
        seen: set[str | None] = set()
        async for push in sub:
            seen.add(push.arg.inst_id)
            if len(seen) == 3:
                break
        assert sim.stream.stats["subscribed"] == 3
        sim.stream.faults.drop_connections()
        flagged: set[str | None] = set()
        with anyio.fail_after(10):
            async for push in sub:
                if push.gap:
                    flagged.add(push.arg.inst_id)
                if len(flagged) == 3:
                    break
        assert flagged == set(SYMBOLS[:3])  # every arg's first push after the hole says so
        assert sub.gaps == 1 and sub.connections[0].reconnects == 1
        assert sim.stream.stats["subscribed"] == 6  # all three resubscribed on the new connection
        assert sorted(a["instId"] for a in sim.stream.subscriptions()) == SYMBOLS[:3]
        async for push in sub:  # and the stream goes on without flags
            assert not push.gap
            break


async def test_stalled_connection_is_detected_by_the_dead_timeout(anyio_backend: str) -> None:
    async with streaming(ping_interval=0.1, dead_after=1.0) as (sim, client), client.stream.ticker("SPOT", "BTCUSDT") as sub:
        async for _ in sub:
            break
        pings = sim.stream.stats["pings"]
        await eventually(lambda: sim.stream.stats["pings"] >= pings + 2)  # keepalive while healthy
        sim.stream.faults.stall_connections()
        with anyio.fail_after(10):
            async for push in sub:
                if push.gap:
                    break
        assert sub.connections[0].reconnects == 1 and sim.stream.stats["connects"] == 2


async def test_private_subscribes_wait_for_the_login_answer(anyio_backend: str) -> None:
    async with streaming() as (sim, client), client.stream.orders("SPOT") as sub, client.stream.fill("SPOT"):
        ops: dict[int, list[str]] = {}
        for number, op in sim.stream.log:
            ops.setdefault(number, []).append(op)
        assert sorted(ops.values()) == [["login", "subscribe SPOT/fill/default"],
                                        ["login", "subscribe SPOT/orders/default"]]
        assert sim.stream.stats["subscribes_refused"] == 0 and sim.stream.stats["logins"] == 2
        assert sub.private


async def test_limits_are_never_exceeded_at_the_server(anyio_backend: str) -> None:
    # 61 symbols, 10 channels per connection, subscribe messages of at most 300 bytes of args:
    # 7 connections, each sending a burst of subscribes, pings every 50 ms, and resyncs.
    async with streaming(max_channels=10, max_args_bytes=300, ping_interval=0.05) as (sim, client):
        async with client.stream.trade("SPOT", SYMBOLS) as sub:
            assert len(sub.connections) == 7 and sim.stream.open_connections == 7
            seen: set[str | None] = set()
            async for push in sub:
                seen.add(push.arg.inst_id)
                if len(seen) == len(SYMBOLS):
                    break
            await anyio.sleep(0.3)
        assert sim.stream.violations == []
        assert sim.stream.max_frames_per_second <= 10
        assert 250 < sim.stream.max_args_bytes <= 300
        assert sim.stream.stats["subscribe_requests"] > 7  # the args really were split
        assert sim.stream.stats["pings"] >= 7


def test_args_are_chunked_within_the_byte_limit() -> None:
    args = [Arg("USDT-FUTURES", "books15", f"SYM{i:04d}USDT") for i in range(500)]
    chunks = chunk_args(args, 4096)
    assert [a for c in chunks for a in c] == args
    import msgspec

    sizes = [len(msgspec.json.encode([a.wire() for a in c])) for c in chunks]
    assert max(sizes) <= 4096 and min(sizes[:-1]) > 4096 - 80


async def test_frame_pacing_holds_under_a_resync_storm(anyio_backend: str) -> None:
    async with streaming(push_interval=0.005) as (sim, client):
        async with client.stream.order_book("USDT-FUTURES", SYMBOLS[:5]) as books:
            await eventually(lambda: all(b.synced for b in books.books.values()))
            sim.stream.faults.corrupt_checksum = 8
            # A corrupted update for a book already resyncing is dropped unread, so up to 8.
            await eventually(lambda: sim.stream.faults.corrupt_checksum == 0 and books.resyncs >= 3
                             and all(b.synced for b in books.books.values()))
            assert books.resyncs <= 8 and sim.stream.stats["subscribe_requests"] == 1 + books.resyncs
            with anyio.fail_after(10):
                async for _book in books:
                    break
        assert sim.stream.violations == [] and sim.stream.max_frames_per_second <= 10


async def test_leaving_or_cancelling_closes_what_the_consumer_owned(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        async with client.stream.ticker("SPOT", SYMBOLS[:2]) as sub:
            async for _ in sub:
                break
            assert sim.stream.open_connections == 1
        await eventually(lambda: sim.stream.open_connections == 0)

        async def consume() -> None:
            async with client.stream.order_book("SPOT", "BTCUSDT") as books, client.stream.orders("SPOT"):
                async for _ in books:
                    pass

        async with anyio.create_task_group() as tg:
            tg.start_soon(consume)
            await eventually(lambda: sim.stream.open_connections == 2)
            tg.cancel_scope.cancel()
        await eventually(lambda: sim.stream.open_connections == 0)
        assert client.stream._open == set()


async def test_client_aclose_stops_open_subscriptions(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        async with client.stream.ticker("SPOT", "BTCUSDT") as sub:
            async for _ in sub:
                break
            await client.aclose()
            with pytest.raises(ClientClosedError):
                async for _ in sub:
                    pass
        await eventually(lambda: sim.stream.open_connections == 0)
        with pytest.raises(ClientClosedError):
            client.stream.ticker("SPOT", "BTCUSDT")


async def test_slow_consumer_memory_is_bounded_and_drops_are_flagged(anyio_backend: str) -> None:
    async with streaming(push_interval=0.005, queue_size=8) as (_sim, client):
        async with client.stream.ticker("SPOT", SYMBOLS[:2]) as sub:
            await eventually(lambda: sub.dropped >= 20)  # nobody consumes meanwhile
            assert sub.stats()["queued"] == 8
            first_per_arg: dict[str | None, bool] = {}
            for _ in range(8):
                push = await sub.__anext__()
                first_per_arg.setdefault(push.arg.inst_id, push.gap)
            assert first_per_arg == {SYMBOLS[0]: True, SYMBOLS[1]: True}


async def test_unreachable_server_fails_fast_with_a_typed_error(anyio_backend: str) -> None:
    from bitget_async.testing import Simulator

    sim = Simulator()
    client = sim.client(stream_config=StreamConfig(url="ws://127.0.0.1:9", connect_timeout=2))
    async with client:
        with pytest.raises(StreamConnectionError):
            async with client.stream.ticker("SPOT", "BTCUSDT"):
                raise AssertionError("unreachable")


async def test_uvicorn_served_simulator_streams_too(anyio_backend: str) -> None:
    from bitget_async.testing import Simulator

    sim = Simulator()
    sim.stream.push_interval = 0.02
    async with sim.serve() as http_url:
        ws_url = http_url.replace("http://", "ws://")
        client = sim.client(stream_config=StreamConfig(url=ws_url, **FAST))  # type: ignore[arg-type]
        async with client, client.stream.ticker("SPOT", "BTCUSDT") as sub:
            async for push in sub:
                assert push.data[0].last_pr == sim.price("BTCUSDT") == Decimal("65000.00")
                break
            sim.stream.faults.drop_connections()  # uvicorn aborts the socket too
            with anyio.fail_after(10):
                async for push in sub:
                    if push.gap:
                        break
            assert sub.gaps == 1


def _tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A throwaway CA-signed certificate for 127.0.0.1: (server context, client context)."""
    import datetime
    import ipaddress
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bitget-async test")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.NamedTemporaryFile() as cf, tempfile.NamedTemporaryFile() as kf:
        cf.write(cert_pem)
        kf.write(key_pem)
        cf.flush()
        kf.flush()
        server.load_cert_chain(cf.name, kf.name)
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client


async def test_wss_with_certificate_verification(anyio_backend: str) -> None:
    from bitget_async.testing import Simulator

    server_ctx, client_ctx = _tls_contexts()
    sim = Simulator()
    sim.stream.push_interval = 0.02
    async with sim.serve_stream(ssl_context=server_ctx) as url:
        assert url.startswith("wss://127.0.0.1:")
        good = sim.client(stream_config=StreamConfig(url=url, ssl_context=client_ctx, connect_timeout=5))
        async with good, good.stream.orders("SPOT") as sub, good.stream.ticker("SPOT", "BTCUSDT") as ticker:
            async for push in ticker:
                assert push.data[0].last_pr == Decimal("65000.00")
                break
            assert sub.private
        untrusted = sim.client(stream_config=StreamConfig(url=url, connect_timeout=5))  # system CAs only
        async with untrusted:
            with pytest.raises(StreamConnectionError, match="failed"):
                async with untrusted.stream.ticker("SPOT", "BTCUSDT"):
                    raise AssertionError("unreachable")


async def test_open_connections_are_capped_before_connecting(anyio_backend: str) -> None:
    from bitget_async import StreamRateLimitError

    async with streaming(max_channels=10, max_connections=3) as (sim, client):
        async with client.stream.ticker("SPOT", SYMBOLS[:20]) as sub:  # 2 connections
            assert len(sub.connections) == 2
            with pytest.raises(StreamRateLimitError, match="max_connections"):
                async with client.stream.trade("SPOT", SYMBOLS[:11]):  # 2 more would make 4
                    raise AssertionError("unreachable")
            connects = sim.stream.stats["connects"]
            async with client.stream.trade("SPOT", SYMBOLS[:10]) as one:  # 1 more fits
                assert len(one.connections) == 1
            assert len(client.stream._open) == 1  # the refused one holds nothing
        assert connects == 2


async def test_gives_up_after_the_configured_outage(anyio_backend: str) -> None:
    from bitget_async.testing import Simulator

    sim = Simulator()
    sim.stream.push_interval = 0.02
    stop = anyio.Event()
    url_box: list[str] = []
    ready = anyio.Event()

    async def server() -> None:
        async with sim.serve_stream() as url:
            url_box.append(url)
            ready.set()
            await stop.wait()

    async with anyio.create_task_group() as tg:
        tg.start_soon(server)
        await ready.wait()
        cfg = StreamConfig(url=url_box[0], reconnect_base=0.02, reconnect_max=0.05, give_up_after=0.5, connect_timeout=2)
        async with sim.client(stream_config=cfg) as client, client.stream.ticker("SPOT", "BTCUSDT") as sub:
            async for _ in sub:
                break
            stop.set()  # the exchange goes away for good
            with anyio.fail_after(10), pytest.raises(StreamConnectionError):
                async for _ in sub:
                    pass
            assert sub.gaps == 1 and sub.connections[0].connected == 1


async def test_connection_attempts_are_paced_per_client(anyio_backend: str) -> None:
    async with streaming(max_channels=1, max_connects=2, connect_window=0.5) as (sim, client):
        started = anyio.current_time()
        async with client.stream.ticker("SPOT", SYMBOLS[:3]) as sub:
            # The third connection had to wait for the first attempt to leave the window
            # (a lower bound only: a slow machine makes it longer, never shorter).
            assert anyio.current_time() - started >= 0.5
            assert len(sub.connections) == 3
        assert len(sim.stream._connects["127.0.0.1"]) == 3 and client.stream.connect_attempts == 3


async def test_server_errors_mid_stream(anyio_backend: str) -> None:
    from bitget_async import StreamError

    async with streaming() as (sim, client), client.stream.ticker("SPOT", "BTCUSDT") as sub:
        async for _ in sub:
            break
        # "request too many": Bitget drops the connection; the client reconnects and flags it.
        assert sim.stream.send_event({"event": "error", "code": 30006, "msg": "request too many"}) == 1
        with anyio.fail_after(10):
            async for push in sub:
                if push.gap:
                    break
        assert sub.connections[0].server_rate_limited == 1 and sub.gaps == 1
        # Anything else is final and reaches the consumer with its code.
        await eventually(lambda: sim.stream.open_connections == 1)
        sim.stream.send_event({"event": "error", "code": 30016, "msg": "Param error"})
        with anyio.fail_after(10), pytest.raises(StreamError) as info:
            async for _ in sub:
                pass
        assert info.value.code == "30016" and "Param error" in str(info.value)
