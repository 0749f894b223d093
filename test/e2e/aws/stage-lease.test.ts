/**
 * The stage lease on AWS through the built CLI: the record is the S3 object
 * fnx-lease/<service>-<stage>.json in the deployment bucket, written only on a condition. A live
 * lease of another run stops a deploy before any write (exit 4); an expired one is taken over; a
 * finished run leaves it free; remove deletes it; promote and rollback of a stage never deployed
 * create nothing. Needs `npm run build`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { heldText, parseLease, type LeaseHolder } from '../../../src/lease/record.js';
import { fnx, newProject, startWorld } from './world.js';

let worlds: AwsEmulator[] = [];
afterEach(async () => {
  await Promise.all(worlds.map((w) => w.close()));
  worlds = [];
});
async function world(): Promise<AwsEmulator> {
  const w = await startWorld();
  worlds.push(w);
  return w;
}

const KEY = 'fnx-lease/shop-dev.json';
const bucketOf = (aws: AwsEmulator) => `fnx-deploy-${aws.accountId}-us-east-1`;

const files = (extra = '') => ({
  'fnx.yaml': `service: shop
providers:
  aws: { region: us-east-1${extra} }
functions:
  api:
    handler: src/api.handler
    package: { include: ["src/api.js"] }
    triggers:
      - http: { method: GET, path: /hello }
`,
  'src/api.js': 'export const handler = async () => ({ statusCode: 200, body: "v1" });\n',
});

const other: LeaseHolder = { id: 'a1b2c3d4e5f60718', command: 'deploy', host: 'ci-runner-7', pid: 4242, since: '2026-12-02T09:14:03.120Z', actor: 'alice' };

/** Writes a lease record as another run would have, creating fnx's bucket if needed. */
async function plant(aws: AwsEmulator, expires: Date): Promise<string> {
  const s3 = new S3Client({ region: aws.region, endpoint: aws.url, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  if (!aws.state.s3.buckets.has(bucketOf(aws))) await s3.send(new CreateBucketCommand({ Bucket: bucketOf(aws) }));
  const out = await s3.send(new PutObjectCommand({ Bucket: bucketOf(aws), Key: KEY, Body: heldText(other, expires), ContentType: 'application/json' }));
  return out.ETag!;
}

function record(aws: AwsEmulator) {
  const o = aws.state.s3.buckets.get(bucketOf(aws))?.objects.get(KEY);
  return o && { etag: o.etag, state: parseLease(o.body.toString('utf8')) };
}

const lambdaNames = (aws: AwsEmulator) => [...aws.state.lambda.functions.keys()].filter((n) => n.startsWith('shop-dev-') && n !== 'shop-dev-legacy');

describe('aws: the stage lease', () => {
  it('a lease held by another live run stops deploy with exit 4 naming the holder; nothing of the stage is written; status names the holder', async () => {
    const aws = await world();
    const dir = await newProject(files());
    const etag = await plant(aws, new Date(Date.now() + 10 * 60_000));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('E_STAGE_LOCKED');
    expect(r.stderr).toContain('Another run is changing shop-dev on aws concurrently: `fnx deploy` by alice on ci-runner-7 (pid 4242), since 2026-12-02T09:14:03.120Z. Nothing was changed by this run.');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(aws.writeCalls()).toEqual([]);
    expect(aws.leaseCalls().map((c) => c.operation)).toEqual(['GetObject']);
    expect(lambdaNames(aws)).toEqual([]);
    expect(record(aws)?.etag).toBe(etag);

    const status = await fnx(aws, dir, ['status', '--stage', 'dev', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const out = JSON.parse(status.stdout) as { providers: { provider: string; lease?: { holder: LeaseHolder } }[] };
    expect(out.providers[0]?.lease?.holder).toEqual(other);
  });

  it('an expired lease is taken over with a warning and the deploy succeeds; the record is then free', async () => {
    const aws = await world();
    const dir = await newProject(files());
    await plant(aws, new Date(Date.now() - 60_000));
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/aws: taking over the lease on shop-dev from `fnx deploy` by alice on ci-runner-7 \(pid 4242\), since 2026-12-02T09:14:03.120Z: it expired at /);
    expect(lambdaNames(aws)).toEqual(['shop-dev-api']);
    const state = record(aws)?.state;
    expect(state?.kind).toBe('free');
    expect(state?.kind === 'free' && state.last?.id).not.toBe(other.id);
  });

  it('after a deploy the lease is free (status shows no holder); a deploy with nothing to change writes nothing but the lease', async () => {
    const aws = await world();
    const dir = await newProject(files());
    expect((await fnx(aws, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const bucket = aws.state.s3.buckets.get(bucketOf(aws));
    expect(bucket?.tags).toEqual({ 'fnx:deployment-bucket': 'true' });
    expect(record(aws)?.state).toMatchObject({ kind: 'free', last: { command: 'deploy' } });
    const status = await fnx(aws, dir, ['status', '--stage', 'dev', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const out = JSON.parse(status.stdout) as { providers: { lease?: unknown }[] };
    expect(out.providers[0]).not.toHaveProperty('lease');

    aws.clearCalls();
    const again = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr).toBe(0);
    expect(aws.writeCalls()).toEqual([]);
    // Taken (If-Match the free record's ETag) and freed (If-Match the held one's).
    const puts = aws.leaseCalls().filter((c) => c.operation === 'PutObject');
    expect(puts.map((c) => [c.status, typeof c.input.IfMatch])).toEqual([
      [200, 'string'],
      [200, 'string'],
    ]);
    expect(record(aws)?.state.kind).toBe('free');
  });

  it('renewals during a long apply are lease calls, not writes of the stage: the deploy reports only its own writes', async () => {
    const aws = await startWorld({ asyncDelayMs: 1200 });
    worlds.push(aws);
    const dir = await newProject(files());
    expect((await fnx(aws, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    aws.clearCalls();
    // A 1 s lease is renewed every 250 ms; the code update alone takes 1.2 s to settle.
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev', '--json'], { env: { FNX_LEASE_SECONDS: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const reported = (JSON.parse(r.stdout) as { providers: { writes: number }[] }).providers[0]!.writes;
    const renewals = aws.leaseCalls().filter((c) => c.operation === 'PutObject').length - 2;
    expect(renewals).toBeGreaterThan(0);
    expect(reported).toBeGreaterThan(0);
    // The release's alias move comes after apply and is not among the apply's writes.
    expect(aws.writeCalls().map((c) => c.operation)).toEqual(['UpdateFunctionCode', 'PublishVersion', 'UpdateAlias']);
    expect(reported).toBe(2);
    expect(record(aws)?.state.kind).toBe('free');
  });

  it('remove deletes the lease record (the bucket stays)', async () => {
    const aws = await world();
    const dir = await newProject(files());
    expect((await fnx(aws, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    expect(record(aws)).toBeDefined();
    const r = await fnx(aws, dir, ['remove', '--stage', 'dev', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(lambdaNames(aws)).toEqual([]);
    expect(record(aws)).toBeUndefined();
    expect(aws.state.s3.buckets.has(bucketOf(aws))).toBe(true);
    expect(aws.leaseCalls().filter((c) => c.operation === 'DeleteObject').map((c) => c.status)).toEqual([204]);
  });

  it('promote and rollback of a stage never deployed create nothing: no bucket, no record, no write', async () => {
    const aws = await world();
    const dir = await newProject(files());
    aws.clearCalls();
    for (const args of [['promote', '--now'], ['rollback']]) {
      const r = await fnx(aws, dir, [...args, '--stage', 'dev']);
      expect(r.stderr).not.toContain('E_STAGE_LOCKED');
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    expect(aws.state.s3.buckets.has(bucketOf(aws))).toBe(false);
    expect(aws.callsTo('s3', 'CreateBucket')).toEqual([]);
    expect(aws.writeCalls()).toEqual([]);
  });

  it('a configured deployment bucket that does not exist stops deploy before any change, and fnx does not create it', async () => {
    const aws = await world();
    const dir = await newProject(files(', deploymentBucket: my-artifacts'));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('providers.aws.deploymentBucket: bucket "my-artifacts" does not exist');
    expect(aws.state.s3.buckets.has('my-artifacts')).toBe(false);
    expect(aws.writeCalls()).toEqual([]);
    expect(lambdaNames(aws)).toEqual([]);

    const s3 = new S3Client({ region: aws.region, endpoint: aws.url, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'my-artifacts' }));
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    const ok = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(aws.state.s3.buckets.get('my-artifacts')?.objects.has(KEY)).toBe(true);
    expect(aws.state.s3.buckets.has(bucketOf(aws))).toBe(false);
  });
});
