import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from handler import handler  # noqa: E402


def request(method, path, query=None):
    """A neutral http event (fnx's docs/events.md), as every provider delivers it."""
    event = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {"host": "example.test"},
        "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test"}, "requestId": "r1", "timeEpoch": 0},
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    return event


class HandlerTest(unittest.TestCase):
    def test_hello_greets(self):
        res = handler(request("GET", "/hello", {"name": "fnx"}), None)
        self.assertEqual(res["statusCode"], 200)
        self.assertEqual(json.loads(res["body"])["message"], "Hello, fnx!")

    def test_hello_without_a_name_greets_the_world(self):
        res = handler(request("GET", "/hello"), None)
        self.assertEqual(json.loads(res["body"])["message"], "Hello, world!")

    def test_health_is_ok(self):
        res = handler(request("GET", "/health"), None)
        self.assertEqual(json.loads(res["body"]), {"ok": True})


if __name__ == "__main__":
    unittest.main()
