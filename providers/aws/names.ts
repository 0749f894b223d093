/**
 * Cloud-side names and tags of everything fnx creates on AWS. Pure functions: the same manifest
 * always yields the same names, so inspect() finds what an earlier run created.
 */
import { createHash } from 'node:crypto';

export const ALIAS = 'live';
export const INLINE_POLICY = 'fnx';
export const TAG_SERVICE = 'fnx:service';
export const TAG_STAGE = 'fnx:stage';
export const TAG_FUNCTION = 'fnx:function';

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** `text` if it fits in `max` characters, else its head plus '-' and a short hash of the whole. */
export function fitName(text: string, max: number): string {
  if (text.length <= max) return text;
  const hash = shortHash(text);
  return `${text.slice(0, max - hash.length - 1)}-${hash}`;
}

/** Prefix shared by every function of a service+stage (and by fitName() results of them). */
export function stagePrefix(service: string, stage: string): string {
  return `${service}-${stage}-`;
}

/** Lambda function name: `<service>-<stage>-<function>`, at most 64 characters. */
export function functionName(service: string, stage: string, fn: string): string {
  return fitName(`${service}-${stage}-${fn}`, 64);
}

/** IAM role generated for one function (IAM role names: at most 64 characters). */
export function roleName(service: string, stage: string, fn: string): string {
  return fitName(`${service}-${stage}-${fn}-role`, 64);
}

/** Lambda layer name (at most 140 characters). */
export function layerName(service: string, stage: string, layer: string): string {
  return fitName(`${service}-${stage}-${layer}`, 140);
}

/** The one HTTP API of a service+stage. */
export function apiName(service: string, stage: string): string {
  return fitName(`${service}-${stage}`, 128);
}

/** EventBridge rule of one schedule trigger, keyed by its expression (rule names: at most 64). */
export function ruleName(fnName: string, expression: string): string {
  const hash = shortHash(expression, 6);
  return `${fnName.slice(0, 64 - hash.length - 1)}-${hash}`;
}

export function logGroupName(fnName: string): string {
  return `/aws/lambda/${fnName}`;
}

/** Default S3 bucket for artifacts too large for a direct upload (one per account and region). */
export function deploymentBucketName(accountId: string, region: string): string {
  return `fnx-deploy-${accountId}-${region}`;
}

/** Statement ids of the Lambda resource policy on the alias, one per trigger source. */
export const statementId = {
  http: () => 'fnx-http',
  schedule: (rule: string) => `fnx-events-${shortHash(rule, 10)}`,
  storage: (bucket: string) => `fnx-s3-${shortHash(bucket, 10)}`,
  topic: (topicArn: string) => `fnx-sns-${shortHash(topicArn, 10)}`,
};

/** Id of fnx's entry in a bucket's notification configuration. */
export function notificationId(fnName: string, key: string): string {
  return `fnx-${fnName}-${shortHash(key, 8)}`;
}

/** Tags on every resource of a function. */
export function ownershipTags(service: string, stage: string, fn?: string): Record<string, string> {
  return { [TAG_SERVICE]: service, [TAG_STAGE]: stage, ...(fn ? { [TAG_FUNCTION]: fn } : {}) };
}

/** True when `tags` say the resource belongs to this service+stage. */
export function isOwned(tags: Readonly<Record<string, string>> | undefined, service: string, stage: string): boolean {
  return tags?.[TAG_SERVICE] === service && tags?.[TAG_STAGE] === stage;
}

export const arn = {
  function: (region: string, account: string, name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`,
  alias: (region: string, account: string, name: string) => `arn:aws:lambda:${region}:${account}:function:${name}:${ALIAS}`,
  role: (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`,
  queue: (region: string, account: string, name: string) => `arn:aws:sqs:${region}:${account}:${name}`,
  topic: (region: string, account: string, name: string) => `arn:aws:sns:${region}:${account}:${name}`,
  bucket: (name: string) => `arn:aws:s3:::${name}`,
  rule: (region: string, account: string, name: string) => `arn:aws:events:${region}:${account}:rule/${name}`,
  logGroup: (region: string, account: string, name: string) => `arn:aws:logs:${region}:${account}:log-group:${name}`,
  secret: (region: string, account: string, name: string) => `arn:aws:secretsmanager:${region}:${account}:secret:${name}`,
  api: (region: string, account: string, apiId: string) => `arn:aws:execute-api:${region}:${account}:${apiId}`,
};

/** Last segment of an ARN (queue, topic names). */
export function arnName(value: string): string {
  return value.split(':').pop() ?? value;
}
