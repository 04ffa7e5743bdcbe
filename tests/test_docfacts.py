"""tools/docfacts.py on a page written in Bitget's doc template: every part it reads, and the
conflicts it must report rather than paper over."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docfacts", ROOT / "tools" / "docfacts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docfacts"] = module
    spec.loader.exec_module(module)
    return module


docfacts = _tool()

PAGE = """# Get Widget Orders

Frequency limit: 1 time/10s (User ID)

### HTTP Request[​](#http-request "Direct link to HTTP Request")

* POST /api/v2/widget/orders

Request Example

```json
curl -X POST "https://api.bitget.com/api/v2/widget/orders" \\
   -H "ACCESS-KEY:*******" \\
   -d '{"symbol": "BTCUSDT", "coinList": ["BTC", "ETH"], "legs": [{"side": "buy"}]}'
```

### Request Parameters[​](#request-parameters "Direct link to Request Parameters")

| Parameter | Type | Required | Description |
| --- | --- | --- | --- |
| symbol | String | Yes | Trading pair |
| coinList | String | No | Coins |
| side | String | No | Direction `buy` `sell`, default: `buy` |
| limit | String | No | Number of queries: Default: 20, maximum: 100 |
| price | String | No | Price, only when `side` is `buy` |
| legs | String | No | Legs, max 5 |
| > side | String | Yes | `buy` `sell` |
| startTime | String | No | Milliseconds |

Response Example

```json
{
    "code": "00000",
    "msg": "success",
    "requestTime": 1695808417159,
    "data": {
        "orderList": [
            {"orderId": "1", "price": "0.1", "size": "", "cTime": "1695808417159", "done": true, "qty": 5}
        ],
        "endId": 51,
    }
}
```

### Response Parameters[​](#response-parameters "Direct link to Response Parameters")

| Parameter | Type | Description |
| --- | --- | --- |
| orderList | List | Orders |
| > orderId | String | Order id |
| > price | String | Price |
| > size | String | Size |
| > ctime | String | Created |
| > done | String | Finished |
| > state | String | `live` `filled` |
| endId | String | Cursor |
"""


def test_request_line_rate_and_auth() -> None:
    rec = docfacts.extract(PAGE, "widget/Get-Widget-Orders.md")
    assert (rec["method"], rec["seed_path"], rec["auth"]) == ("POST", "/api/v2/widget/orders", True)
    assert rec["doc"] == "https://www.bitget.com/api-doc/widget/Get-Widget-Orders"
    assert rec["title"] == "Get Widget Orders"
    assert docfacts.rate_of(PAGE) == (0.1, "UID")
    assert docfacts.rate_of("# T\n\nRate limit: 20 req/sec/IP\n") == (20, "IP")


def test_request_parameters() -> None:
    params = {p["name"]: p for p in docfacts.extract(PAGE, "x.md")["params"]}
    assert list(params) == ["symbol", "coinList", "side", "limit", "price", "legs", "startTime"]
    assert params["symbol"] == {"name": "symbol", "type": "string", "required": True}
    assert params["coinList"]["type"] == "list" and params["coinList"]["item_type"] == "string"
    assert params["side"]["enum"] == ["buy", "sell"] and params["side"]["default"] == "buy"
    assert (params["limit"]["type"], params["limit"]["default"], params["limit"]["max"]) == ("string-int", 20, 100)
    assert params["price"]["type"] == "string-decimal" and "enum" not in params["price"]  # `side` names a parameter
    assert params["legs"]["item_type"] == "object" and params["legs"]["max_items"] == 5
    assert params["legs"]["children"] == [{"name": "side", "type": "string", "required": True, "enum": ["buy", "sell"]}]
    assert params["startTime"]["type"] == "string-int-ms"


def test_response_fields_follow_the_example_and_report_conflicts() -> None:
    rec = docfacts.extract(PAGE, "x.md")
    assert rec["data_shape"] == "object"
    assert rec["example_response"]["data"]["endId"] == 51  # the trailing comma was forgiven
    top = {f["name"]: f for f in rec["fields"]}
    assert top["endId"]["type"] == "int"
    items = {f["name"]: f for f in top["orderList"]["children"]}
    assert {n: f["type"] for n, f in items.items()} == {
        "orderId": "string", "price": "string-decimal", "size": "string-decimal", "done": "bool",
        "cTime": "string-int-ms", "qty": "number", "state": "string",
    }
    assert items["qty"]["in_doc_table"] is False and items["state"]["in_example"] is False
    assert items["state"]["enum"] == ["live", "filled"]
    conflicts = [n for n in rec["notes"] if n.startswith("DOC CONFLICT")]
    assert "DOC CONFLICT: request coinList: table says String, the request example sends a list" in conflicts
    assert "DOC CONFLICT: orderList[].done: table says String, example sends true" in conflicts
    assert "DOC CONFLICT: orderList[].cTime: the table spells it ctime; the example's spelling is kept" in conflicts
    assert "DOC CONFLICT: endId: table says String, example sends 51" in conflicts
    assert any("example sends qty that the table lacks" in n and "lists state" in n for n in conflicts)


def test_array_body_and_public_path() -> None:
    page = PAGE.replace("""-d '{"symbol": "BTCUSDT", "coinList": ["BTC", "ETH"], "legs": [{"side": "buy"}]}'""",
                        """-d '[{"symbol": "BTCUSDT"}]'""").replace("/api/v2/widget/orders", "/api/v2/widget/market/orders")
    rec = docfacts.extract(page, "x.md")
    (body,) = rec["params"]
    assert (body["name"], body["py_name"], body["type"], body["item_type"]) == ("$body", "items", "list", "object")
    assert [c["name"] for c in body["children"]][:2] == ["symbol", "coinList"]
    assert rec["auth"] is False
    assert any("ACCESS-* headers on a public path" in n for n in rec["notes"])


def test_a_broken_example_is_reported_not_guessed() -> None:
    rec = docfacts.extract(PAGE.replace('"endId": 51,', '"endId": 51 "x": 1'), "x.md")
    assert rec["data_shape"] == "null"
    assert "DOC CONFLICT: the page's response example is missing or not JSON" in rec["notes"]
    assert json.dumps(rec)  # still a complete record to fix by hand
