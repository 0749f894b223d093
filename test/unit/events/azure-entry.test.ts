/**
 * Neutral events on Azure: projects packaged by `fnx package`'s code with the Azure packaging
 * hooks, unzipped as Azure's wwwroot, and loaded the way the Node worker loads a v4 app (the
 * package.json `main`). `@azure/functions`'s `app` is replaced by a recorder of registrations;
 * everything else is the vendored package from the artifact (its real HttpRequest and
 * InvocationContext), so each registered handler is called with the objects Azure passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, makeProject, readZip } from '../package/helpers.js';

afterAll(cleanupProjects);

/** Packages `dir` and unzips the Azure artifact of `fn` into a folder, like a Function App's wwwroot. */
async function deployLocally(dir: string, fn: string): Promise<string> {
  const manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env: {} });
  const set = await packageArtifacts(manifest, { cache: false });
  const a = set.artifacts.find((x) => x.type === 'function' && x.name === fn && x.providers.includes('azure'))!;
  const root = makeProject({});
  for (const e of await readZip(a.path)) {
    const file = join(root, e.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, e.data);
  }
  // The recorder stands in for @azure/functions; the vendored package stays beside it, as -real.
  const vendored = join(root, 'fnx_entry/node_modules/@azure');
  renameSync(join(vendored, 'functions'), join(vendored, 'functions-real'));
  mkdirSync(join(vendored, 'functions'));
  writeFileSync(join(vendored, 'functions/package.json'), '{ "name": "@azure/functions", "main": "index.js" }\n');
  writeFileSync(
    join(vendored, 'functions/index.js'),
    `const real = require('@azure/functions-real');
const registrations = [];
const register = (kind) => (name, options) => registrations.push({ kind, name, options });
exports.app = { http: register('http'), timer: register('timer'), storageQueue: register('storageQueue'), serviceBusQueue: register('serviceBusQueue'), eventGrid: register('eventGrid'), storageBlob: register('storageBlob'), serviceBusTopic: register('serviceBusTopic') };
exports.registrations = registrations;
exports.HttpRequest = real.HttpRequest;
exports.InvocationContext = real.InvocationContext;
`,
  );
  return root;
}

