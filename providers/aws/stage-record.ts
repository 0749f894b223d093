/**
 * The stage lease record on AWS (src/driver.ts StageRecordStore): the S3 object
 * `fnx-lease/<service>-<stage>.json` in the deployment bucket (deployment-bucket.ts), its ETag the
 * revision. Writes are S3 conditional writes: `If-None-Match: *` to create, `If-Match: <etag>` to
 * replace; deletes are conditional on `If-Match`. S3's 412 PreconditionFailed, 409
 * ConditionalRequestConflict (a racing conditional write) and 404 NoSuchKey on `If-Match` (the
 * record was deleted) are CloudError 'precondition', never retried. Lease calls are retried only
 * when transient and are not counted as the stage's writes.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CloudError, type ResolvedManifest, type StageRecord, type StageRecordRequest, type StageRecordStore } from '../../src/driver.js';
import type { AwsClients, CallOptions } from './clients.js';
import { deploymentBucketOf, ensureDeploymentBucket, type DeploymentBucket } from './deployment-bucket.js';
import { missingDeploymentBucket } from './missing-source.js';
import { isTransient } from './retry.js';

export const LEASE_PREFIX = 'fnx-lease/';

export function leaseKey(manifest: ResolvedManifest): string {
  return `${LEASE_PREFIX}${manifest.service}-${manifest.stage}.json`;
}

/** `checkedAccount`: the caller's account id, checked against providers.aws.accountId (the driver's memoised check). */
export function stageRecordStore(aws: AwsClients, checkedAccount: () => Promise<string>): StageRecordStore {
  const where = async (req: StageRecordRequest) => {
    const bucket = deploymentBucketOf(req.manifest, await checkedAccount(), aws.settings.region);
    const key = leaseKey(req.manifest);
    const options: CallOptions = { resource: `s3://${bucket.name}/${key}`, retryable: isTransient, uncounted: true };
    return { bucket, key, options };
  };

  const get = async (bucket: DeploymentBucket, key: string, options: CallOptions): Promise<StageRecord | undefined> =>
    // NoSuchKey and NoSuchBucket: no record.
    aws.find(
      'GetObject',
      async () => {
        const out = await aws.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
        return { text: (await out.Body?.transformToString('utf8')) ?? '', revision: out.ETag ?? '' };
      },
      options,
    );

  return {
    read: async (req) => {
      const { bucket, key, options } = await where(req);
      return aws.interruptible(req.signal, () => get(bucket, key, options));
    },

    write: async (req) => {
      const { bucket, key, options } = await where(req);
      if (req.create) await ensureDeploymentBucket(aws, bucket);
      const condition = req.revision === undefined ? { IfNoneMatch: '*' } : { IfMatch: req.revision };
      try {
        const out = await aws.call('PutObject', () => aws.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: req.text, ContentType: 'application/json', ...condition })), options);
        return out.ETag ?? '';
      } catch (err) {
        const code = awsErrorOf(err);
        if (code === 'NoSuchBucket') throw req.create && !bucket.create ? missingDeploymentBucket(bucket.name, { cause: err }) : err;
        const failed = (err instanceof CloudError && err.kind === 'precondition') || (code === 'NoSuchKey' && req.revision !== undefined);
        if (!failed) throw err;
        // A retried write whose first attempt landed fails its own condition: the record then holds exactly this text.
        const now = await get(bucket, key, options);
        if (now?.text === req.text) return now.revision;
        if (err instanceof CloudError && err.kind === 'precondition') throw err;
        throw new CloudError('aws', 'precondition', `AWS PutObject (${options.resource}) failed: the record was deleted after it was read (If-Match found no object)`, {
          hint: 'Another run changed the stage lease concurrently: check `fnx status`, then run the command again.',
          cause: err,
          details: { operation: 'PutObject', resource: options.resource, awsError: code },
        });
      }
    },

    delete: async (req) => {
      const { bucket, key, options } = await where(req);
      // NoSuchKey (deleted already, or by this call's own earlier attempt) and NoSuchBucket are no error.
      await aws.find('DeleteObject', () => aws.s3.send(new DeleteObjectCommand({ Bucket: bucket.name, Key: key, IfMatch: req.revision })), options);
    },
  };
}

function awsErrorOf(err: unknown): string | undefined {
  const details = err instanceof CloudError ? err.details : undefined;
  return typeof details?.awsError === 'string' ? details.awsError : undefined;
}
