/**
 * inspect(): reads everything fnx owns for the manifest's service+stage: the functions labelled
 * fnx-service/fnx-stage, the Cloud Run service of each (traffic, etag, annotations, invokers), and
 * the Cloud Scheduler jobs fnx named for them. Read-only.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- resources are the SDK's JSON */
import type { ResolvedManifest } from '../../src/driver.js';
import { type GcpClients, isNotFound } from './clients.js';
import { deployedFields } from './desired.js';
import { functionId, LABEL_FUNCTION, LABEL_SERVICE, LABEL_STAGE } from './names.js';
import { codeOf, type DeployedFunction, type DeployedJob, type DeployedService, type GcpDeployed, serviceOf, shortName } from './state.js';

export const INVOKER = 'roles/run.invoker';

async function listFunctions(c: GcpClients): Promise<Record<string, any>[]> {
  return c.call('ListFunctions', async (sdk) => {
    const [list] = await sdk.functions.listFunctions({ parent: c.location });
    return list as Record<string, any>[];
  });
}

async function listJobs(c: GcpClients): Promise<Record<string, any>[]> {
  return c.call('ListJobs', async (sdk) => {
    const [list] = await sdk.scheduler.listJobs({ parent: c.location });
    return list as Record<string, any>[];
  });
}

/**
 * The Cloud Run service once settled: while `reconciling` (an operation on it in progress, e.g. one
 * a killed deploy left behind) it is read again with the backoff that waits out operations in
 * progress, so the traffic and etag fnx acts on are the ones that operation leaves.
 */
export async function readService(c: GcpClients, name: string): Promise<DeployedService | undefined> {
  try {
    const svc = await c.call('GetService', async (sdk) => {
      const [s] = (await sdk.services.getService({ name })) as Record<string, any>[];
      if (s?.reconciling === true) throw Object.assign(new Error(`Cloud Run service ${name} is reconciling: an operation on it is in progress`), { code: 9 });
      return s as Record<string, any>;
    });
    const policy = await c.call('GetIamPolicy', async (sdk) => (await sdk.services.getIamPolicy({ resource: name }))[0] as Record<string, any>);
    const invokers = ((policy.bindings ?? []) as { role: string; members: string[] }[]).filter((b) => b.role === INVOKER).flatMap((b) => b.members);
    return serviceOf(svc, invokers);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function serviceNameOf(c: GcpClients, f: Record<string, any>, id: string): string {
  const s = f.serviceConfig?.service as string | undefined;
  return s && s.includes('/') ? s : `${c.location}/services/${s || id}`;
}

function jobOf(j: Record<string, any>): DeployedJob {
  const paused = j.state === 2 || j.state === 'PAUSED';
  return { id: shortName(String(j.name)), schedule: String(j.schedule ?? ''), paused, ...(j.httpTarget?.uri ? { uri: String(j.httpTarget.uri) } : {}) };
}

export async function describeFunction(c: GcpClients, f: Record<string, any>, name: string, jobs: readonly Record<string, any>[]): Promise<DeployedFunction> {
  const id = shortName(String(f.name));
  const service = await readService(c, serviceNameOf(c, f, id));
  const code = codeOf(f);
  const revision = f.serviceConfig?.revision ? shortName(String(f.serviceConfig.revision)) : undefined;
  const uri = f.serviceConfig?.uri ?? f.url;
  return {
    name,
    id,
    fields: deployedFields(f),
    ...(code ? { code } : {}),
    ...(revision ? { revision } : {}),
    ...(uri ? { uri: String(uri) } : {}),
    ...(f.serviceConfig?.serviceAccountEmail ? { runtimeServiceAccount: String(f.serviceConfig.serviceAccountEmail) } : {}),
    ...(f.state !== undefined ? { state: String(f.state) } : {}),
    ...(service ? { service } : {}),
    jobs: jobs.filter((j) => shortName(String(j.name)).startsWith(`${id}-schedule-`)).map(jobOf),
  };
}

/** Reads the stage. Functions are matched to the manifest by id; labelled ones not in it keep their label's name. */
export async function inspectStage(c: GcpClients, manifest: ResolvedManifest): Promise<GcpDeployed> {
  const [all, jobs] = await Promise.all([listFunctions(c), listJobs(c)]);
  const ours = all.filter((f) => f.labels?.[LABEL_SERVICE] === manifest.service && f.labels?.[LABEL_STAGE] === manifest.stage);
  const byId = new Map(manifest.functions.map((fn) => [functionId(manifest, fn.name), fn.name]));
  const functions: Record<string, DeployedFunction> = {};
  for (const f of ours) {
    const id = shortName(String(f.name));
    const name = byId.get(id) ?? String(f.labels?.[LABEL_FUNCTION] ?? id);
    functions[name] = await describeFunction(c, f, name, jobs);
  }
  return { project: c.settings.project, region: c.settings.region, functions };
}

/** Reads one function by manifest name (undefined when not deployed). */
export async function readFunction(c: GcpClients, manifest: ResolvedManifest, fn: string): Promise<DeployedFunction | undefined> {
  const id = functionId(manifest, fn);
  try {
    const f = await c.call('GetFunction', async (sdk) => (await sdk.functions.getFunction({ name: `${c.location}/functions/${id}` }))[0] as Record<string, any>);
    return await describeFunction(c, f, fn, []);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