/** Loads the app at `root` as the worker does and calls registered functions with Azure's inputs. */
const RUNNER = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const root = process.argv[2];
const calls = JSON.parse(readFileSync(0, 'utf8'));
const main = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main;
const azure = createRequire(join(root, main))('@azure/functions');
globalThis.fnxSeen = [];
await import(pathToFileURL(join(root, main)).href);
const out = { registrations: azure.registrations.map((r) => ({ kind: r.kind, name: r.name, options: { ...r.options, handler: typeof r.options.handler } })), results: [] };
for (const c of calls) {
  const reg = azure.registrations.find((r) => r.name === c.name);
  const context = new azure.InvocationContext({ invocationId: c.invocationId ?? 'inv-1', functionName: c.name, triggerMetadata: c.triggerMetadata });
  const input = c.http ? new azure.HttpRequest({ method: c.http.method, url: c.http.url, headers: c.http.headers ?? {}, params: c.http.params ?? {}, ...(c.http.body !== undefined ? { body: c.http.base64 ? { bytes: Buffer.from(c.http.body, 'base64') } : { string: c.http.body } } : {}) }) : c.input;
  globalThis.fnxSeen = [];
  try {
    let answer = await reg.options.handler(input, context);
    if (answer?.body instanceof Uint8Array) answer = { ...answer, body: { base64: Buffer.from(answer.body).toString('base64') } };
    if (answer?.cookies) answer = { ...answer, cookies: answer.cookies.map((k) => ({ ...k, ...(k.expires ? { expires: new Date(k.expires).toISOString() } : {}) })) };
    out.results.push({ answer: answer ?? null, seen: globalThis.fnxSeen });
  } catch (err) {
    out.results.push({ error: err.message, seen: globalThis.fnxSeen });
  }
}
process.stdout.write(JSON.stringify(out));
`;

interface Call {
  name: string;
  http?: { method: string; url: string; headers?: Record<string, string>; params?: Record<string, string>; body?: string; base64?: boolean };
  input?: unknown;
  triggerMetadata?: Record<string, unknown>;
  invocationId?: string;
}
interface Run {
  registrations: { kind: string; name: string; options: Record<string, unknown> }[];
  results: { answer?: unknown; error?: string; seen: unknown[] }[];
}

let runner = '';
beforeAll(() => {
  runner = join(makeProject({ 'runner.mjs': RUNNER }), 'runner.mjs');
});

function run(root: string, calls: Call[] = []): Run {
  const r = spawnSync(process.execPath, [runner, root], { input: JSON.stringify(calls), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Run;
}

describe('the node-http template on Azure', () => {
  let dir = '';
  let root = '';
  beforeAll(async () => {
    const cwd = makeProject({});
    const r = await runFnx(['init', 'svc', '-t', 'node-http', '-p', 'azure', '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    dir = join(cwd, 'svc');
    root = await deployLocally(dir, 'api');
  });

  it('is a v4 app: host.json with the extension bundle, package.json main = the generated entry, @azure/functions inside', () => {
    const host = JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')) as Record<string, unknown>;
    expect(host).toEqual({
      version: '2.0',
      extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.0.0, 5.0.0)' },
      functionTimeout: '00:00:10',
      extensions: { http: { routePrefix: '' } },
      logging: { logLevel: { default: 'Information' } },
    });
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).toEqual({ name: 'svc-api', version: '1.0.0', private: true, type: 'module', main: 'fnx_entry/api.mjs' });
    const real = JSON.parse(readFileSync(join(root, 'fnx_entry/node_modules/@azure/functions-real/package.json'), 'utf8')) as { version: string };
    const ours = JSON.parse(readFileSync(join(import.meta.dirname, '../../../node_modules/@azure/functions/package.json'), 'utf8')) as { version: string };
    expect(real.version).toBe(ours.version);
  });

  it('registers one anonymous HTTP function per route and answers Azure in its own terms', () => {
    const r = run(root, [
      { name: 'api_http0', http: { method: 'GET', url: 'https://svc-api.azurewebsites.net/hello?name=fnx', headers: { 'user-agent': 'curl/8.5.0' } } },
      { name: 'api_http1', http: { method: 'GET', url: 'https://svc-api.azurewebsites.net/health' } },
    ]);
    expect(r.registrations).toEqual([
      { kind: 'http', name: 'api_http0', options: { methods: ['GET'], route: 'hello', authLevel: 'anonymous', handler: 'function' } },
      { kind: 'http', name: 'api_http1', options: { methods: ['GET'], route: 'health', authLevel: 'anonymous', handler: 'function' } },
    ]);
    expect(r.results[0]).toEqual({ answer: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"message":"Hello, fnx!","service":"svc"}' }, seen: [] });
    expect(r.results[1]!.answer).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
  });
});

const ECHO_MANIFEST = (azure = '', extra = '') => `service: svc
providers:
  azure: { resourceGroup: rg, location: westeurope${azure} }
functions:
  echo:
    handler: src/echo.handler
    runtime: nodejs22
    memory: 512${extra}
    triggers:
      - http: { method: ANY, path: "/items/{id}" }
      - schedule: { cron: "*/5 * * * MON-FRI" }
      - queue: { name: jobs, batchSize: 8 }
      - storage: { bucket: uploads, events: [created, deleted], prefix: in/ }
      - topic: { name: events }
