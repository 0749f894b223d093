/**
 * Where code goes: inline (ZipFile) up to Lambda's direct-upload limit, else through the S3
 * deployment bucket (providers.aws.deploymentBucket, or fnx-deploy-<account>-<region> which fnx
 * creates and tags). Counts uploaded bytes.
 */
import { readFile } from 'node:fs/promises';
import { CreateBucketCommand, HeadBucketCommand, PutBucketTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Artifact } from '../../../src/driver.js';
import { awsConfig } from '../config.js';
import { deploymentBucketName } from '../names.js';
import { kindOf, type ApplyContext } from './context.js';
import { isTransient } from '../retry.js';

const bucketReady = new WeakMap<object, Promise<string>>();

async function ensureBucket(ctx: ApplyContext): Promise<string> {
  const { aws } = ctx;
  const configured = awsConfig(ctx.manifest)?.deploymentBucket;
  const bucket = configured ?? deploymentBucketName(ctx.detail.accountId, ctx.detail.region);
  const exists = await aws.find('HeadBucket', () => aws.s3.send(new HeadBucketCommand({ Bucket: bucket })), { resource: bucket });
  if (exists || configured) return bucket;
  try {
    await aws.call(
      'CreateBucket',
      () => aws.s3.send(new CreateBucketCommand({ Bucket: bucket, ...(ctx.detail.region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: ctx.detail.region as never } } : {}) })),
      { resource: bucket, retryable: isTransient },
    );
  } catch (err) {
    if (kindOf(err) !== 'conflict') throw err;
  }
  await aws.call('PutBucketTagging', () => aws.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'fnx:deployment-bucket', Value: 'true' }] } })), {
    resource: bucket,
  });
  return bucket;
}

/** The `Code`/`Content` argument for an artifact: ZipFile bytes, or S3 location after uploading. */
export async function codeLocation(
  ctx: ApplyContext,
  keyPrefix: string,
  artifact: Artifact,
  read: () => Promise<Buffer>,
): Promise<{ ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string }> {
  const { aws } = ctx;
  if (artifact.size <= aws.settings.directUploadBytes) {
    const bytes = await read();
    aws.uploadedBytes += bytes.length;
    return { ZipFile: bytes };
  }
  let ready = bucketReady.get(aws);
  if (!ready) {
    ready = ensureBucket(ctx);
    bucketReady.set(aws, ready);
  }
  let bucket: string;
  try {
    bucket = await ready;
  } catch (err) {
    bucketReady.delete(aws);
    throw err;
  }
  const body = await readFile(artifact.path);
  const key = `${ctx.manifest.service}/${ctx.manifest.stage}/${keyPrefix}/${artifact.sha256}.zip`;
  await aws.call('PutObject', () => aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })), {
    resource: `s3://${bucket}/${key}`,
  });
  aws.uploadedBytes += artifact.size;
  return { S3Bucket: bucket, S3Key: key };
}
