/**
 * Shared set-up of the AWS end-to-end tests: an in-process emulator, pre-existing resources fnx
 * must use or leave alone (queue, bucket with someone else's notification, topic, an untagged
 * function with the stage's name prefix), temp projects, a CLI runner, and a normalised snapshot
 * of the emulator's state for "same end state" comparisons.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { runFnx, type CliResult, type RunOptions } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator, type AwsEmulatorOptions } from '../../emulators/aws/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const SERVICE = 'shop';
export const FOREIGN_FUNCTION = 'shop-dev-legacy';

export async function startWorld(opts: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const aws = await startAwsEmulator({ asyncDelayMs: 20, ...opts });
  await seed(aws);
  return aws;
}

/** Resources that exist before fnx runs (fnx never creates queues, buckets or topics). */
export async function seed(aws: AwsEmulator): Promise<void> {
  const config = { region: aws.region, endpoint: aws.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  await new SQSClient(config).send(new CreateQueueCommand({ QueueName: 'jobs', Attributes: { VisibilityTimeout: '180' } }));
  await new SQSClient(config).send(new CreateQueueCommand({ QueueName: 'audit' }));
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'uploads',
      NotificationConfiguration: { QueueConfigurations: [{ Id: 'someone-else', QueueArn: `arn:aws:sqs:${aws.region}:${aws.accountId}:audit`, Events: ['s3:ObjectRemoved:*'] }] },
    }),
  );
  await new SNSClient(config).send(new CreateTopicCommand({ Name: 'events' }));
  const role = await new IAMClient(config).send(
    new CreateRoleCommand({ RoleName: 'legacy-role', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }),
  );
  const create = new CreateFunctionCommand({ FunctionName: FOREIGN_FUNCTION, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role.Role!.Arn!, Code: { ZipFile: Buffer.from('PK\u0005\u0006' + '\u0000'.repeat(18), 'binary') } });
  // With iamPropagationMs the new role is not assumable at once: wait for it as a user would.
  for (let attempt = 0; ; attempt++) {
    try {
      await new LambdaClient(config).send(create);
      return;
    } catch (err) {
      if (attempt > 50 || !/cannot be assumed/.test((err as Error).message)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Creates a queue as a user would before deploying (fnx never creates queues). */
export async function createQueue(aws: AwsEmulator, name: string, attributes: Record<string, string> = {}): Promise<void> {
  const config = { region: aws.region, endpoint: aws.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  await new SQSClient(config).send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
}

export type Files = Record<string, string>;

export async function writeProject(dir: string, files: Files): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

export async function newProject(files: Files): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fnx-aws-e2e-'));
  await writeProject(dir, files);
  return dir;
}

export function fnx(aws: AwsEmulator, cwd: string, args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return runFnx(args, { cwd, timeoutMs: 60_000, ...opts, env: { ...aws.env(), AWS_EC2_METADATA_DISABLED: 'true', ...opts.env } });
}

/** The standard test project: two functions with every trigger kind, a layer and a secret. */
export function shopFiles(overrides: { manifest?: string; api?: string; layer?: string } = {}): Files {
  return {
    'fnx.yaml':
      overrides.manifest ??
      `service: ${SERVICE}
providers:
  aws: { region: us-east-1 }
defaults:
  runtime: nodejs22
  logRetention: 14
layers:
  shared: { path: layers/shared }
functions:
  api:
    handler: src/api.handler
    events: native
    package: { include: ["src/api.js"] }
    layers: [shared]
    memory: 256
    secrets: { DB_PASSWORD: "\${secret:shop/db-password}" }
    environment: { GREETING: hello }
    triggers:
      - http: { method: GET, path: /hello }
      - schedule: { cron: "0 2 * * *" }
  worker:
    handler: src/worker.handler
    package: { include: ["src/worker.js"] }
    concurrency: { max: 5, warm: 1 }
    triggers:
      - queue: { name: jobs }
      - storage: { bucket: uploads, events: [created], prefix: in/ }
      - topic: { name: events }
`,
    'src/api.js': overrides.api ?? 'export const handler = async () => ({ statusCode: 200, body: "hi" });\n',
    'src/worker.js': 'export const handler = async () => ({});\n',
    'layers/shared/util.js': overrides.layer ?? 'module.exports = { version: 1 };\n',
  };
}

/**
 * The write calls of a run other than creating and tagging fnx's deployment bucket, which a
 * stage's first deploy makes before anything else to hold its stage lease record (the lease's own
 * calls are never among the emulator's writes). "No write" of a deploy stopped early means these.
 */
export function stageWrites(aws: AwsEmulator) {
  const bucket = `fnx-deploy-${aws.accountId}-${aws.region}`;
  return aws.writeCalls().filter((c) => !(c.service === 's3' && c.input.Bucket === bucket && (c.operation === 'CreateBucket' || c.operation === 'PutBucketTagging')));
}

/** Everything fnx manages, without generated ids, revisions and times: equal snapshots = same end state. */
export function snapshot(aws: AwsEmulator) {
  const s = aws.state;
  const functions = [...s.lambda.functions.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => {
      const { Layers, ...config } = f.latest.config;
      return {
        name: f.name,
        config: { ...config, Layers: Layers.map((l) => l.replace(/:\d+$/, ':N')) },
        code: f.latest.code.sha256,
        tags: f.tags,
        versions: [...f.versions.values()].map((v) => v.code.sha256),
        alias: [...f.aliases.values()].map((a) => ({ name: a.name, version: a.functionVersion, weights: a.routingConfig?.AdditionalVersionWeights ?? {} })),
        reserved: f.reservedConcurrency,
        provisioned: [...f.provisioned.entries()].map(([q, p]) => [q, p.requested]),
        permissions: [...f.policies.entries()].map(([q, p]) => [q, p.statements.map((st) => st.Sid).sort()]),
      };
    });
  return {
    functions,
    layers: [...s.lambda.layers.entries()].map(([n, vs]) => [n, vs.length]),
    mappings: [...s.lambda.eventSourceMappings.values()].map((m) => [m.functionArn, m.eventSourceArn, m.batchSize]).sort(),
    roles: [...s.iam.roles.values()].map((r) => [r.RoleName, r.tags, [...r.inlinePolicies.entries()]]).sort(),
    rules: [...s.events.rules.values()].map((r) => [r.Name, r.ScheduleExpression, r.State, [...r.targets.values()].map((t) => t.Arn)]).sort(),
    notifications: [...s.s3.buckets.values()].map((b) => [b.name, b.notifications]),
    apis: [...s.apigateway.apis.values()].map((a) => [a.name, [...a.routes.values()].map((r) => r.routeKey).sort(), [...a.stages.keys()]]),
    subscriptions: [...s.sns.topics.values()].map((t) => [t.name, [...t.subscriptions.values()].map((x) => x.endpoint)]),
    logGroups: [...s.logs.groups.values()].map((g) => [g.name, g.retentionInDays]).sort(),
  };
}
