// S3 conditional writes and deletes as S3 answers them (If-None-Match / If-Match), and the
// recording of stage lease calls apart from writes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { startAwsEmulator, type AwsEmulator } from './index.js';
import { useEmulatorEnv } from './helpers.js';

let em: AwsEmulator;
let s3: S3Client;

beforeAll(async () => {
  em = await startAwsEmulator({ asyncDelayMs: 20 });
  useEmulatorEnv(em.env());
  s3 = new S3Client({ forcePathStyle: true });
});

afterAll(async () => {
  await em.close();
});

beforeEach(async () => {
  em.reset();
  await s3.send(new CreateBucketCommand({ Bucket: 'deploy' }));
});

/** The S3 error a call fails with: code, status and the Condition S3 names. */
async function failure(call: Promise<unknown>): Promise<{ name: string; status?: number; condition?: unknown }> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(S3ServiceException);
    const e = err as S3ServiceException & { Condition?: unknown };
    return { name: e.name, status: e.$metadata.httpStatusCode, ...(e.Condition !== undefined ? { condition: e.Condition } : {}) };
  }
  throw new Error('the call succeeded');
}

const put = (Body: string, condition: { IfNoneMatch?: string; IfMatch?: string }, Key = 'fnx-lease/shop-dev.json', Bucket = 'deploy') =>
  s3.send(new PutObjectCommand({ Bucket, Key, Body, ...condition }));

describe('S3 conditional writes', () => {
  it('If-None-Match: * creates once, then answers 412 PreconditionFailed and keeps the first object', async () => {
    const first = await put('one', { IfNoneMatch: '*' });
    expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await failure(put('two', { IfNoneMatch: '*' }))).toEqual({ name: 'PreconditionFailed', status: 412, condition: 'If-None-Match' });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json' }));
    expect(await got.Body?.transformToString()).toBe('one');
    expect(got.ETag).toBe(first.ETag);
  });

  it('If-None-Match takes only *: an ETag there is NotImplemented (501)', async () => {
    const first = await put('one', {});
    expect(await failure(put('two', { IfNoneMatch: first.ETag! }))).toEqual({ name: 'NotImplemented', status: 501 });
  });

  it('If-Match replaces only at that ETag: 412 for another, 404 NoSuchKey when there is no object; each write a new ETag', async () => {
    const first = await put('one', { IfNoneMatch: '*' });
    const second = await put('two', { IfMatch: first.ETag! });
    expect(second.ETag).not.toBe(first.ETag);
    expect(await failure(put('three', { IfMatch: first.ETag! }))).toEqual({ name: 'PreconditionFailed', status: 412, condition: 'If-Match' });
    expect(await failure(put('x', { IfMatch: second.ETag! }, 'fnx-lease/other.json'))).toEqual({ name: 'NoSuchKey', status: 404 });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json' }));
    expect(await got.Body?.transformToString()).toBe('two');
  });

  it('a missing bucket is NoSuchBucket (404) for conditional writes, reads and deletes alike', async () => {
    const missing = { name: 'NoSuchBucket', status: 404 };
    expect(await failure(put('one', { IfNoneMatch: '*' }, 'fnx-lease/shop-dev.json', 'nobucket'))).toEqual(missing);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'nobucket', Key: 'fnx-lease/shop-dev.json' })))).toEqual(missing);
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: 'nobucket', Key: 'fnx-lease/shop-dev.json', IfMatch: '"x"' })))).toEqual(missing);
    expect(em.state.s3.buckets.has('nobucket')).toBe(false);
  });

  it('a GetObject of a missing key is NoSuchKey (404)', async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/none.json' })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });
});

describe('S3 conditional deletes', () => {
  it('If-Match deletes only at that ETag: 412 for another, 404 NoSuchKey once gone; unconditional deletes of nothing succeed', async () => {
    const first = await put('one', { IfNoneMatch: '*' });
    const second = await put('two', { IfMatch: first.ETag! });
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json', IfMatch: first.ETag! })))).toEqual({ name: 'PreconditionFailed', status: 412, condition: 'If-Match' });
    expect(em.state.s3.buckets.get('deploy')?.objects.has('fnx-lease/shop-dev.json')).toBe(true);
    await s3.send(new DeleteObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json', IfMatch: second.ETag! }));
    expect(em.state.s3.buckets.get('deploy')?.objects.has('fnx-lease/shop-dev.json')).toBe(false);
    expect(await failure(s3.send(new DeleteObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json', IfMatch: second.ETag! })))).toEqual({ name: 'NoSuchKey', status: 404 });
    await s3.send(new DeleteObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json' }));
  });
});

describe('stage lease calls', () => {
  it('are recorded as lease calls, not writes; other objects are writes', async () => {
    em.clearCalls();
    const lease = await put('held', { IfNoneMatch: '*' });
    await s3.send(new GetObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'deploy', Key: 'fnx-lease/shop-dev.json', IfMatch: lease.ETag! }));
    expect(em.writeCalls()).toEqual([]);
    expect(em.leaseCalls().map((c) => [c.operation, c.status, c.input.IfNoneMatch ?? c.input.IfMatch ?? null])).toEqual([
      ['PutObject', 200, '*'],
      ['GetObject', 200, null],
      ['DeleteObject', 204, lease.ETag],
    ]);
    await put('code', {}, 'shop/dev/api.zip');
    expect(em.writeCalls().map((c) => [c.operation, c.input.Key])).toEqual([['PutObject', 'shop/dev/api.zip']]);
  });
});
