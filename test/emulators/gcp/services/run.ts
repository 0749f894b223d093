// Cloud Run Admin API v2 (google.cloud.run.v2.Services / Revisions) REST mappings from
// service.proto and revision.proto, for services created by the Functions v2 API.
import type { Ctx } from '../context.js';
import { GcpError, enumValue, fieldMask, invalid, json, parseBody, template, type HttpReq, type HttpRes, type Route } from '../protocol.js';
import type { IamBinding, Json, ServiceRecord, TrafficTarget } from '../state.js';
import { LATEST, REVISION, revisionJson, serviceJson } from './run-model.js';
import { checkParent } from './functions.js';

const SERVICE_TYPE = 'type.googleapis.com/google.cloud.run.v2.Service';
/** updateMask paths UpdateService accepts. */
const SERVICE_PATHS = ['traffic', 'annotations', 'labels', 'description', 'template', 'scaling', 'ingress', 'invokerIamDisabled'];
const SYSTEM_ANNOTATION = /^(run\.googleapis\.com|cloud\.googleapis\.com|serving\.knative\.dev|autoscaling\.knative\.dev)\//;
const ANNOTATION_KEY = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const MAX_ANNOTATION_BYTES = 256 * 1024;
const MEMBER = /^(allUsers|allAuthenticatedUsers|(user|serviceAccount|group|domain|principal|principalSet):.+)$/;

export function runRoutes(ctx: Ctx): Route[] {
  const r = (method: string, path: string, rpc: string, write: boolean, handle: Route['handle']): Route => ({ method, pattern: template(path), rpc, write, handle });
  return [
    r('GET', '/v2/{name=projects/*/locations/*/services/*}:getIamPolicy', 'GetIamPolicy', false, (_q, p) => json(getService(ctx, p.name ?? '').iam)),
    r('POST', '/v2/{name=projects/*/locations/*/services/*}:setIamPolicy', 'SetIamPolicy', true, (q, p) => setIamPolicy(ctx, q, p.name ?? '')),
    r('GET', '/v2/{parent=projects/*/locations/*}/services', 'ListServices', false, (_q, p) => listServices(ctx, p.parent ?? '')),
    r('GET', '/v2/{name=projects/*/locations/*/services/*}', 'GetService', false, (_q, p) => json(serviceJson(ctx, getService(ctx, p.name ?? '')))),
    r('PATCH', '/v2/{service.name=projects/*/locations/*/services/*}', 'UpdateService', true, (q, p) => updateService(ctx, q, p.service_name ?? '')),
    r('GET', '/v2/{parent=projects/*/locations/*/services/*}/revisions', 'ListRevisions', false, (q, p) => listRevisions(ctx, q, p.parent ?? '')),
    r('GET', '/v2/{name=projects/*/locations/*/services/*/revisions/*}', 'GetRevision', false, (_q, p) => getRevision(ctx, p.name ?? '')),
  ];
}

function getService(ctx: Ctx, name: string): ServiceRecord {
  checkParent(ctx, name.split('/').slice(0, 4).join('/'), 'run.services.get');
  const svc = ctx.state.services.get(name);
  if (!svc) throw new GcpError('NOT_FOUND', `Resource '${name.split('/').pop() ?? ''}' of kind 'SERVICE' in region '${name.split('/')[3] ?? ''}' in project '${ctx.projectId}' does not exist.`);
  return svc;
}

function listServices(ctx: Ctx, parent: string): HttpRes {
  checkParent(ctx, parent, 'run.services.list');
  const services = [...ctx.state.services.values()].filter((s) => s.name.startsWith(`${parent}/services/`));
  return json({ services: services.map((s) => serviceJson(ctx, s)) });
}

function listRevisions(ctx: Ctx, req: HttpReq, parent: string): HttpRes {
  const svc = getService(ctx, parent);
  const all = [...svc.revisions].reverse().map((r) => ctx.state.revisions.get(`${svc.name}/revisions/${r}`));
  const size = Math.max(1, Math.min(Number(req.query.get('pageSize') ?? 0) || 1000, 1000));
  const start = Number(req.query.get('pageToken') ?? 0) || 0;
  const out: Json = { revisions: all.slice(start, start + size).flatMap((r) => (r ? [revisionJson(ctx, r)] : [])) };
  if (start + size < all.length) out.nextPageToken = String(start + size);
  return json(out);
}

