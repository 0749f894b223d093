"""HTTP handler. fnx routes GET /hello and GET /health here (see fnx.yaml).

`event` is fnx's neutral http event, the same on every provider (the API Gateway HTTP API 2.0
payload: rawPath, queryStringParameters, headers, body, requestContext.http.method; fnx's
docs/events.md has all of it). Return {"statusCode", "headers", "body"}.
"""

import json


def handler(event, context):
    if event["rawPath"].endswith("/health"):
        return _json(200, {"ok": True})

    name = (event.get("queryStringParameters") or {}).get("name") or "world"
    return _json(200, {"message": f"Hello, {name}!", "service": "{{service}}"})


def _json(status_code, body):
    return {
        "statusCode": status_code,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }
