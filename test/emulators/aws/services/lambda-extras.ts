// Lambda permissions, concurrency, provisioned concurrency, event invoke configs, event source
// mappings, layers and function URLs.
import { randomUUID } from 'node:crypto';
import { AwsError, jsonRes, num, obj, reqStr, restRoute, str, strList, type HttpReq, type HttpRes, type RestRoute } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { EventSourceMapping, LambdaFunction, LayerVersion, PolicyStatement } from '../state.js';
import { localRole } from './iam-eval.js';
import { checkQualifier, conflict, functionArn, getFunction, invalid, lambdaTime, newRevision, notFound, parseFunctionRef, precondition, requirePermission, versionFor } from './lambda-common.js';
import { invokeFunction, loadCode, type LambdaCtx } from './lambda.js';

type Route = RestRoute<LambdaCtx>;

export function extraRoutes(): Route[] {
  const r = restRoute<LambdaCtx>;
  return [
    r('POST', '/2015-03-31/functions/{FunctionName}/policy', 'AddPermission', addPermission),
    r('DELETE', '/2015-03-31/functions/{FunctionName}/policy/{StatementId}', 'RemovePermission', removePermission),
    r('GET', '/2015-03-31/functions/{FunctionName}/policy', 'GetPolicy', getPolicy),
    r('PUT', '/2017-10-31/functions/{FunctionName}/concurrency', 'PutFunctionConcurrency', putConcurrency),
    r('DELETE', '/2017-10-31/functions/{FunctionName}/concurrency', 'DeleteFunctionConcurrency', deleteConcurrency),
    r('GET', '/2019-09-30/functions/{FunctionName}/concurrency', 'GetFunctionConcurrency', getConcurrency),
    r('PUT', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', 'PutProvisionedConcurrencyConfig', putProvisioned),
    r('GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', 'GetProvisionedConcurrencyConfig', getProvisioned),
    r('GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', 'ListProvisionedConcurrencyConfigs', listProvisioned),
    r('DELETE', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', 'DeleteProvisionedConcurrencyConfig', deleteProvisioned),
    r('PUT', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'PutFunctionEventInvokeConfig', (c) => putEventInvoke(c, true)),
    r('POST', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'UpdateFunctionEventInvokeConfig', (c) => putEventInvoke(c, false)),
    r('GET', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'GetFunctionEventInvokeConfig', getEventInvoke),
    r('DELETE', '/2019-09-25/functions/{FunctionName}/event-invoke-config', 'DeleteFunctionEventInvokeConfig', deleteEventInvoke),
    r('POST', '/2015-03-31/event-source-mappings', 'CreateEventSourceMapping', createEsm),
    r('GET', '/2015-03-31/event-source-mappings', 'ListEventSourceMappings', listEsm),
    r('GET', '/2015-03-31/event-source-mappings/{UUID}', 'GetEventSourceMapping', getEsm),
    r('PUT', '/2015-03-31/event-source-mappings/{UUID}', 'UpdateEventSourceMapping', updateEsm),
    r('DELETE', '/2015-03-31/event-source-mappings/{UUID}', 'DeleteEventSourceMapping', deleteEsm),
    r('POST', '/2018-10-31/layers/{LayerName}/versions', 'PublishLayerVersion', publishLayer),
    r('GET', '/2018-10-31/layers/{LayerName}/versions', 'ListLayerVersions', listLayerVersions),
    r('GET', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}', 'GetLayerVersion', getLayerVersion),
    r('DELETE', '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}', 'DeleteLayerVersion', deleteLayerVersion),
    r('GET', '/2018-10-31/layers', 'ListLayers', listLayers),
    r('GET', '/2018-10-31/layers', 'GetLayerVersionByArn', getLayerVersionByArn),
    r('POST', '/2021-10-31/functions/{FunctionName}/url', 'CreateFunctionUrlConfig', createUrl),
    r('GET', '/2021-10-31/functions/{FunctionName}/url', 'GetFunctionUrlConfig', getUrl),
    r('PUT', '/2021-10-31/functions/{FunctionName}/url', 'UpdateFunctionUrlConfig', updateUrl),
    r('DELETE', '/2021-10-31/functions/{FunctionName}/url', 'DeleteFunctionUrlConfig', deleteUrl),
  ];
}

function target(c: LambdaCtx): { fn: LambdaFunction; q: string } {
  const { fn, qualifier } = getFunction(c.em, c.labels.FunctionName ?? '', str(c.input, 'Qualifier'));
  return { fn, q: checkQualifier(c.em, fn, qualifier) };
}

// ---------- resource policy ----------

function principalOf(em: Emulator, p: string): PolicyStatement['Principal'] {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  if (/\.amazonaws\.com$/.test(p) || /\.amazon\.com$/.test(p)) return { Service: p };
  throw invalid(`The provided principal was invalid. Please check the principal and try again: ${p} (${em.accountId})`);
}

function addPermission(c: LambdaCtx): HttpRes {
  const { em, input } = c;
  const { fn, q } = target(c);
  const sid = reqStr(input, 'StatementId');
  const action = reqStr(input, 'Action');
  const principal = reqStr(input, 'Principal');
  if (!/^([a-zA-Z0-9-_.]+)$/.test(sid)) throw invalid(`Invalid StatementId: ${sid}`);
  if (!/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/.test(action)) throw invalid(`Invalid Action: ${action}`);
  const policy = fn.policies.get(q) ?? { statements: [], revisionId: newRevision() };
  const rev = str(input, 'RevisionId');
  if (rev !== undefined && rev !== policy.revisionId) throw precondition('The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id');
  if (policy.statements.some((s) => s.Sid === sid)) {
    throw conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
  }
  const condition: Record<string, Record<string, string>> = {};
  const sourceArn = str(input, 'SourceArn');
  if (sourceArn) condition.ArnLike = { 'AWS:SourceArn': sourceArn };
  const sourceAccount = str(input, 'SourceAccount');
  if (sourceAccount) condition.StringEquals = { ...(condition.StringEquals ?? {}), 'AWS:SourceAccount': sourceAccount };
  const urlAuth = str(input, 'FunctionUrlAuthType');
  if (urlAuth) condition.StringEquals = { ...(condition.StringEquals ?? {}), 'lambda:FunctionUrlAuthType': urlAuth };
  const orgId = str(input, 'PrincipalOrgID');
  if (orgId) condition.StringEquals = { ...(condition.StringEquals ?? {}), 'aws:PrincipalOrgID': orgId };
  const statement: PolicyStatement = {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(em, principal),
    Action: action,
    Resource: functionArn(em, fn.name, q === '$LATEST' ? undefined : q),
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
  policy.statements.push(statement);
  policy.revisionId = newRevision();
  fn.policies.set(q, policy);
  return jsonRes(201, { Statement: JSON.stringify(statement) });
}

function removePermission(c: LambdaCtx): HttpRes {
  const { fn, q } = target(c);
  const sid = c.labels.StatementId ?? '';
  const policy = fn.policies.get(q);
  const rev = str(c.input, 'RevisionId');
  if (policy && rev !== undefined && rev !== policy.revisionId) throw precondition('The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id');
  const index = policy?.statements.findIndex((s) => s.Sid === sid) ?? -1;
  if (!policy || index < 0) throw notFound(`Statement ${sid} is not found in resource policy.`);
  policy.statements.splice(index, 1);
  policy.revisionId = newRevision();
  if (policy.statements.length === 0) fn.policies.delete(q);
  return { status: 204 };
}

function getPolicy(c: LambdaCtx): HttpRes {
  const { fn, q } = target(c);
  const policy = fn.policies.get(q);
  if (!policy || policy.statements.length === 0) throw notFound('The resource you requested does not exist.');
  return jsonRes(200, { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: policy.statements }), RevisionId: policy.revisionId });
}

/** Whether fn:qualifier's resource policy lets `service` invoke it (used by S3 destination validation). */
export function allowsService(fn: LambdaFunction, qualifier: string, service: string, sourceArn?: string): boolean {
  const policy = fn.policies.get(qualifier);
  return Boolean(
    policy?.statements.some((s) => {
      const p = s.Principal;
      const matches = p === '*' || (typeof p === 'object' && p.Service === service);
      const arn = s.Condition?.ArnLike?.['AWS:SourceArn'];
      return matches && (!arn || !sourceArn || arnLike(arn, sourceArn));
    }),
  );
}

/** IAM ArnLike: `*` matches any run of characters, `?` one character. */
export function arnLike(pattern: string, arn: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(arn);
}

// ---------- concurrency ----------

function putConcurrency(c: LambdaCtx): HttpRes {
  const { fn } = getFunction(c.em, c.labels.FunctionName ?? '');
  const n = num(c.input, 'ReservedConcurrentExecutions');
  if (n === undefined || !Number.isInteger(n) || n < 0) throw invalid('ReservedConcurrentExecutions must be a non-negative integer');
  if (n > 900) throw invalid(`Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].`);
  fn.reservedConcurrency = n;
  return jsonRes(200, { ReservedConcurrentExecutions: n });
}

function deleteConcurrency(c: LambdaCtx): HttpRes {
  const { fn } = getFunction(c.em, c.labels.FunctionName ?? '');
  fn.reservedConcurrency = undefined;
  return { status: 204 };
}

function getConcurrency(c: LambdaCtx): HttpRes {
  const { fn } = getFunction(c.em, c.labels.FunctionName ?? '');
  return jsonRes(200, fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency });
}

