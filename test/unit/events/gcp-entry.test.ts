/**
 * Neutral events on Google Cloud: projects packaged with the GCP packaging hooks, unzipped, and
 * served by the real Node functions framework the way Cloud Run functions serves them (package.json
 * `main`, the entry point the GCP driver deploys, the signature type of the function's trigger),
 * get native requests and CloudEvents converted to the neutral events (docs/events.md) and answer
 * Google Cloud in its own terms. Python's main.py is called with Flask-shaped requests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryPoint } from '../../../providers/gcp/entry.js';
import { loadManifest } from '../../../src/manifest/index.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, makeProject, readZip } from '../package/helpers.js';
import { pubsubMessage, schedulerCall, storageObject, type NativeRequest } from './gcp-native.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const FRAMEWORK = join(dirname(createRequire(import.meta.url).resolve('@google-cloud/functions-framework')), 'main.js');

const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.kill();
  cleanupProjects();
});

async function load(dir: string): Promise<ResolvedManifest> {
  return loadManifest({ cwd: dir, stage: 'dev', vars: {}, env: {} });
}

/** Packages `dir` and unzips each function's GCP artifact into its own folder (the build's source). */
async function deployLocally(dir: string): Promise<{ manifest: ResolvedManifest; source: (fn: string) => string; names: (fn: string) => Promise<string[]> }> {
  const manifest = await load(dir);
  const set = await packageArtifacts(manifest, { cache: false });
  const out = makeProject({});
  const gcp = set.artifacts.filter((x) => x.type === 'function' && x.providers.includes('gcp'));
  for (const a of gcp) {
    for (const e of await readZip(a.path)) {
      const file = join(out, a.name, e.name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, e.data);
    }
  }
  return { manifest, source: (fn) => join(out, fn), names: async (fn) => (await readZip(gcp.find((a) => a.name === fn)!.path)).map((e) => e.name) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Serves `source` with the functions framework as Cloud Run functions does; resolves once it listens. */
async function serve(source: string, target: string, signature: 'http' | 'cloudevent', env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [FRAMEWORK, `--target=${target}`, `--signature-type=${signature}`, `--source=${source}`, `--port=${port}`], {
    cwd: source,
    env: { ...process.env, ...env, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('URL: http')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`functions framework exited ${code}: ${err}${out}`)));
  });
  return `http://127.0.0.1:${port}`;
}

