// Credentials (the generated key, the token endpoint, bearer checks) and fault injection, with the
// unmodified clients: faults answer before any effect, in google.rpc.Status form, deterministically.
import { readFileSync } from 'node:fs';
import { createSign } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { v2 as functionsV2 } from '@google-cloud/functions';
import { GoogleAuth } from 'google-auth-library';
import { startGcpEmulator, type GcpEmulator } from './index.js';
import { Code, clients, codeOf, createFunction, parentOf, type Clients } from './test-helpers.js';

let emu: GcpEmulator;
let c: Clients;

beforeAll(async () => {
  emu = await startGcpEmulator({ projectId: 'fnx-auth' });
  c = clients(emu);
});
afterAll(async () => {
  await c.close();
  await emu.close();
});
beforeEach(() => emu.reset());

function assertion(key: { private_key: string; client_email: string; token_uri: string }, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iss: key.client_email, aud: key.token_uri, scope: 'https://www.googleapis.com/auth/cloud-platform', iat: now, exp: now + 3600, ...claims })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key.private_key).toString('base64url')}`;
}

describe('credentials', () => {
  test('env() names the endpoint, a service-account key whose token_uri is the emulator, and the project', () => {
    const env = emu.env();
    expect(env.FNX_GCP_ENDPOINT).toBe(emu.url);
    expect(env.GOOGLE_CLOUD_PROJECT).toBe('fnx-auth');
    const key = JSON.parse(readFileSync(env.GOOGLE_APPLICATION_CREDENTIALS ?? '', 'utf8')) as Record<string, string>;
    expect(key.type).toBe('service_account');
    expect(key.token_uri).toBe(`${emu.url}/token`);
  });

  test('the token endpoint answers a signed jwt-bearer assertion and refuses a forged one', async () => {
    const key = JSON.parse(readFileSync(emu.keyFilePath, 'utf8')) as { private_key: string; client_email: string; token_uri: string };
    const post = (a: string) =>
      fetch(key.token_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: a }) });
    const ok = await post(assertion(key));
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as { access_token: string };
    const api = await fetch(`${emu.url}/v2/${parentOf(emu)}/functions`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(api.status).toBe(200);
    const forged = assertion(key).replace(/\.[^.]+$/, '.AAAA');
    expect((await post(forged)).status).toBe(400);
  });

  test('the generated clients sign their own JWT (no token call); so does GoogleAuth with useJWTAccessWithScope', async () => {
    const fc = new functionsV2.FunctionServiceClient(emu.clientOptions());
    await fc.listFunctions({ parent: parentOf(emu) });
    await fc.close();
    // google-auth-library 11 posts jwt-bearer assertions to https://oauth2.googleapis.com/token
    // whatever the key's token_uri says; offline, only self-signed JWTs work.
    const auth = new GoogleAuth({ keyFilename: emu.keyFilePath, scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
    auth.useJWTAccessWithScope = true;
    const headers = await auth.getRequestHeaders();
    expect(emu.callsTo('oauth')).toEqual([]);
    const res = await fetch(`${emu.url}/v3/projects/fnx-auth/alertPolicies`, { headers: { authorization: headers.get('authorization') ?? '' } });
    expect(res.status).toBe(200);
  });

  test('an API call without a bearer, or with an unknown one, is UNAUTHENTICATED', async () => {
    const none = await fetch(`${emu.url}/v2/${parentOf(emu)}/functions`);
    expect(none.status).toBe(401);
    const body = (await none.json()) as { error: { code: number; status: string; message: string } };
    expect(body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    const unknown = await fetch(`${emu.url}/v2/${parentOf(emu)}/functions`, { headers: { authorization: 'Bearer ya29.nope' } });
    expect(unknown.status).toBe(401);
  });
});

describe('faults', () => {
  test('a faulted call has no effect and answers UNAVAILABLE or RESOURCE_EXHAUSTED', async () => {
    emu.setFaults({ rate: 1, kinds: ['exhausted'], rpcs: ['CreateFunction'] });
    const e = await codeOf(createFunction(c, emu, 'orders'));
    expect(e.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(emu.state.functions.size).toBe(0);
    // Functions v2 rpcs are not retried by the client (Run GetService is: it would retry UNAVAILABLE).
    emu.setFaults({ rate: 1, kinds: ['unavailable'], apis: ['functions'], rpcs: ['GetFunction'] });
    expect((await codeOf(c.functions.getFunction({ name: `${parentOf(emu)}/functions/orders` }))).code).toBe(Code.UNAVAILABLE);
    const faulted = emu.calls.filter((x) => x.fault);
    expect(faulted.map((x) => [x.rpc, x.status, x.error])).toEqual([
      ['CreateFunction', 429, 'RESOURCE_EXHAUSTED'],
      ['GetFunction', 503, 'UNAVAILABLE'],
    ]);
  });

  test('the same seed faults the same calls', async () => {
    const run = async (): Promise<string> => {
      emu.reset();
      emu.setFaults({ rate: 0.5, seed: 42 });
      const out: string[] = [];
      for (let i = 0; i < 12; i++) out.push(String((await fetch(`${emu.url}/v2/${parentOf(emu)}/functions`, { headers: { authorization: `Bearer ${emu.accessToken()}` } })).status));
      return out.join(',');
    };
    const first = await run();
    expect(first).toMatch(/200/);
    expect(first).toMatch(/503|429/);
    expect(await run()).toBe(first);
  });

  test('every call is recorded with rpc, status, write flag and update mask', async () => {
    await createFunction(c, emu, 'orders');
    await c.functions.getFunction({ name: `${parentOf(emu)}/functions/orders` });
    expect(emu.writeCalls().map((x) => x.rpc)).toEqual(['Upload', 'CreateFunction']);
    expect(emu.calls.map((x) => x.rpc)).toEqual(['GenerateUploadUrl', 'Upload', 'CreateFunction', 'GetOperation', 'GetOperation', 'GetFunction']);
  });
});
