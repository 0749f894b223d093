/**
 * Errors for trigger sources that do not exist. fnx never creates queues, buckets or topics: a
 * trigger on one that is missing stops the deploy with what to create, or which name to fix.
 */
import { CloudError } from '../../src/driver.js';
import { arnName } from './names.js';

const region = (arn: string): string => arn.split(':')[3] ?? '';

export interface MissingOptions {
  readonly cause?: unknown;
  /** Found while planning, before any change: the message says nothing was changed. */
  readonly beforeChanges?: boolean;
}

function missing(what: string, hint: string, o: MissingOptions): CloudError {
  return new CloudError('aws', 'not-found', `${what}${o.beforeChanges ? '; nothing was changed' : ''}`, { hint, ...(o.cause !== undefined ? { cause: o.cause } : {}) });
}

export function missingQueue(fn: string, queueArn: string, o: MissingOptions = {}): CloudError {
  return missing(
    `queue trigger of ${fn}: queue ${queueArn} does not exist`,
    `fnx does not create queues: create it first (\`aws sqs create-queue --queue-name ${arnName(queueArn)} --region ${region(queueArn)}\`), or fix the queue name in fnx.yaml.`,
    o,
  );
}

export function missingBucket(fn: string, bucket: string, o: MissingOptions = {}): CloudError {
  return missing(
    `storage trigger of ${fn}: bucket "${bucket}" does not exist (or is not readable)`,
    `fnx does not create buckets: create it first (\`aws s3 mb s3://${bucket}\`), or fix the bucket name in fnx.yaml.`,
    o,
  );
}

export function missingTopic(fn: string, topicArn: string, o: MissingOptions = {}): CloudError {
  return missing(
    `topic trigger of ${fn}: topic ${topicArn} does not exist`,
    `fnx does not create topics: create it first (\`aws sns create-topic --name ${arnName(topicArn)} --region ${region(topicArn)}\`), or fix the topic name in fnx.yaml.`,
    o,
  );
}
