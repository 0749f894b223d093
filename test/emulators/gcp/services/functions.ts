// Cloud Functions v2 (google.cloud.functions.v2.FunctionService) REST mappings from functions.proto,
// the upload URL PUT, and the builds that turn a deploy into a Cloud Run revision.
import type { Ctx } from '../context.js';
import { GcpError, fieldMask, invalid, json, parseBody, template, timestamp, type HttpReq, type HttpRes, type Route } from '../protocol.js';
import type { FunctionRecord, Json, OperationRecord } from '../state.js';
import { FUNCTION_ID, UPDATABLE_PATHS, applyPath, normalizeEnums, validateFunction } from './function-rules.js';
import { LATEST, addRevision, ensureService, latestRevision, resolveSplit, runUrl } from './run-model.js';

const FN_TYPE = 'type.googleapis.com/google.cloud.functions.v2.Function';
const META_TYPE = 'type.googleapis.com/google.cloud.functions.v2.OperationMetadata';
const EMPTY_TYPE = 'type.googleapis.com/google.protobuf.Empty';
const DEPLOYING = 3;
const ACTIVE = 1;
const FAILED = 2;
const DELETING = 4;

const LOCATION = /^[a-z]+-[a-z]+\d+$/;

export function functionRoutes(ctx: Ctx): Route[] {
  const r = (method: string, path: string, rpc: string, write: boolean, handle: Route['handle']): Route => ({ method, pattern: template(path), rpc, write, handle });
  return [
    r('POST', '/v2/{parent=projects/*/locations/*}/functions:generateUploadUrl', 'GenerateUploadUrl', false, (req, p) => generateUploadUrl(ctx, req, p.parent ?? '')),
    r('GET', '/v2/{parent=projects/*/locations/*}/functions', 'ListFunctions', false, (req, p) => listFunctions(ctx, req, p.parent ?? '')),
    r('POST', '/v2/{parent=projects/*/locations/*}/functions', 'CreateFunction', true, (req, p) => createFunction(ctx, req, p.parent ?? '')),
    r('GET', '/v2/{name=projects/*/locations/*/functions/*}', 'GetFunction', false, (_req, p) => json(functionJson(ctx, getRecord(ctx, p.name ?? '')))),
    r('PATCH', '/v2/{function.name=projects/*/locations/*/functions/*}', 'UpdateFunction', true, (req, p) => updateFunction(ctx, req, p.function_name ?? '')),
    r('DELETE', '/v2/{name=projects/*/locations/*/functions/*}', 'DeleteFunction', true, (_req, p) => deleteFunction(ctx, p.name ?? '')),
  ];
}

/** Throws PERMISSION_DENIED for another project and INVALID_ARGUMENT for a malformed location. */
export function checkParent(ctx: Ctx, parent: string, permission: string): void {
  const [, project, , location] = parent.split('/');
  if (project !== ctx.projectId && project !== ctx.projectNumber) {
    throw new GcpError('PERMISSION_DENIED', `Permission '${permission}' denied on resource '${parent}' (or it may not exist).`);
  }
  if (!location || !LOCATION.test(location)) throw invalid(`Invalid location '${location ?? ''}'`, 'parent');
}

function getRecord(ctx: Ctx, name: string): FunctionRecord {
  checkParent(ctx, name.split('/').slice(0, 4).join('/'), 'cloudfunctions.functions.get');
  const rec = ctx.state.functions.get(name);
  if (!rec) throw new GcpError('NOT_FOUND', `Function ${name.split('/').pop() ?? ''} does not exist`);
  return rec;
}

function generateUploadUrl(ctx: Ctx, req: HttpReq, parent: string): HttpRes {
  checkParent(ctx, parent, 'cloudfunctions.functions.sourceCodeSet');
  parseBody(req);
  const location = parent.split('/')[3] ?? '';
  const object = `${ctx.id()}.zip`;
  const bucket = `gcf-v2-uploads-${ctx.projectNumber}.${location}.cloudfunctions.appspot.com`;
  const token = ctx.id().replace(/-/g, '');
  ctx.state.uploads.set(token, { bucket, object, token });
  const uploadUrl = `${ctx.url}/upload/${encodeURIComponent(bucket)}/${object}?GoogleAccessId=service-${ctx.projectNumber}%40gcf-admin-robot.iam.gserviceaccount.com&Expires=${Math.floor(ctx.now() / 1000) + 1800}&Signature=${token}`;
  return json({ uploadUrl, storageSource: { bucket, object } });
}

