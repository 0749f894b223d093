/**
 * The Python v2 entry (`function_app.py`) on Azure: an echo function packaged with the Azure
 * hooks, unzipped, and imported as the Python worker does, with a small stand-in for the
 * `azure.functions` package that records the decorators and builds Azure's input objects; each
 * registered function is called and the neutral event the handler got is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { cleanupProjects, makeProject, readZip } from '../package/helpers.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
afterAll(cleanupProjects);

const STUB = `
import json
registrations = []

class AuthLevel:
    ANONYMOUS = "anonymous"
    FUNCTION = "function"

class BlobSource:
    EVENT_GRID = "EventGrid"

class HttpRequest:
    def __init__(self, method, url, headers=None, params=None, route_params=None, body=b""):
        self.method, self.url, self.headers, self.params, self.route_params, self._body = method, url, headers or {}, params or {}, route_params or {}, body
    def get_body(self):
        return self._body

class _Headers(dict):
    def add(self, k, v):
        self.setdefault("__added__", []).append([k, v])

class HttpResponse:
    def __init__(self, body=None, status_code=200, headers=None):
        self.body, self.status_code, self.headers = body, status_code, _Headers(headers or {})

class TimerRequest: pass
class Context: pass
class QueueMessage: pass
class ServiceBusMessage: pass
class InputStream: pass
class EventGridEvent: pass

class FunctionApp:
    def _add(self, kind, **options):
        def deco(fn):
            registrations.append({"kind": kind, "options": options, "fn": fn, "name": None})
            return fn
        return deco
    def function_name(self, name):
        def deco(fn):
            for r in registrations:
                if r["fn"] is fn:
                    r["name"] = name
            return fn
        return deco
    def route(self, **o): return self._add("http", **o)
    def timer_trigger(self, **o): return self._add("timer", **o)
    def queue_trigger(self, **o): return self._add("queue", **o)
    def service_bus_queue_trigger(self, **o): return self._add("serviceBusQueue", **o)
    def event_grid_trigger(self, **o): return self._add("eventGrid", **o)
`;

const RUNNER = `
import importlib, json, sys
from datetime import datetime, timezone
root = sys.argv[1]
sys.path.insert(0, root)
sys.path.insert(0, sys.argv[2])
import azure.functions as func
importlib.import_module("function_app")
echo = importlib.import_module("src.echo")
out = {"registrations": [{"kind": r["kind"], "name": r["name"], "options": {k: v for k, v in r["options"].items()}} for r in func.registrations], "results": []}
class Obj:
    def __init__(self, **kw): self.__dict__.update(kw)
for c in json.load(sys.stdin):
    reg = next(r for r in func.registrations if r["name"] == c["name"])
    echo.SEEN.clear()
    try:
        if reg["kind"] == "http":
            h = c["http"]
            answer = reg["fn"](func.HttpRequest(h["method"], h["url"], h.get("headers"), None, h.get("params"), h.get("body", "").encode()))
            answer = {"status": answer.status_code, "headers": dict(answer.headers), "body": answer.body.decode() if isinstance(answer.body, bytes) else answer.body}
        elif reg["kind"] == "timer":
            answer = reg["fn"](Obj(), Obj(invocation_id="run-1"))
        elif reg["kind"] == "queue":
            m = c["input"]
            answer = reg["fn"](Obj(id=m["id"], get_body=lambda: m["body"].encode(), dequeue_count=m["count"], insertion_time=datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)))
        else:
            e = c["input"]
            answer = reg["fn"](Obj(id=e["id"], subject=e["subject"], event_type=e["eventType"], event_time=datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc), data_version=e.get("dataVersion", ""), get_json=lambda: e["data"]))
        out["results"].append({"answer": answer, "seen": list(echo.SEEN)})
    except Exception as err:
        out["results"].append({"error": str(err), "seen": list(echo.SEEN)})
print(json.dumps(out))
`;

const ECHO = `import json
SEEN = []


def handler(event, context):
    SEEN.append(event)
    if event.get("kind") == "queue":
        return {"failed": [m["id"] for m in event["messages"] if m["body"] == "bad"]}
    if "requestContext" in event:
        return {"statusCode": 201, "headers": {"x-id": (event.get("pathParameters") or {}).get("id", "")}, "body": event.get("body")}
    return "done"
`;

describe.skipIf(!hasPython)('the Azure entry adapter (Python v2 model)', () => {
  it('registers one decorated function per trigger and gives the handler neutral events', async () => {
    const dir = makeProject({
      'fnx.yaml': `service: svc
providers:
  azure: { resourceGroup: rg, location: westeurope }
functions:
  echo:
    handler: src/echo.handler
    runtime: python3.12
    memory: 512
    triggers:
      - http: { method: POST, path: "/items/{id}" }
      - schedule: { rate: 5m }
      - queue: { name: jobs }
      - storage: { bucket: uploads, events: [created, deleted] }
`,
      'src/echo.py': ECHO,
      'src/__init__.py': '',
    });
    const manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env: {} });
    const set = await packageArtifacts(manifest, { cache: false });
    const a = set.artifacts.find((x) => x.providers.includes('azure'))!;
    const root = makeProject({});
    const names: string[] = [];
    for (const e of await readZip(a.path)) {
      names.push(e.name);
      mkdirSync(dirname(join(root, e.name)), { recursive: true });
      writeFileSync(join(root, e.name), e.data);
    }
    expect(names.sort()).toEqual(['function_app.py', 'host.json', 'src/__init__.py', 'src/echo.py']);
    const stub = makeProject({ 'azure/__init__.py': '', 'azure/functions/__init__.py': STUB, 'runner.py': RUNNER });
    const calls = [
      { name: 'echo_http0', http: { method: 'POST', url: 'https://h/items/42?a=1&a=2', headers: { 'Content-Type': 'application/json', Cookie: 'a=1; b=2', 'X-Forwarded-For': '203.0.113.7:5000' }, params: { id: '42' }, body: '{"n":1}' } },
      { name: 'echo_timer1' },
      { name: 'echo_queue2', input: { id: 'm-1', body: 'bad', count: 3 } },
      { name: 'echo_storage3', input: { id: 'e-1', subject: '/blobServices/default/containers/uploads/blobs/in/a.txt', eventType: 'Microsoft.Storage.BlobCreated', data: { contentLength: 5, eTag: '"0x1"' } } },
    ];
    const r = spawnSync('python3', [join(stub, 'runner.py'), root, stub], { input: JSON.stringify(calls), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { registrations: { kind: string; name: string; options: Record<string, unknown> }[]; results: { answer?: unknown; error?: string; seen: Record<string, unknown>[] }[] };
    expect(out.registrations).toEqual([
      { kind: 'http', name: 'echo_http0', options: { route: 'items/{id}', methods: ['POST'], auth_level: 'anonymous' } },
      { kind: 'timer', name: 'echo_timer1', options: { schedule: '0 */5 * * * *', arg_name: 'timer', run_on_startup: false } },
      { kind: 'queue', name: 'echo_queue2', options: { arg_name: 'msg', queue_name: 'jobs', connection: 'AzureWebJobsStorage' } },
      { kind: 'eventGrid', name: 'echo_storage3', options: { arg_name: 'event' } },
    ]);
    const [http, timer, queue, storage] = out.results;
    const event = http!.seen[0] as { requestContext: { requestId: string; timeEpoch: number } };
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'POST /items/{id}',
      rawPath: '/items/42',
      rawQueryString: 'a=1&a=2',
      cookies: ['a=1', 'b=2'],
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7:5000' },
      queryStringParameters: { a: '1,2' },
      pathParameters: { id: '42' },
      requestContext: { http: { method: 'POST', path: '/items/42', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: '' }, requestId: event.requestContext.requestId, timeEpoch: event.requestContext.timeEpoch },
      body: '{"n":1}',
      isBase64Encoded: false,
    });
    expect(http!.answer).toEqual({ status: 201, headers: { 'x-id': '42' }, body: '{"n":1}' });
    expect(timer!.seen[0]).toMatchObject({ kind: 'schedule', id: 'run-1' });
    expect(queue!.seen).toEqual([{ kind: 'queue', queue: 'jobs', messages: [{ id: 'm-1', body: 'bad', attributes: {}, receiveCount: 3, sentAt: '2026-03-10T12:00:00.000Z' }] }]);
    expect(queue!.error).toBe('fnx: the handler reported message m-1 as failed');
    expect(storage!.seen).toEqual([{ kind: 'storage', type: 'created', bucket: 'uploads', key: 'in/a.txt', size: 5, etag: '0x1', time: '2026-03-10T12:00:00.000Z' }]);
  });
});
