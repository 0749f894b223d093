// Secret Manager v1 (google.cloud.secretmanager.v1.SecretManagerService) secrets' metadata, REST
// mappings from service.proto: create, get, update with a field mask, delete. Versions (payloads)
// are not emulated. Etags are quoted strings, new on every write; a stale one is FAILED_PRECONDITION
// (HTTP 400), as Secret Manager documents for etags. Names are answered with the project number.
import type { Ctx } from '../context.js';
import { GcpError, fieldMask, invalid, json, parseBody, template, timestamp, type HttpReq, type HttpRes, type Route } from '../protocol.js';
import type { Json, SecretRecord } from '../state.js';

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const LOCATION = /^[a-z]+-[a-z]+\d+$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const ANNOTATION_KEY = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;
/** Annotation keys and values together must stay below this many bytes. */
const ANNOTATIONS_MAX = 16 * 1024;
const FIELDS = new Set(['name', 'replication', 'createTime', 'labels', 'topics', 'expireTime', 'ttl', 'etag', 'rotation', 'versionAliases', 'annotations', 'versionDestroyTtl', 'customerManagedEncryption', 'tags']);
const OUTPUT_ONLY = ['name', 'createTime'];
/** What UpdateSecret may change (replication is immutable). */
const UPDATABLE = new Set(['labels', 'annotations', 'topics', 'expireTime', 'ttl', 'rotation', 'versionAliases', 'versionDestroyTtl', 'customerManagedEncryption']);

let etagSeq = 0;

export function secretManagerRoutes(ctx: Ctx): Route[] {
  const r = (method: string, path: string, rpc: string, lease: boolean, handle: Route['handle']): Route => ({ method, pattern: template(path), rpc, write: false, ...(lease ? { lease } : {}), handle });
  return [
    r('POST', '/v1/{parent=projects/*}/secrets', 'CreateSecret', true, (q, p) => createSecret(ctx, q, p.parent ?? '')),
    r('GET', '/v1/{name=projects/*/secrets/*}', 'GetSecret', false, (_q, p) => json(wire(ctx, record(ctx, p.name ?? '', 'get')))),
    r('PATCH', '/v1/{secret.name=projects/*/secrets/*}', 'UpdateSecret', true, (q, p) => updateSecret(ctx, q, p.secret_name ?? '')),
    r('DELETE', '/v1/{name=projects/*/secrets/*}', 'DeleteSecret', true, (q, p) => deleteSecret(ctx, q, p.name ?? '')),
  ];
}

function newEtag(ctx: Ctx): string {
  etagSeq += 1;
  return `"${ctx.now()}${String(etagSeq).padStart(6, '0')}"`;
}

function checkProject(ctx: Ctx, project: string | undefined, permission: string, resource: string): void {
  if (project !== ctx.projectId && project !== ctx.projectNumber) throw new GcpError('PERMISSION_DENIED', `Permission '${permission}' denied for resource '${resource}' (or it may not exist).`);
}

function record(ctx: Ctx, name: string, verb: 'get' | 'update' | 'delete'): SecretRecord {
  const [, project, , id = ''] = name.split('/');
  checkProject(ctx, project, `secretmanager.secrets.${verb}`, name);
  const rec = ctx.state.secrets.get(id);
  if (!rec) throw new GcpError('NOT_FOUND', `Secret [projects/${ctx.projectNumber}/secrets/${id}] not found or has no versions.`);
  return rec;
}

function wire(ctx: Ctx, rec: SecretRecord): Json {
  return { name: `projects/${ctx.projectNumber}/secrets/${rec.id}`, ...rec.resource, createTime: timestamp(rec.createTime), etag: rec.etag };
}

function checkFields(body: Json): void {
  for (const k of Object.keys(body)) if (!FIELDS.has(k)) throw invalid(`Invalid JSON payload received. Unknown name "${k}" at 'secret': Cannot find field.`, `secret.${k}`);
}