/** PUT <uploadUrl>: signed URL semantics (no Authorization), content-type application/zip. */
export function handleUpload(ctx: Ctx, req: HttpReq): HttpRes {
  const xml = (status: number, code: string, message: string): HttpRes => ({
    status,
    headers: { 'content-type': 'application/xml; charset=UTF-8' },
    body: `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  });
  const token = req.query.get('Signature') ?? '';
  const upload = ctx.state.uploads.get(token);
  const [, , bucket, object] = req.path.split('/').map((s) => decodeURIComponent(s));
  if (!upload || upload.bucket !== bucket || upload.object !== object) return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  if (req.method !== 'PUT') return xml(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  if (req.headers.authorization !== undefined) return xml(400, 'InvalidAuthentication', 'Cannot use an Authorization header together with a signed URL.');
  const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== 'application/zip') return xml(403, 'SignatureDoesNotMatch', `The request signature we calculated does not match: the URL was signed for content-type application/zip, got '${type ?? ''}'.`);
  const expires = Number(req.query.get('Expires') ?? 0);
  if (expires * 1000 < ctx.now()) return xml(400, 'ExpiredToken', 'The provided token has expired.');
  upload.data = Buffer.from(req.body);
  return { status: 200, headers: { etag: `"${ctx.id()}"` }, body: '' };
}

function listFunctions(ctx: Ctx, req: HttpReq, parent: string): HttpRes {
  checkParent(ctx, parent, 'cloudfunctions.functions.list');
  const match = listFilter(req.query.get('filter') ?? '');
  const all = [...ctx.state.functions.values()].filter((f) => f.name.startsWith(`${parent}/functions/`) && match(f)).sort((a, b) => a.name.localeCompare(b.name));
  const size = Math.max(1, Math.min(Number(req.query.get('pageSize') ?? 0) || 1000, 1000));
  const start = Number(req.query.get('pageToken') ?? 0) || 0;
  const page = all.slice(start, start + size);
  const out: Json = { functions: page.map((f) => functionJson(ctx, f)) };
  if (start + size < all.length) out.nextPageToken = String(start + size);
  return json(out);
}

/**
 * The AIP-160 subset ListFunctions understands: terms joined by AND, each `labels.KEY = "VALUE"`
 * (quotes optional), `labels.KEY:*` (has the label) or `name = "FULL_NAME"`. Anything else is INVALID_ARGUMENT.
 */
export function listFilter(filter: string): (f: FunctionRecord) => boolean {
  const text = filter.trim();
  if (text === '') return () => true;
  const tests = text.split(/\s+AND\s+/).map((term) => {
    const has = /^labels\.([a-z][a-z0-9_-]*)\s*:\s*\*$/.exec(term.trim());
    if (has) return (f: FunctionRecord) => ((f.resource.labels ?? {}) as Record<string, string>)[has[1] ?? ''] !== undefined;
    const eq = /^(labels\.([a-z][a-z0-9_-]*)|name)\s*=\s*(?:"([^"]*)"|(\S+))$/.exec(term.trim());
    if (!eq) throw invalid(`Invalid filter '${filter}': supported are labels.KEY="VALUE", labels.KEY:* and name="..." joined by AND`, 'filter');
    const value = eq[3] ?? eq[4] ?? '';
    if (eq[1] === 'name') return (f: FunctionRecord) => f.name === value;
    return (f: FunctionRecord) => ((f.resource.labels ?? {}) as Record<string, string>)[eq[2] ?? ''] === value;
  });
  return (f) => tests.every((t) => t(f));
}

/** The Function as answered: stored config plus output-only fields. */
export function functionJson(ctx: Ctx, rec: FunctionRecord): Json {
  const f = structuredClone(rec.resource);
  const id = rec.name.split('/').pop() ?? '';
  const serviceName = serviceNameOf(rec.name);
  const svc = ctx.state.services.get(serviceName);
  const sc = (f.serviceConfig ?? {}) as Json;
  sc.service = serviceName;
  // The runtime identity: the default compute service account unless one was given.
  if (sc.serviceAccountEmail === undefined || sc.serviceAccountEmail === '') sc.serviceAccountEmail = `${ctx.projectNumber}-compute@developer.gserviceaccount.com`;
  if (svc) {
    sc.uri = runUrl(ctx, svc);
    const rev = latestRevision(svc);
    if (rev) sc.revision = rev;
    const split = resolveSplit(svc);
    sc.allTrafficOnLatestRevision = split.length > 0 && split.every((e) => e.revision === rev) && split.reduce((n, e) => n + e.percent, 0) === 100;
    f.url = `${ctx.url}/run/${id}`;
  }
  if (sc.allTrafficOnLatestRevision === false) delete sc.allTrafficOnLatestRevision;
  const trigger = f.eventTrigger as Json | undefined;
  if (trigger) {
    const [, p, , l] = rec.name.split('/');
    trigger.trigger = `projects/${p ?? ''}/locations/${l ?? ''}/triggers/${id}-${rec.createTime.toString(36)}`;
    if (trigger.triggerRegion === undefined) trigger.triggerRegion = l;
    if (trigger.retryPolicy === undefined) trigger.retryPolicy = 1;
    if (trigger.serviceAccountEmail === undefined) trigger.serviceAccountEmail = `${ctx.projectNumber}-compute@developer.gserviceaccount.com`;
  }
  f.serviceConfig = sc;
  f.name = rec.name;
  f.environment = 2;
  f.updateTime = timestamp(rec.updateTime);
  f.createTime = timestamp(rec.createTime);
  if (f.state === undefined) f.state = ACTIVE;
  return f;
}

function serviceNameOf(functionName: string): string {
  const [, p, , l, , id] = functionName.split('/');
  return `projects/${p ?? ''}/locations/${l ?? ''}/services/${id ?? ''}`;
}

/** Drop output-only fields a client may echo back. */
function inputOf(body: Json): Json {
  const f = structuredClone(body);
  normalizeEnums(f);
  for (const k of ['state', 'updateTime', 'createTime', 'url', 'stateMessages', 'satisfiesPzs']) delete f[k];
  const sc = f.serviceConfig as Json | undefined;
  if (sc) for (const k of ['service', 'uri', 'revision']) delete sc[k];
  const et = f.eventTrigger as Json | undefined;
  if (et) delete et.trigger;
  const bc = f.buildConfig as Json | undefined;
  if (bc) for (const k of ['build', 'sourceProvenance']) delete bc[k];
  return f;
}

function requireUploaded(ctx: Ctx, fn: Json): Buffer {
  const ss = (((fn.buildConfig as Json).source as Json).storageSource ?? {}) as Json;
  const upload = [...ctx.state.uploads.values()].find((u) => u.bucket === ss.bucket && u.object === ss.object);
  if (!upload?.data) throw invalid(`Source object gs://${String(ss.bucket)}/${String(ss.object)} does not exist: PUT the zip to the upload URL first`, 'build_config.source.storage_source');
  return upload.data;
}

function operationMetadata(ctx: Ctx, target: string, verb: string, type: number, request: Json): Json {
  return {
    '@type': META_TYPE,
    createTime: timestamp(ctx.now()),
    target,
    verb,
    apiVersion: 'v2',
    requestResource: { '@type': FN_TYPE, ...request },
    operationType: type,
    // Stage names: 2 BUILD, 3 SERVICE; states: 1 NOT_STARTED, 2 IN_PROGRESS, 3 COMPLETE.
    stages: [
      { name: 2, state: 2, message: 'Build in progress' },
      { name: 3, state: 1 },
    ],
  };
}

function opJson(op: OperationRecord): Json {
  return { name: op.name, metadata: op.metadata, done: false };
}

function createFunction(ctx: Ctx, req: HttpReq, parent: string): HttpRes {
  checkParent(ctx, parent, 'cloudfunctions.functions.create');
  const body = parseBody(req);
  const fnId = req.query.get('functionId') ?? (typeof body.name === 'string' ? body.name.split('/').pop() : undefined);
  if (!fnId) throw invalid('functionId is required', 'function_id');
  if (!FUNCTION_ID.test(fnId)) {
    throw invalid(`Invalid function id '${fnId}': it must start with a letter, end with a letter or digit, contain only lowercase letters, digits and '-', and have at most 63 characters`, 'function_id');
  }
  const name = `${parent}/functions/${fnId}`;
  if (typeof body.name === 'string' && body.name !== '' && body.name !== name) throw invalid(`function.name '${body.name}' does not match parent and functionId`, 'function.name');
  if (ctx.state.functions.has(name)) throw new GcpError('ALREADY_EXISTS', `Function ${fnId} in region ${parent.split('/')[3] ?? ''} in project ${ctx.projectId} already exists`);
  const fn = inputOf(body);
  validateFunction(fn);
  const source = requireUploaded(ctx, fn);
  const now = ctx.now();
  const rec: FunctionRecord = { name, resource: { ...structuredClone(fn), state: DEPLOYING }, createTime: now, updateTime: now };
  ctx.state.functions.set(name, rec);
  const allTraffic = (fn.serviceConfig as Json | undefined)?.allTrafficOnLatestRevision !== false;
  const op = ctx.startOperation({
    name: `${parent}/operations/operation-${ctx.id()}`,
    api: 'functions',
    metadata: operationMetadata(ctx, name, 'create', 1, fn),
    finish: () => build(ctx, rec, fn, source, 'create', allTraffic),
    abandon: () => {
      rec.operation = undefined;
      rec.resource.state = FAILED;
    },
  });
  rec.operation = op.name;
  return json(opJson(op));
}

/**
 * UpdateFunction. allTrafficOnLatestRevision for this deploy: named in the mask (or the mask names
 * serviceConfig) → the value sent (absent = false, as proto3 JSON omits false); not named → true
 * (the default); no mask → the value sent, absent = true.
 */
function updateFunction(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  const rec = getRecord(ctx, name);
  const body = parseBody(req);
  if (typeof body.name === 'string' && body.name !== '' && body.name !== name) throw invalid('function.name does not match the URL', 'function.name');
  const mask = fieldMask(req.query);
  if (rec.operation) {
    throw new GcpError('ABORTED', `An operation on function ${name.split('/').pop() ?? ''} in region ${name.split('/')[3] ?? ''} in project ${ctx.projectId} is already in progress. Please try again later.`);
  }
  if (rec.resource.state === DELETING) throw new GcpError('FAILED_PRECONDITION', 'The function is being deleted');
  const running = ctx.state.services.get(serviceNameOf(name))?.operation;
  if (running) {
    throw new GcpError('ABORTED', `An operation on the Cloud Run service of function ${name.split('/').pop() ?? ''} is already in progress (${running}). Please try again later.`);
  }
  const input = inputOf(body);
  let next: Json;
  let allTraffic: boolean;
  if (mask === undefined || mask.length === 0) {
    next = {};
    for (const k of ['description', 'labels', 'buildConfig', 'serviceConfig', 'eventTrigger', 'kmsKeyName']) if (input[k] !== undefined) next[k] = structuredClone(input[k]);
    allTraffic = (input.serviceConfig as Json | undefined)?.allTrafficOnLatestRevision !== false;
  } else {
    for (const p of mask) {
      if (!UPDATABLE_PATHS.includes(p)) throw invalid(`Invalid update mask path '${p}': it is unknown or not updatable`, 'update_mask');
    }
    next = structuredClone(rec.resource);
    delete next.state;
    delete next.stateMessages;
    for (const p of mask) applyPath(next, input, p);
    const named = mask.includes('serviceConfig') || mask.includes('serviceConfig.allTrafficOnLatestRevision');
    allTraffic = named ? (input.serviceConfig as Json | undefined)?.allTrafficOnLatestRevision === true : true;
  }
  const wasEvent = rec.resource.eventTrigger !== undefined;
  if (wasEvent !== (next.eventTrigger !== undefined)) throw invalid('Changing the trigger type of a function (HTTP to event or back) is not allowed', 'event_trigger');
  validateFunction(next);
  const source = requireUploaded(ctx, next);
  const before = (rec.resource.state as number | undefined) ?? ACTIVE;
  const svc = ctx.state.services.get(serviceNameOf(name));
  rec.resource.state = DEPLOYING;
  const op = ctx.startOperation({
    name: `${name.split('/').slice(0, 4).join('/')}/operations/operation-${ctx.id()}`,
    api: 'functions',
    metadata: operationMetadata(ctx, name, 'update', 2, next),
    finish: () => build(ctx, rec, next, source, 'update', allTraffic, before),
    abandon: () => {
      if (svc && svc.operation === rec.operation) svc.operation = undefined;
      rec.operation = undefined;
      rec.resource.state = before;
    },
  });
  rec.operation = op.name;
  if (svc) svc.operation = op.name;
  return json(opJson(op));
}

/** The build finishing: a new revision of the backing service, then the traffic rule. */
function build(ctx: Ctx, rec: FunctionRecord, fn: Json, source: Buffer, kind: 'create' | 'update', allTraffic: boolean, before: number = FAILED): Json {
  const svcName = serviceNameOf(rec.name);
  const opName = rec.operation;
  rec.operation = undefined;
  const existing = ctx.state.services.get(svcName);
  if (existing && existing.operation === opName) existing.operation = undefined;
  const bc = fn.buildConfig as Json;
  const id = rec.name.split('/').pop() ?? '';
  let error: string | undefined;
  if (!(source.length >= 4 && source[0] === 0x50 && source[1] === 0x4b && (source[2] === 3 || source[2] === 5))) error = 'the uploaded source is not a zip archive';
  if (!error) {
    const res = ctx.buildHook?.({ functionId: id, runtime: String(bc.runtime), entryPoint: String(bc.entryPoint ?? id), source, kind });
    if (res && res.error) error = res.error;
  }
  if (error) {
    const message = `Build failed with status: FAILURE and message: ${error}. For more details see the logs at ${ctx.url}/logs/${id}.`;
    rec.resource.state = kind === 'create' ? FAILED : before;
    rec.resource.stateMessages = [{ severity: 1, type: 'BuildFailed', message }];
    // No details: the clients' LRO decoder cannot resolve google.rpc types inside an operation error.
    throw new GcpError('INVALID_ARGUMENT', message);
  }
  const svc = ensureService(ctx, svcName, rec.name);
  rec.resource = { ...structuredClone(fn), state: ACTIVE };
  rec.updateTime = ctx.now();
  addRevision(ctx, svc, rec.resource);
  const cause = kind === 'create' ? 'create-function' : 'update-function';
  if (allTraffic) ctx.setTraffic(svc, [{ type: LATEST, percent: 100 }], cause);
  else ctx.noteTraffic(svc, cause);
  return { '@type': FN_TYPE, ...functionJson(ctx, rec) };
}

function deleteFunction(ctx: Ctx, name: string): HttpRes {
  const rec = getRecord(ctx, name);
  const running = rec.operation ?? ctx.state.services.get(serviceNameOf(name))?.operation;
  if (running) throw new GcpError('ABORTED', `An operation on function ${name.split('/').pop() ?? ''} is already in progress. Please try again later.`);
  rec.resource.state = DELETING;
  const op = ctx.startOperation({
    name: `${name.split('/').slice(0, 4).join('/')}/operations/operation-${ctx.id()}`,
    api: 'functions',
    metadata: operationMetadata(ctx, name, 'delete', 3, {}),
    finish: () => {
      ctx.state.functions.delete(name);
      const svcName = serviceNameOf(name);
      const svc = ctx.state.services.get(svcName);
      if (svc) {
        ctx.setTraffic(svc, [], 'delete-function');
        for (const r of svc.revisions) ctx.state.revisions.delete(`${svcName}/revisions/${r}`);
        ctx.state.services.delete(svcName);
      }
      return { '@type': EMPTY_TYPE };
    },
    abandon: () => {
      rec.operation = undefined;
      rec.resource.state = ACTIVE;
    },
  });
  rec.operation = op.name;
  return json(opJson(op));
}

