/**
 * The driver methods the release engine relies on (traffic, shift, history, health, invoke),
 * called in-process against the emulator after a deploy made with the CLI.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderDriver, ReleaseRecord } from '../../../src/driver.js';
import { CloudError, ExitCode } from '../../../src/errors.js';
import { loadManifest } from '../../../src/manifest/index.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import { createDriver } from '../../../providers/aws/index.js';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

describe('aws driver: traffic, shift, history, health, invoke', () => {
  let aws: AwsEmulator;
  let manifest: ResolvedManifest;
  let driver: ProviderDriver;
  const signal = new AbortController().signal;
  const record = (over: Partial<ReleaseRecord>): ReleaseRecord => ({ deployId: 'rel1', version: '2', previous: '1', status: 'in-progress', strategy: 'canary', step: 0, steps: [10, 100], time: new Date().toISOString(), ...over });

  beforeAll(async () => {
    aws = await startWorld();
    const dir = await newProject(shopFiles());
    expect((await fnx(aws, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => "v2";\n');
    expect((await fnx(aws, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const env = aws.env();
    manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env });
    driver = createDriver(manifest, env);
  });
  afterAll(() => aws?.close());

  const api = () => manifest.functions.find((f) => f.name === 'api')!;

  it('traffic() reads the alias and its release record', async () => {
    const t = await driver.traffic({ manifest, function: 'api', signal });
    expect(t).toMatchObject({ function: 'api', primary: '2', weight: 0, release: { version: '2', previous: '1', status: 'live' } });
    expect(t.revision).toBe(aws.state.lambda.functions.get('shop-dev-api')!.aliases.get('live')!.revisionId);
  });

  it('shift() sets weights conditionally on the revision and records the release; a stale revision is a precondition error', async () => {
    const before = await driver.traffic({ manifest, function: 'api', signal });
    const after = await driver.shift({ function: api(), manifest, primary: '1', candidate: '2', weight: 0.1, revision: before.revision, release: record({}), signal });
    expect(after).toMatchObject({ primary: '1', candidate: '2', weight: 0.1, release: { status: 'in-progress', steps: [10, 100] } });
    const alias = aws.state.lambda.functions.get('shop-dev-api')!.aliases.get('live')!;
    expect(alias.functionVersion).toBe('1');
    expect(alias.routingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.1 });

    const stale = driver.shift({ function: api(), manifest, primary: '2', weight: 0, revision: before.revision, release: record({ status: 'live', step: 1 }), signal });
    await expect(stale).rejects.toBeInstanceOf(CloudError);
    await expect(stale).rejects.toMatchObject({ kind: 'precondition', exitCode: ExitCode.conflict, message: 'another deploy changed api concurrently; nothing was changed by this run' });
    expect(aws.state.lambda.functions.get('shop-dev-api')!.aliases.get('live')!.functionVersion).toBe('1');

    const done = await driver.shift({ function: api(), manifest, primary: '2', weight: 0, revision: after.revision, release: record({ status: 'live', step: 1 }), signal });
    expect(done).toMatchObject({ primary: '2', weight: 0 });
    expect(done.candidate).toBeUndefined();
  });

  it('history() lists releases newest first from AWS alone', async () => {
    const h = await driver.history({ manifest, function: 'api', signal });
    expect(h.map((r) => [r.version, r.status])).toEqual([
      ['2', 'live'],
      ['1', 'superseded'],
    ]);
    expect(h[1]!.deployId).toMatch(/^[0-9a-f]{8}$/);
    expect(Date.parse(h[1]!.time)).not.toBeNaN();
  });

  it('health() reports firing alarms and the version metrics, direct and through the alias', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    aws.setAlarm('shop-api-5xx', 'ALARM');
    aws.setAlarm('shop-api-latency', 'OK');
    aws.recordMetrics('shop-dev-api', '2', { invocations: 10, errors: 2 });
    aws.recordMetrics('shop-dev-api', '1', { invocations: 5, errors: 5 });
    // Traffic through the alias (API Gateway, triggers) is published under Resource=fn:live + ExecutedVersion only.
    aws.recordMetrics('shop-dev-api', '2', { invocations: 30, errors: 3 }, { alias: 'live' });
    aws.recordMetrics('shop-dev-api', '1', { invocations: 70, errors: 7 }, { alias: 'live' });
    const h = await driver.health({ function: api(), manifest, version: '2', alarms: ['shop-api-5xx', 'shop-api-latency'], since });
    expect(h).toEqual({ alarmsFiring: ['shop-api-5xx'], invocations: 40, errors: 5 });
  });

  it('invoke() calls a version (or the alias) and reports function errors', async () => {
    aws.setInvokeHandler((fn, version, payload) => {
      if ((payload as { fail?: boolean }).fail) throw new Error('hook failed');
      return { fn, version, payload };
    });
    await expect(driver.invoke({ function: 'api', manifest, version: '1', payload: { hello: 1 } })).resolves.toEqual({
      ok: true,
      payload: { fn: 'shop-dev-api', version: '1', payload: { hello: 1 } },
      version: '1',
      logTail: [expect.stringMatching(/^START RequestId: \S+ Version: 1$/), expect.stringMatching(/^END RequestId: /), expect.stringMatching(/^REPORT RequestId: /)],
    });
    await expect(driver.invoke({ function: api(), manifest, payload: {} })).resolves.toMatchObject({ ok: true, payload: { version: '2' } });
    await expect(driver.invoke({ function: 'api', manifest, payload: { fail: true } })).resolves.toMatchObject({ ok: false, error: 'hook failed' });
  });
});