async function send(url: string, req: NativeRequest): Promise<{ status: number; headers: Headers; body: string }> {
  const r = await fetch(url + req.path, { method: req.method, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

async function scaffold(template: string): Promise<string> {
  const cwd = makeProject({});
  const r = await runFnx(['init', 'svc', '-t', template, '-p', 'gcp', '--yes'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return join(cwd, 'svc');
}

describe('the node-http template on Google Cloud', () => {
  it('package.json main is the adapter, its entry point serves the neutral http event, unknown routes are 404', async () => {
    const dir = await scaffold('node-http');
    const { manifest, source, names } = await deployLocally(dir);
    const fn = manifest.functions.find((f) => f.name === 'api')!;
    expect(entryPoint(fn)).toBe('fnxEntry');
    expect(await names('api')).toEqual(expect.arrayContaining(['package.json', 'fnx_entry/api.mjs', 'src/handler.js']));
    const pkg = JSON.parse(readFileSync(join(source('api'), 'package.json'), 'utf8')) as Record<string, unknown>;
    const own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toEqual({ ...own, main: 'fnx_entry/api.mjs' });

    const url = await serve(source('api'), entryPoint(fn), 'http');
    const hello = await send(url, { method: 'GET', path: '/hello?name=fnx', headers: {} });
    expect([hello.status, hello.headers.get('content-type'), JSON.parse(hello.body)]).toEqual([200, 'application/json', { message: 'Hello, fnx!', service: 'svc' }]);
    const world = await send(url, { method: 'GET', path: '/hello', headers: {} });
    expect(JSON.parse(world.body).message).toBe('Hello, world!');
    const health = await send(url, { method: 'GET', path: '/health', headers: {} });
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { ok: true }]);
    const missing = await send(url, { method: 'GET', path: '/nope', headers: {} });
    expect([missing.status, JSON.parse(missing.body)]).toEqual([404, { message: 'Not Found' }]);
    const wrongMethod = await send(url, { method: 'POST', path: '/hello', headers: {} });
    expect(wrongMethod.status).toBe(404);
  });
});

/** A handler that appends every event it gets to $ECHO_LOG and answers per kind. */
type NeutralHttp = Record<string, unknown> & { requestContext: { http: unknown; requestId: unknown; timeEpoch: unknown }; headers: Record<string, string> };

const NODE_ECHO = `import { appendFileSync } from 'node:fs';
export async function handler(event) {
  appendFileSync(process.env.ECHO_LOG, JSON.stringify(event) + '\\n');
  if (event.kind === 'queue') return { failed: event.messages.filter((m) => m.body === 'bad').map((m) => m.id) };
  if (event.kind === 'topic' && event.body === 'boom') throw new Error('boom');
  if (event.requestContext?.http) return { statusCode: 201, headers: { 'x-echo': 'yes' }, cookies: ['a=1', 'b=2'], body: event.body ?? '' };
  return 'done';
}
`;

const PYTHON_ECHO = `import json, os


def handler(event, context):
    with open(os.environ["ECHO_LOG"], "a") as f:
        f.write(json.dumps(event) + "\\n")
    if event.get("kind") == "queue":
        return {"failed": [m["id"] for m in event["messages"] if m["body"] == "bad"]}
    if "requestContext" in event:
        return {"statusCode": 201, "headers": {"x-echo": "yes"}, "body": event.get("body", "")}
    return "done"
`;

/** One function per trigger kind (a Cloud Run function has one event trigger, or an HTTP endpoint). */
const ECHO_MANIFEST = (runtime: string, extra = '') => `service: svc
providers:
  gcp: { project: my-project, region: europe-west1 }
defaults:
  runtime: ${runtime}${extra}
functions:
  web:
    handler: src/echo.handler
    triggers:
      - http: { method: POST, path: "/orders/{id}" }
      - http: { method: GET, path: "/files/{path+}" }
      - schedule: { rate: 5m }
  jobs:
    handler: src/echo.handler
    triggers: [{ queue: { name: jobs } }]
  events:
    handler: src/echo.handler
    triggers: [{ topic: { name: orders } }]
  uploads:
    handler: src/echo.handler
    triggers: [{ storage: { bucket: uploads, events: [created], prefix: in/, suffix: .jpg } }]
`;

describe('the GCP entry adapter (nodejs22, served by the functions framework)', () => {
  let local: Awaited<ReturnType<typeof deployLocally>>;
  let log = '';
  const urls = new Map<string, string>();
  const got = () => {
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    writeFileSync(log, '');
    return lines;
  };
  const url = async (fn: string) => {
    if (!urls.has(fn)) {
      const f = local.manifest.functions.find((x) => x.name === fn)!;
      urls.set(fn, await serve(local.source(fn), entryPoint(f), fn === 'web' ? 'http' : 'cloudevent', { ECHO_LOG: log }));
    }
    return urls.get(fn)!;
  };

  beforeAll(async () => {
    const dir = makeProject({ 'fnx.yaml': ECHO_MANIFEST('nodejs22'), 'src/echo.js': NODE_ECHO, 'package.json': '{\n  "name": "svc",\n  "type": "module"\n}\n' });
    local = await deployLocally(dir);
    log = join(makeProject({ 'echo.log': '' }), 'echo.log');
  });

  it('http: method, path, route parameters, query, headers, cookies and body become the neutral event; the answer goes back', async () => {
    const r = await send(await url('web'), { method: 'POST', path: '/orders/42?x=1&x=2&y=z', headers: { 'content-type': 'application/json', cookie: 's=abc; t=def', 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '203.0.113.7' }, body: '{"a":1}' });
    expect([r.status, r.headers.get('x-echo'), r.headers.get('set-cookie'), r.body]).toEqual([201, 'yes', 'a=1, b=2', '{"a":1}']);
    const [e] = got() as [NeutralHttp];
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'POST /orders/{id}',
      rawPath: '/orders/42',
      rawQueryString: 'x=1&x=2&y=z',
      queryStringParameters: { x: '1,2', y: 'z' },
      pathParameters: { id: '42' },
      cookies: ['s=abc', 't=def'],
      body: '{"a":1}',
      isBase64Encoded: false,
    });
    expect(e.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' });
    expect(e.requestContext.http).toEqual({ method: 'POST', path: '/orders/42', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' });
    expect(typeof e.requestContext.requestId).toBe('string');
    expect(typeof e.requestContext.timeEpoch).toBe('number');
  });

  it('http: a greedy {path+} route and a binary body (base64)', async () => {
    const r = await send(await url('web'), { method: 'GET', path: '/files/a/b%20c.txt', headers: {} });
    expect(r.status).toBe(201);
    const [e] = got() as [NeutralHttp];
    expect([e.routeKey, e.pathParameters, e.body, e.isBase64Encoded]).toEqual(['GET /files/{path+}', { path: 'a/b c.txt' }, undefined, false]);
  });

  it('schedule: the Cloud Scheduler call becomes { kind, id, time } and is answered 204', async () => {
    const r = await send(await url('web'), schedulerCall('projects/my-project/locations/europe-west1/jobs/svc-dev-web-schedule-0'));
    expect(r.status).toBe(204);
    expect(got()).toEqual([{ kind: 'schedule', id: 'projects/my-project/locations/europe-west1/jobs/svc-dev-web-schedule-0/2026-03-10T12:15:00.000000+00:00', time: '2026-03-10T12:15:00.000Z' }]);
  });

  it('queue: a Pub/Sub message becomes a one-message batch; listing it as failed answers an error so Pub/Sub delivers it again', async () => {
    const ok = await send(await url('jobs'), pubsubMessage('jobs', '{"n":1}', { attributes: { tenant: 'acme' } }));
    expect(ok.status).toBeLessThan(300);
    expect(got()).toEqual([{ kind: 'queue', queue: 'jobs', messages: [{ id: '11815164848185133', body: '{"n":1}', attributes: { tenant: 'acme' }, receiveCount: 1, sentAt: '2026-03-10T12:00:00.123Z' }] }]);
    const bad = await send(await url('jobs'), pubsubMessage('jobs', 'bad', { id: '7', deliveryAttempt: 3 }));
    expect(bad.status).toBeGreaterThanOrEqual(500);
    expect((got()[0] as { messages: unknown[] }).messages).toEqual([{ id: '7', body: 'bad', attributes: {}, receiveCount: 3, sentAt: '2026-03-10T12:00:00.123Z' }]);
  });

  it('topic: a Pub/Sub message becomes a neutral topic message; a throwing handler is an error answer', async () => {
    const ok = await send(await url('events'), pubsubMessage('orders', '{"order":42}', { attributes: { priority: 'high' } }));
    expect(ok.status).toBeLessThan(300);
    expect(got()).toEqual([{ kind: 'topic', topic: 'orders', id: '11815164848185133', body: '{"order":42}', attributes: { priority: 'high' }, time: '2026-03-10T12:00:00.123Z' }]);
    const boom = await send(await url('events'), pubsubMessage('orders', 'boom'));
    expect(boom.status).toBeGreaterThanOrEqual(500);
    got();
  });

  it('storage: an object finalized event becomes a neutral created event; objects outside prefix/suffix never reach the handler', async () => {
    const r = await send(await url('uploads'), storageObject('finalized', 'uploads', 'in/my cat.jpg', 2048));
    expect(r.status).toBeLessThan(300);
    expect(got()).toEqual([{ kind: 'storage', type: 'created', bucket: 'uploads', key: 'in/my cat.jpg', size: 2048, etag: 'CJDk3d2c0YQDEAE=', time: '2026-03-10T12:00:00.000Z' }]);
    for (const name of ['out/a.jpg', 'in/a.png']) expect((await send(await url('uploads'), storageObject('finalized', 'uploads', name))).status).toBeLessThan(300);
    expect(got()).toEqual([]);
  });

  it('an event function also takes a CloudEvent delivered to an http signature (binary mode)', async () => {
    const f = local.manifest.functions.find((x) => x.name === 'events')!;
    const u = await serve(local.source('events'), entryPoint(f), 'http', { ECHO_LOG: log });
    expect((await send(u, pubsubMessage('orders', 'hi'))).status).toBe(204);
    expect(got()).toMatchObject([{ kind: 'topic', topic: 'orders', body: 'hi' }]);
  });
});

describe('events: native on Google Cloud', () => {
  it('package.json main is the handler file, the entry point its export, and the native CloudEvent reaches it', async () => {
    const handler = `import { appendFileSync } from 'node:fs';\nexport async function handler(ce) { appendFileSync(process.env.ECHO_LOG, JSON.stringify({ type: ce.type, data: ce.data }) + '\\n'); }\n`;
    const dir = makeProject({ 'fnx.yaml': ECHO_MANIFEST('nodejs22', '\n  events: native'), 'src/echo.js': handler, 'package.json': '{"type":"module"}\n' });
    const { manifest, source, names } = await deployLocally(dir);
    const fn = manifest.functions.find((f) => f.name === 'events')!;
    expect(entryPoint(fn)).toBe('handler');
    expect(await names('events')).toEqual(['package.json', 'src/echo.js']);
    expect(JSON.parse(readFileSync(join(source('events'), 'package.json'), 'utf8'))).toEqual({ type: 'module', main: 'src/echo.js' });
    const log = join(makeProject({ 'echo.log': '' }), 'echo.log');
    const u = await serve(source('events'), entryPoint(fn), 'cloudevent', { ECHO_LOG: log });
    const req = pubsubMessage('orders', 'raw');
    expect((await send(u, req)).status).toBeLessThan(300);
    expect(readFileSync(log, 'utf8').trim()).toBe(JSON.stringify({ type: 'google.cloud.pubsub.topic.v1.messagePublished', data: JSON.parse(req.body!) }));
  });

  it('a project without package.json gets a minimal one naming the entry', async () => {
    const dir = makeProject({ 'fnx.yaml': ECHO_MANIFEST('nodejs22'), 'src/echo.mjs': NODE_ECHO });
    const { source } = await deployLocally(dir);
    expect(JSON.parse(readFileSync(join(source('jobs'), 'package.json'), 'utf8'))).toEqual({ name: 'jobs', private: true, main: 'fnx_entry/jobs.mjs' });
  });
});

/** Calls main.py's entry point with a Flask-shaped request or a CloudEvent-shaped dict, as the Python functions framework does. */
const PYTHON_HARNESS = `
import json, os, sys
source = sys.argv[1]
sys.path.insert(0, source)
os.chdir(source)
import importlib.util
spec = importlib.util.spec_from_file_location("main", os.path.join(source, "main.py"))
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)
req = json.load(sys.stdin)

class Request:
    def __init__(self, r):
        path, _, query = r["path"].partition("?")
        self.method = r["method"]
        self.path = path
        self.query_string = query.encode()
        self.headers = r["headers"]
        self.environ = {"SERVER_PROTOCOL": "HTTP/1.1"}
        self.remote_addr = "127.0.0.1"
        self._body = (r.get("body") or "").encode()
    def get_data(self):
        return self._body

if req.get("cloudevent"):
    ce = dict(req["cloudevent"])
    out = main.fnx_entry(ce)
else:
    out = main.fnx_entry(Request(req))
sys.stdout.write(json.dumps(out if not isinstance(out, tuple) else list(out)))
`;

describe.skipIf(!hasPython)('the GCP entry adapter (python3.12)', () => {
  let local: Awaited<ReturnType<typeof deployLocally>>;
  let harness = '';
  let log = '';
  const call = (fn: string, req: unknown) => {
    const r = spawnSync('python3', [harness, local.source(fn)], { input: JSON.stringify(req), encoding: 'utf8', env: { ...process.env, ECHO_LOG: log } });
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    writeFileSync(log, '');
    return { status: r.status, stderr: r.stderr, answer: r.status === 0 ? (JSON.parse(r.stdout) as unknown) : undefined, got: lines };
  };
  const cloudEvent = (req: NativeRequest) => ({ cloudevent: { type: req.headers['ce-type'], source: req.headers['ce-source'], id: req.headers['ce-id'], time: req.headers['ce-time'], data: JSON.parse(req.body!) } });

  beforeAll(async () => {
    const dir = makeProject({ 'fnx.yaml': ECHO_MANIFEST('python3.12'), 'src/echo.py': PYTHON_ECHO, 'requirements.txt': '' });
    local = await deployLocally(dir);
    harness = join(makeProject({ 'harness.py': PYTHON_HARNESS }), 'harness.py');
    log = join(makeProject({ 'echo.log': '' }), 'echo.log');
  });

  it('main.py is generated; http requests become the neutral event and the answer a Flask response tuple', async () => {
    expect(await local.names('web')).toContain('main.py');
    const r = call('web', { method: 'POST', path: '/orders/7?q=1', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(r.answer).toEqual(['{"a":1}', 201, { 'x-echo': 'yes' }]);
    expect(r.got).toMatchObject([{ routeKey: 'POST /orders/{id}', rawPath: '/orders/7', pathParameters: { id: '7' }, queryStringParameters: { q: '1' }, body: '{"a":1}', isBase64Encoded: false }]);
    expect(call('web', { method: 'GET', path: '/x', headers: {} }).answer).toEqual(['{"message":"Not Found"}', 404, { 'content-type': 'application/json' }]);
  });

  it('schedule, queue, topic and storage events become neutral events', async () => {
    const s = schedulerCall('jobs/svc-dev-web-schedule-0');
    expect(call('web', s).got).toEqual([{ kind: 'schedule', id: 'jobs/svc-dev-web-schedule-0/2026-03-10T12:15:00.000000+00:00', time: '2026-03-10T12:15:00.000Z' }]);
    expect(call('jobs', cloudEvent(pubsubMessage('jobs', 'one'))).got).toEqual([{ kind: 'queue', queue: 'jobs', messages: [{ id: '11815164848185133', body: 'one', attributes: {}, receiveCount: 1, sentAt: '2026-03-10T12:00:00.123Z' }] }]);
    const bad = call('jobs', cloudEvent(pubsubMessage('jobs', 'bad')));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('listed message 11815164848185133 as failed');
    expect(call('events', cloudEvent(pubsubMessage('orders', 'hi', { attributes: { a: 'b' } }))).got).toEqual([{ kind: 'topic', topic: 'orders', id: '11815164848185133', body: 'hi', attributes: { a: 'b' }, time: '2026-03-10T12:00:00.123Z' }]);
    expect(call('uploads', cloudEvent(storageObject('finalized', 'uploads', 'in/x.jpg', 5))).got).toEqual([{ kind: 'storage', type: 'created', bucket: 'uploads', key: 'in/x.jpg', size: 5, etag: 'CJDk3d2c0YQDEAE=', time: '2026-03-10T12:00:00.000Z' }]);
    expect(call('uploads', cloudEvent(storageObject('finalized', 'uploads', 'in/x.png'))).got).toEqual([]);
  });
});
