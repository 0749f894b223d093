/**
 * Neutral events on AWS: the handler files `fnx init` generates, packaged by `fnx package`'s code
 * with the AWS packaging hooks, and run the way Lambda runs them (the Handler setting the AWS
 * driver deploys, imported from the unzipped artifact), get native AWS events converted to the
 * neutral ones (docs/events.md) and answer Lambda in its own terms.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaHandler } from '../../../providers/aws/entry.js';
import { nativeEvent } from '../../../providers/aws/native-events.js';
import type { TriggerKind } from '../../../src/driver.js';
import { desiredFunction } from '../../../providers/aws/desired.js';
import { loadManifest } from '../../../src/manifest/index.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, makeProject, readZip } from '../package/helpers.js';
import { apiGatewayV2, dynamodbBatch, eventBridgeScheduled, kinesisBatch, s3Notification, snsNotification, sqsBatch } from './aws-native.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;

afterAll(cleanupProjects);

async function load(dir: string, stage = 'dev'): Promise<ResolvedManifest> {
  return loadManifest({ cwd: dir, stage, vars: {}, env: {} });
}

/** Packages `dir` for AWS and unzips each function's artifact into its own folder, like Lambda's /var/task. */
async function deployLocally(dir: string): Promise<{ manifest: ResolvedManifest; task: (fn: string) => string; zip: (fn: string) => Buffer }> {
  const manifest = await load(dir);
  const set = await packageArtifacts(manifest, { cache: false });
  const out = makeProject({});
  for (const a of set.artifacts.filter((x) => x.type === 'function' && x.providers.includes('aws'))) {
    for (const e of await readZip(a.path)) {
      const file = join(out, a.name, e.name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, e.data);
    }
  }
  const path = (fn: string) => set.artifacts.find((x) => x.type === 'function' && x.name === fn && x.providers.includes('aws'))!.path;
  return { manifest, task: (fn) => join(out, fn), zip: (fn) => readFileSync(path(fn)) };
}

/** The Handler the AWS driver deploys for `fn` (what Lambda imports and calls). */
function handlerSetting(manifest: ResolvedManifest, name: string): string {
  const fn = manifest.functions.find((f) => f.name === name)!;
  const artifacts = { version: 1 as const, service: manifest.service, stage: manifest.stage, artifacts: [{ type: 'function' as const, name, providers: ['aws' as const], path: '/x.zip', size: 1, unzippedSize: 1, files: 1, sha256: 'ff', sha256Base64: 'AA==' }] };
  const handler = desiredFunction(manifest, fn, artifacts, { region: 'us-east-1', accountId: '123456789012' }, {}).config.Handler;
  expect(handler).toBe(lambdaHandler(fn));
  return handler;
}

const NODE_BOOTSTRAP = `
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [task, setting] = process.argv.slice(2);
const dot = setting.lastIndexOf('.');
const file = ['.js', '.mjs', '.cjs'].map((ext) => join(task, setting.slice(0, dot) + ext)).find(existsSync);
const mod = await import(pathToFileURL(file).href);
const out = await mod[setting.slice(dot + 1)](JSON.parse(readFileSync(0, 'utf8')), { awsRequestId: 'req-1' });
process.stdout.write('\\n' + JSON.stringify(out === undefined ? null : out));
`;

const PYTHON_BOOTSTRAP = `
import importlib, json, sys
task, setting = sys.argv[1], sys.argv[2]
sys.path.insert(0, task)
module, name = setting.rsplit(".", 1)
out = getattr(importlib.import_module(module.replace("/", ".")), name)(json.load(sys.stdin), {"aws_request_id": "req-1"})
sys.stdout.write("\\n" + json.dumps(out))
`;

let bootstraps = '';
beforeAll(() => {
  bootstraps = makeProject({ 'node.mjs': NODE_BOOTSTRAP, 'python.py': PYTHON_BOOTSTRAP });
});

