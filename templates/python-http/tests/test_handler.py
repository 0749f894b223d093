import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from handler import handler  # noqa: E402


class HandlerTest(unittest.TestCase):
    def test_hello_greets(self):
        res = handler({"rawPath": "/hello", "queryStringParameters": {"name": "fnx"}}, None)
        self.assertEqual(res["statusCode"], 200)
        self.assertEqual(json.loads(res["body"])["message"], "Hello, fnx!")

    def test_health_is_ok(self):
        res = handler({"rawPath": "/health"}, None)
        self.assertEqual(json.loads(res["body"]), {"ok": True})


if __name__ == "__main__":
    unittest.main()
