/**
 * `fnx invoke --local`: the built CLI runs a project's handler on this machine, Node and Python,
 * with sample neutral events, the function's environment and timeout; it makes no cloud call
 * (the AWS emulator sees no request); bad input exits 2 before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';
import { runFnx } from '../../helpers/cli.js';
import { newProject } from '../aws/world.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;

const MANIFEST = `service: shop
providers:
  aws: { region: us-east-1 }
defaults:
  runtime: nodejs22
  timeout: 5
functions:
  api:
    handler: src/api.handler
    environment: { GREETING: hello, TOKEN: "\${env:SHOP_TOKEN}" }
    secrets: { DB_PASSWORD: "\${secret:shop/db}" }
    triggers:
      - http: { method: GET, path: /hello }
      - http: { method: GET, path: "/items/{id}" }
  py:
    handler: src/py.handler
    runtime: python3.12
    triggers:
      - http: { method: POST, path: /py }
  fails:
    handler: src/fails.handler
    triggers:
      - queue: { name: jobs }
  slow:
    handler: src/slow.handler
    timeout: 1
  native:
    handler: src/api.handler
    events: native
    triggers:
      - http: { method: GET, path: /native }
`;

const FILES = {
  'fnx.yaml': MANIFEST,
  'src/api.js': `export async function handler(event) {
  console.log('serving', event.rawPath);
  console.error('token is', process.env.TOKEN);
  return { statusCode: 200, body: JSON.stringify({ path: event.rawPath, id: event.pathParameters?.id ?? null, route: event.routeKey, greeting: process.env.GREETING, db: process.env.DB_PASSWORD }) };
}
`,
  'src/py.py': `import json, os
def handler(event, context):
    print("python got", event["requestContext"]["http"]["method"])
    return {"statusCode": 201, "body": json.dumps({"method": event["requestContext"]["http"]["method"], "body": json.loads(event["body"]), "remaining": context.get_remaining_time_in_millis() > 0})}
`,
  'src/fails.js': `export async function handler(event) {
  console.log('batch of', event.messages.length);
  throw new Error('cannot process ' + event.queue);
}
`,
  'src/slow.js': 'export async function handler() { await new Promise(() => setInterval(() => {}, 1000)); }\n',
};

let aws: AwsEmulator;
let dir: string;
const env = () => ({ ...aws.env(), SHOP_TOKEN: 'tok-very-secret-123' });

beforeAll(async () => {
  aws = await startAwsEmulator();
  dir = await newProject(FILES);
});
afterAll(() => aws.close());

describe('fnx invoke --local', () => {
  it('runs a Node handler with a sample http event, prints its answer, logs, duration and memory; no cloud call', async () => {
    const r = await runFnx(['invoke', 'api', '--local', '--event', 'http', '--data', '{"path":"/items/42"}'], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ path: '/items/42', id: '42', route: 'GET /items/{id}', greeting: 'hello', db: '${secret:shop/db}' });
    expect(r.stderr).toMatch(/api \(local, nodejs22\): ok in \d+ ms, peak memory [\d.]+ [KMG]?B/);
    expect(r.stderr).toContain('serving /items/42');
    // A value from ${env:...} is not shown, even when the handler logs it.
    expect(r.stderr + r.stdout).not.toContain('tok-very-secret-123');
    expect(aws.calls).toHaveLength(0);
  });

  it('--resolve-secrets fills secrets from the shell, and says which are missing', async () => {
    const missing = await runFnx(['invoke', 'api', '--local', '--event', 'http', '--resolve-secrets'], { cwd: dir, env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('needs $DB_PASSWORD set in this shell');
    const r = await runFnx(['invoke', 'api', '--local', '--event', 'http', '--resolve-secrets', '--json'], { cwd: dir, env: { ...env(), DB_PASSWORD: 'pw-from-shell-987' } });
    expect(r.code, r.stdout).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(r.stdout).not.toContain('pw-from-shell-987');
  });

  it.skipIf(!hasPython)('runs a Python handler with the same events', async () => {
    const r = await runFnx(['invoke', 'py', '--local', '--event', 'http', '--data', '{"method":"POST","body":{"n":1}}'], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.statusCode).toBe(201);
    expect(JSON.parse(answer.body)).toEqual({ method: 'POST', body: { n: 1 }, remaining: true });
    expect(r.stderr).toContain('python got POST');
  });

  it('a handler that throws exits 1 with its message and logs', async () => {
    const r = await runFnx(['invoke', 'fails', '--local', '--event', 'queue'], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('function "fails" returned an error: cannot process jobs');
    expect(r.stderr).toContain('batch of 1');
  });

  it("is killed at the function's timeout", async () => {
    const r = await runFnx(['invoke', 'slow', '--local'], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Task timed out after 1 second');
  });

  it.each([
    [['--data', '{"path":'], /--data is not valid JSON: .*position 8/],
    [['--data-file', 'nope.json'], /--data-file nope.json: cannot read it \(no such file\)/],
    [['--event', 'http', '--data', '{"headers":{"x":1}}'], /--data: field "headers" must be an object of string values, got number 1 at "x"/],
    [['--event', 'topic'], /function "api" has no topic trigger/],
    [['--event', 'nope'], /Allowed choices are http, schedule, queue, storage, topic/],
  ])('bad input %j exits 2 before running anything', async (args, message) => {
    const r = await runFnx(['invoke', 'api', '--local', ...args], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('serving');
  });

  it('reads stdin with --data-file -', async () => {
    const r = await runFnx(['invoke', 'api', '--local', '--event', 'http', '--data-file', '-'], { cwd: dir, env: env(), input: '{"path":"/hello"}' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(JSON.parse(r.stdout).body).path).toBe('/hello');
  });

  it('refuses --event for an events: native function, naming the option', async () => {
    const r = await runFnx(['invoke', 'native', '--local', '--event', 'http'], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has `events: native`');
    const raw = await runFnx(['invoke', 'native', '--local', '--data', '{"rawPath":"/native"}'], { cwd: dir, env: env() });
    expect(raw.code, raw.stderr).toBe(0);
    expect(JSON.parse(JSON.parse(raw.stdout).body).path).toBe('/native');
  });

  it('a function on several providers needs --provider (exit 2, no cloud call)', async () => {
    const multi = await newProject({
      'fnx.yaml': 'service: shop\nproviders:\n  aws: { region: us-east-1 }\n  gcp: { project: my-project-1, region: europe-west1 }\nfunctions:\n  api:\n    handler: src/api.handler\n',
      'src/api.js': 'export const handler = async () => 1;\n',
    });
    aws.clearCalls();
    const r = await runFnx(['invoke', 'api', '--stage', 'dev'], { cwd: multi, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('function "api" is deployed to aws and gcp: say which one to invoke');
    expect(r.stderr).toContain('--provider aws');
    expect(aws.calls).toHaveLength(0);
    const local = await runFnx(['invoke', 'api', '--local', '--version', '3'], { cwd: multi, env: env() });
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--version and --local were both given');
  });
});
