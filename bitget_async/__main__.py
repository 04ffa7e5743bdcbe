"""Command line: ``python -m bitget_async`` (also the ``bitget-async`` script).

    routes [--json]                      the route table
    call METHOD PATH [key=value ...]     one request (keys from BITGET_* environment variables)
    sim [--host H] [--port P]            serve the simulator on loopback (needs the sim extra)
    demo                                 a scripted session against the in-process simulator
    stream CHANNEL [INST_ID] [--sim]     watch a WebSocket channel, one JSON line per push
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import msgspec

from ._errors import APIError, BitgetError
from ._routes import ROUTES, Route

__all__ = ["main"]


def route_json(route: Route) -> dict[str, Any]:
    return {
        "python_name": route.python_name,
        "method": route.method,
        "path": route.path,
        "seed_paths": list(route.seed_paths),
        "auth": route.auth,
        "rate_per_s": route.rate_per_s,
        "scope": route.scope,
        "effect": route.effect,
        "response": route.response,
        "doc": route.doc,
        "params": [
            {"name": p.py, "wire": p.wire, "kind": p.kind, "required": p.required, "enum": p.enum, "where": p.where}
            for p in route.params
        ],
    }


def cmd_routes(args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps([route_json(r) for r in ROUTES], indent=2))
        return 0
    width = max(len(r.python_name) for r in ROUTES)
    for r in ROUTES:
        auth = "signed" if r.auth else "public"
        seeds = f"  (also {', '.join(r.seed_paths)})" if r.seed_paths else ""
        print(f"{r.python_name:<{width}}  {r.method:<4} {r.path}  {auth} {r.rate_per_s}/s {r.scope}{seeds}")
    print(f"{len(ROUTES)} routes", file=sys.stderr)
    return 0


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return format(obj, "f")
    raise TypeError(type(obj).__name__)


def parse_pairs(pairs: Sequence[str]) -> dict[str, Any]:
    """``key=value`` arguments; a value starting with ``[`` or ``{`` is parsed as JSON."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"expected key=value, got {pair!r}")
        out[key] = json.loads(value) if value[:1] in "[{" else value
    return out


def cmd_call(args: argparse.Namespace) -> int:
    import anyio

    from ._client import BitgetClient

    params = parse_pairs(args.params)
    method = args.method.upper()

    async def run() -> Any:
        kwargs: dict[str, Any] = {}
        if args.demo:
            kwargs["demo"] = True
        if args.base_url:
            kwargs["base_url"] = args.base_url
        async with BitgetClient.from_env(**kwargs) as client:
            if method == "GET":
                return await client.request(method, args.path, params=params)
            return await client.request(method, args.path, body=params)

    try:
        data = anyio.run(run)
    except APIError as exc:
        print(json.dumps({"error": type(exc).__name__, "code": exc.code, "msg": exc.msg,
                          "http_status": exc.http_status, "path": exc.path}, indent=2), file=sys.stderr)
        return 1
    except BitgetError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(msgspec.to_builtins(data, builtin_types=(Decimal,)), indent=2, default=_json_default))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bitget-async", description="Bitget REST v2 client tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("routes", help="print the route table")
    p.add_argument("--json", action="store_true", help="JSON, one object per route")
    p.set_defaults(func=cmd_routes)
    p = sub.add_parser("call", help="call one endpoint (credentials from BITGET_* environment variables)")
    p.add_argument("method", help="GET or POST")
    p.add_argument("path", help="/api/v2/... (real or reference path)")
    p.add_argument("params", nargs="*", help="key=value (wire names, e.g. productType=USDT-FUTURES)")
    p.add_argument("--demo", action="store_true", help="demo trading (adds the paptrading header)")
    p.add_argument("--base-url", default=None, help="override the API host (e.g. a simulator URL)")
    p.set_defaults(func=cmd_call)
    _add_simulator_commands(sub)
    from .stream._cli import add_command as add_stream_command

    add_stream_command(sub)
    return parser


def _add_simulator_commands(sub: Any) -> None:
    from .testing._cli import add_commands

    add_commands(sub)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
