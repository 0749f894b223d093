// Lambda (restJson1): functions, code and configuration updates, versions, aliases, tags, Invoke.
// Permissions, concurrency, event source mappings, layers and URLs live in lambda-extras.ts.
import { AwsError, jsonRes, matchRest, num, obj, parseJsonBody, reqStr, restRoute, str, strList, strMap, type HttpReq, type HttpRes, type RestRoute, type Routed, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import { randomUUID } from 'node:crypto';
import type { LambdaConfig, LambdaFunction, LambdaVersion } from '../state.js';
import type { AliasChange, InvokeHandler } from '../types.js';
import type { Execution, LambdaErrorBody } from '../runtime/sandboxes.js';
import { appendLogs } from './log-events.js';
import {
  advanceLambda, assertSettled, codeOf, configOutput, conflict, functionArn, getFunction, invalid, newRevision, notFound,
  parseFunctionRef, precondition, validateConfig, versionFor,
} from './lambda-common.js';
import { extraRoutes } from './lambda-extras.js';

export { advanceLambda };

export interface LambdaCtx {
  em: Emulator;
  req: HttpReq;
  labels: Record<string, string>;
  /** Labels + query + body merged. */
  input: Record<string, unknown>;
}

type Route = RestRoute<LambdaCtx>;

export function createLambdaService(em: Emulator): ServiceHandler {
  const routes: Route[] = [...coreRoutes(), ...extraRoutes()];
  return {
    name: 'lambda',
    route(req: HttpReq): Routed {
      const m = matchRest(routes, req.method, req.segments);
      const find = req.query.get('find');
      const list = req.query.get('List');
      let match = m;
      if (m && req.method === 'GET' && req.segments.join('/') === '2018-10-31/layers' && find === 'LayerVersion') {
        match = { route: routes.find((r) => r.operation === 'GetLayerVersionByArn') as Route, labels: {} };
      }
      if (m && m.route.operation === 'GetProvisionedConcurrencyConfig' && list === 'ALL') {
        match = { route: routes.find((r) => r.operation === 'ListProvisionedConcurrencyConfigs') as Route, labels: m.labels };
      }
      if (!match) throw new AwsError('UnknownOperationException', `No Lambda operation for ${req.method} ${req.rawPath}`, 404, { Type: 'User' });
      const { route, labels } = match;
      if (req.tooLarge) {
        return {
          operation: route.operation,
          input: { ...labels },
          execute: () => {
            throw new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${em.maxRequestBytes} bytes for the ${route.operation} operation`, 413, { Type: 'User' });
          },
        };
      }
      const query: Record<string, unknown> = {};
      for (const [k, v] of req.query) {
        if (k === 'tagKeys') query.TagKeys = [...((query.TagKeys as string[] | undefined) ?? []), v];
        else query[k] = v;
      }
      const body = route.operation === 'Invoke' ? { Payload: req.body } : parseJsonBody(req);
      const input = { ...body, ...query, ...labels };
      return { operation: route.operation, input, execute: () => route.handler({ em, req, labels, input }) };
    },
    error(err: AwsError): HttpRes {
      return {
        status: err.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
        body: JSON.stringify({ Type: err.status >= 500 ? 'Service' : 'User', message: err.message, ...err.fields }),
      };
    },
    throttleError: () => new AwsError('TooManyRequestsException', 'Rate exceeded', 429, { Type: 'User', Reason: 'CallerRateLimitExceeded' }),
    internalError: () => new AwsError('ServiceException', 'An internal error occurred (injected fault)', 500, { Type: 'Service' }),
  };
}

function coreRoutes(): Route[] {
  const r = restRoute<LambdaCtx>;
  return [
    r('POST', '/2015-03-31/functions', 'CreateFunction', createFunction),
    r('GET', '/2015-03-31/functions', 'ListFunctions', listFunctions),
    r('GET', '/2015-03-31/functions/{FunctionName}', 'GetFunction', getFunctionOp),
    r('GET', '/2015-03-31/functions/{FunctionName}/configuration', 'GetFunctionConfiguration', getFunctionConfiguration),
    r('PUT', '/2015-03-31/functions/{FunctionName}/code', 'UpdateFunctionCode', updateFunctionCode),
    r('PUT', '/2015-03-31/functions/{FunctionName}/configuration', 'UpdateFunctionConfiguration', updateFunctionConfiguration),
    r('DELETE', '/2015-03-31/functions/{FunctionName}', 'DeleteFunction', deleteFunction),
    r('POST', '/2015-03-31/functions/{FunctionName}/versions', 'PublishVersion', publishVersionOp),
    r('GET', '/2015-03-31/functions/{FunctionName}/versions', 'ListVersionsByFunction', listVersions),
    r('POST', '/2015-03-31/functions/{FunctionName}/aliases', 'CreateAlias', createAlias),
    r('GET', '/2015-03-31/functions/{FunctionName}/aliases', 'ListAliases', listAliases),
    r('GET', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'GetAlias', getAlias),
    r('PUT', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'UpdateAlias', updateAlias),
    r('DELETE', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'DeleteAlias', deleteAlias),
    r('POST', '/2015-03-31/functions/{FunctionName}/invocations', 'Invoke', invoke),
    r('POST', '/2017-03-31/tags/{Resource}', 'TagResource', tagResource),
    r('DELETE', '/2017-03-31/tags/{Resource}', 'UntagResource', untagResource),
    r('GET', '/2017-03-31/tags/{Resource}', 'ListTags', listTags),
  ];
}

// ---------- code ----------

const ZIP_MAGIC = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from([0x50, 0x4b, 0x05, 0x06])];

/** Code from {ZipFile (base64)} or {S3Bucket, S3Key}. */
export function loadCode(em: Emulator, code: Record<string, unknown>): ReturnType<typeof codeOf> {
  let zip: Buffer;
  const zipFile = code.ZipFile;
  if (typeof zipFile === 'string') zip = Buffer.from(zipFile, 'base64');
  else if (typeof code.S3Bucket === 'string' && typeof code.S3Key === 'string') {
    const bucket = em.state.s3.buckets.get(code.S3Bucket);
    const object = bucket?.objects.get(code.S3Key);
    if (!bucket) throw invalid(`Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist`);
    if (!object) throw invalid(`Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.`);
    zip = object.body;
  } else if (typeof code.ImageUri === 'string') {
    throw invalid('Container images (ImageUri) are not supported by this emulator.');
  } else {
    throw invalid('Please provide a source for function code.');
  }
  if (!ZIP_MAGIC.some((m) => zip.subarray(0, 4).equals(m))) throw invalid('Could not unzip uploaded file. Please check your file, then try to upload again.');
  return codeOf(zip);
}

// ---------- configuration ----------

function buildConfig(base: LambdaConfig | undefined, input: Record<string, unknown>): LambdaConfig {
  const c: LambdaConfig = base
    ? structuredClone(base)
    : {
        Role: '',
        Description: '',
        Timeout: 3,
        MemorySize: 128,
        Architectures: ['x86_64'],
        Layers: [],
        TracingConfig: { Mode: 'PassThrough' },
        EphemeralStorage: { Size: 512 },
        PackageType: str(input, 'PackageType') ?? 'Zip',
      };
  const role = str(input, 'Role');
  if (role !== undefined) c.Role = role;
  const runtime = str(input, 'Runtime');
  if (runtime !== undefined) c.Runtime = runtime;
  const handler = str(input, 'Handler');
  if (handler !== undefined) c.Handler = handler;
  const description = str(input, 'Description');
  if (description !== undefined) c.Description = description;
  const timeout = num(input, 'Timeout');
  if (timeout !== undefined) c.Timeout = timeout;
  const memory = num(input, 'MemorySize');
  if (memory !== undefined) c.MemorySize = memory;
  const env = obj(input, 'Environment');
  if (env) {
    const vars = strMap(env.Variables);
    c.Environment = Object.keys(vars).length > 0 ? { Variables: vars } : undefined;
  }
  const arch = strList(input, 'Architectures');
  if (arch) c.Architectures = arch;
  const layers = strList(input, 'Layers');
  if (layers) c.Layers = layers;
  const vpc = obj(input, 'VpcConfig');
  if (vpc) {
    const subnets = (vpc.SubnetIds as string[] | undefined) ?? [];
    const groups = (vpc.SecurityGroupIds as string[] | undefined) ?? [];
    c.VpcConfig = subnets.length || groups.length ? { SubnetIds: subnets, SecurityGroupIds: groups, Ipv6AllowedForDualStack: Boolean(vpc.Ipv6AllowedForDualStack) } : undefined;
  }
  const tracing = obj(input, 'TracingConfig');
  if (tracing && typeof tracing.Mode === 'string') c.TracingConfig = { Mode: tracing.Mode };
  const dlq = obj(input, 'DeadLetterConfig');
  if (dlq) c.DeadLetterConfig = typeof dlq.TargetArn === 'string' && dlq.TargetArn ? { TargetArn: dlq.TargetArn } : undefined;
  const storage = obj(input, 'EphemeralStorage');
  if (storage && typeof storage.Size === 'number') c.EphemeralStorage = { Size: storage.Size };
  const kms = str(input, 'KMSKeyArn');
  if (kms !== undefined) c.KMSKeyArn = kms || undefined;
  const logging = obj(input, 'LoggingConfig');
  if (logging) c.LoggingConfig = logging;
  return c;
}

function fingerprint(v: LambdaVersion): string {
  return JSON.stringify([v.code.sha256, v.config]);
}

function newFunction(em: Emulator, name: string, config: LambdaConfig, code: ReturnType<typeof codeOf>, tags: Record<string, string>): LambdaFunction {
  const now = em.now();
  return {
    name,
    arn: functionArn(em, name),
    latest: {
      version: '$LATEST',
      config,
      code,
      description: '',
      revisionId: newRevision(),
      lastModified: now,
      state: 'Pending',
      stateReadyAt: now + em.asyncDelayMs,
      lastUpdateStatus: 'InProgress',
      updateReadyAt: now + em.asyncDelayMs,
    },
    versions: new Map(),
    nextVersion: 1,
    aliases: new Map(),
    tags,
    policies: new Map(),
    provisioned: new Map(),
    eventInvokeConfigs: new Map(),
    urlConfigs: new Map(),
  };
}

function createFunction({ em, input }: LambdaCtx): HttpRes {
  const { name } = parseFunctionRef(reqStr(input, 'FunctionName'));
  reqStr(input, 'Role');
  if (em.state.lambda.functions.has(name)) throw conflict(`Function already exist: ${name}`);
  const config = buildConfig(undefined, input);
  validateConfig(em, config);
  const code = loadCode(em, obj(input, 'Code') ?? {});
  const fn = newFunction(em, name, config, code, strMap(input.Tags));
  em.state.lambda.functions.set(name, fn);
  if (input.Publish === true) publishVersion(em, fn);
  return jsonRes(201, configOutput(em, fn, fn.latest));
}

function listFunctions({ em, input }: LambdaCtx): HttpRes {
  const all = [...em.state.lambda.functions.values()].sort((a, b) => a.name.localeCompare(b.name));
  const start = Number(str(input, 'Marker') ?? 0) || 0;
  const max = num(input, 'MaxItems') ?? 50;
  const page = all.slice(start, start + max);
  return jsonRes(200, {
    Functions: page.map((fn) => configOutput(em, fn, fn.latest)),
    NextMarker: start + max < all.length ? String(start + max) : undefined,
  });
}

function getFunctionOp({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn, qualifier } = getFunction(em, labels.FunctionName ?? '', str(input, 'Qualifier'));
  const v = versionFor(em, fn, qualifier);
  const out: Record<string, unknown> = {
    Configuration: configOutput(em, fn, v, qualifier),
    Code: { RepositoryType: 'S3', Location: `${em.url}/_code/${fn.name}/${v.version}.zip` },
    Tags: fn.tags,
  };
  if (fn.reservedConcurrency !== undefined) out.Concurrency = { ReservedConcurrentExecutions: fn.reservedConcurrency };
  return jsonRes(200, out);
}

function getFunctionConfiguration({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn, qualifier } = getFunction(em, labels.FunctionName ?? '', str(input, 'Qualifier'));
  return jsonRes(200, configOutput(em, fn, versionFor(em, fn, qualifier), qualifier));
}

function checkRevision(given: string | undefined, current: string): void {
  if (given !== undefined && given !== current) {
    throw precondition('The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
  }
}

function startUpdate(em: Emulator, fn: LambdaFunction): void {
  const now = em.now();
  fn.latest.lastUpdateStatus = 'InProgress';
  fn.latest.updateReadyAt = now + em.asyncDelayMs;
  fn.latest.lastModified = now;
  fn.latest.revisionId = newRevision();
}

function updateFunctionCode({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  checkRevision(str(input, 'RevisionId'), fn.latest.revisionId);
  assertSettled(fn);
  const code = loadCode(em, input);
  const arch = strList(input, 'Architectures');
  const config = arch ? { ...fn.latest.config, Architectures: arch } : fn.latest.config;
  if (arch) validateConfig(em, config);
  if (input.DryRun === true) return jsonRes(200, configOutput(em, fn, { ...fn.latest, code, config }));
  fn.latest.code = code;
  fn.latest.config = config;
  startUpdate(em, fn);
  if (input.Publish === true) {
    const v = publishVersion(em, fn);
    return jsonRes(200, configOutput(em, fn, v));
  }
  return jsonRes(200, configOutput(em, fn, fn.latest));
}

function updateFunctionConfiguration({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  checkRevision(str(input, 'RevisionId'), fn.latest.revisionId);
  assertSettled(fn);
  const config = buildConfig(fn.latest.config, input);
  validateConfig(em, config);
  fn.latest.config = config;
  startUpdate(em, fn);
  return jsonRes(200, configOutput(em, fn, fn.latest));
}

function deleteFunction({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn, qualifier } = getFunction(em, labels.FunctionName ?? '', str(input, 'Qualifier'));
  if (qualifier === undefined) {
    em.state.lambda.functions.delete(fn.name);
    return { status: 204 };
  }
  if (qualifier === '$LATEST' || fn.aliases.has(qualifier)) throw invalid(`Deletion of $LATEST or an alias through DeleteFunction is not supported: ${qualifier}`);
  if (!fn.versions.has(qualifier)) throw notFound(`Function not found: ${functionArn(em, fn.name, qualifier)}`);
  const users = [...fn.aliases.values()].filter((a) => a.functionVersion === qualifier || Object.keys(a.routingConfig?.AdditionalVersionWeights ?? {}).includes(qualifier));
  if (users.length) throw conflict(`Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`);
  fn.versions.delete(qualifier);
  fn.policies.delete(qualifier);
  fn.provisioned.delete(qualifier);
  fn.eventInvokeConfigs.delete(qualifier);
  return { status: 204 };
}

// ---------- versions ----------

/** Publish $LATEST, or return the latest published version if nothing changed since it. */
/** `description` overrides the function's Description for this version (as PublishVersion's Description does). */
export function publishVersion(em: Emulator, fn: LambdaFunction, description?: string): LambdaVersion {
  const numbers = [...fn.versions.keys()].map(Number);
  const last = numbers.length ? fn.versions.get(String(Math.max(...numbers))) : undefined;
  if (last && fingerprint(last) === fingerprint(fn.latest)) return last;
  const now = em.now();
  const version = String(fn.nextVersion++);
  const v: LambdaVersion = {
    version,
    config: structuredClone(fn.latest.config),
    code: fn.latest.code,
    description: description ?? fn.latest.config.Description,
    revisionId: newRevision(),
    lastModified: now,
    state: 'Pending',
    stateReadyAt: now + em.asyncDelayMs,
    lastUpdateStatus: 'Successful',
    updateReadyAt: now,
  };
  fn.versions.set(version, v);
  return v;
}

function publishVersionOp({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  const sha = str(input, 'CodeSha256');
  if (sha !== undefined && sha !== fn.latest.code.sha256) {
    throw precondition(`CodeSHA256 (${sha}) is different from current CodeSHA256 in $LATEST (${fn.latest.code.sha256}). Please try again with the CodeSHA256 in $LATEST.`);
  }
  checkRevision(str(input, 'RevisionId'), fn.latest.revisionId);
  assertSettled(fn);
  const description = str(input, 'Description');
  if (description !== undefined && description.length > 256) throw invalid('Description must be at most 256 characters');
  const v = publishVersion(em, fn, description);
  return jsonRes(201, configOutput(em, fn, v));
}

function listVersions({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  const all = [fn.latest, ...[...fn.versions.values()].sort((a, b) => Number(a.version) - Number(b.version))];
  const start = Number(str(input, 'Marker') ?? 0) || 0;
  const max = num(input, 'MaxItems') ?? 50;
  const page = all.slice(start, start + max);
  return jsonRes(200, {
    Versions: page.map((v) => configOutput(em, fn, v)),
    NextMarker: start + max < all.length ? String(start + max) : undefined,
  });
}

// ---------- aliases ----------

function aliasOutput(em: Emulator, fn: LambdaFunction, name: string): Record<string, unknown> {
  const a = fn.aliases.get(name);
  if (!a) throw notFound(`Cannot find alias arn: ${functionArn(em, fn.name, name)}`);
  const out: Record<string, unknown> = {
    AliasArn: functionArn(em, fn.name, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    RevisionId: a.revisionId,
  };
  if (a.routingConfig && Object.keys(a.routingConfig.AdditionalVersionWeights).length) out.RoutingConfig = a.routingConfig;
  return out;
}

function checkVersionExists(em: Emulator, fn: LambdaFunction, version: string): void {
  if (version !== '$LATEST' && !fn.versions.has(version)) throw notFound(`Function not found: ${functionArn(em, fn.name, version)}`);
}

/** AWS's alias routing rules: one additional published version, weight in [0, 1], primary published. */
function parseRouting(em: Emulator, fn: LambdaFunction, primary: string, routing: Record<string, unknown>): { AdditionalVersionWeights: Record<string, number> } | undefined {
  const raw = routing.AdditionalVersionWeights;
  const weights: Record<string, number> = {};
  if (raw && typeof raw === 'object') for (const [k, w] of Object.entries(raw as Record<string, unknown>)) weights[k] = Number(w);
  const entries = Object.entries(weights);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) throw invalid('Number of items in AdditionalVersionWeights cannot be greater than 1');
  const [version, weight] = entries[0] as [string, number];
  if (!(weight >= 0 && weight <= 1)) throw invalid(`1 validation error detected: Value '${weight}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]`);
  if (primary === '$LATEST' || version === '$LATEST' || !/^\d+$/.test(version)) throw invalid('$LATEST is not supported for an alias pointing to more than 1 version');
  if (!fn.versions.has(version)) throw invalid(`Version ${version} does not exist for function ${fn.name}`);
  if (version === primary) throw invalid(`Version ${version} cannot be both the primary version and an additional version of an alias`);
  return { AdditionalVersionWeights: weights };
}

/** Append the alias's new pointer to the emulator's traffic log. */
function logAlias(em: Emulator, fn: LambdaFunction, name: string, operation: AliasChange['operation']): void {
  const a = fn.aliases.get(name);
  const weights = { ...(a?.routingConfig?.AdditionalVersionWeights ?? {}) };
  const named = a ? [a.functionVersion, ...Object.keys(weights)] : [];
  const states: AliasChange['states'] = {};
  for (const v of named) states[v] = v === '$LATEST' ? '$LATEST' : (fn.versions.get(v)?.state ?? 'missing');
  em.traffic.push({ function: fn.name, alias: name, operation, version: a?.functionVersion ?? '', weights, states, time: em.now() });
}

function createAlias({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  const name = reqStr(input, 'Name');
  if (!/^[a-zA-Z0-9_-]{1,128}$/.test(name) || /^\d+$/.test(name)) throw invalid(`Alias name ${name} is invalid: it must match (?!^[0-9]+$)([a-zA-Z0-9-_]+)`);
  const version = reqStr(input, 'FunctionVersion');
  checkVersionExists(em, fn, version);
  if (fn.aliases.has(name)) throw conflict(`Alias already exists: ${functionArn(em, fn.name, name)}`);
  const routing = parseRouting(em, fn, version, obj(input, 'RoutingConfig') ?? {});
  fn.aliases.set(name, { name, functionVersion: version, description: str(input, 'Description') ?? '', routingConfig: routing, revisionId: newRevision() });
  logAlias(em, fn, name, 'CreateAlias');
  return jsonRes(201, aliasOutput(em, fn, name));
}

function getAlias({ em, labels }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  return jsonRes(200, aliasOutput(em, fn, labels.Name ?? ''));
}

function updateAlias({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  const alias = fn.aliases.get(labels.Name ?? '');
  if (!alias) throw notFound(`Cannot find alias arn: ${functionArn(em, fn.name, labels.Name)}`);
  checkRevision(str(input, 'RevisionId'), alias.revisionId);
  const version = str(input, 'FunctionVersion') ?? alias.functionVersion;
  checkVersionExists(em, fn, version);
  const routingInput = obj(input, 'RoutingConfig');
  const routing = routingInput ? parseRouting(em, fn, version, routingInput) : alias.routingConfig ? parseRouting(em, fn, version, alias.routingConfig) : undefined;
  alias.functionVersion = version;
  alias.routingConfig = routing;
  const description = str(input, 'Description');
  if (description !== undefined) alias.description = description;
  alias.revisionId = newRevision();
  logAlias(em, fn, alias.name, 'UpdateAlias');
  return jsonRes(200, aliasOutput(em, fn, alias.name));
}

function deleteAlias({ em, labels }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  const name = labels.Name ?? '';
  const existed = fn.aliases.delete(name);
  if (existed) logAlias(em, fn, name, 'DeleteAlias');
  fn.policies.delete(name);
  fn.provisioned.delete(name);
  fn.eventInvokeConfigs.delete(name);
  fn.urlConfigs.delete(name);
  return { status: 204 };
}

function listAliases({ em, labels, input }: LambdaCtx): HttpRes {
  const { fn } = getFunction(em, labels.FunctionName ?? '');
  const filter = str(input, 'FunctionVersion');
  const all = [...fn.aliases.values()].filter((a) => !filter || a.functionVersion === filter).sort((a, b) => a.name.localeCompare(b.name));
  const start = Number(str(input, 'Marker') ?? 0) || 0;
  const max = num(input, 'MaxItems') ?? 50;
  return jsonRes(200, {
    Aliases: all.slice(start, start + max).map((a) => aliasOutput(em, fn, a.name)),
    NextMarker: start + max < all.length ? String(start + max) : undefined,
  });
}

// ---------- invocations ----------

export interface InvokeOutcome {
  version: string;
  requestId: string;
  ok: boolean;
  /** The handler's answer (ok), parsed from its JSON. */
  result?: unknown;
  /** The answer's JSON text as the runtime returned it (ok). */
  resultText?: string;
  error?: LambdaErrorBody;
  /** The invocation's whole log (START ... REPORT), as written to CloudWatch Logs. */
  log: string;
}

/** The log group Lambda writes a function's output to. */
export function logGroupOf(fn: LambdaFunction, v: LambdaVersion): string {
  const custom = v.config.LoggingConfig?.LogGroup;
  return typeof custom === 'string' && custom ? custom : `/aws/lambda/${fn.name}`;
}

/** The version an invocation of fn:qualifier runs: an alias picks its additional version with its weight (seeded PRNG). */
function pickVersion(em: Emulator, fn: LambdaFunction, q: string): LambdaVersion {
  const v = versionFor(em, fn, q);
  const weights = fn.aliases.get(q)?.routingConfig?.AdditionalVersionWeights ?? {};
  const [extra, weight] = Object.entries(weights)[0] ?? [];
  const drawn = extra !== undefined && weight !== undefined && em.routingRandom() < weight ? fn.versions.get(extra) : undefined;
  return drawn ?? v;
}

/** Runs a test's invoke handler (AwsEmulatorOptions.invokeHandler) as if it were the code. */
async function runTestHandler(em: Emulator, fn: LambdaFunction, v: LambdaVersion, handler: InvokeHandler, payload: unknown, q: string, source: 'invoke' | 'http'): Promise<Execution> {
  const started = performance.now();
  const base = { requestId: randomUUID(), logs: [], maxMemoryMB: 0, logStream: em.testHandlerStream(fn.name, v.version), timedOut: false };
  try {
    const result: unknown = await handler(fn.name, v.version, payload, { qualifier: q, source });
    return { ...base, ok: true, result: JSON.stringify(result ?? null), durationMs: performance.now() - started };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ...base, ok: false, error: { errorType: e.name || 'Error', errorMessage: e.message, trace: String(e.stack ?? '').split('\n') }, durationMs: performance.now() - started };
  }
}

/**
 * Invokes fn:qualifier: picks the version (weighted alias routing), runs its code (or the test's
 * invoke handler), writes START / output / END / REPORT to CloudWatch Logs and records the
 * AWS/Lambda Invocations, Errors and Duration metrics. A version that is not Active yet is
 * ResourceConflictException, as on Lambda.
 */
export async function invokeFunction(em: Emulator, fn: LambdaFunction, qualifier: string | undefined, payload: unknown, source: 'invoke' | 'http'): Promise<InvokeOutcome> {
  const q = qualifier ?? '$LATEST';
  const v = pickVersion(em, fn, q);
  if (v.state !== 'Active') throw conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${v.state}`);
  const group = logGroupOf(fn, v);
  const now = em.now();
  const exec = em.invokeHandler
    ? await runTestHandler(em, fn, v, em.invokeHandler, payload, q, source)
    : await em.sandboxes.invoke({ fn, version: v, invokedArn: functionArn(em, fn.name, qualifier), logGroup: group, region: em.region, env: em.codeEnv(), now }, payload);
  const id = exec.requestId;
  const report = `REPORT RequestId: ${id}\tDuration: ${exec.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(exec.durationMs))} ms\tMemory Size: ${v.config.MemorySize} MB\tMax Memory Used: ${exec.maxMemoryMB} MB\t${exec.timedOut ? 'Status: timeout\n' : '\n'}`;
  const messages = [`START RequestId: ${id} Version: ${v.version}\n`, ...exec.logs, `END RequestId: ${id}\n`, report];
  appendLogs(em, group, exec.logStream, messages, now);
  const alias = fn.aliases.has(q) ? { alias: q } : {};
  em.recordMetrics(fn.name, v.version, { invocations: 1, errors: exec.ok ? 0 : 1, durationMs: exec.durationMs }, { ...alias, time: now });
  const log = messages.join('');
  if (!exec.ok) return { version: v.version, requestId: id, ok: false, error: exec.error ?? { errorType: 'Unknown', errorMessage: 'Unknown error' }, log };
  const text = exec.result ?? 'null';
  let result: unknown = text;
  try {
    result = JSON.parse(text);
  } catch {}
  return { version: v.version, requestId: id, ok: true, result, resultText: text, log };
}

/** X-Amz-Log-Result: base64 of the last 4 KB of the invocation's log. */
function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}

async function invoke({ em, labels, input, req }: LambdaCtx): Promise<HttpRes> {
  const { fn, qualifier } = getFunction(em, labels.FunctionName ?? '', str(input, 'Qualifier'));
  const v = versionFor(em, fn, qualifier);
  if (v.state !== 'Active') throw conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${v.state}`);
  const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  const logType = String(req.headers['x-amz-log-type'] ?? 'None');
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) throw invalidRequest(`1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
  if (!['None', 'Tail'].includes(logType)) throw invalidRequest(`1 validation error detected: Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`);
  if (type === 'DryRun') return { status: 204 };
  const raw = req.body.toString('utf8');
  let payload: unknown = raw;
  try {
    payload = raw ? JSON.parse(raw) : {};
  } catch {
    throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json: Could not parse payload into json', 400, { Type: 'User' });
  }
  if (type === 'Event') {
    void invokeFunction(em, fn, qualifier, payload, 'invoke').catch(() => undefined);
    return { status: 202, headers: { 'content-type': 'application/json' } };
  }
  const out = await invokeFunction(em, fn, qualifier, payload, 'invoke');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': out.version };
  if (logType === 'Tail') headers['x-amz-log-result'] = logTail(out.log);
  if (!out.ok) {
    headers['x-amz-function-error'] = 'Unhandled';
    return { status: 200, headers, body: JSON.stringify(out.error) };
  }
  return { status: 200, headers, body: out.resultText ?? 'null' };
}

function invalidRequest(message: string): AwsError {
  return new AwsError('ValidationException', message, 400, { Type: 'User' });
}

// ---------- tags ----------

function taggedFunction(em: Emulator, resource: string): LambdaFunction {
  const m = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(:.+)?$/.exec(resource);
  if (!m) throw invalid(`Invalid resource ARN for tagging: ${resource}`);
  if (m[2]) throw invalid(`Tags apply to the function only, not to a version or alias: ${resource}`);
  const fn = em.state.lambda.functions.get(m[1] ?? '');
  if (!fn) throw notFound(`Function not found: ${resource}`);
  return fn;
}

function tagResource({ em, labels, input }: LambdaCtx): HttpRes {
  const fn = taggedFunction(em, labels.Resource ?? '');
  Object.assign(fn.tags, strMap(input.Tags));
  if (Object.keys(fn.tags).length > 50) throw invalid('A function can have at most 50 tags');
  return { status: 204 };
}

function untagResource({ em, labels, input }: LambdaCtx): HttpRes {
  const fn = taggedFunction(em, labels.Resource ?? '');
  for (const k of strList(input, 'TagKeys') ?? []) delete fn.tags[k];
  return { status: 204 };
}

function listTags({ em, labels }: LambdaCtx): HttpRes {
  return jsonRes(200, { Tags: taggedFunction(em, labels.Resource ?? '').tags });
}