function provisionedOutput(em: Emulator, fn: LambdaFunction, q: string): Record<string, unknown> {
  const p = fn.provisioned.get(q);
  if (!p) throw new AwsError('ProvisionedConcurrencyConfigNotFoundException', `No Provisioned Concurrency Config found for this function`, 404, { Type: 'User' });
  const ready = em.now() >= p.readyAt;
  return {
    FunctionArn: functionArn(em, fn.name, q),
    RequestedProvisionedConcurrentExecutions: p.requested,
    AllocatedProvisionedConcurrentExecutions: ready ? p.requested : 0,
    AvailableProvisionedConcurrentExecutions: ready ? p.requested : 0,
    Status: ready ? 'READY' : 'IN_PROGRESS',
    LastModified: lambdaTime(p.lastModified),
  };
}

function putProvisioned(c: LambdaCtx): HttpRes {
  const { fn, q } = target(c);
  if (q === '$LATEST') throw invalid('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
  const n = num(c.input, 'ProvisionedConcurrentExecutions');
  if (n === undefined || !Number.isInteger(n) || n < 1) throw invalid('ProvisionedConcurrentExecutions must be an integer >= 1');
  const alias = fn.aliases.get(q);
  if (alias?.routingConfig && Object.keys(alias.routingConfig.AdditionalVersionWeights).length) {
    throw new AwsError('ResourceConflictException', 'Alias with weights can not be used with Provisioned Concurrency', 409, { Type: 'User' });
  }
  const now = c.em.now();
  fn.provisioned.set(q, { requested: n, readyAt: now + c.em.asyncDelayMs, lastModified: now });
  const out = provisionedOutput(c.em, fn, q);
  delete out.FunctionArn;
  return jsonRes(202, out);
}

function getProvisioned(c: LambdaCtx): HttpRes {
  const { fn, q } = target(c);
  const out = provisionedOutput(c.em, fn, q);
  delete out.FunctionArn;
  return jsonRes(200, out);
}

function listProvisioned(c: LambdaCtx): HttpRes {
  const { fn } = getFunction(c.em, c.labels.FunctionName ?? '');
  return jsonRes(200, { ProvisionedConcurrencyConfigs: [...fn.provisioned.keys()].map((q) => provisionedOutput(c.em, fn, q)) });
}

function deleteProvisioned(c: LambdaCtx): HttpRes {
  const { fn, q } = target(c);
  if (!fn.provisioned.delete(q)) throw new AwsError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function', 404, { Type: 'User' });
  return { status: 204 };
}

// ---------- event invoke config ----------

function eventInvokeOutput(em: Emulator, fn: LambdaFunction, q: string): Record<string, unknown> {
  const e = fn.eventInvokeConfigs.get(q);
  if (!e) throw notFound(`The function ${functionArn(em, fn.name, q === '$LATEST' ? undefined : q)} doesn't have an EventInvokeConfig`);
  return {
    LastModified: e.lastModified / 1000,
    FunctionArn: functionArn(em, fn.name, q),
    MaximumRetryAttempts: e.MaximumRetryAttempts,
    MaximumEventAgeInSeconds: e.MaximumEventAgeInSeconds,
    DestinationConfig: e.DestinationConfig ?? { OnSuccess: {}, OnFailure: {} },
  };
}

function putEventInvoke(c: LambdaCtx, replace: boolean): HttpRes {
  const { fn, q } = target(c);
  const previous = fn.eventInvokeConfigs.get(q);
  if (!replace && !previous) throw notFound(`The function ${fn.arn} doesn't have an EventInvokeConfig`);
  const retries = num(c.input, 'MaximumRetryAttempts');
  if (retries !== undefined && (retries < 0 || retries > 2)) throw invalid('MaximumRetryAttempts must be between 0 and 2');
  const age = num(c.input, 'MaximumEventAgeInSeconds');
  if (age !== undefined && (age < 60 || age > 21600)) throw invalid('MaximumEventAgeInSeconds must be between 60 and 21600');
  const destination = obj(c.input, 'DestinationConfig');
  const base = replace ? {} : (previous ?? {});
  fn.eventInvokeConfigs.set(q, {
    ...base,
    ...(retries !== undefined ? { MaximumRetryAttempts: retries } : {}),
    ...(age !== undefined ? { MaximumEventAgeInSeconds: age } : {}),
    ...(destination ? { DestinationConfig: destination } : {}),
    lastModified: c.em.now(),
  });
  return jsonRes(200, eventInvokeOutput(c.em, fn, q));
}

function getEventInvoke(c: LambdaCtx): HttpRes {
  const { fn, q } = target(c);
  return jsonRes(200, eventInvokeOutput(c.em, fn, q));
}

function deleteEventInvoke(c: LambdaCtx): HttpRes {
  const { fn, q } = target(c);
  if (!fn.eventInvokeConfigs.delete(q)) throw notFound(`The function ${fn.arn} doesn't have an EventInvokeConfig`);
  return { status: 204 };
}

// ---------- event source mappings ----------

function esmOutput(m: EventSourceMapping): Record<string, unknown> {
  return {
    ...m.extra,
    UUID: m.uuid,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    EventSourceArn: m.eventSourceArn,
    FunctionArn: m.functionArn,
    LastModified: m.lastModified / 1000,
    State: m.state,
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: m.functionResponseTypes,
  };
}

function resolveEsmFunction(em: Emulator, ref: string): { fn: LambdaFunction; arn: string; q: string } {
  const { fn, qualifier } = getFunction(em, ref);
  const q = checkQualifier(em, fn, qualifier);
  return { fn, arn: functionArn(em, fn.name, qualifier), q };
}

function checkSqsSource(em: Emulator, sourceArn: string, fn: LambdaFunction, q: string): void {
  const m = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:(\d{12}):(.+)$/.exec(sourceArn);
  if (!m || m[1] !== em.accountId) return;
  const queue = em.state.sqs.queues.get(m[2] ?? '');
  if (!queue) throw invalid(`Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.`);
  const visibility = Number(queue.attributes.VisibilityTimeout ?? 30);
  const { Timeout: timeout, Role: roleArn } = versionFor(em, fn, q).config;
  if (visibility < timeout) throw invalid(`Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${timeout} seconds`);
  const role = localRole(em, roleArn);
  if (role) for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) requirePermission(role, action, sourceArn);
}

