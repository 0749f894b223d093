/**
 * Where code goes: inline (ZipFile) up to Lambda's direct-upload limit, else through the S3
 * deployment bucket the plan names (providers.aws.deploymentBucket, or fnx-deploy-<account>-<region>
 * which fnx creates and tags), under the plan's object key. Counts uploaded bytes.
 */
import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type Artifact, type ArtifactSet, findArtifact, FnxError } from '../../../src/driver.js';
import type { CodeRef } from '../desired.js';
import type { ApplyContext } from './context.js';
import { ensureDeploymentBucket } from '../deployment-bucket.js';

/** The archive the plan names, from the artifact set; refused when it is not the one planned. */
export function archiveOf(artifacts: ArtifactSet, code: CodeRef): Artifact {
  const artifact = findArtifact(artifacts, code.type, code.name, 'aws');
  if (artifact?.sha256 === code.sha256) return artifact;
  throw new FnxError('E_AWS_ARTIFACT', `the AWS ${code.type} artifact for "${code.name}" is not the one the plan was made with`, {
    hint: 'Run `fnx deploy` again: it packages and plans anew. This is a bug if it persists.',
  });
}

/** The `Code`/`Content` argument for a planned archive: ZipFile bytes, or S3 location after uploading. */
export async function codeLocation(ctx: ApplyContext, code: CodeRef): Promise<{ ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string }> {
  const { aws } = ctx;
  const artifact = archiveOf(ctx.artifacts, code);
  if (artifact.size <= aws.settings.directUploadBytes) {
    const bytes = await readFile(artifact.path);
    aws.uploadedBytes += bytes.length;
    return { ZipFile: bytes };
  }
  const bucket = ctx.detail.bucket.name;
  await ensureDeploymentBucket(aws, ctx.detail.bucket);
  const body = await readFile(artifact.path);
  const key = code.key;
  await aws.call('PutObject', () => aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })), {
    resource: `s3://${bucket}/${key}`,
  });
  aws.uploadedBytes += artifact.size;
  return { S3Bucket: bucket, S3Key: key };
}