`;

const NODE_ECHO = `export async function handler(event, context) {
  globalThis.fnxSeen.push(event);
  if (event.kind === 'queue') return { failed: event.messages.filter((m) => m.body === 'bad').map((m) => m.id) };
  if (event.requestContext?.http) {
    if (event.rawPath.endsWith('/bin')) return { statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([137, 80, 78, 71]).toString('base64'), isBase64Encoded: true };
    if (event.rawPath.endsWith('/plain')) return { ok: true, invocation: context.invocationId };
    return { statusCode: 201, headers: { 'x-id': event.pathParameters.id }, cookies: ['session=abc; Path=/; HttpOnly; SameSite=lax; Max-Age=60'], body: event.body };
  }
  return 'done';
}
`;

describe('the Azure entry adapter (Node), every trigger kind', () => {
  let root = '';
  beforeAll(async () => {
    root = await deployLocally(makeProject({ 'fnx.yaml': ECHO_MANIFEST(), 'src/echo.js': NODE_ECHO, 'package.json': '{"type":"module"}\n' }), 'echo');
  });

  it('registers one Azure function per trigger, with NCRONTAB, the storage queue and Event Grid', () => {
    expect(run(root).registrations).toEqual([
      { kind: 'http', name: 'echo_http0', options: { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], route: 'items/{id}', authLevel: 'anonymous', handler: 'function' } },
      { kind: 'timer', name: 'echo_timer1', options: { schedule: '0 */5 * * * 1-5', handler: 'function' } },
      { kind: 'storageQueue', name: 'echo_queue2', options: { queueName: 'jobs', connection: 'AzureWebJobsStorage', handler: 'function' } },
      { kind: 'eventGrid', name: 'echo_storage3', options: { handler: 'function' } },
      { kind: 'eventGrid', name: 'echo_topic4', options: { handler: 'function' } },
    ]);
    expect(JSON.parse(readFileSync(join(root, 'host.json'), 'utf8')).extensions).toEqual({ http: { routePrefix: '' }, queues: { batchSize: 8 } });
  });

  it('http: HttpRequest becomes the payload 2.0 event field by field, and the answer an HttpResponseInit', () => {
    const r = run(root, [
      {
        name: 'echo_http0',
        invocationId: 'c0ffee',
        http: {
          method: 'POST',
          url: 'https://svc-echo.azurewebsites.net/items/42?tag=a&tag=b&q=x%20y',
          headers: { 'content-type': 'application/json', cookie: 'a=1; b=2', 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '203.0.113.7:50123, 10.0.0.1' },
          params: { id: '42' },
          body: '{"a":1}',
        },
      },
    ]);
    const [res] = r.results;
    const event = res!.seen[0] as { requestContext: { timeEpoch: number } };
    expect(typeof event.requestContext.timeEpoch).toBe('number');
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'ANY /items/{id}',
      rawPath: '/items/42',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      cookies: ['a=1', 'b=2'],
      headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '203.0.113.7:50123, 10.0.0.1' },
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      pathParameters: { id: '42' },
      requestContext: { http: { method: 'POST', path: '/items/42', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' }, requestId: 'c0ffee', timeEpoch: event.requestContext.timeEpoch },
      body: '{"a":1}',
      isBase64Encoded: false,
    });
    expect(res!.answer).toEqual({ status: 201, headers: { 'x-id': '42' }, cookies: [{ name: 'session', value: 'abc', path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 60 }], body: '{"a":1}' });
  });

  it('http: a binary body arrives base64 with isBase64Encoded; a base64 answer goes back as bytes; a plain object is a 200 JSON body', () => {
    const r = run(root, [
      { name: 'echo_http0', http: { method: 'PUT', url: 'https://h/items/bin', headers: { 'content-type': 'application/octet-stream' }, params: { id: 'bin' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), base64: true } },
      { name: 'echo_http0', invocationId: 'inv-9', http: { method: 'GET', url: 'https://h/items/plain', params: { id: 'plain' } } },
    ]);
    expect(r.results[0]!.seen[0]).toMatchObject({ body: 'AAEC/w==', isBase64Encoded: true, rawQueryString: '' });
    expect(r.results[0]!.seen[0]).not.toHaveProperty('queryStringParameters');
    expect(r.results[0]!.seen[0]).not.toHaveProperty('cookies');
    expect(r.results[0]!.answer).toEqual({ status: 200, headers: { 'content-type': 'image/png' }, body: { base64: 'iVBORw==' } });
    expect(r.results[1]!.seen[0]).not.toHaveProperty('body');
    expect(r.results[1]!.answer).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"invocation":"inv-9"}' });
  });

  it('timer: a run becomes { kind, id, time } on the second it fired', () => {
    const r = run(root, [{ name: 'echo_timer1', invocationId: 'run-1', input: { isPastDue: false, scheduleStatus: {} } }]);
    const e = r.results[0]!.seen[0] as { time: string };
    expect(e).toEqual({ kind: 'schedule', id: 'run-1', time: e.time });
    expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(r.results[0]!.answer).toBeNull();
  });

  it('queue: a storage queue message is a batch of one; listing it in `failed` throws so Azure delivers it again', () => {
    const meta = (id: string) => ({ id, dequeueCount: 2, insertionTime: '2026-03-10T12:00:00+00:00' });
    const r = run(root, [
      { name: 'echo_queue2', input: { n: 1 }, triggerMetadata: meta('m-1') },
      { name: 'echo_queue2', input: 'bad', triggerMetadata: meta('m-2') },
    ]);
    expect(r.results[0]).toEqual({
      answer: null,
      seen: [{ kind: 'queue', queue: 'jobs', messages: [{ id: 'm-1', body: '{"n":1}', attributes: {}, receiveCount: 2, sentAt: '2026-03-10T12:00:00.000Z' }] }],
    });
    expect(r.results[1]!.error).toBe('fnx: the handler reported message m-2 as failed');
  });

  it('storage: Event Grid BlobCreated / BlobDeleted become storage events with the key from the subject', () => {
    const blob = (type: string, data: Record<string, unknown>) => ({
      id: 'e-1',
      topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/fnxsvcdev',
      subject: '/blobServices/default/containers/uploads/blobs/in/my cat.jpg',
      eventType: `Microsoft.Storage.${type}`,
      eventTime: '2026-03-10T12:00:00.0000000Z',
      data,
      dataVersion: '',
      metadataVersion: '1',
    });
    const r = run(root, [
      { name: 'echo_storage3', input: blob('BlobCreated', { api: 'PutBlob', contentLength: 1024, eTag: '"0x8DC"', url: 'https://fnxsvcdev.blob.core.windows.net/uploads/in/my%20cat.jpg' }) },
      { name: 'echo_storage3', input: blob('BlobDeleted', { api: 'DeleteBlob', url: 'https://fnxsvcdev.blob.core.windows.net/uploads/in/my%20cat.jpg' }) },
    ]);
    expect(r.results.map((x) => x.seen)).toEqual([
      [{ kind: 'storage', type: 'created', bucket: 'uploads', key: 'in/my cat.jpg', size: 1024, etag: '0x8DC', time: '2026-03-10T12:00:00.000Z' }],
      [{ kind: 'storage', type: 'deleted', bucket: 'uploads', key: 'in/my cat.jpg', time: '2026-03-10T12:00:00.000Z' }],
    ]);
  });

  it('topic: an Event Grid event becomes a topic message', () => {
    const r = run(root, [{ name: 'echo_topic4', input: { id: 'ev-7', topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventGrid/topics/events', subject: 'order placed', eventType: 'orders.placed', eventTime: '2026-03-10T12:00:00Z', data: { order: 42 }, dataVersion: '1.0' } }]);
    expect(r.results[0]!.seen).toEqual([{ kind: 'topic', topic: 'events', id: 'ev-7', body: '{"order":42}', subject: 'order placed', attributes: { eventType: 'orders.placed', dataVersion: '1.0' }, time: '2026-03-10T12:00:00.000Z' }]);
  });

  it('a Service Bus namespace makes the queue a Service Bus queue (application properties as attributes, delivery count)', async () => {
    const sb = await deployLocally(makeProject({ 'fnx.yaml': ECHO_MANIFEST(', serviceBus: orders-bus'), 'src/echo.js': NODE_ECHO, 'package.json': '{"type":"module"}\n' }), 'echo');
    const r = run(sb, [{ name: 'echo_queue2', input: 'hello', triggerMetadata: { messageId: 'sb-1', deliveryCount: 1, enqueuedTimeUtc: '2026-03-10T12:00:00Z', applicationProperties: { tenant: 'acme', n: 3 } } }]);
    expect(r.registrations[2]).toEqual({ kind: 'serviceBusQueue', name: 'echo_queue2', options: { queueName: 'jobs', connection: 'FNX_SERVICE_BUS', cardinality: 'one', handler: 'function' } });
    expect(r.results[0]!.seen).toEqual([{ kind: 'queue', queue: 'jobs', messages: [{ id: 'sb-1', body: 'hello', attributes: { tenant: 'acme', n: '3' }, receiveCount: 1, sentAt: '2026-03-10T12:00:00.000Z' }] }]);
  });

  it('events: native registers the handler itself: Azure\'s objects in, the answer out unchanged', async () => {
    const native = await deployLocally(makeProject({ 'fnx.yaml': ECHO_MANIFEST('', '\n    events: native'), 'src/echo.js': 'export async function handler(input) { globalThis.fnxSeen.push(input); return { status: 202 }; }\n', 'package.json': '{"type":"module"}\n' }), 'echo');
    const r = run(native, [{ name: 'echo_queue2', input: { raw: true } }]);
    expect(r.results[0]).toEqual({ answer: { status: 202 }, seen: [{ raw: true }] });
    expect(readFileSync(join(native, 'fnx_entry/echo.mjs'), 'utf8')).not.toContain('function http(');
  });
});

describe('determinism', () => {
  it('the same project packs to the same Azure zip bytes', async () => {
    const files = { 'fnx.yaml': ECHO_MANIFEST(), 'src/echo.js': NODE_ECHO, 'package.json': '{"type":"module"}\n' };
    const sha = async () => {
      const dir = makeProject(files);
      const set = await packageArtifacts(await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env: {} }), { cache: false });
      return set.artifacts.find((a) => a.providers.includes('azure'))!.sha256;
    };
    expect(await sha()).toBe(await sha());
  });
});