/** SQS: FIFO queues take at most 10 per batch and no batching window; standard queues need a window >= 1 s above 10. */
function checkSqsBatching(sourceArn: string, batchSize: number, window: number): void {
  if (!sourceArn.includes(':sqs:')) return;
  if (sourceArn.endsWith('.fifo')) {
    if (batchSize > 10) throw invalid(`BatchSize ${batchSize} is greater than the maximum of 10 for a FIFO queue`);
    if (window > 0) throw invalid('Batching window is not supported for FIFO queues');
    return;
  }
  if (batchSize > 10 && window < 1) throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
}

const ESM_KNOWN = new Set(['EventSourceArn', 'FunctionName', 'Enabled', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'FunctionResponseTypes', 'UUID']);

function createEsm(c: LambdaCtx): HttpRes {
  const { em, input } = c;
  const sourceArn = reqStr(input, 'EventSourceArn');
  const { fn, arn, q } = resolveEsmFunction(em, reqStr(input, 'FunctionName'));
  if (sourceArn.includes(':sqs:')) checkSqsSource(em, sourceArn, fn, q);
  const existing = [...em.state.lambda.eventSourceMappings.values()].find((m) => m.functionArn === arn && m.eventSourceArn === sourceArn);
  if (existing) {
    throw conflict(`An event source mapping with SQS arn (" ${sourceArn} ") and function (" ${fn.name} ") already exists. Please update or delete the existing mapping with UUID ${existing.uuid}`);
  }
  const batchSize = num(input, 'BatchSize') ?? 10;
  const window = num(input, 'MaximumBatchingWindowInSeconds') ?? 0;
  if (batchSize < 1 || batchSize > 10000) throw invalid('BatchSize must be between 1 and 10000');
  checkSqsBatching(sourceArn, batchSize, window);
  const enabled = input.Enabled !== false;
  const now = em.now();
  const extra = Object.fromEntries(Object.entries(input).filter(([k]) => !ESM_KNOWN.has(k)));
  const m: EventSourceMapping = {
    uuid: randomUUID(),
    functionArn: arn,
    eventSourceArn: sourceArn,
    batchSize,
    maximumBatchingWindowInSeconds: window,
    enabled,
    state: 'Creating',
    readyAt: now + em.asyncDelayMs,
    lastModified: now,
    functionResponseTypes: strList(input, 'FunctionResponseTypes') ?? [],
    extra,
  };
  em.state.lambda.eventSourceMappings.set(m.uuid, m);
  return jsonRes(202, esmOutput(m));
}

