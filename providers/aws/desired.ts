/**
 * What the manifest asks for on AWS, function by function, in AWS terms. Pure: the same manifest,
 * account and region always give the same desired state; plan() compares it with inspect()'s result.
 */
import { type Artifact, type ArtifactSet, ExitCode, findArtifact, FnxError, type ResolvedFunction, type ResolvedManifest, type Trigger } from '../../src/driver.js';
import { awsConfig } from './config.js';
import { arn, functionName, layerName, logGroupName, ownershipTags, roleName, ruleName, statementId, notificationId } from './names.js';
import { lambdaHandler, needsEntry } from './entry.js';
import { executionPolicy, type PolicyDocument } from './policy.js';
import { checkEnvironment, secretEnvName } from './function-environment.js';
import { checkQueueBatch } from './queue.js';
import { scheduleExpression } from './schedule.js';
import { STARTING_POSITIONS, streamSettings, streamSourceArn, type StreamSettings, type StreamStart } from './stream.js';

export interface Target {
  readonly region: string;
  readonly accountId: string;
  /** Stream ARNs of the stream triggers' sources, as inspect read them (table or data stream ARN -> stream ARN). */
  readonly streams?: Readonly<Record<string, string>>;
}

const RUNTIMES: Readonly<Record<string, string>> = {
  nodejs20: 'nodejs20.x',
  nodejs22: 'nodejs22.x',
  nodejs24: 'nodejs24.x',
  'python3.10': 'python3.10',
  'python3.11': 'python3.11',
  'python3.12': 'python3.12',
  'python3.13': 'python3.13',
};

export function lambdaRuntime(fn: ResolvedFunction): string {
  const runtime = RUNTIMES[fn.runtime];
  if (!runtime) {
    throw new FnxError('E_AWS_RUNTIME', `function ${fn.name}: runtime "${fn.runtime}" is not supported on AWS Lambda`, {
      hint: `Use one of: ${Object.keys(RUNTIMES).join(', ')}.`,
      exitCode: ExitCode.usage,
      ...(fn.location ? { location: fn.location } : {}),
    });
  }
  return runtime;
}

/** A secret reference: a full ARN (Secrets Manager or SSM Parameter Store) or a Secrets Manager secret name. */
export function secretArn(t: Target, ref: string): string {
  return ref.startsWith('arn:') ? ref : arn.secret(t.region, t.accountId, ref);
}

/** The configuration fields fnx manages (and compares), in Lambda's shape. */
export interface FunctionConfig {
  readonly Runtime: string;
  readonly Handler: string;
  readonly MemorySize: number;
  readonly Timeout: number;
  readonly Role: string;
  readonly Environment: Readonly<Record<string, string>>;
  /** Layer version ARNs; `layer:<name>` placeholders stand for versions apply() publishes. */
  readonly Layers: readonly string[];
  readonly TracingMode: 'Active' | 'PassThrough';
  readonly DeadLetterArn: string;
  readonly SubnetIds: readonly string[];
  readonly SecurityGroupIds: readonly string[];
}

export type DesiredTrigger =
  | { readonly kind: 'http'; readonly key: string; readonly routeKey: string; readonly path: string; readonly authorization: 'NONE' | 'AWS_IAM' }
  | { readonly kind: 'schedule'; readonly key: string; readonly rule: string; readonly expression: string; readonly enabled: boolean; readonly statementId: string }
  | {
      readonly kind: 'queue';
      readonly key: string;
      readonly queueArn: string;
      readonly batchSize: number;
      /** ReportBatchItemFailures on the mapping: the entry adapter answers with batchItemFailures. */
      readonly reportFailures: boolean;
    }
  | {
      readonly kind: 'storage';
      readonly key: string;
      readonly bucket: string;
      readonly id: string;
      readonly events: readonly string[];
      readonly prefix?: string;
      readonly suffix?: string;
      readonly statementId: string;
    }
  | { readonly kind: 'topic'; readonly key: string; readonly topicArn: string; readonly statementId: string }
  | {
      readonly kind: 'stream';
      readonly key: string;
      readonly source: 'dynamodb' | 'kinesis';
      /** The table or data stream ARN (the key). */
      readonly sourceArn: string;
      /** The stream the mapping reads (a DynamoDB table's latest stream); '' when inspect did not find it. */
      readonly streamArn: string;
      readonly settings: StreamSettings;
      readonly start: StreamStart;
    };

export interface DesiredFunction {
  /** Manifest name. */
  readonly fn: string;
  readonly name: string;
  readonly arn: string;
  readonly aliasArn: string;
  readonly config: FunctionConfig;
  readonly architecture: 'x86_64' | 'arm64';
  /** Environment keys holding secret ARNs (masked in plans). */
  readonly secretKeys: readonly string[];
  /** Fields whose value came from input variables (ResolvedFunction.variables): plans show these references. */
  readonly variables: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Generated role, unless the manifest names one. */
  readonly role?: { readonly name: string; readonly policy: PolicyDocument };
  readonly logGroup: { readonly name: string; readonly retention?: number };
  readonly reserved?: number;
  readonly provisioned?: number;
  readonly triggers: readonly DesiredTrigger[];
  readonly code: CodeRef;
}