function getRevision(ctx: Ctx, name: string): HttpRes {
  getService(ctx, name.split('/').slice(0, 6).join('/'));
  const rev = ctx.state.revisions.get(name);
  if (!rev) throw new GcpError('NOT_FOUND', `Revision '${name.split('/').pop() ?? ''}' does not exist.`);
  return json(revisionJson(ctx, rev));
}

/** Validate a traffic spec against the service's revisions; returns it normalized. */
export function checkTraffic(svc: ServiceRecord, traffic: unknown): TrafficTarget[] {
  if (!Array.isArray(traffic)) throw invalid('service.traffic must be a list', 'service.traffic');
  if (traffic.length === 0) return [{ type: LATEST, percent: 100 }];
  const out: TrafficTarget[] = [];
  const seen = new Set<string>();
  let sum = 0;
  for (const raw of traffic as Json[]) {
    const type = raw.type === undefined ? (raw.revision ? REVISION : 0) : enumValue(raw.type, ['TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED', 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION']);
    const percent = raw.percent === undefined ? 0 : raw.percent;
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 100) throw invalid(`Traffic percent must be an integer 0..100, got ${String(raw.percent)}`, 'service.traffic.percent');
    if (type === LATEST) {
      if (raw.revision) throw invalid('A traffic target of type LATEST must not name a revision', 'service.traffic.revision');
      if (seen.has('@latest')) throw invalid('LATEST appears more than once in traffic', 'service.traffic');
      seen.add('@latest');
      out.push({ type: LATEST, percent, ...(raw.tag ? { tag: String(raw.tag) } : {}) });
    } else if (type === REVISION) {
      const rev = String(raw.revision ?? '');
      const short = rev.includes('/') ? rev.slice(rev.lastIndexOf('/') + 1) : rev;
      if (!short) throw invalid('A traffic target of type REVISION needs a revision name', 'service.traffic.revision');
      if (!svc.revisions.includes(short)) throw invalid(`Revision '${short}' does not exist in service '${svc.name.split('/').pop() ?? ''}'`, 'service.traffic.revision');
      if (seen.has(short)) throw invalid(`Revision '${short}' appears more than once in traffic`, 'service.traffic');
      seen.add(short);
      out.push({ type: REVISION, revision: short, percent, ...(raw.tag ? { tag: String(raw.tag) } : {}) });
    } else {
      throw invalid(`Traffic target type must be TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST (1) or _REVISION (2), got ${String(raw.type)}`, 'service.traffic.type');
    }
    sum += percent;
  }
  if (sum !== 100) throw invalid(`Traffic percentages must sum to 100, got ${sum}`, 'service.traffic');
  const tags = new Set<string>();
  const short = svc.name.split('/').pop() ?? '';
  for (const t of out) {
    if (t.tag === undefined) continue;
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(t.tag) || t.tag.length + 3 + short.length > 63) {
      throw invalid(`Invalid traffic tag '${t.tag}': lowercase letters, digits and '-', and '<tag>---${short}' at most 63 characters`, 'service.traffic.tag');
    }
    if (tags.has(t.tag)) throw invalid(`Traffic tag '${t.tag}' appears more than once`, 'service.traffic.tag');
    tags.add(t.tag);
  }
  return out;
}

function checkAnnotations(a: unknown): Record<string, string> {
  if (a === undefined) return {};
  if (!a || typeof a !== 'object' || Array.isArray(a)) throw invalid('service.annotations must be a map', 'service.annotations');
  let size = 0;
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
    if (SYSTEM_ANNOTATION.test(k)) throw invalid(`Annotation '${k}' is in a system namespace and cannot be set on a service`, 'service.annotations');
    const name = k.includes('/') ? k.slice(k.lastIndexOf('/') + 1) : k;
    const prefix = k.includes('/') ? k.slice(0, k.lastIndexOf('/')) : '';
    if (!ANNOTATION_KEY.test(k) || name.length > 63 || prefix.length > 253) throw invalid(`Invalid annotation key '${k}'`, 'service.annotations');
    if (typeof v !== 'string') throw invalid(`Annotation '${k}' must be a string`, 'service.annotations');
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > MAX_ANNOTATION_BYTES) throw invalid(`Annotations total ${size} bytes, more than the 256 KiB allowed`, 'service.annotations');
  return { ...(a as Record<string, string>) };
}

