"""``python -m bitget_async stream ... --sim``: one JSON line per push, exact decimal strings."""

from __future__ import annotations

import json

import pytest

from bitget_async.__main__ import main


def test_stream_ticker_from_the_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stream", "ticker", "BTCUSDT", "--sim", "--count", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["arg"] == {"instType": "SPOT", "channel": "ticker", "instId": "BTCUSDT"}
    assert first["data"][0]["lastPr"] == "65000.00" and first["data"][0]["open24h"]
    assert first["gap"] is False and isinstance(first["ts"], int)


def test_stream_futures_books_and_candles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stream", "books5", "ETHUSDT", "--inst-type", "USDT-FUTURES", "--sim", "--count", "1"]) == 0
    assert main(["stream", "candle1H", "BTCUSDT", "--sim", "--count", "1"]) == 0
    books, candle = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert len(books["data"][0]["asks"]) == 5 and books["data"][0]["asks"][0] == ["3400.01", books["data"][0]["asks"][0][1]]
    assert candle["arg"]["channel"] == "candle1H" and len(candle["data"][0]) == 8


def test_stream_refusals_exit_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stream", "ticker", "NOPEUSDT", "--sim", "--count", "1"]) == 1
    assert "StreamSubscribeError" in capsys.readouterr().err
    assert main(["stream", "ticker", "--sim"]) == 2
    assert "needs an INST_ID" in capsys.readouterr().err
    assert main(["stream", "nope", "--sim"]) == 2
