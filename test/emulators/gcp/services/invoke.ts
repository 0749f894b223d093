// Requests to the functions' Cloud Run URLs: outside HTTP probes and the deliveries of Cloud
// Scheduler and Eventarc. Each is routed to a revision by the effective split (seeded PRNG), checked
// against roles/run.invoker, answered by the revision handler and counted into request_count.
import type { Auth } from '../auth.js';
import type { Ctx } from '../context.js';
import type { HttpReq, HttpRes } from '../protocol.js';
import type { Json } from '../state.js';
import type { CallRecord, DeliveryResult, RequestCounts, RevisionHandler, RevisionRequest } from '../types.js';
import { pubsubDelivery, schedulerDelivery, storageDelivery, type Delivery } from './delivery.js';
import { PUBSUB_EVENT } from './function-rules.js';
import { resolveSplit } from './run-model.js';

export interface InvokeHost extends Ctx {
  readonly calls: CallRecord[];
  readonly auth: Auth;
  revisionHandler: RevisionHandler;
  /** Draw of the routing PRNG in [0, 1). */
  route(): number;
  recordRequests(service: string, revision: string, counts: RequestCounts, time?: number): void;
}

interface InvokeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A request to /run/<service>/... from outside. As Cloud Run, a private service admits only an ID
 * token whose audience is the service's URL (or the tag URL called), with or without a trailing
 * slash; OAuth access tokens and self-signed JWTs are not identities there and get 403 (allUsers only).
 */
export async function probe(host: InvokeHost, req: HttpReq): Promise<HttpRes> {
  const [, , service = ''] = req.path.split('/');
  const path = `/${req.path.split('/').slice(3).join('/')}`;
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  const audience = m ? host.auth.idTokenAudience(m[1] ?? '')?.replace(/\/$/, '') : undefined;
  const serviceId = /^[a-z][-a-z0-9]*?---(.+)$/.exec(service)?.[1] ?? service;
  const authorized = audience !== undefined && [`${host.url}/run/${service}`, `${host.url}/run/${serviceId}`].includes(audience);
  return (await invoke(host, service, { method: req.method, path, query: req.query, headers: req.headers, body: req.body }, authorized ? 'authorized' : 'allUsers', 'http')).res;
}

/**
 * Route one request to a revision of `service` by the effective split (seeded PRNG) and ask the
 * revision handler. `principal` 'authorized' passes any IAM; otherwise a private service needs
 * the principal among its roles/run.invoker members.
 */
async function invoke(host: InvokeHost, service: string, req: InvokeRequest, principal: string, source: RevisionRequest['source']): Promise<{ revision?: string; res: HttpRes }> {
  // `<tag>---<service>` addresses the revision carrying that tag, as Cloud Run's tag URLs do.
  const tagged = /^([a-z][-a-z0-9]*?)---(.+)$/.exec(service);
  const serviceId = tagged ? (tagged[2] ?? '') : service;
  const svc = [...host.state.services.values()].find((s) => s.name.endsWith(`/services/${serviceId}`));
  const text = (status: number, body: string): { res: HttpRes } => ({ res: { status, headers: { 'content-type': 'text/html; charset=UTF-8' }, body } });
  const notFound = text(404, `<h1>Error: Page not found</h1><p>The requested URL was not found on this server.</p>`);
  if (!svc) return notFound;
  const invokers = svc.iam.bindings.filter((b) => b.role === 'roles/run.invoker').flatMap((b) => b.members);
  if (principal !== 'authorized' && !invokers.includes('allUsers') && !invokers.includes(principal)) {
    return text(403, '<h1>Error: Forbidden</h1><h2>Your client does not have permission to get URL from this server.</h2>');
  }
  const all = resolveSplit(svc);
  const split = tagged ? all.filter((e) => e.tag === tagged[1]).map((e) => ({ ...e, percent: 100 })) : all;
  if (tagged && split.length === 0) return notFound;
  const total = split.reduce((n, e) => n + e.percent, 0);
  if (total === 0) return text(503, '<h1>Error: Service Unavailable</h1>');
  const r = host.route() * total;
  let acc = 0;
  let revision = split[split.length - 1]?.revision ?? '';
  for (const e of split) {
    acc += e.percent;
    if (r < acc) {
      revision = e.revision;
      break;
    }
  }
  let status = 500;
  let out: HttpRes;
  try {
    const answer = await host.revisionHandler({ service: serviceId, revision, source, ...req });
    status = answer.status ?? 200;
    const b = answer.body;
    const isObj = b !== undefined && typeof b === 'object' && !Buffer.isBuffer(b);
    out = { status, headers: { ...(isObj ? { 'content-type': 'application/json' } : {}), ...(answer.headers ?? {}), 'x-fnx-revision': revision }, body: isObj ? JSON.stringify(b) : ((b as string | Buffer | undefined) ?? '') };
  } catch (err) {
    status = 500;
    out = { status, headers: { 'content-type': 'text/html; charset=UTF-8', 'x-fnx-revision': revision }, body: `<h1>Error: Internal Server Error</h1><p>${err instanceof Error ? err.message : String(err)}</p>` };
  }
  host.recordRequests(serviceId, revision, { ok: status < 400 ? 1 : 0, errors: status >= 500 ? 1 : 0, clientErrors: status >= 400 && status < 500 ? 1 : 0 });
  return { revision, res: out };
}