/** UpdateService: etag precondition (ABORTED), refused while an operation reconciles it (FAILED_PRECONDITION), LRO. */
function updateService(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  const svc = getService(ctx, name);
  const body = parseBody(req);
  const mask = fieldMask(req.query);
  if (typeof body.etag === 'string' && body.etag !== '' && body.etag !== svc.etag) {
    throw new GcpError('ABORTED', `Conflict for resource '${name.split('/').pop() ?? ''}': the etag '${body.etag}' does not match the current etag '${svc.etag}'.`);
  }
  if (svc.operation) throw new GcpError('FAILED_PRECONDITION', `Service '${name.split('/').pop() ?? ''}' is being updated by an operation in progress (${svc.operation}); try again when it is done.`);
  const paths = mask && mask.length > 0 ? mask : undefined;
  if (paths) for (const p of paths) if (!SERVICE_PATHS.includes(p)) throw invalid(`Invalid update mask path '${p}'`, 'update_mask');
  if (!paths && body.template === undefined) throw invalid('service.template is required when no update mask is given (the whole service is replaced)', 'service.template');
  const has = (p: string): boolean => !paths || paths.includes(p);
  const traffic = has('traffic') ? checkTraffic(svc, body.traffic ?? []) : undefined;
  const annotations = has('annotations') ? checkAnnotations(body.annotations) : undefined;
  let labels: Record<string, string> | undefined;
  if (has('labels')) {
    labels = (body.labels ?? {}) as Record<string, string>;
    for (const [k, v] of Object.entries(labels)) {
      if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k) || !/^[a-z0-9_-]{0,63}$/.test(String(v))) throw invalid(`Invalid label '${k}: ${String(v)}'`, 'service.labels');
    }
  }
  if (has('template') && paths?.includes('template')) throw invalid('Changing the template of a service managed by Cloud Functions is not emulated; deploy through the Functions API', 'service.template');
  if (req.query.get('validateOnly') === 'true') return json({ name: `${name.split('/').slice(0, 4).join('/')}/operations/${ctx.id()}`, done: true, response: { '@type': SERVICE_TYPE, ...serviceJson(ctx, svc) } });
  const op = ctx.startOperation({
    name: `${name.split('/').slice(0, 4).join('/')}/operations/${ctx.id()}`,
    api: 'run',
    metadata: { '@type': SERVICE_TYPE, ...serviceJson(ctx, svc) },
    finish: () => {
      svc.operation = undefined;
      if (annotations) svc.annotations = annotations;
      if (labels) svc.labels = labels;
      if (has('description')) svc.description = typeof body.description === 'string' ? body.description : '';
      svc.generation += 1;
      svc.etag = `"${ctx.id()}"`;
      svc.updateTime = ctx.now();
      if (traffic) ctx.setTraffic(svc, traffic, 'update-service');
      return { '@type': SERVICE_TYPE, ...serviceJson(ctx, svc) };
    },
    abandon: () => {
      svc.operation = undefined;
    },
  });
  svc.operation = op.name;
  svc.etag = `"${ctx.id()}"`;
  return json({ name: op.name, metadata: op.metadata, done: false });
}

function setIamPolicy(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  const svc = getService(ctx, name);
  const body = parseBody(req);
  const policy = body.policy as Json | undefined;
  if (!policy || typeof policy !== 'object') throw invalid('policy is required', 'policy');
  if (typeof policy.etag === 'string' && policy.etag !== '' && policy.etag !== svc.iam.etag) {
    throw new GcpError('ABORTED', 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
  }
  const bindings = (policy.bindings ?? []) as IamBinding[];
  if (!Array.isArray(bindings)) throw invalid('policy.bindings must be a list', 'policy.bindings');
  for (const b of bindings) {
    if (typeof b.role !== 'string' || !/^(roles|projects\/[^/]+\/roles|organizations\/[^/]+\/roles)\/[\w.]+$/.test(b.role)) throw invalid(`Invalid role '${String(b.role)}'`, 'policy.bindings.role');
    if (!Array.isArray(b.members) || b.members.length === 0) throw invalid(`Binding for ${b.role} has no members`, 'policy.bindings.members');
    for (const m of b.members) if (typeof m !== 'string' || !MEMBER.test(m)) throw invalid(`Invalid member '${String(m)}'`, 'policy.bindings.members');
  }
  svc.iam = { version: 1, etag: Buffer.from(ctx.id()).toString('base64'), bindings: bindings.map((b) => ({ role: b.role, members: [...b.members] })) };
  return json(svc.iam);
}
