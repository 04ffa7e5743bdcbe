"""The mechanisms considered for blank-tolerant typed decoding, timed on the 1,000-ticker body.

Reproduces the table in ``spec/DECODING.md`` ("What the project chose"): each candidate decodes
the same body into a 16-field ticker (14 exact ``Decimal`` fields, ``ts: int``, ``symbol``).
The last two rows are the models as generated today (``bitget_async.models.SpotTicker``: text
decoded, each ``Decimal`` built on its first read), once decoded only and once with every decimal
field read, since a deferred cost is only deferred.
Cases run round-robin so load from other processes lands on all of them alike.  Prints one line
per candidate (a markdown table row): best microseconds and its ratio to the best ``json.loads``,
median microseconds and its ratio to the median ``json.loads``.

Run:  python benchmarks/decode_candidates.py [rounds]
"""

from __future__ import annotations

import json
import operator
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from fake_server import TICKERS, tickers_body

from bitget_async import find_route
from bitget_async.models import SpotTicker

NUMBERS = ["high24h", "open", "low24h", "lastPr", "quoteVolume", "baseVolume", "usdtVolume", "bidPr",
           "askPr", "bidSz", "askSz", "openUtc", "changeUtc24h", "change24h"]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


def ticker(name: str, number: Any, text: Any, integer: Any, *, optional: bool) -> Any:
    types = {"symbol": text, "ts": integer, **dict.fromkeys(NUMBERS, number)}
    fields = [(k, t, None) if optional else (k, t) for k, t in types.items()]
    return msgspec.defstruct(name, fields, frozen=True, kw_only=True, gc=False)


def envelope(item: Any) -> Any:
    return msgspec.defstruct(
        "Env" + item.__name__,
        [("code", str, ""), ("msg", str, ""), ("requestTime", int | None, None), ("data", list[item] | None, None)],
    )


class _NoneOrDecimal(type):
    """Lets a ``dec_hook`` return None for a custom type (msgspec checks ``isinstance``)."""

    def __instancecheck__(cls, obj: object) -> bool:
        return obj is None or type(obj) is Decimal


class HookedDecimal(metaclass=_NoneOrDecimal):
    pass


def hook(tp: type, obj: Any) -> Any:
    if obj == "" or obj is None:
        return None
    return Decimal(obj) if isinstance(obj, str) else Decimal(str(obj))


def cases(body: bytes) -> dict[str, Callable[[], Any]]:
    strict = msgspec.json.Decoder(envelope(ticker("Strict", Decimal, str, int, optional=False)), strict=False)
    opt_env = envelope(ticker("Optional", Decimal | None, str | None, int | None, optional=True))
    optional = msgspec.json.Decoder(opt_env, strict=False)
    nonempty = msgspec.json.Decoder(
        envelope(ticker("NonEmpty", Decimal | None, NonEmpty | None, int | None, optional=True)), strict=False
    )
    hooked = msgspec.json.Decoder(
        envelope(ticker("Hooked", HookedDecimal | None, str | None, int | None, optional=True)),
        strict=False,
        dec_hook=hook,
    )
    text = msgspec.json.Decoder(envelope(ticker("Text", str | None, str | None, int | None, optional=True)), strict=False)
    untyped = msgspec.json.Decoder(float_hook=Decimal)
    route = find_route("GET", TICKERS)
    read = operator.attrgetter(*(f.name for f in msgspec.structs.fields(SpotTicker) if f.encode_name in NUMBERS))

    def read_all() -> None:
        for row in route.decode(body):
            read(row)

    def blank_pass() -> Any:
        env = untyped.decode(body)
        for row in env["data"]:
            for k in [k for k, v in row.items() if v == "" or v is None]:
                del row[k]
        return msgspec.convert({"code": env["code"], "data": env["data"]}, opt_env, strict=False)

    return {
        "json.loads": lambda: json.loads(body),
        "strict Struct, required Decimal (the old models)": lambda: strict.decode(body),
        "every field optional (default None)": lambda: optional.decode(body),
        "the same, text fields non-empty str (Meta(min_length=1))": lambda: nonempty.decode(body),
        "dec_hook custom type for every number": lambda: hooked.decode(body),
        "untyped decode + Python blank pass + msgspec.convert": blank_pass,
        "bytes.replace(b':\"\"', b':null') before every decode": lambda: optional.decode(body.replace(b':""', b":null")),
        "str fields, converted lazily (the old raw_* properties)": lambda: text.decode(body),
        "DecimalText + exact_on_read (the models now), decode only": lambda: route.decode(body),
        "the same, every decimal field then read once": read_all,
    }


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    body = tickers_body()
    todo = cases(body)
    samples: dict[str, list[float]] = {name: [] for name in todo}
    for fn in todo.values():
        fn()
    for _ in range(rounds):
        for name, fn in todo.items():
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)
    base, best = statistics.median(samples["json.loads"]), min(samples["json.loads"])
    for name, s in samples.items():
        med = statistics.median(s)
        print(f"| {name} | {min(s) * 1e6:,.0f} | {min(s) / best:.2f}x | {med * 1e6:,.0f} | {med / base:.2f}x |")


if __name__ == "__main__":
    main()
