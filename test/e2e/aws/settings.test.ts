/** End to end: operational settings map to their native Lambda fields and policies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnx, newProject, startWorld, writeProject } from './world.js';

const manifest = (arch: string) => `service: shop
providers:
  aws: { region: us-east-1, tags: { team: checkout } }
functions:
  job:
    handler: src/job.handler
    runtime: python3.12
    architecture: ${arch}
    timeout: 60
    tracing: true
    deadLetter: { queue: audit }
    network: { subnets: [subnet-b, subnet-a], securityGroups: [sg-1] }
    tags: { tier: batch }
    triggers:
      - schedule: { rate: 5m, enabled: false }
`;

describe('aws: settings', () => {
  let aws: AwsEmulator;
  let dir: string;
  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject({ 'fnx.yaml': manifest('arm64'), 'src/job.py': 'def handler(event, context):\n    return {}\n' });
  });
  afterAll(() => aws?.close());

  it('maps architecture, runtime, tracing, dead letter, network and tags, with the matching role permissions', async () => {
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    const f = aws.state.lambda.functions.get('shop-dev-job')!;
    expect(f.latest.config).toMatchObject({
      Runtime: 'python3.12',
      Architectures: ['arm64'],
      Timeout: 60,
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: `arn:aws:sqs:us-east-1:${aws.accountId}:audit` },
      VpcConfig: { SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1'] },
    });
    expect(f.tags).toMatchObject({ team: 'checkout', tier: 'batch', 'fnx:function': 'job' });
    const policy = JSON.parse(decodeURIComponent(aws.state.iam.roles.get('shop-dev-job-role')!.inlinePolicies.get('fnx')!)) as { Statement: { Sid: string; Action: string[] }[] };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['Logs', 'DeadLetter', 'Tracing', 'Network']);
    expect(policy.Statement[1]!.Action).toEqual(['sqs:SendMessage']);
    const rule = [...aws.state.events.rules.values()].find((x) => x.Name.startsWith('shop-dev-job-'))!;
    expect([rule.ScheduleExpression, rule.State]).toEqual(['rate(5 minutes)', 'DISABLED']);
  });

  it('an architecture change re-sends the code with the new architecture', async () => {
    await writeProject(dir, { 'fnx.yaml': manifest('x86_64') });
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(aws.callsTo('lambda', 'UpdateFunctionCode').map((c) => c.input.Architectures)).toEqual([['x86_64']]);
    expect(aws.state.lambda.functions.get('shop-dev-job')!.aliases.get('live')?.functionVersion).toBe('2');
  });
});

describe('aws: triggers on resources fnx does not create', () => {
  let aws: AwsEmulator;
  beforeAll(async () => {
    aws = await startWorld();
  });
  afterAll(() => aws?.close());

  it('a queue trigger naming a missing queue fails with a message that names the queue and says to create it', async () => {
    const dir = await newProject({
      'fnx.yaml': 'service: shop\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  worker:\n    handler: src/w.handler\n    triggers:\n      - queue: { name: no-such-queue }\n',
      'src/w.js': 'export const handler = async () => ({});\n',
    });
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`queue trigger of worker: queue arn:aws:sqs:us-east-1:${aws.accountId}:no-such-queue does not exist`);
    expect(r.stderr).toContain('fnx does not create queues');
  });
});

describe('aws: what Lambda checks at create time', () => {
  let aws: AwsEmulator;
  beforeAll(async () => {
    // IAM takes a while to let Lambda assume a new role: CreateFunction fails until then, as on AWS.
    aws = await startWorld({ iamPropagationMs: 600 });
  });
  afterAll(() => aws?.close());

  it('a fresh role not yet assumable is waited out; a queue trigger over 10 messages gets a batching window', async () => {
    const dir = await newProject({
      'fnx.yaml': 'service: shop\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  worker:\n    handler: src/w.handler\n    triggers:\n      - queue: { name: jobs, batchSize: 100 }\n',
      'src/w.js': 'export const handler = async () => ({});\n',
    });
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    const creates = aws.callsTo('lambda', 'CreateFunction').filter((c) => c.input.FunctionName === 'shop-dev-worker');
    expect(creates.length).toBeGreaterThan(1);
    expect(creates.filter((c) => c.status < 300)).toHaveLength(1);
    expect(creates[0]?.errorCode).toBe('InvalidParameterValueException');
    const mappings = [...aws.state.lambda.eventSourceMappings.values()];
    expect(mappings.map((m) => [m.batchSize, m.maximumBatchingWindowInSeconds])).toEqual([[100, 1]]);
  });

  it('a FIFO queue trigger over 10 messages is refused before any change', async () => {
    const dir = await newProject({
      'fnx.yaml': 'service: fifo\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  worker:\n    handler: src/w.handler\n    triggers:\n      - queue: { name: jobs.fifo, batchSize: 20 }\n',
      'src/w.js': 'export const handler = async () => ({});\n',
    });
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('batchSize 20 is over 10');
    expect(aws.writeCalls()).toEqual([]);
  });
});