function esm(em: Emulator, uuid: string): EventSourceMapping {
  const m = em.state.lambda.eventSourceMappings.get(uuid);
  if (!m) throw notFound('The resource you requested does not exist.');
  return m;
}

function assertEsmIdle(m: EventSourceMapping): void {
  if (m.state === 'Creating' || m.state === 'Updating' || m.state === 'Enabling' || m.state === 'Disabling' || m.state === 'Deleting') {
    throw new AwsError('ResourceInUseException', `Cannot update the event source mapping because it is in use (state ${m.state}).`, 400, { Type: 'User' });
  }
}

function getEsm(c: LambdaCtx): HttpRes {
  return jsonRes(200, esmOutput(esm(c.em, c.labels.UUID ?? '')));
}

function updateEsm(c: LambdaCtx): HttpRes {
  const { em, input } = c;
  const m = esm(em, c.labels.UUID ?? '');
  assertEsmIdle(m);
  const fnRef = str(input, 'FunctionName');
  let arn = m.functionArn;
  if (fnRef !== undefined) {
    const r = resolveEsmFunction(em, fnRef);
    arn = r.arn;
    if (m.eventSourceArn.includes(':sqs:')) checkSqsSource(em, m.eventSourceArn, r.fn, r.q);
  }
  const batchSize = num(input, 'BatchSize') ?? m.batchSize;
  const window = num(input, 'MaximumBatchingWindowInSeconds') ?? m.maximumBatchingWindowInSeconds;
  checkSqsBatching(m.eventSourceArn, batchSize, window);
  m.functionArn = arn;
  m.batchSize = batchSize;
  m.maximumBatchingWindowInSeconds = window;
  if (typeof input.Enabled === 'boolean') m.enabled = input.Enabled;
  const types = strList(input, 'FunctionResponseTypes');
  if (types) m.functionResponseTypes = types;
  for (const [k, v] of Object.entries(input)) if (!ESM_KNOWN.has(k)) m.extra[k] = v;
  const now = em.now();
  m.state = 'Updating';
  m.readyAt = now + em.asyncDelayMs;
  m.lastModified = now;
  return jsonRes(202, esmOutput(m));
}

