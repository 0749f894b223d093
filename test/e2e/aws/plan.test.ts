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
});
