// Shared Lambda helpers: name/ARN resolution, validation, configuration output, state transitions.
import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { IamRole, LambdaCode, LambdaConfig, LambdaFunction, LambdaVersion } from '../state.js';
import { localRole, propagating, roleAllows, trusts } from './iam-eval.js';

export const RUNTIMES = new Set([
  'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x',
  'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14',
  'java8.al2', 'java11', 'java17', 'java21', 'java25',
  'dotnet8', 'dotnet10', 'ruby3.2', 'ruby3.3', 'ruby3.4', 'provided.al2', 'provided.al2023',
]);

export const MAX_LAYERS = 5;
export const MAX_ENV_BYTES = 4096;

export function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400, { Type: 'User' });
}

export function notFound(message: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, 404, { Type: 'User' });
}

export function conflict(message: string): AwsError {
  return new AwsError('ResourceConflictException', message, 409, { Type: 'User' });
}

export function precondition(message: string): AwsError {
  return new AwsError('PreconditionFailedException', message, 412, { Type: 'User' });
}

export function newRevision(): string {
  return randomUUID();
}

export function codeOf(zip: Buffer): LambdaCode {
  return { zip, sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length };
}

/** AWS's LastModified format: 2026-11-24T10:00:00.000+0000. */
export function lambdaTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function functionArn(em: Emulator, name: string, qualifier?: string): string {
  return em.arn('lambda', `function:${name}${qualifier ? `:${qualifier}` : ''}`);
}

/** Split a FunctionName parameter (name, name:qualifier, partial or full ARN) into name and qualifier. */
export function parseFunctionRef(ref: string): { name: string; qualifier?: string } {
  const full = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/.exec(ref);
  if (full) return { name: full[1] ?? '', qualifier: full[2] };
  const partial = /^\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/.exec(ref);
  if (partial) return { name: partial[1] ?? '', qualifier: partial[2] };
  const plain = /^([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]+))?$/.exec(ref);
  if (plain) return { name: plain[1] ?? '', qualifier: plain[2] };
  throw new AwsError('ValidationException', `1 validation error detected: Value '${ref}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern`, 400);
}

export function getFunction(em: Emulator, ref: string, qualifierParam?: string): { fn: LambdaFunction; qualifier?: string } {
  const { name, qualifier } = parseFunctionRef(ref);
  if (qualifier && qualifierParam && qualifier !== qualifierParam) throw invalid('The derived qualifier from the function name does not match the specified qualifier.');
  const fn = em.state.lambda.functions.get(name);
  if (!fn) throw notFound(`Function not found: ${functionArn(em, name)}`);
  return { fn, qualifier: qualifier ?? qualifierParam };
}

/** The version a qualifier designates ($LATEST, a number, or an alias's primary version). */
export function versionFor(em: Emulator, fn: LambdaFunction, qualifier: string | undefined): LambdaVersion {
  const q = qualifier ?? '$LATEST';
  if (q === '$LATEST') return fn.latest;
  const v = fn.versions.get(q);
  if (v) return v;
  const alias = fn.aliases.get(q);
  if (alias) {
    const target = alias.functionVersion === '$LATEST' ? fn.latest : fn.versions.get(alias.functionVersion);
    if (target) return target;
  }
  throw notFound(`Function not found: ${functionArn(em, fn.name, q)}`);
}

/** Qualifier must name $LATEST, an existing version or an alias. */
export function checkQualifier(em: Emulator, fn: LambdaFunction, qualifier: string | undefined): string {
  const q = qualifier ?? '$LATEST';
  if (q !== '$LATEST' && !fn.versions.has(q) && !fn.aliases.has(q)) throw notFound(`Function not found: ${functionArn(em, fn.name, q)}`);
  return q;
}