function deleteEsm(c: LambdaCtx): HttpRes {
  const m = esm(c.em, c.labels.UUID ?? '');
  assertEsmIdle(m);
  m.state = 'Deleting';
  m.readyAt = c.em.now() + c.em.asyncDelayMs;
  return jsonRes(202, esmOutput(m));
}

function listEsm(c: LambdaCtx): HttpRes {
  const { em, input } = c;
  const fnRef = str(input, 'FunctionName');
  const source = str(input, 'EventSourceArn');
  let fnFilter: ((arn: string) => boolean) | undefined;
  if (fnRef !== undefined) {
    const { name, qualifier } = parseFunctionRef(fnRef);
    const exact = functionArn(em, name, qualifier);
    fnFilter = qualifier ? (arn) => arn === exact : (arn) => arn === exact || arn.startsWith(`${exact}:`);
  }
  const all = [...em.state.lambda.eventSourceMappings.values()].filter((m) => (!fnFilter || fnFilter(m.functionArn)) && (!source || m.eventSourceArn === source));
  const start = Number(str(input, 'Marker') ?? 0) || 0;
  const max = num(input, 'MaxItems') ?? 100;
  return jsonRes(200, {
    EventSourceMappings: all.slice(start, start + max).map(esmOutput),
    NextMarker: start + max < all.length ? String(start + max) : undefined,
  });
}

