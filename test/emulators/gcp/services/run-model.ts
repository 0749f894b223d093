// Cloud Run services and revisions as the Functions v2 API manages them, and their wire forms.
import type { Ctx } from '../context.js';
import { timestamp } from '../protocol.js';
import type { Json, RevisionRecord, ServiceRecord, TrafficTarget } from '../state.js';
import type { TrafficEntry } from '../types.js';

export const LATEST = 1;
export const REVISION = 2;

export function shortName(full: string): string {
  return full.slice(full.lastIndexOf('/') + 1);
}

export function runUrl(ctx: Ctx, service: ServiceRecord | string): string {
  return `${ctx.url}/run/${shortName(typeof service === 'string' ? service : service.name)}`;
}

/** The service backing a function (same id), created on the function's first successful build. */
export function ensureService(ctx: Ctx, serviceName: string, functionName: string): ServiceRecord {
  const existing = ctx.state.services.get(serviceName);
  if (existing) return existing;
  const now = ctx.now();
  const svc: ServiceRecord = {
    name: serviceName,
    uid: ctx.id(),
    generation: 1,
    etag: `"${ctx.id()}"`,
    labels: {},
    annotations: {},
    description: '',
    traffic: [{ type: LATEST, percent: 100 }],
    revisions: [],
    createTime: now,
    updateTime: now,
    functionName,
    iam: { version: 1, etag: Buffer.from(ctx.id()).toString('base64'), bindings: [] },
    template: {},
  };
  ctx.state.services.set(serviceName, svc);
  return svc;
}

/** A new revision built from `config` (the function resource); becomes latest ready. */
export function addRevision(ctx: Ctx, svc: ServiceRecord, config: Json): RevisionRecord {
  const n = svc.revisions.length + 1;
  const short = `${shortName(svc.name)}-${String(n).padStart(5, '0')}-${ctx.suffix()}`;
  const rev: RevisionRecord = {
    name: `${svc.name}/revisions/${short}`,
    short,
    service: svc.name,
    uid: ctx.id(),
    generation: 1,
    createTime: ctx.now(),
    config: structuredClone(config),
  };
  ctx.state.revisions.set(rev.name, rev);
  svc.revisions.push(short);
  svc.generation += 1;
  svc.etag = `"${ctx.id()}"`;
  svc.updateTime = ctx.now();
  svc.template = templateOf(config, short);
  return rev;
}

export function latestRevision(svc: ServiceRecord): string | undefined {
  return svc.revisions[svc.revisions.length - 1];
}

/** The effective split: LATEST entries resolved to the newest revision, merged per revision. */
export function resolveSplit(svc: ServiceRecord): TrafficEntry[] {
  const latest = latestRevision(svc);
  const out: TrafficEntry[] = [];
  for (const t of svc.traffic) {
    const revision = t.type === LATEST ? latest : t.revision;
    if (!revision) continue;
    const entry: TrafficEntry = { revision, percent: t.percent };
    if (t.type === LATEST) entry.latest = true;
    if (t.tag) entry.tag = t.tag;
    out.push(entry);
  }
  return out;
}

function templateOf(config: Json, revision: string): Json {
  const sc = (config.serviceConfig ?? {}) as Json;
  const env = Object.entries((sc.environmentVariables ?? {}) as Record<string, string>).map(([name, value]) => ({ name, value }));
  return {
    revision,
    scaling: { minInstanceCount: sc.minInstanceCount ?? 0, maxInstanceCount: sc.maxInstanceCount ?? 100 },
    timeout: `${String(sc.timeoutSeconds ?? 60)}s`,
    serviceAccount: sc.serviceAccountEmail ?? '',
    maxInstanceRequestConcurrency: sc.maxInstanceRequestConcurrency ?? 1,
    containers: [
      {
        image: `us-docker.pkg.dev/emulator/gcf-artifacts/${revision}`,
        env,
        resources: { limits: { memory: String(sc.availableMemory ?? '256M'), cpu: String(sc.availableCpu ?? '0.1666') } },
      },
    ],
  };
}

export function serviceJson(ctx: Ctx, svc: ServiceRecord): Json {
  const latest = latestRevision(svc);
  const uri = runUrl(ctx, svc);
  const reconciling = svc.operation !== undefined;
  const cond = { type: 'Ready', state: 4, lastTransitionTime: timestamp(svc.updateTime) };
  const out: Json = {
    name: svc.name,
    uid: svc.uid,
    generation: String(svc.generation),
    labels: svc.labels,
    annotations: svc.annotations,
    createTime: timestamp(svc.createTime),
    updateTime: timestamp(svc.updateTime),
    creator: `service-${ctx.projectNumber}@gcf-admin-robot.iam.gserviceaccount.com`,
    lastModifier: `service-${ctx.projectNumber}@gcf-admin-robot.iam.gserviceaccount.com`,
    ingress: 1,
    launchStage: 7,
    template: svc.template,
    traffic: svc.traffic.map((t) => ({ ...t })),
    observedGeneration: String(reconciling ? svc.generation - 1 : svc.generation),
    terminalCondition: reconciling ? { type: 'Ready', state: 2 } : cond,
    conditions: [reconciling ? { type: 'Ready', state: 2 } : cond],
    latestReadyRevision: latest ? `${svc.name}/revisions/${latest}` : '',
    latestCreatedRevision: latest ? `${svc.name}/revisions/${latest}` : '',
    // Status entries name the revision a LATEST entry resolves to (as Knative's status does).
    trafficStatuses: svc.traffic.map((t) => ({ ...t, ...(t.type === LATEST && latest ? { revision: latest } : {}), ...(t.tag ? { uri: `${ctx.url}/run/${t.tag}---${shortName(svc.name)}` } : {}) })),
    uri,
    urls: [uri],
    reconciling,
    etag: svc.etag,
  };
  if (svc.description) out.description = svc.description;
  return out;
}

export function revisionJson(ctx: Ctx, rev: RevisionRecord): Json {
  const t = templateOf(rev.config, rev.short);
  return {
    name: rev.name,
    uid: rev.uid,
    generation: String(rev.generation),
    createTime: timestamp(rev.createTime),
    updateTime: timestamp(rev.createTime),
    launchStage: 7,
    service: rev.service,
    scaling: t.scaling,
    timeout: t.timeout,
    serviceAccount: t.serviceAccount,
    maxInstanceRequestConcurrency: t.maxInstanceRequestConcurrency,
    containers: t.containers,
    labels: { ...(((rev.config.labels ?? {}) as Record<string, string>)), 'goog-managed-by': 'cloudfunctions' },
    annotations: {},
    conditions: [{ type: 'Ready', state: 4, lastTransitionTime: timestamp(rev.createTime) }],
    observedGeneration: String(rev.generation),
    reconciling: false,
    logUri: `https://console.cloud.google.com/logs/viewer?revision=${rev.short}`,
    etag: `"${rev.uid}"`,
  };
}

export function sameSplit(a: TrafficEntry[] | undefined, b: TrafficEntry[]): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b);
}

export function cloneTraffic(t: TrafficTarget[]): TrafficTarget[] {
  return t.map((x) => ({ ...x }));
}