/** Refuse operations while the function is being created or updated. */
export function assertSettled(fn: LambdaFunction): void {
  if (fn.latest.state === 'Pending') {
    throw conflict('The operation cannot be performed at this time. The function is currently in the following state: Pending');
  }
  if (fn.latest.lastUpdateStatus === 'InProgress') {
    throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`);
  }
}

/** Validate configuration fields as CreateFunction / UpdateFunctionConfiguration do. */
const SERVICE_NAMES: Readonly<Record<string, string>> = { sqs: 'SQS', sns: 'SNS', ec2: 'EC2' };

/** Lambda's own check that the execution role already grants what Lambda will do with it. */
export function requirePermission(role: IamRole, action: string, resource: string): void {
  if (roleAllows(role, action, resource)) return;
  const [service = '', verb = ''] = action.split(':');
  throw invalid(`The provided execution role does not have permissions to call ${verb} on ${SERVICE_NAMES[service] ?? service}`);
}

export function validateConfig(em: Emulator, c: LambdaConfig): void {
  if (c.PackageType === 'Zip') {
    if (!c.Runtime || !RUNTIMES.has(c.Runtime)) throw invalid(`Value ${c.Runtime ?? 'null'} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${[...RUNTIMES].join(', ')}] or be a valid ARN`);
    if (!c.Handler || !/^[^\s]{1,128}$/.test(c.Handler)) throw invalid(`Value ${c.Handler ?? 'null'} at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`);
  }
  if (!Number.isInteger(c.MemorySize) || c.MemorySize < 128 || c.MemorySize > 10240) {
    throw invalid(`'MemorySize' value failed to satisfy constraint: Member must have value between 128 and 10240 (got ${c.MemorySize})`);
  }
  if (!Number.isInteger(c.Timeout) || c.Timeout < 1 || c.Timeout > 900) {
    throw invalid(`'Timeout' value failed to satisfy constraint: Member must have value between 1 and 900 (got ${c.Timeout})`);
  }
  if (c.Architectures.length !== 1 || !['x86_64', 'arm64'].includes(c.Architectures[0] ?? '')) {
    throw invalid(`Architectures must be exactly one of x86_64, arm64 (got ${JSON.stringify(c.Architectures)})`);
  }
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(c.Role)) {
    throw invalid(`1 validation error detected: Value '${c.Role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
  }
  if (c.Role.split(':')[4] === em.accountId) {
    const role = localRole(em, c.Role);
    if (!role || !trusts(role, 'lambda.amazonaws.com') || propagating(em, role)) throw invalid('The role defined for the function cannot be assumed by Lambda.');
    const dlq = c.DeadLetterConfig?.TargetArn;
    if (dlq?.includes(':sqs:')) requirePermission(role, 'sqs:SendMessage', dlq);
    if (dlq?.includes(':sns:')) requirePermission(role, 'sns:Publish', dlq);
    if (c.VpcConfig?.SubnetIds.length) for (const action of ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface']) requirePermission(role, action, '*');
  }
  if (c.Environment) {
    const size = Buffer.byteLength(JSON.stringify(c.Environment.Variables));
    if (size > MAX_ENV_BYTES) {
      throw invalid(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${size} bytes`);
    }
    for (const k of Object.keys(c.Environment.Variables)) {
      if (!/^[a-zA-Z]([a-zA-Z0-9_])*$/.test(k)) throw invalid(`Lambda was unable to configure your environment variables because the environment variables you have provided contains invalid keys: ${k}`);
      if (/^AWS_/.test(k) && !['AWS_LAMBDA_EXEC_WRAPPER', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED'].includes(k)) {
        throw invalid(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${k}`);
      }
    }
  }
  if (c.Layers.length > MAX_LAYERS) throw invalid(`Cannot reference more than ${MAX_LAYERS} layers.`);
  for (const arn of c.Layers) {
    const m = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):layer:([A-Za-z0-9_-]+):(\d+)$/.exec(arn);
    if (!m) throw invalid(`Layer version ${arn} does not exist. Use a layer version ARN (arn:aws:lambda:region:account:layer:name:version).`);
    if (m[1] !== em.accountId) continue;
    const versions = em.state.lambda.layers.get(m[2] ?? '') ?? [];
    if (!versions.some((l) => l.version === Number(m[3]))) throw invalid(`Layer version ${arn} does not exist.`);
  }
  if (c.TracingConfig.Mode !== 'Active' && c.TracingConfig.Mode !== 'PassThrough') {
    throw invalid(`TracingConfig.Mode must be Active or PassThrough (got ${c.TracingConfig.Mode})`);
  }
}