// ---------- layers ----------

function layerName(ref: string): string {
  const m = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:([A-Za-z0-9_-]+)$/.exec(ref);
  const name = m ? (m[1] ?? '') : ref;
  if (!/^[A-Za-z0-9_-]{1,140}$/.test(name)) throw invalid(`Invalid layer name: ${ref}`);
  return name;
}

function layerOutput(em: Emulator, l: LayerVersion): Record<string, unknown> {
  return {
    Content: { Location: `${em.url}/_code/layer/${l.layerName}/${l.version}.zip`, CodeSha256: l.code.sha256, CodeSize: l.code.size },
    LayerArn: em.arn('lambda', `layer:${l.layerName}`),
    LayerVersionArn: l.arn,
    Description: l.description,
    CreatedDate: lambdaTime(l.created),
    Version: l.version,
    CompatibleRuntimes: l.compatibleRuntimes,
    CompatibleArchitectures: l.compatibleArchitectures,
    LicenseInfo: l.licenseInfo,
  };
}

function publishLayer(c: LambdaCtx): HttpRes {
  const { em, input } = c;
  const name = layerName(c.labels.LayerName ?? '');
  const content = obj(input, 'Content');
  if (!content) throw invalid('Content is required');
  const code = loadCode(em, content);
  const version = (em.state.lambda.layerCounters.get(name) ?? 0) + 1;
  em.state.lambda.layerCounters.set(name, version);
  const layer: LayerVersion = {
    layerName: name,
    version,
    arn: em.arn('lambda', `layer:${name}:${version}`),
    description: str(input, 'Description') ?? '',
    code,
    compatibleRuntimes: strList(input, 'CompatibleRuntimes') ?? [],
    compatibleArchitectures: strList(input, 'CompatibleArchitectures') ?? [],
    licenseInfo: str(input, 'LicenseInfo'),
    created: em.now(),
  };
  em.state.lambda.layers.set(name, [...(em.state.lambda.layers.get(name) ?? []), layer]);
  return jsonRes(201, layerOutput(em, layer));
}

