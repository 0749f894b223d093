/**
 * `fnx dev` answers as the deployed function does: the same requests to `fnx dev` and to the
 * deployed HTTP API on the AWS emulator (which runs the deployed zip) get the same status,
 * content type and body, for a `{ statusCode }` answer, a plain value, a string, a route with a
 * path parameter and a query string (repeated keys joined with commas), cookies, and a path no
 * route serves; and both events carry a request id, a time and the user agent.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnxBin } from '../../helpers/cli.js';
import { fnx, newProject, startWorld } from './world.js';

const FILES = {
  'fnx.yaml': `service: shop
providers:
  aws: { region: us-east-1 }
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /answer }
      - http: { method: GET, path: /plain }
      - http: { method: POST, path: "/items/{id}" }
      - http: { method: GET, path: /text }
      - http: { method: GET, path: /context }
`,
  'src/api.js': `export async function handler(event) {
  if (event.rawPath === '/plain') return { plain: true, list: [1, 2] };
  if (event.rawPath === '/text') return 'just text';
  if (event.rawPath === '/context') {
    const c = event.requestContext;
    return { requestId: typeof c.requestId === 'string' && c.requestId.length > 0, timeEpoch: Math.abs(c.timeEpoch - Date.now()) < 60000, userAgent: c.http.userAgent, cookies: event.cookies ?? null, cookieHeader: event.headers.cookie ?? null };
  }
  const seen = { route: event.routeKey, path: event.rawPath, id: event.pathParameters?.id ?? null, query: event.queryStringParameters ?? null, method: event.requestContext.http.method, body: event.body ?? null };
  return { statusCode: event.rawPath === '/answer' ? 202 : 200, headers: { 'content-type': 'application/json', 'x-seen': 'yes' }, body: JSON.stringify(seen) };
}
`,
};

let aws: AwsEmulator;
let dir: string;
let devUrl: string;
let stopDev: () => void;

beforeAll(async () => {
  aws = await startWorld();
  dir = await newProject(FILES);
  const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
  expect(r.code, r.stderr).toBe(0);
  const child = spawn(process.execPath, [fnxBin, 'dev', '--port', '0'], { cwd: dir, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  stopDev = () => child.kill('SIGINT');
  devUrl = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('close', (code) => reject(new Error(`fnx dev exited ${code}: ${err}`)));
  });
}, 120_000);
afterAll(async () => {
  stopDev?.();
  await aws.close();
});

/** The deployed stage API's base URL on the emulator. */
function apiUrl(): string {
  const api = [...aws.state.apigateway.apis.values()][0]!;
  const stage = api.stages.has('$default') ? '' : `/${[...api.stages.keys()][0]}`;
  return `${aws.url}/_apigw/${api.apiId}${stage}`;
}

async function answer(base: string, path: string, init?: RequestInit) {
  const res = await fetch(base + path, init);
  return { status: res.status, type: res.headers.get('content-type'), seen: res.headers.get('x-seen'), body: await res.text() };
}

describe('fnx dev answers as deployed', () => {
  it.each([
    ['GET', '/answer', undefined],
    ['GET', '/plain', undefined],
    ['POST', '/items/42?color=red', '{"n":1}'],
    ['POST', '/items/7?tag=a&tag=b', undefined],
    ['GET', '/text', undefined],
    ['GET', '/context', undefined],
  ])('%s %s', async (method, path, body) => {
    const headers = { 'user-agent': 'parity-test/1', cookie: 'a=1; b=2', ...(body ? { 'content-type': 'application/json' } : {}) };
    const init = { method, headers, ...(body ? { body } : {}) };
    const deployed = await answer(apiUrl(), path, init);
    expect(deployed.status).toBeLessThan(300);
    expect(await answer(devUrl, path, init)).toEqual(deployed);
  });

  it('a path no route serves: the same 404 and body', async () => {
    const deployed = await answer(apiUrl(), '/nowhere');
    expect(deployed).toMatchObject({ status: 404, body: '{"message":"Not Found"}' });
    expect(await answer(devUrl, '/nowhere')).toEqual(deployed);
  });

  it('the event carries a request id, the time, the user agent and the cookies (not the cookie header)', async () => {
    const r = await answer(apiUrl(), '/context', { headers: { 'user-agent': 'parity-test/1', cookie: 'a=1; b=2' } });
    expect(JSON.parse(r.body)).toEqual({ requestId: true, timeEpoch: true, userAgent: 'parity-test/1', cookies: ['a=1', 'b=2'], cookieHeader: null });
  });
});