/** FunctionConfiguration as GetFunctionConfiguration returns it; `qualifier` shapes FunctionArn. */
export function configOutput(em: Emulator, fn: LambdaFunction, v: LambdaVersion, qualifier?: string): Record<string, unknown> {
  const c = v.config;
  const out: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: qualifier && qualifier !== '$LATEST' ? functionArn(em, fn.name, qualifier) : v.version === '$LATEST' ? fn.arn : functionArn(em, fn.name, v.version),
    Runtime: c.Runtime,
    Role: c.Role,
    Handler: c.Handler,
    CodeSize: v.code.size,
    Description: c.Description,
    Timeout: c.Timeout,
    MemorySize: c.MemorySize,
    LastModified: lambdaTime(v.lastModified),
    CodeSha256: v.code.sha256,
    Version: v.version,
    TracingConfig: c.TracingConfig,
    RevisionId: v.revisionId,
    State: v.state,
    PackageType: c.PackageType,
    Architectures: c.Architectures,
    EphemeralStorage: c.EphemeralStorage,
    LoggingConfig: c.LoggingConfig ?? { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}` },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
  };
  if (v.version !== '$LATEST') out.Description = v.description;
  if (v.state === 'Pending') {
    out.StateReason = 'The function is being created.';
    out.StateReasonCode = 'Creating';
  }
  if (v.version === '$LATEST') {
    out.LastUpdateStatus = v.lastUpdateStatus;
    if (v.lastUpdateStatus === 'InProgress') {
      out.LastUpdateStatusReason = 'The function is being created.';
      out.LastUpdateStatusReasonCode = v.state === 'Pending' ? 'Creating' : 'Updating';
      if (v.state !== 'Pending') out.LastUpdateStatusReason = 'The function is being updated.';
    }
  } else {
    out.LastUpdateStatus = 'Successful';
  }
  if (c.Environment) out.Environment = { Variables: c.Environment.Variables };
  if (c.VpcConfig) out.VpcConfig = { ...c.VpcConfig, VpcId: 'vpc-0123456789abcdef0' };
  if (c.DeadLetterConfig) out.DeadLetterConfig = c.DeadLetterConfig;
  if (c.KMSKeyArn) out.KMSKeyArn = c.KMSKeyArn;
  if (c.Layers.length > 0) {
    out.Layers = c.Layers.map((arn) => {
      const m = /:layer:([A-Za-z0-9_-]+):(\d+)$/.exec(arn);
      const layer = (em.state.lambda.layers.get(m?.[1] ?? '') ?? []).find((l) => l.version === Number(m?.[2]));
      return { Arn: arn, CodeSize: layer?.code.size ?? 0 };
    });
  }
  return out;
}

/** Apply the lazy Pending->Active, InProgress->Successful, Creating->Enabled, IN_PROGRESS->READY transitions. */
export function advanceLambda(em: Emulator): void {
  const now = em.now();
  for (const fn of em.state.lambda.functions.values()) {
    const l = fn.latest;
    if (l.state === 'Pending' && now >= l.stateReadyAt) {
      l.state = 'Active';
      l.revisionId = newRevision();
    }
    if (l.lastUpdateStatus === 'InProgress' && now >= l.updateReadyAt) {
      l.lastUpdateStatus = 'Successful';
      l.revisionId = newRevision();
    }
    for (const v of fn.versions.values()) {
      if (v.state === 'Pending' && now >= v.stateReadyAt) v.state = 'Active';
    }
  }
  const esms = em.state.lambda.eventSourceMappings;
  for (const [uuid, m] of esms) {
    if (now < m.readyAt) continue;
    if (m.state === 'Deleting') esms.delete(uuid);
    else if (m.state !== 'Enabled' && m.state !== 'Disabled') m.state = m.enabled ? 'Enabled' : 'Disabled';
  }
}