function listLayerVersions(c: LambdaCtx): HttpRes {
  const name = layerName(c.labels.LayerName ?? '');
  const runtime = str(c.input, 'CompatibleRuntime');
  const all = [...(c.em.state.lambda.layers.get(name) ?? [])].reverse().filter((l) => !runtime || l.compatibleRuntimes.includes(runtime));
  const start = Number(str(c.input, 'Marker') ?? 0) || 0;
  const max = num(c.input, 'MaxItems') ?? 50;
  return jsonRes(200, {
    LayerVersions: all.slice(start, start + max).map((l) => {
      const { Content: _content, LayerArn: _arn, ...rest } = layerOutput(c.em, l);
      return rest;
    }),
    NextMarker: start + max < all.length ? String(start + max) : undefined,
  });
}

function findLayer(em: Emulator, name: string, version: number): LayerVersion {
  const l = (em.state.lambda.layers.get(name) ?? []).find((e) => e.version === version);
  if (!l) throw notFound('The resource you requested does not exist.');
  return l;
}

function getLayerVersion(c: LambdaCtx): HttpRes {
  return jsonRes(200, layerOutput(c.em, findLayer(c.em, layerName(c.labels.LayerName ?? ''), Number(c.labels.VersionNumber))));
}

function getLayerVersionByArn(c: LambdaCtx): HttpRes {
  const arn = reqStr(c.input, 'Arn');
  const m = /:layer:([A-Za-z0-9_-]+):(\d+)$/.exec(arn);
  if (!m) throw invalid(`Invalid layer version ARN: ${arn}`);
  return jsonRes(200, layerOutput(c.em, findLayer(c.em, m[1] ?? '', Number(m[2]))));
}

function deleteLayerVersion(c: LambdaCtx): HttpRes {
  const name = layerName(c.labels.LayerName ?? '');
  const list = c.em.state.lambda.layers.get(name) ?? [];
  const rest = list.filter((l) => l.version !== Number(c.labels.VersionNumber));
  if (rest.length) c.em.state.lambda.layers.set(name, rest);
  else c.em.state.lambda.layers.delete(name);
  return { status: 204 };
}

function listLayers(c: LambdaCtx): HttpRes {
  const layers = [...c.em.state.lambda.layers.entries()].map(([name, versions]) => {
    const latest = versions[versions.length - 1] as LayerVersion;
    const { Content: _content, LayerArn: _arn, ...rest } = layerOutput(c.em, latest);
    return { LayerName: name, LayerArn: c.em.arn('lambda', `layer:${name}`), LatestMatchingVersion: rest };
  });
  return jsonRes(200, { Layers: layers });
}

// ---------- function URLs ----------

function urlOutput(em: Emulator, fn: LambdaFunction, q: string): Record<string, unknown> {
  const u = fn.urlConfigs.get(q);
  if (!u) throw notFound('The resource you requested does not exist.');
  return {
    FunctionUrl: `${em.url}/_url/${fn.name}/${q}/`,
    FunctionArn: functionArn(em, fn.name, q === '$LATEST' ? undefined : q),
    AuthType: u.AuthType,
    Cors: u.Cors,
    CreationTime: lambdaTime(u.created),
    LastModifiedTime: lambdaTime(u.lastModified),
    InvokeMode: u.InvokeMode,
  };
}

