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

export function missingStreamSource(fn: string, source: 'dynamodb' | 'kinesis', sourceArn: string, o: MissingOptions = {}): CloudError {
  const name = sourceArn.split(':').slice(5).join(':').split('/')[1] ?? sourceArn;
  return source === 'dynamodb'
    ? missing(
        `stream trigger of ${fn}: DynamoDB table ${sourceArn} does not exist`,
        `fnx does not create tables: create it first, with its stream enabled (\`aws dynamodb create-table --table-name ${name} ... --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES --region ${region(sourceArn)}\`), or fix \`table:\` in fnx.yaml.`,
        o,
      )
    : missing(
        `stream trigger of ${fn}: Kinesis data stream ${sourceArn} does not exist`,
        `fnx does not create data streams: create it first (\`aws kinesis create-stream --stream-name ${name} --region ${region(sourceArn)}\`), or fix \`stream:\` in fnx.yaml.`,
        o,
      );
}

/** A DynamoDB table whose stream is off: Lambda has nothing to read. */
export function streamDisabled(fn: string, tableArn: string, o: MissingOptions = {}): CloudError {
  const name = tableArn.split(':').slice(5).join(':').split('/')[1] ?? tableArn;
  return new CloudError('aws', 'invalid', `stream trigger of ${fn}: DynamoDB table ${tableArn} has no stream enabled${o.beforeChanges ? '; nothing was changed' : ''}`, {
    hint: `fnx does not change tables: enable its stream (\`aws dynamodb update-table --table-name ${name} --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES --region ${region(tableArn)}\`), then run \`fnx deploy\` again.`,
    ...(o.cause !== undefined ? { cause: o.cause } : {}),
  });
}

/** providers.aws.deploymentBucket names a bucket that does not exist: it holds the stage lease, and fnx does not create it. */
export function missingDeploymentBucket(bucket: string, o: MissingOptions = {}): CloudError {
  return missing(
    `providers.aws.deploymentBucket: bucket "${bucket}" does not exist (or is not readable)`,
    `fnx keeps the stage lease (and artifacts too large for a direct upload) there and does not create a bucket it is given: create it first (\`aws s3 mb s3://${bucket}\`), fix the name, or remove the setting to use fnx's own bucket.`,
    o,
  );
}