export interface DesiredLayer {
  readonly layer: string;
  readonly name: string;
  readonly code: CodeRef;
  /** Of every AWS function of the manifest that uses the layer. */
  readonly runtimes: readonly string[];
  readonly architectures: readonly string[];
}

/**
 * An archive as the plan names it, without its bytes: apply finds it in the artifact set by type
 * and name and checks that it still has this sha256.
 */
export interface CodeRef {
  readonly type: Artifact['type'];
  readonly name: string;
  readonly sha256: string;
  /** What Lambda reports as CodeSha256. */
  readonly sha256Base64: string;
  readonly size: number;
  /** Object key in the deployment bucket, used when the archive is too large to send inline. */
  readonly key: string;
}

function codeRef(manifest: ResolvedManifest, artifact: Artifact, keyPrefix: string): CodeRef {
  const { type, name, sha256, sha256Base64, size } = artifact;
  return { type, name, sha256, sha256Base64, size, key: `${manifest.service}/${manifest.stage}/${keyPrefix}/${sha256}.zip` };
}

const S3_EVENTS = { created: 's3:ObjectCreated:*', deleted: 's3:ObjectRemoved:*' } as const;

function desiredTrigger(t: Target, fnName: string, trigger: Trigger, neutral: boolean): DesiredTrigger {
  switch (trigger.kind) {
    case 'http': {
      const routeKey = `${trigger.method.toUpperCase()} ${trigger.path}`;
      return { kind: 'http', key: `http:${routeKey}`, routeKey, path: trigger.path, authorization: trigger.auth === 'iam' ? 'AWS_IAM' : 'NONE' };
    }
    case 'schedule': {
      const expression = scheduleExpression(trigger);
      const rule = ruleName(fnName, expression);
      return { kind: 'schedule', key: `schedule:${expression}`, rule, expression, enabled: trigger.enabled, statementId: statementId.schedule(rule) };
    }
    case 'queue': {
      const queueArn = trigger.arn ?? arn.queue(t.region, t.accountId, trigger.name ?? '');
      checkQueueBatch(queueArn, trigger.batchSize);
      return { kind: 'queue', key: `queue:${queueArn}`, queueArn, batchSize: trigger.batchSize, reportFailures: neutral };
    }
    case 'storage': {
      const events = [...new Set(trigger.events.map((e) => S3_EVENTS[e]))].sort();
      const key = `storage:${trigger.bucket}:${events.join(',')}:${trigger.prefix ?? ''}:${trigger.suffix ?? ''}`;
      return {
        kind: 'storage',
        key,
        bucket: trigger.bucket,
        id: notificationId(fnName, key),
        events,
        ...(trigger.prefix ? { prefix: trigger.prefix } : {}),
        ...(trigger.suffix ? { suffix: trigger.suffix } : {}),
        statementId: statementId.storage(trigger.bucket),
      };
    }
    case 'topic': {
      const topicArn = trigger.name.startsWith('arn:') ? trigger.name : arn.topic(t.region, t.accountId, trigger.name);
      return { kind: 'topic', key: `topic:${topicArn}`, topicArn, statementId: statementId.topic(topicArn) };
    }
    case 'stream': {
      const sourceArn = streamSourceArn(t, trigger);
      const streamArn = trigger.source === 'kinesis' ? sourceArn : (t.streams?.[sourceArn] ?? '');
      const start = { startingPosition: STARTING_POSITIONS[trigger.startingPosition], ...(trigger.timestamp !== undefined ? { timestamp: trigger.timestamp } : {}) };
      return { kind: 'stream', key: `stream:${sourceArn}`, source: trigger.source, sourceArn, streamArn, settings: streamSettings(t, trigger, neutral), start };
    }
  }
}

function resolveRole(t: Target, value: string): string {
  return value.startsWith('arn:') ? value : arn.role(t.accountId, value);
}

function missingArtifact(type: string, name: string): FnxError {
  return new FnxError('E_AWS_ARTIFACT', `no AWS ${type} artifact for "${name}"`, {
    hint: 'Run `fnx package` (deploy packages automatically); this is a bug if it persists.',
  });
}

/** Functions of the manifest deployed to AWS. */
export function awsFunctions(manifest: ResolvedManifest): ResolvedFunction[] {
  return manifest.functions.filter((f) => f.providers.includes('aws'));
}