function urlTarget(c: LambdaCtx): { fn: LambdaFunction; q: string } {
  const t = target(c);
  if (/^\d+$/.test(t.q)) throw invalid('Function URLs can only be attached to $LATEST or an alias, not a version.');
  return t;
}

function createUrl(c: LambdaCtx): HttpRes {
  const { fn, q } = urlTarget(c);
  if (fn.urlConfigs.has(q)) throw conflict(`Failed to create function url config for [functionArn = ${fn.arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
  const auth = reqStr(c.input, 'AuthType');
  if (auth !== 'NONE' && auth !== 'AWS_IAM') throw invalid(`AuthType must be NONE or AWS_IAM`);
  const now = c.em.now();
  fn.urlConfigs.set(q, { AuthType: auth, Cors: obj(c.input, 'Cors'), InvokeMode: str(c.input, 'InvokeMode') ?? 'BUFFERED', created: now, lastModified: now });
  const out = urlOutput(c.em, fn, q);
  delete out.LastModifiedTime;
  return jsonRes(201, out);
}

function getUrl(c: LambdaCtx): HttpRes {
  const { fn, q } = urlTarget(c);
  return jsonRes(200, urlOutput(c.em, fn, q));
}

function updateUrl(c: LambdaCtx): HttpRes {
  const { fn, q } = urlTarget(c);
  const u = fn.urlConfigs.get(q);
  if (!u) throw notFound('The resource you requested does not exist.');
  const auth = str(c.input, 'AuthType');
  if (auth) u.AuthType = auth;
  const cors = obj(c.input, 'Cors');
  if (cors) u.Cors = cors;
  u.lastModified = c.em.now();
  return jsonRes(200, urlOutput(c.em, fn, q));
}

function deleteUrl(c: LambdaCtx): HttpRes {
  const { fn, q } = urlTarget(c);
  if (!fn.urlConfigs.delete(q)) throw notFound('The resource you requested does not exist.');
  return { status: 204 };
}


/** Serve http://127.0.0.1:PORT/_url/<fn>/<qualifier>/path: invoke through the handler with a payload v2.0 event. */
export async function handleFunctionUrl(em: Emulator, req: HttpReq): Promise<HttpRes> {
  const [, name, qualifier, ...rest] = req.segments;
  const fn = em.state.lambda.functions.get(name ?? '');
  const q = qualifier ?? '$LATEST';
  const plain = (status: number, message: string): HttpRes => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Message: message }) });
  const config = fn?.urlConfigs.get(q);
  if (!fn || !config) return plain(404, 'Not Found');
  if (config.AuthType === 'NONE' && !fn.policies.get(q)?.statements.some((s) => s.Principal === '*' && /InvokeFunctionUrl|lambda:\*/.test(s.Action))) {
    return plain(403, 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html');
  }
  const path = `/${rest.join('/')}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: req.query.toString(),
    headers,
    body: req.body.length ? req.body.toString('utf8') : undefined,
    isBase64Encoded: false,
    requestContext: { http: { method: req.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' } },
  };
  // A version that is not Active yet fails the request as Lambda's throttle/conflict would.
  const out = await invokeFunction(em, fn, q, event, 'http').catch(() => undefined);
  if (!out) return plain(502, 'Internal Server Error');
  if (!out.ok) return plain(502, 'Internal Server Error');
  const result = out.result;
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: Record<string, unknown>; body?: unknown };
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) h[k.toLowerCase()] = String(v);
    return { status: Number(r.statusCode) || 200, headers: { 'content-type': 'application/json', ...h }, body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? '') };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result ?? null) };
}