async function deliver(host: InvokeHost, d: Delivery): Promise<DeliveryResult> {
  const [path = '/', search = ''] = d.path.split('?');
  const { revision, res } = await invoke(host, d.service, { method: d.method, path, query: new URLSearchParams(search), headers: d.headers, body: d.body }, d.principal, d.source);
  host.calls.push({ api: 'http', method: d.method, path: `/run/${d.service}${d.path}`, rpc: `Deliver:${d.source}`, status: res.status, write: false, time: host.now() });
  const body = res.body === undefined ? '' : Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.body;
  return { service: d.service, ...(revision ? { revision } : {}), status: res.status, body };
}

/** Fire a Cloud Scheduler job now (see GcpEmulator.runJob). */
export async function runJob(host: InvokeHost, job: string): Promise<DeliveryResult> {
  const name = job.includes('/') ? job : `projects/${host.projectId}/locations/us-central1/jobs/${job}`;
  const rec = host.state.jobs.get(name) ?? [...host.state.jobs.values()].find((j) => j.name.endsWith(`/jobs/${job}`));
  if (!rec) throw new Error(`no Cloud Scheduler job ${job}`);
  const d = schedulerDelivery(host, rec.resource, (aud, email) => host.auth.mintIdToken(aud, email));
  if (!d) throw new Error(`job ${job} does not target this emulator's /run/ URLs: ${String((rec.resource.httpTarget as Json).uri)}`);
  return deliver(host, d);
}

/** Publish to a topic (see GcpEmulator.publishMessage). */
export async function publishMessage(host: InvokeHost, topic: string, data: string | Buffer, attributes: Record<string, string> = {}): Promise<DeliveryResult[]> {
  const full = topic.includes('/') ? topic : `projects/${host.projectId}/topics/${topic}`;
  const targets = [...host.state.functions.values()].filter((f) => {
    const t = f.resource.eventTrigger as Json | undefined;
    return t?.eventType === PUBSUB_EVENT && t.pubsubTopic === full && host.state.services.has(f.name.replace('/functions/', '/services/'));
  });
  const out: DeliveryResult[] = [];
  for (const f of targets) out.push(await deliver(host, pubsubDelivery(host, { ...f.resource, name: f.name }, full, Buffer.from(data), attributes)));
  return out;
}

/** An object finalized in a bucket (see GcpEmulator.finalizeObject). */
export async function finalizeObject(host: InvokeHost, bucket: string, object: string, options: { size?: number; contentType?: string } = {}): Promise<DeliveryResult[]> {
  const targets = [...host.state.functions.values()].filter((f) => {
    const t = f.resource.eventTrigger as Json | undefined;
    const filters = (t?.eventFilters ?? []) as Json[];
    return t?.eventType === 'google.cloud.storage.object.v1.finalized' && filters.some((x) => x.attribute === 'bucket' && x.value === bucket) && host.state.services.has(f.name.replace('/functions/', '/services/'));
  });
  const out: DeliveryResult[] = [];
  for (const f of targets) out.push(await deliver(host, storageDelivery(host, { ...f.resource, name: f.name }, bucket, object, options.size ?? 0, options.contentType ?? 'application/octet-stream')));
  return out;
}
