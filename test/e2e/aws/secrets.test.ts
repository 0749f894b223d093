/**
 * End to end: values that came from `${env:...}` / `${opt:...}` and cloud credentials never reach
 * the output of plan, deploy or errors, in any mode (text, --json, GitHub annotations): plans show
 * the reference as written and whether it changed.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PRIVATE_KEY_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';

function manifest(environment: string, memory = 'memory: "${opt:memory}"'): string {
  return shopFiles()['fnx.yaml']!.replace('    memory: 256\n', `    ${memory}\n`).replace('environment: { GREETING: hello }', `environment: { GREETING: hello, ${environment} }`);
}

describe('aws: values from variables and credentials stay out of the output', () => {
  let aws: AwsEmulator;
  let dir: string;
  let credentialsFile: string;
  const run = (args: string[], env: Record<string, string>, extra: string[] = []) =>
    fnx(aws, dir, [...args, '--stage', 'dev', ...extra], {
      env: { AWS_SECRET_ACCESS_KEY: SECRET_KEY, GOOGLE_APPLICATION_CREDENTIALS: credentialsFile, ...env },
    });
  const everything = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject({ ...shopFiles(), 'fnx.yaml': manifest('API_KEY: "${env:MY_API_KEY}"') });
    credentialsFile = join(await mkdtemp(join(tmpdir(), 'fnx-gcp-')), 'key.json');
    await writeFile(credentialsFile, JSON.stringify({ type: 'service_account', private_key: `-----BEGIN PRIVATE KEY-----\n${PRIVATE_KEY_LINE}\n-----END PRIVATE KEY-----\n` }));
  });
  afterAll(() => aws?.close());

  it('deploy, then plan with new values: the reference and "(changed)", never a value, as text, JSON and with annotations', async () => {
    const deploy = await run(['deploy'], { MY_API_KEY: 'supersecret123' }, ['--var', 'memory=512']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(everything(deploy)).not.toContain('supersecret123');
    expect(aws.state.lambda.functions.get('shop-dev-api')!.latest.config.Environment?.Variables.API_KEY).toBe('supersecret123');

    const env = { MY_API_KEY: 'supersecret456' };
    const text = await run(['plan'], env, ['--var', 'memory=1024']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('environment.API_KEY: ${env:MY_API_KEY} (changed)');
    expect(text.stdout).toContain('memory: ${opt:memory} (changed)');
    for (const r of [deploy, text]) expect(everything(r)).not.toMatch(/supersecret|1024 MB|512 MB|512 -> 1024/);

    const json = await run(['plan', '--json'], env, ['--var', 'memory=1024']);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { providers: { actions: { id: string; changes?: unknown[] }[] }[] };
    const config = doc.providers[0]!.actions.find((a) => a.id === 'config:api')!;
    expect(config.changes).toEqual([
      { field: 'memory', reference: '${opt:memory}', change: 'changed' },
      { field: 'environment.API_KEY', reference: '${env:MY_API_KEY}', change: 'changed' },
    ]);
    expect(everything(json)).not.toContain('supersecret');

    const annotated = await run(['deploy', '--dry-run'], { ...env, GITHUB_ACTIONS: 'true' }, ['--var', 'memory=1024']);
    expect(annotated.code, annotated.stderr).toBe(0);
    expect(annotated.stdout).toContain('environment.API_KEY: ${env:MY_API_KEY} (changed)');
    // Only GitHub's mask commands name the value (secret-hygiene.test.ts covers them).
    expect(annotated.stdout).toContain('::add-mask::supersecret456');
    expect(everything(annotated).split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('supersecret');
  });

  it('a removed entry is shown without the deployed value', async () => {
    await writeProject(dir, { 'fnx.yaml': manifest('OTHER: x') });
    const r = await run(['plan'], {}, ['--var', 'memory=512']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('environment.API_KEY: (removed)');
    expect(everything(r)).not.toContain('supersecret');
  });

  it('credentials from the environment (and credential files) are redacted wherever they would appear', async () => {
    await writeProject(dir, { 'fnx.yaml': manifest(`COPY: "${SECRET_KEY}", REF: "\${env:AWS_SECRET_ACCESS_KEY}", PEM: "${PRIVATE_KEY_LINE}"`) });
    for (const extra of [[], ['--json']]) {
      const r = await run(['plan', ...extra], {}, ['--var', 'memory=512']);
      expect(r.code, r.stderr).toBe(0);
      expect(everything(r)).not.toContain(SECRET_KEY);
      expect(everything(r)).not.toContain(JSON.stringify(SECRET_KEY).slice(1, -1));
      expect(everything(r)).not.toContain(PRIVATE_KEY_LINE);
      expect(r.stdout).toContain('[redacted]');
      expect(r.stdout).toContain('${env:AWS_SECRET_ACCESS_KEY}');
    }
  });
});
