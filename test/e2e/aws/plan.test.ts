/** End to end: `fnx plan` and `fnx deploy --dry-run` print the diff (secrets masked), as text and JSON, and write nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';

describe('aws: plan', () => {
  let aws: AwsEmulator;
  let dir: string;
  const run = (args: string[]) => fnx(aws, dir, [...args, '--stage', 'dev']);

  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject(shopFiles());
  });
  afterAll(() => aws?.close());

  it('on an empty stage lists every resource to create, and writes nothing', async () => {
    aws.clearCalls();
    const r = await run(['plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\+ create\s+function\s+shop-dev-api\s+\(upload \d+ B, nodejs22\.x, 256 MB, x86_64\)/);
    expect(r.stdout).toMatch(/\+ create\s+trigger:schedule\s+shop-dev-api-\w+\s+\(cron\(0 2 \* \* \? \*\)\)/);
    expect(r.stdout).toMatch(/Plan: \d+ to create, 0 to update, 0 to delete, 0 unchanged\./);
    expect(r.stdout).toContain('publish a new version; traffic moves in the release step');
    expect(r.stdout).toContain('aws archives:');
    expect(r.stdout).toMatch(/function api\s+aws\s+\d+ B\s+\d+ files?\s+\.fnx\/build\/dev\/\S+\.zip\n\s+\d+ B unzipped; largest: .+; not deployed yet/);
    expect(r.stdout).toMatch(/layer\s+shared\s+aws\s+\d+ B[^\n]*\n\s+\d+ B unzipped; largest: util\.js \d+ B; (new|unchanged) since the last build/);
    expect(aws.writeCalls()).toEqual([]);
  });

  it('after a deploy shows field-level changes with secret references masked, as text and JSON', async () => {
    expect((await run(['deploy'])).code).toBe(0);
    const manifest = shopFiles()['fnx.yaml']!.replace('GREETING: hello', 'GREETING: bonjour').replace('shop/db-password', 'shop/db-password-v2');
    await writeProject(dir, { 'fnx.yaml': manifest });
    aws.clearCalls();
    const text = await run(['plan']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('environment.GREETING: hello -> bonjour');
    expect(text.stdout).toContain('environment.DB_PASSWORD_SECRET_ARN: (secret reference changed, value masked)');
    expect(text.stdout).toContain('policy.Secrets: (secret reference changed, value masked)');
    expect(text.stdout).not.toContain('db-password-v2');
    expect(text.stdout).toMatch(/= no change|1 to update|unchanged/);

    const json = await run(['plan', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { version: number; providers: { provider: string; actions: { id: string; op: string; changes?: { field: string; masked?: boolean }[] }[] }[] };
    expect(doc.version).toBe(1);
    const config = doc.providers[0]!.actions.find((a) => a.id === 'config:api')!;
    expect(config.op).toBe('update');
    expect(config.changes).toContainEqual({ field: 'environment.DB_PASSWORD_SECRET_ARN', masked: true });
    expect(json.stdout).not.toContain('db-password-v2');
    expect(doc.providers[0]!.actions.find((a) => a.id === 'function:worker')).toBeUndefined();
    expect(doc.providers[0]!.actions.find((a) => a.id === 'code:worker')?.op).toBe('no-change');

    const dry = await run(['deploy', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('environment.GREETING: hello -> bonjour');
    expect(aws.writeCalls()).toEqual([]);
  });

  it('measures each function archive against the deployed code: unchanged when its sha256 matches, else the zip size change', async () => {
    await writeProject(dir, { 'src/api.js': `export const handler = async () => ({ statusCode: 200, body: "${'x'.repeat(2000)}" });\n` });
    const text = await run(['plan']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/function worker[^\n]*\n\s+[\d.]+ K?B unzipped; largest: [^\n]+; unchanged from what is deployed\n/);
    expect(text.stdout).toMatch(/function api[^\n]*\n\s+[\d.]+ K?B unzipped; largest: [^\n]+; \+\d+ B against what is deployed \(was \d+ B\)\n/);

    const json = await run(['plan', '--json']);
    expect(json.code, json.stderr).toBe(0);
    type Row = { type: string; name: string; size: number; unzippedSize: number; files: number; sha256: string; largest: { name: string; bytes: number }[]; deployed?: { size: number; sha256: string } | null };
    const rows = (JSON.parse(json.stdout) as { providers: { artifacts: Row[] }[] }).providers[0]!.artifacts;
    const worker = rows.find((a) => a.name === 'worker')!;
    const api = rows.find((a) => a.name === 'api')!;
    expect(worker.deployed).toEqual({ size: worker.size, sha256: worker.sha256 });
    expect(api.deployed!.sha256).not.toBe(api.sha256);
    expect(api.size).toBeGreaterThan(api.deployed!.size);
    expect(api.largest.map((c) => c.name)).toContain('src');
    expect(rows.find((a) => a.type === 'layer')?.deployed).toBeUndefined();
    expect(aws.writeCalls()).toEqual([]);
  });
});