/** The layers `functions` use; their runtimes and architectures are those of every AWS function of the manifest using them. */
export function desiredLayers(manifest: ResolvedManifest, functions: readonly ResolvedFunction[], artifacts: ArtifactSet): DesiredLayer[] {
  const used = new Set(functions.flatMap((f) => f.layers));
  return [...used].sort().map((layer) => {
    const artifact = findArtifact(artifacts, 'layer', layer, 'aws');
    if (!artifact) throw missingArtifact('layer', layer);
    const users = awsFunctions(manifest).filter((f) => f.layers.includes(layer));
    return {
      layer,
      name: layerName(manifest.service, manifest.stage, layer),
      code: codeRef(manifest, artifact, `layers/${layer}`),
      runtimes: [...new Set(users.map((f) => lambdaRuntime(f)))].sort(),
      architectures: [...new Set(users.map((f) => f.architecture))].sort(),
    };
  });
}

/** The triggers `fn` asks for on AWS (no artifact needed: status compares them with what is deployed). */
export function desiredTriggers(manifest: ResolvedManifest, fn: ResolvedFunction, t: Target): DesiredTrigger[] {
  const name = functionName(manifest.service, manifest.stage, fn.name);
  return fn.triggers.map((tr) => desiredTrigger(t, name, tr, needsEntry(fn)));
}

/**
 * The desired state of one function. `layerArns` maps layer names to the version ARN to attach
 * (absent: a version apply() will publish; the placeholder `layer:<name>` stands for it).
 */
export function desiredFunction(
  manifest: ResolvedManifest,
  fn: ResolvedFunction,
  artifacts: ArtifactSet,
  t: Target,
  layerArns: Readonly<Record<string, string>>,
): DesiredFunction {
  checkEnvironment(fn);
  const name = functionName(manifest.service, manifest.stage, fn.name);
  const artifact = findArtifact(artifacts, 'function', fn.name, 'aws');
  if (!artifact) throw missingArtifact('function', fn.name);
  const aws = awsConfig(manifest);
  const triggers = desiredTriggers(manifest, fn, t);
  const secretEntries = Object.entries(fn.secrets).map(([k, ref]) => [secretEnvName(k), secretArn(t, ref.secret)] as const);
  const deadLetterArn = fn.deadLetter?.queue
    ? fn.deadLetter.queue.startsWith('arn:')
      ? fn.deadLetter.queue
      : arn.queue(t.region, t.accountId, fn.deadLetter.queue)
    : fn.deadLetter?.topic
      ? fn.deadLetter.topic.startsWith('arn:')
        ? fn.deadLetter.topic
        : arn.topic(t.region, t.accountId, fn.deadLetter.topic)
      : '';
  const log = logGroupName(name);
  const explicitRole = fn.role ?? aws?.role;
  const role = explicitRole
    ? undefined
    : {
        name: roleName(manifest.service, manifest.stage, fn.name),
        policy: executionPolicy({
          logGroupArn: arn.logGroup(t.region, t.accountId, log),
          queueArns: triggers.flatMap((tr) => (tr.kind === 'queue' ? [tr.queueArn] : [])),
          streams: triggers.flatMap((tr) => (tr.kind === 'stream' ? [{ source: tr.source, arn: tr.streamArn || tr.sourceArn, onFailure: tr.settings.onFailure }] : [])),
          ...(deadLetterArn ? { deadLetterArn } : {}),
          secretArns: secretEntries.map(([, v]) => v),
          tracing: fn.tracing,
          vpc: Boolean(fn.network && fn.network.subnets.length > 0),
        }),
      };
  const environment: Record<string, string> = { ...fn.environment };
  for (const [k, v] of secretEntries) environment[k] = v;
  return {
    fn: fn.name,
    name,
    arn: arn.function(t.region, t.accountId, name),
    aliasArn: arn.alias(t.region, t.accountId, name),
    config: {
      Runtime: lambdaRuntime(fn),
      Handler: lambdaHandler(fn),
      MemorySize: fn.memory,
      Timeout: fn.timeout,
      Role: explicitRole ? resolveRole(t, explicitRole) : arn.role(t.accountId, role!.name),
      Environment: environment,
      Layers: fn.layers.map((l) => layerArns[l] ?? `layer:${l}`),
      TracingMode: fn.tracing ? 'Active' : 'PassThrough',
      DeadLetterArn: deadLetterArn,
      SubnetIds: [...(fn.network?.subnets ?? [])].sort(),
      SecurityGroupIds: [...(fn.network?.securityGroups ?? [])].sort(),
    },
    architecture: fn.architecture,
    secretKeys: secretEntries.map(([k]) => k),
    variables: fn.variables ?? {},
    tags: { ...(aws?.tags ?? {}), ...fn.tags, ...ownershipTags(manifest.service, manifest.stage, fn.name) },
    ...(role ? { role } : {}),
    logGroup: { name: log, ...(fn.logRetention ? { retention: fn.logRetention } : {}) },
    ...(fn.concurrency.max !== undefined ? { reserved: fn.concurrency.max } : {}),
    ...(fn.concurrency.warm ? { provisioned: fn.concurrency.warm } : {}),
    triggers,
    code: codeRef(manifest, artifact, fn.name),
  };
}