/** Invokes `setting` in `task` with `event` as Lambda's runtime does; returns the answer and what the handler logged. */
function invoke(task: string, setting: string, event: unknown, runtime: 'node' | 'python' = 'node', env: Record<string, string> = {}): { answer: unknown; stdout: string } {
  const cmd = runtime === 'node' ? process.execPath : 'python3';
  const r = spawnSync(cmd, [join(bootstraps, runtime === 'node' ? 'node.mjs' : 'python.py'), task, setting], { input: JSON.stringify(event), encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
  const nl = r.stdout.lastIndexOf('\n');
  return { answer: JSON.parse(r.stdout.slice(nl + 1)), stdout: r.stdout.slice(0, nl) };
}

async function scaffold(template: string): Promise<string> {
  const cwd = makeProject({});
  const r = await runFnx(['init', 'svc', '-t', template, '-p', 'aws', '--yes'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return join(cwd, 'svc');
}

describe('the templates\' handlers on AWS', () => {
  it('node-http: API Gateway v2 requests reach the handler untouched (no adapter) and its answer goes back as is', async () => {
    const dir = await scaffold('node-http');
    const { manifest, task, zip } = await deployLocally(dir);
    const setting = handlerSetting(manifest, 'api');
    expect(setting).toBe('src/handler.handler');
    expect((await readZip(join(dir, '.fnx/build/dev/functions/api.zip'))).map((e) => e.name)).not.toContain('fnx_entry/api.mjs');
    expect(zip('api').length).toBeGreaterThan(0);

    const hello = invoke(task('api'), setting, apiGatewayV2('GET', '/hello', { name: 'fnx' })).answer as { statusCode: number; headers: Record<string, string>; body: string };
    expect(hello.statusCode).toBe(200);
    expect(hello.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(hello.body)).toEqual({ message: 'Hello, fnx!', service: 'svc' });
    const world = invoke(task('api'), setting, apiGatewayV2('GET', '/hello')).answer as { body: string };
    expect(JSON.parse(world.body).message).toBe('Hello, world!');
    const health = invoke(task('api'), setting, apiGatewayV2('GET', '/health')).answer as { statusCode: number; body: string };
    expect([health.statusCode, JSON.parse(health.body)]).toEqual([200, { ok: true }]);
  });

  it('node-queue: an SQS batch becomes a neutral batch, and the failed ids become batchItemFailures', async () => {
    const dir = await scaffold('node-queue');
    const { manifest, task } = await deployLocally(dir);
    const setting = handlerSetting(manifest, 'worker');
    expect(setting).toBe('fnx_entry/worker.handler');

    const batch = sqsBatch('{"id":1}', '42', '{"id":3}', 'not json');
    const { answer, stdout } = invoke(task('worker'), setting, batch);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: batch.Records[1]!.messageId }, { itemIdentifier: batch.Records[3]!.messageId }] });
    expect(stdout).toContain('"msg":"job processed","id":3');

    expect(invoke(task('worker'), setting, sqsBatch('{"id":1}')).answer).toEqual({ batchItemFailures: [] });
  });

  it('node-schedule: an EventBridge scheduled event becomes { kind, id, time }', async () => {
    const dir = await scaffold('node-schedule');
    const { manifest, task } = await deployLocally(dir);
    const setting = handlerSetting(manifest, 'job');
    expect(setting).toBe('fnx_entry/job.handler');
    const { answer, stdout } = invoke(task('job'), setting, eventBridgeScheduled());
    expect(answer).toEqual({ service: 'svc', ranAt: '2026-03-10T12:15:00.000Z' });
    expect(stdout).toContain('"run":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"');
  });

  it('python-http: API Gateway v2 requests reach handler(event, context) untouched', async (ctx) => {
    if (!hasPython) ctx.skip();
    const dir = await scaffold('python-http');
    const { manifest, task } = await deployLocally(dir);
    const setting = handlerSetting(manifest, 'api');
    expect(setting).toBe('src/handler.handler');
    const hello = invoke(task('api'), setting, apiGatewayV2('GET', '/hello', { name: 'py' }), 'python').answer as { statusCode: number; body: string };
    expect([hello.statusCode, JSON.parse(hello.body).message]).toEqual([200, 'Hello, py!']);
  });
});

/** A function on every trigger kind whose handler logs each event it gets (one JSON line per call). */
const ECHO_MANIFEST = (extra = '') => `service: svc
providers:
  aws: { region: us-east-1 }
functions:
  echo:
    handler: src/echo.handler
    runtime: RUNTIME${extra}
    triggers:
      - http: { method: POST, path: /echo }
      - schedule: { rate: 5m }
      - queue: { name: jobs }
      - storage: { bucket: uploads, events: [created, deleted] }
      - topic: { name: events }
      - stream: { source: dynamodb, table: ExampleTableWithStream }
      - stream: { source: kinesis, stream: lambda-stream }
`;

