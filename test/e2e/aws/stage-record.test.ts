/**
 * The AWS StageRecordStore (providers/aws/stage-record.ts) called in-process against the
 * emulator: the contract of src/driver.ts (conditional writes and deletes, 'precondition' and
 * 'not-found' kinds, create only when asked), a retried write whose first attempt landed, and
 * S3's 409 ConditionalRequestConflict classed as a precondition that is not retried.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { StageRecordStore } from '../../../src/driver.js';
import { CloudError } from '../../../src/errors.js';
import { loadManifest } from '../../../src/manifest/index.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import { createDriver } from '../../../providers/aws/index.js';
import { errorKind } from '../../../providers/aws/errors.js';
import { isRetryable, isTransient } from '../../../providers/aws/retry.js';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { newProject, shopFiles, startWorld } from './world.js';

const KEY = 'fnx-lease/shop-dev.json';

describe('aws stage record store', () => {
  let aws: AwsEmulator;
  let manifest: ResolvedManifest;
  let store: StageRecordStore;
  const signal = new AbortController().signal;
  const bucket = () => `fnx-deploy-${aws.accountId}-us-east-1`;
  const kindOf = async (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => (err instanceof CloudError ? err.kind : String(err)));

  beforeAll(async () => {
    aws = await startWorld();
    const dir = await newProject(shopFiles());
    manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env: aws.env() });
  });
  afterAll(() => aws?.close());
  beforeEach(() => {
    aws.state.s3.buckets.delete(bucket());
    // A new driver per test: the bucket check is remembered per driver.
    store = createDriver(manifest, aws.env()).stageRecord;
  });

  it('without create, a missing bucket is not-found and nothing is created; read and delete see no record', async () => {
    expect(await store.read({ manifest, signal })).toBeUndefined();
    expect(await kindOf(store.write({ manifest, signal, text: 'a', revision: undefined }))).toBe('not-found');
    await store.delete({ manifest, signal, revision: '"x"' });
    expect(aws.state.s3.buckets.has(bucket())).toBe(false);
  });

  it('with create, the bucket is created and tagged; writes are conditional on the revision', async () => {
    const r1 = await store.write({ manifest, signal, text: 'one', revision: undefined, create: true });
    expect(aws.state.s3.buckets.get(bucket())?.tags).toEqual({ 'fnx:deployment-bucket': 'true' });
    expect(await store.read({ manifest, signal })).toEqual({ text: 'one', revision: r1 });
    expect(await kindOf(store.write({ manifest, signal, text: 'two', revision: undefined }))).toBe('precondition');
    const r2 = await store.write({ manifest, signal, text: 'two', revision: r1 });
    expect(r2).not.toBe(r1);
    expect(await kindOf(store.write({ manifest, signal, text: 'three', revision: r1 }))).toBe('precondition');
    expect(await kindOf(store.delete({ manifest, signal, revision: r1 }))).toBe('precondition');
    expect((await store.read({ manifest, signal }))?.text).toBe('two');
    await store.delete({ manifest, signal, revision: r2 });
    expect(await store.read({ manifest, signal })).toBeUndefined();
    // If-Match on a record deleted meanwhile: S3's NoSuchKey is a failed condition, and nothing is written.
    expect(await kindOf(store.write({ manifest, signal, text: 'four', revision: r2 }))).toBe('precondition');
    expect(await store.read({ manifest, signal })).toBeUndefined();
    await store.delete({ manifest, signal, revision: r2 });
  });

  it('a write whose earlier attempt landed (the record holds exactly its text) returns that revision', async () => {
    await store.write({ manifest, signal, text: 'seed', revision: undefined, create: true });
    const seeded = (await store.read({ manifest, signal }))!;
    // As if the first attempt of the next write landed and its answer was lost.
    const s3 = new S3Client({ region: aws.region, endpoint: aws.url, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const landed = await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: KEY, Body: 'renewed', IfMatch: seeded.revision }));
    expect(await store.write({ manifest, signal, text: 'renewed', revision: seeded.revision })).toBe(landed.ETag);
    // Another run's text there is a failed condition.
    expect(await kindOf(store.write({ manifest, signal, text: 'mine', revision: seeded.revision }))).toBe('precondition');
  });

  it('lease calls are not writes of the stage', async () => {
    aws.clearCalls();
    const r = await store.write({ manifest, signal, text: 'x', revision: undefined, create: true });
    await store.write({ manifest, signal, text: 'y', revision: r });
    expect(aws.writeCalls().map((c) => c.operation)).toEqual(['CreateBucket', 'PutBucketTagging']);
    expect(aws.leaseCalls().map((c) => c.operation)).toEqual(['PutObject', 'PutObject']);
  });

  it("S3's 409 ConditionalRequestConflict and 412 PreconditionFailed are preconditions, never retried", () => {
    const sdk = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    for (const e of [sdk('ConditionalRequestConflict', 409), sdk('PreconditionFailed', 412)]) {
      expect(errorKind(e)).toBe('precondition');
      expect(isRetryable(e)).toBe(false);
      expect(isTransient(e)).toBe(false);
    }
  });
});
