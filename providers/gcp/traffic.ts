/**
 * The pointer on Google Cloud is the Cloud Run service's traffic split, by revision name; its
 * revision (the optimistic-concurrency token) is the service's etag. Every pointer write is one
 * UpdateService with updateMask `traffic,annotations` and the etag read before it: the split and
 * the release record (history in the `fnx.dev/releases` annotation) change together or not at all.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- resources are the SDK's JSON */
import { CloudError, type HistoryRequest, type ReleaseRecord, type ResolvedManifest, type ShiftRequest, type TrafficState } from '../../src/driver.js';
import type { GcpClients } from './clients.js';
import { readService } from './inspect.js';
import { functionId } from './names.js';
import { type DeployedService, type TrafficEntry, withRecord } from './state.js';

export function serviceName(c: GcpClients, manifest: ResolvedManifest, fn: string): string {
  return `${c.location}/services/${functionId(manifest, fn)}`;
}

/** The neutral view of a split: the release's version is the candidate while two revisions serve. */
export function stateOf(fn: string, svc: DeployedService | undefined): TrafficState {
  if (!svc) return { function: fn, weight: 0, revision: '' };
  const release = svc.history[0];
  const entries = [...svc.traffic].sort((a, b) => b.percent - a.percent);
  const base = { function: fn, revision: svc.etag, ...(release ? { release } : {}) };
  if (entries.length === 0) return { ...base, weight: 0 };
  if (entries.length === 1) return { ...base, primary: entries[0]!.revision, weight: 0 };
  const cand = entries.find((e) => e.revision === release?.version) ?? entries[1]!;
  const primary = entries.find((e) => e !== cand)!;
  return { ...base, primary: primary.revision, candidate: cand.revision, weight: cand.percent / 100 };
}

export async function readTraffic(c: GcpClients, req: HistoryRequest): Promise<TrafficState> {
  return stateOf(req.function, await readService(c, serviceName(c, req.manifest, req.function)));
}

export function revisionTarget(revision: string, percent: number): Record<string, unknown> {
  return { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision, percent };
}

/** Writes `traffic` and `annotations` conditionally on `etag`; returns the service after the operation. */
export async function writeService(c: GcpClients, name: string, etag: string, traffic: readonly TrafficEntry[], annotations: Readonly<Record<string, string>> | undefined, signal?: AbortSignal): Promise<DeployedService> {
  const paths = annotations ? ['traffic', 'annotations'] : ['traffic'];
  const service = { name, etag, traffic: traffic.map((t) => revisionTarget(t.revision, t.percent)), ...(annotations ? { annotations } : {}) };
  const op = await c.call('UpdateService', async (sdk) => {
    const [operation] = await sdk.services.updateService({ service, updateMask: { paths } });
    return { name: operation.name as string, done: Boolean(operation.done) };
  }, { write: true, etag: true, ...(signal ? { signal } : {}) });
  await c.wait(`traffic change of ${name.split('/').pop()}`, op, 'run', signal);
  const after = await readService(c, name);
  if (!after) throw new CloudError('gcp', 'not-found', `Cloud Run service ${name} disappeared during a traffic change.`);
  return after;
}

/** Pins the split to named revisions (a LATEST entry would follow the next revision): no write when it already is. */
export async function pinTraffic(c: GcpClients, svc: DeployedService, signal?: AbortSignal): Promise<DeployedService> {
  if (svc.traffic.length && svc.traffic.every((t) => !t.latest)) return svc;
  const traffic = svc.traffic.length ? svc.traffic.map((t) => ({ revision: t.revision, percent: t.percent })) : [];
  if (!traffic.length) return svc;
  return writeService(c, svc.name, svc.etag, traffic, undefined, signal);
}

export async function shiftTraffic(c: GcpClients, req: ShiftRequest): Promise<TrafficState> {
  const fn = req.function.name;
  const name = serviceName(c, req.manifest, fn);
  const svc = await readService(c, name);
  if (!svc) throw new CloudError('gcp', 'not-found', `Function ${fn} has no Cloud Run service ${name}.`);
  if (svc.etag !== req.revision) throw new CloudError('gcp', 'precondition', `The traffic of ${functionId(req.manifest, fn)} changed since it was read (etag ${req.revision}, now ${svc.etag}).`);
  const percent = Math.round(req.weight * 100);
  if (req.weight < 0 || req.weight > 1 || (req.weight > 0 && percent === 0)) throw new CloudError('gcp', 'invalid', `Cloud Run splits traffic in whole percents; ${req.weight * 100}% is not one.`);
  const split = req.candidate !== undefined && req.candidate !== req.primary && percent > 0;
  const traffic: TrafficEntry[] = !split ? [{ revision: req.primary, percent: 100 }] : percent >= 100 ? [{ revision: req.candidate!, percent: 100 }] : [{ revision: req.primary, percent: 100 - percent }, { revision: req.candidate!, percent }];
  const after = await writeService(c, name, req.revision, traffic, withRecord(svc.annotations, req.release), req.signal);
  return stateOf(fn, after);
}

export async function readHistory(c: GcpClients, req: HistoryRequest): Promise<readonly ReleaseRecord[]> {
  return (await readService(c, serviceName(c, req.manifest, req.function)))?.history ?? [];
}

/** Revisions traffic can go to: every one the history mentions that Cloud Run still has, the serving one included, newest first. */
export async function rollbackTargets(c: GcpClients, req: HistoryRequest): Promise<readonly string[]> {
  const name = serviceName(c, req.manifest, req.function);
  const svc = await readService(c, name);
  if (!svc) return [];
  const revisions = await c.call('ListRevisions', async (sdk) => {
    const [list] = await sdk.revisions.listRevisions({ parent: name });
    return (list as Record<string, any>[]).map((r) => String(r.name).split('/').pop()!);
  });
  const have = new Set(revisions);
  const out: string[] = [];
  for (const v of [...svc.traffic.map((t) => t.revision), ...svc.history.flatMap((r) => [r.version, ...(r.previous ? [r.previous] : [])])]) {
    if (have.has(v) && !out.includes(v)) out.push(v);
  }
  // Newest first: Cloud Run revision names end in a growing, zero-padded generation.
  const generation = (r: string) => Number(/-(\d+)-[a-z0-9]+$/.exec(r)?.[1] ?? 0);
  return out.sort((a, b) => generation(b) - generation(a));
}