const NODE_ECHO = `export async function handler(event) {
  console.log(JSON.stringify(event));
  if (event.kind === 'queue') return { failed: event.messages.filter((m) => m.body === 'bad').map((m) => m.id) };
  if (event.kind === 'stream') return { failed: event.records.filter((r) => r.eventName === 'MODIFY' || r.data === 'Hello World').map((r) => r.sequenceNumber) };
  if (event.requestContext?.http) return { statusCode: 201, body: event.body };
  return 'done';
}
`;

const PYTHON_ECHO = `import json


def handler(event, context):
    print(json.dumps(event))
    if event.get("kind") == "queue":
        return {"failed": [m["id"] for m in event["messages"] if m["body"] == "bad"]}
    if event.get("kind") == "stream":
        return {"failed": [r["sequenceNumber"] for r in event["records"] if r.get("eventName") == "MODIFY" or r.get("data") == "Hello World"]}
    if "requestContext" in event:
        return {"statusCode": 201, "body": event.get("body")}
    return "done"
`;

const logged = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);

describe.each([
  { runtime: 'nodejs22', lang: 'node' as const, files: { 'src/echo.js': NODE_ECHO, 'package.json': '{"type":"module"}\n' }, entry: 'fnx_entry/echo.mjs' },
  { runtime: 'python3.12', lang: 'python' as const, files: { 'src/echo.py': PYTHON_ECHO }, entry: 'fnx_entry/echo.py' },
])('the AWS entry adapter ($runtime)', ({ runtime, lang, files, entry }) => {
  let task = '';
  let setting = '';
  let dir = '';
  const run = (event: unknown) => {
    const r = invoke(task, setting, event, lang);
    return { answer: r.answer, got: logged(r.stdout) };
  };

  beforeAll(async () => {
    dir = makeProject({ 'fnx.yaml': ECHO_MANIFEST().replace('RUNTIME', runtime), ...files });
    const local = await deployLocally(dir);
    task = local.task('echo');
    setting = handlerSetting(local.manifest, 'echo');
  });

  it('is generated into the artifact, and Lambda\'s Handler points at it', async () => {
    expect(setting).toBe('fnx_entry/echo.handler');
    const names = (await readZip(join(dir, '.fnx/build/dev/functions/echo.zip'))).map((e) => e.name);
    expect(names).toContain(entry);
  });

  it.skipIf(lang === 'python' && !hasPython)('http: the API Gateway v2 event is the neutral event, passed through both ways', () => {
    const event = { ...apiGatewayV2('POST', '/echo'), body: '{"a":1}' };
    expect(run(event)).toEqual({ answer: { statusCode: 201, body: '{"a":1}' }, got: [event] });
  });

  it.skipIf(lang === 'python' && !hasPython)('queue: SQS records become neutral messages; `failed` becomes batchItemFailures', () => {
    const batch = sqsBatch('{"n":1}', 'bad');
    const r = run(batch);
    expect(r.got).toEqual([
      {
        kind: 'queue',
        queue: 'svc-jobs',
        messages: [
          { id: batch.Records[0]!.messageId, body: '{"n":1}', attributes: { tenant: 'acme' }, receiveCount: 1, sentAt: '2026-03-10T12:00:00.000Z' },
          { id: batch.Records[1]!.messageId, body: 'bad', attributes: { tenant: 'acme' }, receiveCount: 2, sentAt: '2026-03-10T12:00:00.000Z' },
        ],
      },
    ]);
    expect(r.answer).toEqual({ batchItemFailures: [{ itemIdentifier: batch.Records[1]!.messageId }] });
  });

  it.skipIf(lang === 'python' && !hasPython)('schedule: the EventBridge scheduled event becomes { kind, id, time }', () => {
    expect(run(eventBridgeScheduled())).toEqual({ answer: 'done', got: [{ kind: 'schedule', id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', time: '2026-03-10T12:15:00Z' }] });
  });

  it.skipIf(lang === 'python' && !hasPython)('storage: S3 records become one neutral object event each, with the key decoded', () => {
    expect(run(s3Notification('ObjectCreated:Put', 'in/my+cat%281%29.jpg', 1024)).got).toEqual([
      { kind: 'storage', type: 'created', bucket: 'uploads', key: 'in/my cat(1).jpg', size: 1024, etag: 'd41d8cd98f00b204e9800998ecf8427e', time: '2026-03-10T12:00:00.000Z' },
    ]);
    expect(run(s3Notification('ObjectRemoved:Delete', 'in/old.txt')).got).toEqual([
      { kind: 'storage', type: 'deleted', bucket: 'uploads', key: 'in/old.txt', time: '2026-03-10T12:00:00.000Z' },
    ]);
  });

  it.skipIf(lang === 'python' && !hasPython)('topic: the SNS record becomes a neutral topic message', () => {
    expect(run(snsNotification()).got).toEqual([
      {
        kind: 'topic',
        topic: 'events',
        id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        body: '{"order":42}',
        subject: 'order placed',
        attributes: { priority: 'high' },
        time: '2026-03-10T12:00:00.000Z',
      },
    ]);
  });

  it.skipIf(lang === 'python' && !hasPython)('stream (dynamodb): records get plain-JSON keys and images; `failed` sequence numbers become batchItemFailures', () => {
    const r = run(dynamodbBatch());
    const time = '2015-04-09T00:00:00.000Z';
    expect(r.got).toEqual([
      {
        kind: 'stream',
        source: 'dynamodb',
        stream: 'ExampleTableWithStream',
        records: [
          {
            sequenceNumber: '4421584500000000017450439091',
            time,
            eventName: 'INSERT',
            keys: { Id: 101 },
            newImage: { Message: 'New item!', Id: 101, Tags: ['a', 'b'], Price: 12.5, Big: '123456789012345678901234567890', Done: false, Gone: null, Meta: { Rank: 2, Parts: ['x', 3] } },
          },
          { sequenceNumber: '4421584500000000017450439092', time, eventName: 'MODIFY', keys: { Id: 101 }, newImage: { Message: 'This item has changed', Id: 101 }, oldImage: { Message: 'New item!', Id: 101 } },
          { sequenceNumber: '4421584500000000017450439093', time, eventName: 'REMOVE', keys: { Id: 101 }, oldImage: { Message: 'This item has changed', Id: 101 } },
        ],
      },
    ]);
    expect(r.answer).toEqual({ batchItemFailures: [{ itemIdentifier: '4421584500000000017450439092' }] });
  });

  it.skipIf(lang === 'python' && !hasPython)('stream (kinesis): data is decoded to text (and kept as base64); `failed` sequence numbers become batchItemFailures', () => {
    const r = run(kinesisBatch());
    expect(r.got).toEqual([
      {
        kind: 'stream',
        source: 'kinesis',
        stream: 'lambda-stream',
        records: [
          { sequenceNumber: '49590338271490256608559692538361571095921575989136588898', time: '2020-12-09T07:04:35.000Z', partitionKey: '1', data: 'Hello, this is a test.', dataBase64: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==' },
          { sequenceNumber: '49590338271490256608559692540925702759324208523137515618', time: '2020-12-09T07:04:35.500Z', partitionKey: '1', data: 'Hello World', dataBase64: 'SGVsbG8gV29ybGQ=' },
        ],
      },
    ]);
    expect(r.answer).toEqual({ batchItemFailures: [{ itemIdentifier: '49590338271490256608559692540925702759324208523137515618' }] });
  });

  it.skipIf(lang === 'python' && !hasPython)('an event of no trigger kind (a direct invoke) reaches the handler unchanged', () => {
    expect(run({ hello: 'world' })).toEqual({ answer: 'done', got: [{ hello: 'world' }] });
  });

  // What `fnx invoke --event KIND` sends (the AWS driver's nativeEvent) comes back as the neutral value it was made from.
  it.skipIf(lang === 'python' && !hasPython)('round trip: the driver\'s native event of each kind becomes exactly the neutral event it was built from', () => {
    const c = { region: 'eu-west-1', accountId: '123456789012' };
    const neutral = {
      schedule: { kind: 'schedule', id: 'run-1', time: '2026-12-01T09:30:00Z' },
      queue: { kind: 'queue', queue: 'svc-dev-jobs', messages: [{ id: 'm-1', body: '{"job":1}', attributes: { tenant: 'acme' }, receiveCount: 2, sentAt: '2026-12-01T09:29:59.000Z' }] },
      storage: { kind: 'storage', type: 'created', bucket: 'uploads', key: 'in/my cat+dog (1)/ü.jpg', size: 12, etag: 'abc', time: '2026-12-01T09:30:00.000Z' },
      topic: { kind: 'topic', topic: 'news', id: 'n-1', body: 'hello', subject: 'greeting', attributes: { lang: 'en' }, time: '2026-12-01T09:30:00.000Z' },
      stream: {
        kind: 'stream',
        source: 'dynamodb',
        stream: 'orders',
        records: [
          { sequenceNumber: '111', time: '2026-12-01T09:30:00.000Z', eventName: 'MODIFY', keys: { id: 'o-1' }, newImage: { id: 'o-1', total: 12.5, paid: true, items: ['a', 2], note: null, meta: { by: 'x' } }, oldImage: { id: 'o-1', total: 10 } },
          { sequenceNumber: '112', time: '2026-12-01T09:30:01.250Z', eventName: 'REMOVE', keys: { id: 'o-2' }, oldImage: { id: 'o-2' } },
        ],
      },
    } as const;
    for (const [kind, value] of Object.entries(neutral)) {
      expect(run(nativeEvent(kind as TriggerKind, value, c)).got, kind).toEqual([value]);
    }
    const deleted = { kind: 'storage', type: 'deleted', bucket: 'uploads', key: 'old.txt', time: '2026-12-01T09:30:00.000Z' };
    expect(run(nativeEvent('storage', deleted, c)).got).toEqual([deleted]);
    const noSubject = { kind: 'topic', topic: 'news', id: 'n-2', body: 'x', attributes: {}, time: '2026-12-01T09:30:00.000Z' };
    expect(run(nativeEvent('topic', noSubject, c)).got).toEqual([noSubject]);
    const kinesis = { kind: 'stream', source: 'kinesis', stream: 'clicks', records: [{ sequenceNumber: '4959', time: '2026-12-01T09:30:00.500Z', partitionKey: 'u-1', data: '{"click":1}', dataBase64: Buffer.from('{"click":1}').toString('base64') }] };
    expect(run(nativeEvent('stream', kinesis, c)).got).toEqual([kinesis]);
    const http = { ...apiGatewayV2('POST', '/echo'), body: 'hi' };
    expect(run(nativeEvent('http', http, c)).got).toEqual([http]);
  });
});

describe('events: native', () => {
  it('a function with `events: native` gets the native event, no adapter, and the manifest\'s handler as Lambda Handler', async () => {
    const dir = makeProject({ 'fnx.yaml': ECHO_MANIFEST('\n    events: native').replace('RUNTIME', 'nodejs22'), 'src/echo.js': NODE_ECHO, 'package.json': '{"type":"module"}\n' });
    const { manifest, task } = await deployLocally(dir);
    expect(manifest.functions[0]!.events).toBe('native');
    const setting = handlerSetting(manifest, 'echo');
    expect(setting).toBe('src/echo.handler');
    expect((await readZip(join(dir, '.fnx/build/dev/functions/echo.zip'))).map((e) => e.name)).toEqual(['package.json', 'src/echo.js']);
    const batch = sqsBatch('bad');
    const r = invoke(task('echo'), setting, batch);
    expect(logged(r.stdout)).toEqual([batch]);
    expect(r.answer).toBe('done');
  });

  it('`events: native` under defaults applies to every function, and a function can set neutral back', async () => {
    const yaml = ECHO_MANIFEST().replace('RUNTIME', 'nodejs22').replace('functions:\n', 'defaults:\n  events: native\nfunctions:\n  other:\n    handler: src/echo.handler\n    events: neutral\n    triggers: [{ queue: { name: jobs } }]\n');
    const dir = makeProject({ 'fnx.yaml': yaml, 'src/echo.js': NODE_ECHO, 'package.json': '{"type":"module"}\n' });
    const manifest = await load(dir);
    expect(manifest.functions.map((f) => [f.name, lambdaHandler(f)])).toEqual([
      ['echo', 'src/echo.handler'],
      ['other', 'fnx_entry/other.handler'],
    ]);
  });

  it('a value other than neutral or native is a manifest error with its position (exit 2)', async () => {
    const dir = makeProject({ 'fnx.yaml': ECHO_MANIFEST('\n    events: raw').replace('RUNTIME', 'nodejs22'), 'src/echo.js': NODE_ECHO });
    const r = await runFnx(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:8:13: error [E_SCHEMA_ENUM] functions.echo.events must be one of `neutral`, `native`, got "raw".');
  });
});

describe('packaging with the entry adapter', () => {
  const project = () => ({ 'fnx.yaml': ECHO_MANIFEST().replace('RUNTIME', 'nodejs22'), 'src/echo.js': NODE_ECHO, 'package.json': '{"type":"module"}\n' });

  it('is deterministic: the same project gives byte-identical artifacts, with and without the cache, in another folder', async () => {
    const a = makeProject(project());
    const b = makeProject(project());
    const first = await packageArtifacts(await load(a), { cache: false });
    const cached1 = await packageArtifacts(await load(a));
    const cached2 = await packageArtifacts(await load(a));
    const other = await packageArtifacts(await load(b));
    const shas = [first, cached1, cached2, other].map((s) => s.artifacts.map((x) => x.sha256));
    expect(new Set(shas.map((s) => s.join())).size).toBe(1);
    const entry = (await readZip(first.artifacts[0]!.path)).find((e) => e.name === 'fnx_entry/echo.mjs')!;
    const own = (await readZip(first.artifacts[0]!.path)).find((e) => e.name === 'src/echo.js')!;
    expect([entry.mode, entry.dosDate, entry.dosTime]).toEqual([own.mode, own.dosDate, own.dosTime]);
  });

  it('leaves the artifact of a function that needs no adapter byte-identical to packaging without hooks', async () => {
    const dir = makeProject({ 'fnx.yaml': 'service: svc\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  api:\n    handler: src/api.handler\n    triggers: [{ http: { path: /x } }]\n', 'src/api.js': 'export const handler = async () => ({ statusCode: 200 });\n' });
    const m = await load(dir);
    const withHooks = await packageArtifacts(m, { cache: false });
    const without = await packageArtifacts(m, { cache: false, hooks: {} });
    expect(withHooks.artifacts.map((x) => [x.path, x.sha256])).toEqual(without.artifacts.map((x) => [x.path, x.sha256]));
  });

  it('gives AWS its own artifact when other providers of the function need different files', async () => {
    const dir = makeProject({
      'fnx.yaml': 'service: svc\nproviders:\n  aws: { region: us-east-1 }\n  gcp: { project: my-project, region: europe-west1 }\nfunctions:\n  worker:\n    handler: src/w.handler\n    triggers: [{ topic: { name: events } }]\n',
      'src/w.js': 'export const handler = async () => {};\n',
    });
    const set = await packageArtifacts(await load(dir), { cache: false });
    const fns = set.artifacts.filter((a) => a.type === 'function');
    expect(fns.map((a) => [a.providers, a.path.slice(dir.length)])).toEqual([
      [['aws'], '/.fnx/build/dev/functions/worker.aws.zip'],
      [['gcp'], '/.fnx/build/dev/functions/worker.gcp.zip'],
    ]);
    expect((await readZip(fns[0]!.path)).map((e) => e.name)).toEqual(['fnx_entry/worker.mjs', 'src/w.js']);
    expect((await readZip(fns[1]!.path)).map((e) => e.name)).toEqual(['fnx_entry/worker.mjs', 'package.json', 'src/w.js']);
  });

  it('refuses a function whose own files take the adapter\'s path, with the function\'s position (exit 2)', async () => {
    const dir = makeProject({ ...project(), 'fnx_entry/echo.mjs': 'mine\n' });
    const r = await runFnx(['package'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Function "echo" has its own file fnx_entry/echo.mjs, where fnx puts the aws entry adapter it generates.');
    expect(r.stderr).toMatch(/fnx\.yaml:5:\d+/);
    expect(r.stderr).toContain('events: native');
  });

  it('copies a project with the adapter verbatim: a changed handler file changes the artifact, the adapter stays the same', async () => {
    const a = makeProject(project());
    const b = makeProject({});
    cpSync(a, b, { recursive: true });
    writeFileSync(join(b, 'src/echo.js'), NODE_ECHO.replace('done', 'finished'));
    const [sa, sb] = [await packageArtifacts(await load(a), { cache: false }), await packageArtifacts(await load(b), { cache: false })];
    expect(sa.artifacts[0]!.sha256).not.toBe(sb.artifacts[0]!.sha256);
    const entryOf = async (p: string) => (await readZip(p)).find((e) => e.name === 'fnx_entry/echo.mjs')!.data.toString('utf8');
    expect(await entryOf(sa.artifacts[0]!.path)).toBe(await entryOf(sb.artifacts[0]!.path));
  });
});
