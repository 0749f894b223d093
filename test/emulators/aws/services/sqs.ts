// SQS (awsJson1_0, awsQueryCompatible): queues and their attributes.
import { AwsError, jsonProtocolError, reqStr, routeJsonTarget, str, strList, strMap, type HttpReq, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { SqsQueue } from '../state.js';

type In = Record<string, unknown>;

/** awsQueryCompatible codes SQS reports in x-amzn-query-error. */
const QUERY_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
};

const DEFAULT_ATTRIBUTES: Record<string, string> = {
  VisibilityTimeout: '30',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
};

function queueByUrl(em: Emulator, url: string): SqsQueue {
  const name = url.slice(url.lastIndexOf('/') + 1);
  const q = em.state.sqs.queues.get(name);
  if (!q) throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
  return q;
}

function attributesOut(em: Emulator, q: SqsQueue, names: string[]): Record<string, string> {
  const all: Record<string, string> = {
    ...q.attributes,
    QueueArn: q.arn,
    CreatedTimestamp: String(Math.floor(q.created / 1000)),
    LastModifiedTimestamp: String(Math.floor(q.created / 1000)),
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: '0',
  };
  if (names.includes('All')) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => names.includes(k)));
}

function ops(em: Emulator): Record<string, { run: (input: In) => unknown }> {
  return {
    CreateQueue: {
      run(input) {
        const name = reqStr(input, 'QueueName');
        if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) throw new AwsError('InvalidParameterValue', `Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length`, 400);
        const attributes = { ...DEFAULT_ATTRIBUTES, ...strMap(input.Attributes) };
        const existing = em.state.sqs.queues.get(name);
        if (existing) {
          const differs = Object.entries(strMap(input.Attributes)).some(([k, v]) => existing.attributes[k] !== v);
          if (differs) throw new AwsError('QueueNameExists', 'A queue already exists with the same name and a different value for attribute(s)', 400);
          return { QueueUrl: existing.url };
        }
        const q: SqsQueue = { name, url: `${em.url}/${em.accountId}/${name}`, arn: em.arn('sqs', name), attributes, tags: strMap(input.tags), created: em.now() };
        em.state.sqs.queues.set(name, q);
        return { QueueUrl: q.url };
      },
    },
    GetQueueUrl: {
      run(input) {
        const q = em.state.sqs.queues.get(reqStr(input, 'QueueName'));
        if (!q) throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
        return { QueueUrl: q.url };
      },
    },
    GetQueueAttributes: {
      run(input) {
        const q = queueByUrl(em, reqStr(input, 'QueueUrl'));
        return { Attributes: attributesOut(em, q, strList(input, 'AttributeNames') ?? ['All']) };
      },
    },
    SetQueueAttributes: {
      run(input) {
        const q = queueByUrl(em, reqStr(input, 'QueueUrl'));
        Object.assign(q.attributes, strMap(input.Attributes));
        return {};
      },
    },
    ListQueues: {
      run(input) {
        const prefix = str(input, 'QueueNamePrefix') ?? '';
        return { QueueUrls: [...em.state.sqs.queues.values()].filter((q) => q.name.startsWith(prefix)).map((q) => q.url) };
      },
    },
    DeleteQueue: {
      run(input) {
        const q = queueByUrl(em, reqStr(input, 'QueueUrl'));
        em.state.sqs.queues.delete(q.name);
        return {};
      },
    },
    TagQueue: {
      run(input) {
        Object.assign(queueByUrl(em, reqStr(input, 'QueueUrl')).tags, strMap(input.Tags));
        return {};
      },
    },
    UntagQueue: {
      run(input) {
        const q = queueByUrl(em, reqStr(input, 'QueueUrl'));
        for (const k of strList(input, 'TagKeys') ?? []) delete q.tags[k];
        return {};
      },
    },
    ListQueueTags: { run: (input) => ({ Tags: queueByUrl(em, reqStr(input, 'QueueUrl')).tags }) },
  };
}

export function createSqsService(em: Emulator): ServiceHandler {
  const table = ops(em);
  return {
    name: 'sqs',
    route: (req: HttpReq) => routeJsonTarget(req, table, 'application/x-amz-json-1.0'),
    error: (err) => jsonProtocolError(err, 'com.amazonaws.sqs', QUERY_CODES[err.code] ?? err.code),
    throttleError: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
    internalError: () => new AwsError('InternalError', 'An internal error occurred (injected fault).', 500),
  };
}