function checkReplication(replication: unknown): void {
  const r = replication as Json | undefined;
  if (!r || typeof r !== 'object') throw invalid('Secret.replication is required.', 'secret.replication');
  const kinds = ['automatic', 'userManaged'].filter((k) => r[k] !== undefined);
  if (kinds.length !== 1) throw invalid('Secret.replication must set exactly one of automatic and user_managed.', 'secret.replication');
  if (r.userManaged !== undefined) {
    const replicas = (r.userManaged as Json).replicas;
    if (!Array.isArray(replicas) || replicas.length === 0) throw invalid('Secret.replication.user_managed.replicas must not be empty.', 'secret.replication.user_managed.replicas');
    const locations = replicas.map((x) => (x as Json).location);
    for (const l of locations) if (typeof l !== 'string' || !LOCATION.test(l)) throw invalid(`Invalid replica location '${String(l)}'.`, 'secret.replication.user_managed.replicas.location');
    if (new Set(locations).size !== locations.length) throw invalid('Replica locations must be unique.', 'secret.replication.user_managed.replicas');
  }
}

function checkMaps(s: Json): void {
  const labels = (s.labels ?? {}) as Record<string, unknown>;
  if (Object.keys(labels).length > 64) throw invalid('A secret has at most 64 labels.', 'secret.labels');
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_KEY.test(k) || typeof v !== 'string' || !LABEL_VALUE.test(v)) throw invalid(`Invalid label '${k}': '${String(v)}'.`, 'secret.labels');
  }
  const annotations = (s.annotations ?? {}) as Record<string, unknown>;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    if (!ANNOTATION_KEY.test(k) || Buffer.byteLength(k) > 128) throw invalid(`Invalid annotation key '${k}'.`, 'secret.annotations');
    if (typeof v !== 'string') throw invalid(`Annotation '${k}' must be a string.`, 'secret.annotations');
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size >= ANNOTATIONS_MAX) throw invalid(`The total size of annotation keys and values must be less than 16KiB (got ${size} bytes).`, 'secret.annotations');
}

function createSecret(ctx: Ctx, req: HttpReq, parent: string): HttpRes {
  checkProject(ctx, parent.split('/')[1], 'secretmanager.secrets.create', parent);
  const id = req.query.get('secretId') ?? req.query.get('secret_id');
  if (!id) throw invalid('secret_id is required.', 'secret_id');
  if (!SECRET_ID.test(id)) throw invalid(`Invalid secret_id '${id}': at most 255 letters, digits, '-' and '_'.`, 'secret_id');
  const body = parseBody(req);
  checkFields(body);
  checkReplication(body.replication);
  checkMaps(body);
  if (ctx.state.secrets.has(id)) throw new GcpError('ALREADY_EXISTS', `Secret [projects/${ctx.projectNumber}/secrets/${id}] already exists.`);
  const resource: Json = { ...body };
  for (const k of [...OUTPUT_ONLY, 'etag']) delete resource[k];
  const rec: SecretRecord = { id, resource, createTime: ctx.now(), etag: newEtag(ctx) };
  ctx.state.secrets.set(id, rec);
  return json(wire(ctx, rec));
}

function checkEtag(ctx: Ctx, rec: SecretRecord, etag: unknown): void {
  if (etag === undefined || etag === '') return;
  if (etag !== rec.etag) throw new GcpError('FAILED_PRECONDITION', `The etag ${String(etag)} does not match the current etag of secret [projects/${ctx.projectNumber}/secrets/${rec.id}].`);
}

function updateSecret(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  const rec = record(ctx, name, 'update');
  const mask = fieldMask(req.query);
  if (!mask || mask.length === 0) throw invalid('update_mask is required.', 'update_mask');
  for (const p of mask) {
    if (p === 'replication') throw invalid('Secret.replication is immutable.', 'update_mask');
    if (!UPDATABLE.has(p)) throw invalid(`Invalid update_mask path '${p}'.`, 'update_mask');
  }
  const body = parseBody(req);
  checkFields(body);
  checkEtag(ctx, rec, body.etag);
  const next: Json = { ...rec.resource };
  for (const p of mask) {
    if (body[p] === undefined) delete next[p];
    else next[p] = body[p];
  }
  checkMaps(next);
  rec.resource = next;
  rec.etag = newEtag(ctx);
  return json(wire(ctx, rec));
}

function deleteSecret(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  const rec = record(ctx, name, 'delete');
  checkEtag(ctx, rec, req.query.get('etag') ?? undefined);
  ctx.state.secrets.delete(rec.id);
  return json({});
}
