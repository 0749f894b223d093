/**
 * The S3 deployment bucket of an account and region: providers.aws.deploymentBucket when set
 * (fnx never creates that one), else fnx-deploy-<account>-<region>, which fnx creates and tags on
 * first use. It holds artifacts too large for a direct upload and the stage lease records.
 */
import { CreateBucketCommand, HeadBucketCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { CloudError, type ResolvedManifest } from '../../src/driver.js';
import type { AwsClients } from './clients.js';
import { awsConfig } from './config.js';
import { deploymentBucketName } from './names.js';
import { isTransient } from './retry.js';

export interface DeploymentBucket {
  readonly name: string;
  /** False for a configured bucket: fnx uses it as it is and never creates it. */
  readonly create: boolean;
}

export function deploymentBucketOf(manifest: ResolvedManifest, accountId: string, region: string): DeploymentBucket {
  const configured = awsConfig(manifest)?.deploymentBucket;
  return { name: configured ?? deploymentBucketName(accountId, region), create: !configured };
}

/** Per client, the buckets made sure of in this run (one HeadBucket per bucket and run). */
const ready = new WeakMap<AwsClients, Map<string, Promise<void>>>();

/**
 * Makes sure the bucket exists: creates and tags fnx's own bucket when it is missing; a configured
 * bucket is only looked at, and a missing one is left for the next call on it to report.
 * Concurrent callers share one check; a failed check is forgotten, so the next caller tries again.
 */
export function ensureDeploymentBucket(aws: AwsClients, bucket: DeploymentBucket): Promise<void> {
  let mine = ready.get(aws);
  if (!mine) ready.set(aws, (mine = new Map()));
  let done = mine.get(bucket.name);
  if (!done) {
    done = createIfMissing(aws, bucket).catch((err: unknown) => {
      mine.delete(bucket.name);
      throw err;
    });
    mine.set(bucket.name, done);
  }
  return done;
}

async function createIfMissing(aws: AwsClients, bucket: DeploymentBucket): Promise<void> {
  const { name } = bucket;
  const exists = await aws.find('HeadBucket', () => aws.s3.send(new HeadBucketCommand({ Bucket: name })), { resource: name });
  if (exists || !bucket.create) return;
  const region = aws.settings.region;
  try {
    await aws.call('CreateBucket', () => aws.s3.send(new CreateBucketCommand({ Bucket: name, ...(region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}) })), {
      resource: name,
      retryable: isTransient,
    });
  } catch (err) {
    // BucketAlreadyOwnedByYou: another run created it first.
    if (!(err instanceof CloudError && err.kind === 'conflict')) throw err;
  }
  await aws.call('PutBucketTagging', () => aws.s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: 'fnx:deployment-bucket', Value: 'true' }] } })), { resource: name });
}
