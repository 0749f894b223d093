"""HTTP handler. fnx routes GET /hello and GET /health here (see fnx.yaml).

`event` carries the request: method, path, query string and body; the shape depends on the
provider, so it is read defensively. Return {"statusCode", "headers", "body"}.
"""

import json


def handler(event, context):
    event = event or {}
    path = event.get("rawPath") or event.get("path") or "/"
    if path.endswith("/health"):
        return _json(200, {"ok": True})

    query = event.get("queryStringParameters") or event.get("query") or {}
    name = query.get("name") or "world"
    return _json(200, {"message": f"Hello, {name}!", "service": "{{service}}"})


def _json(status_code, body):
    return {
        "statusCode": status_code,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }
