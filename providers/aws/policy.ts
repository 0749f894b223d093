/**
 * Least-privilege IAM policies generated for a function's execution role: its own log group
 * always, then exactly what its triggers and settings need (queues it reads, its dead-letter
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
