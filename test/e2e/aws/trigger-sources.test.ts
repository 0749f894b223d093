/**
 * End to end: triggers on queues, buckets and topics fnx does not create. A missing bucket or
 * topic stops the deploy before any change, with a hint that says to create it; no trigger kind
 * adds an invoke permission before its source is known to exist; a queue Lambda refuses (visibility
 * timeout below the function timeout) gets its own message, and `fnx status` then shows the trigger
 * that was not deployed instead of a healthy-looking function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageArtifacts } from '../../../src/package/index.js';
import { loadManifest } from '../../../src/manifest/index.js';
import { createDriver } from '../../../providers/aws/index.js';
import { MemoryReporter } from '../../fakes/memory-reporter.js';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { createQueue, fnx, newProject, seed, stageWrites, startWorld } from './world.js';

const project = (service: string, trigger: string, extra = '') => ({
  'fnx.yaml': `service: ${service}\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  worker:\n    handler: src/w.handler\n${extra}    triggers:\n      - ${trigger}\n`,
  'src/w.js': 'export const handler = async () => ({});\n',
});

/** Sids of the invoke permissions on a function's alias `live`. */
function permissions(aws: AwsEmulator, fn: string): string[] {
  return aws.state.lambda.functions.get(fn)?.policies.get('live')?.statements.map((s) => s.Sid) ?? [];
}

describe('aws: trigger sources fnx does not create', () => {
  let aws: AwsEmulator;
  beforeAll(async () => {
    aws = await startWorld();
  });
  afterAll(() => aws?.close());

  it('a topic trigger on a missing topic stops before any change, saying fnx does not create topics', async () => {
    const dir = await newProject(project('tpc', 'topic: { name: no-such-topic }'));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error [E_CLOUD_NOT_FOUND] topic trigger of worker: topic arn:aws:sns:us-east-1:${aws.accountId}:no-such-topic does not exist; nothing was changed`);
    expect(r.stderr).toContain('hint: fnx does not create topics: create it first (`aws sns create-topic --name no-such-topic --region us-east-1`), or fix the topic name in fnx.yaml.');
    expect(r.stderr).not.toContain('run `fnx deploy` first');
    expect(stageWrites(aws)).toEqual([]);
    expect(aws.state.lambda.functions.has('tpc-dev-worker')).toBe(false);

    const plan = await fnx(aws, dir, ['plan', '--stage', 'dev']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('fnx does not create topics');
  });

  it('a storage trigger on a missing bucket stops before any change, saying fnx does not create buckets', async () => {
    const dir = await newProject(project('bkt', 'storage: { bucket: no-such-bucket, events: [created] }'));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [E_CLOUD_NOT_FOUND] storage trigger of worker: bucket "no-such-bucket" does not exist (or is not readable); nothing was changed');
    expect(r.stderr).toContain('hint: fnx does not create buckets: create it first (`aws s3 mb s3://no-such-bucket`), or fix the bucket name in fnx.yaml.');
    expect(stageWrites(aws)).toEqual([]);
  });

  it('a topic or bucket deleted between plan and apply fails the apply without leaving an invoke permission behind', async () => {
    for (const [service, trigger, drop] of [
      ['race-t', 'topic: { name: events }', () => aws.state.sns.topics.delete(`arn:aws:sns:us-east-1:${aws.accountId}:events`)],
      ['race-b', 'storage: { bucket: uploads, events: [created] }', () => aws.state.s3.buckets.delete('uploads')],
    ] as const) {
      const dir = await newProject(project(service, trigger));
      const env = aws.env();
      const manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env });
      const driver = createDriver(manifest, env);
      const reporter = new MemoryReporter();
      const signal = new AbortController().signal;
      const artifacts = await packageArtifacts(manifest);
      const deployed = await driver.inspect({ manifest, signal, reporter, concurrency: 4 });
      const deploy = { id: 'race0001', time: new Date().toISOString() };
      const plan = driver.plan({ manifest, artifacts, deployed, deploy });
      drop();
      await expect(driver.apply({ manifest, artifacts, plan, deploy, signal, reporter, concurrency: 4 })).rejects.toMatchObject({
        kind: 'not-found',
        hint: expect.stringMatching(/^fnx does not create (topics|buckets)/),
      });
      expect(permissions(aws, `${service}-dev-worker`)).toEqual([]);
    }
    aws.reset();
    await seed(aws);
  });

  it('a queue whose visibility timeout is below the function timeout gets its own message, and status shows the trigger as not deployed', async () => {
    await createQueue(aws, 'short');
    const dir = await newProject(project('vis', 'queue: { name: short }', '    timeout: 60\n'));
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error [E_CLOUD_INVALID] queue trigger of worker: queue short has a visibility timeout of 30 s, less than the function's timeout of 60 s, so Lambda refuses to read from it");
    expect(r.stderr).toContain("hint: Raise the queue's visibility timeout to at least 60 s");
    expect(r.stderr).toContain('or lower `timeout:` in fnx.yaml to 30 or less');

    const status = await fnx(aws, dir, ['status', '--stage', 'dev']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('  worker: live -> 1');
    expect(status.stdout).toContain('    not deployed: queue short (in fnx.yaml, but no deploy created it: the last one failed or has not run since); fix the error, then run `fnx deploy --stage dev`');
    const json = JSON.parse((await fnx(aws, dir, ['status', '--stage', 'dev', '--json'])).stdout) as { providers: { functions: { notDeployed?: string[] }[] }[] };
    expect(json.providers[0]!.functions[0]!.notDeployed).toEqual(['queue short']);
  });
});
