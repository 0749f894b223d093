/**
 * Least-privilege IAM policies generated for a function's execution role: its own log group
 * always, then exactly what its triggers and settings need (queues and streams it reads, where failed stream batches go, its dead-letter
 * target, the secrets it references, X-Ray when tracing, ENIs when in a VPC).
 */

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[] | string;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export const trustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
} as const;

export interface PolicyInputs {
  /** ARN of the function's log group (arn:aws:logs:...:log-group:/aws/lambda/<name>). */
  readonly logGroupArn: string;
  readonly queueArns: readonly string[];
  /** Streams the function's stream triggers read (the DynamoDB stream or Kinesis data stream ARN), with their on-failure destination ('' none). */
  readonly streams?: readonly { readonly source: 'dynamodb' | 'kinesis'; readonly arn: string; readonly onFailure: string }[];
  readonly deadLetterArn?: string;
  readonly secretArns: readonly string[];
  readonly tracing: boolean;
  readonly vpc: boolean;
}

const sorted = (values: readonly string[]) => [...new Set(values)].sort();

/** Secrets Manager ARNs get the 6-character suffix AWS appends to secret names. */
function secretResources(arns: readonly string[]): string[] {
  return sorted(arns.flatMap((a) => (a.includes(':secretsmanager:') && !/-[A-Za-z0-9]{6}$/.test(a) ? [a, `${a}-??????`] : [a])));
}

/** The read actions Lambda's stream poller needs, per source (AWS Lambda developer guide, execution role permissions). */
export const STREAM_READ_ACTIONS = {
  dynamodb: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
  kinesis: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards', 'kinesis:ListStreams'],
} as const;

/** Reads of each stream the function's triggers name, and sends to their on-failure destinations. */
function streamStatements(streams: NonNullable<PolicyInputs['streams']>): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  const of = (source: 'dynamodb' | 'kinesis') => sorted(streams.filter((s) => s.source === source).map((s) => s.arn));
  const dynamodb = of('dynamodb');
  const kinesis = of('kinesis');
  if (dynamodb.length) out.push({ Sid: 'DynamoDBStreamTriggers', Effect: 'Allow', Action: [...STREAM_READ_ACTIONS.dynamodb], Resource: dynamodb });
  if (kinesis.length) out.push({ Sid: 'KinesisStreamTriggers', Effect: 'Allow', Action: [...STREAM_READ_ACTIONS.kinesis], Resource: kinesis });
  const destinations = streams.map((s) => s.onFailure).filter(Boolean);
  const queues = sorted(destinations.filter((d) => d.includes(':sqs:')));
  const topics = sorted(destinations.filter((d) => d.includes(':sns:')));
  if (queues.length) out.push({ Sid: 'StreamFailureQueues', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: queues });
  if (topics.length) out.push({ Sid: 'StreamFailureTopics', Effect: 'Allow', Action: ['sns:Publish'], Resource: topics });
  return out;
}

export function executionPolicy(inputs: PolicyInputs): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${inputs.logGroupArn}:*`] },
  ];
  if (inputs.queueArns.length > 0) {
    statements.push({
      Sid: 'QueueTriggers',
      Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      Resource: sorted(inputs.queueArns),
    });
  }
  statements.push(...streamStatements(inputs.streams ?? []));
  if (inputs.deadLetterArn) {
    const sqs = inputs.deadLetterArn.startsWith('arn:aws:sqs:');
    statements.push({ Sid: 'DeadLetter', Effect: 'Allow', Action: [sqs ? 'sqs:SendMessage' : 'sns:Publish'], Resource: [inputs.deadLetterArn] });
  }
  const secrets = inputs.secretArns.filter((a) => a.includes(':secretsmanager:'));
  const parameters = inputs.secretArns.filter((a) => a.includes(':ssm:'));
  if (secrets.length > 0) statements.push({ Sid: 'Secrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secretResources(secrets) });
  if (parameters.length > 0) statements.push({ Sid: 'Parameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: sorted(parameters) });
  if (inputs.tracing) statements.push({ Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' });
  if (inputs.vpc) {
    statements.push({
      Sid: 'Network',
      Effect: 'Allow',
      Action: ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:UnassignPrivateIpAddresses'],
      Resource: '*',
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** Canonical JSON of a policy document (for comparing with what IAM returns). */
export function canonicalPolicy(doc: unknown): string {
  const normalise = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalise);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, normalise(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(normalise(doc));
}

/** IAM returns policy documents URL-encoded. */
export function parsePolicyDocument(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text.startsWith('%7B') || text.startsWith('%7b') ? decodeURIComponent(text) : text);
  } catch {
    try {
      return JSON.parse(decodeURIComponent(text));
    } catch {
      return undefined;
    }
  }
}
