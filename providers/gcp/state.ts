/**
 * What inspect() reads for one service+stage (DeployedState.detail): per function the Function
 * resource's managed fields, the Cloud Run service that serves it (traffic by revision name, etag,
 * annotations with the release history), its invoker members and its Cloud Scheduler jobs. JSON only.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- resources are the SDK's JSON */
import { type ReleaseRecord, ROLLBACK_STRATEGY } from '../../src/driver.js';
import { LABEL_CODE } from './desired.js';

/** Annotation on the Cloud Run service holding the release history, newest first (JSON). */
export const HISTORY_ANNOTATION = 'fnx.dev/releases';
/** Records kept in the annotation. */
export const HISTORY_LIMIT = 25;
/** Annotation namespaces Cloud Run owns: never written back. */
const SYSTEM_ANNOTATION = /^(run\.googleapis\.com|cloud\.googleapis\.com|serving\.knative\.dev|autoscaling\.knative\.dev)\//;

export interface TrafficEntry {
  readonly revision: string;
  readonly percent: number;
  /** The entry follows the newest revision (type LATEST), not a named one. */
  readonly latest?: boolean;
}

export interface DeployedService {
  readonly name: string;
  readonly etag: string;
  readonly uri?: string;
  readonly traffic: readonly TrafficEntry[];
  /** fnx's own annotations (system ones left out). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly history: readonly ReleaseRecord[];
  readonly invokers: readonly string[];
}

export interface DeployedJob {
  readonly id: string;
  readonly schedule: string;
  readonly paused: boolean;
  readonly uri?: string;
}

export interface DeployedFunction {
  /** Manifest name. */
  readonly name: string;
  readonly id: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** LABEL_CODE of the resource. */
  readonly code?: string;
  /** The newest revision (what the resource describes). */
  readonly revision?: string;
  readonly uri?: string;
  readonly runtimeServiceAccount?: string;
  readonly state?: string;
  readonly service?: DeployedService;
  readonly jobs: readonly DeployedJob[];
}

export interface GcpDeployed {
  readonly project: string;
  readonly region: string;
  readonly functions: Readonly<Record<string, DeployedFunction>>;
}

const isRevisionType = (t: unknown) => t === 2 || t === 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** A Cloud Run service's split by revision name (LATEST resolved to the newest ready revision). */
export function trafficOf(svc: Record<string, any>): TrafficEntry[] {
  const latest = shortName(svc.latestReadyRevision ?? svc.latestCreatedRevision ?? '');
  const out = new Map<string, TrafficEntry>();
  for (const t of (svc.traffic ?? []) as Record<string, any>[]) {
    const percent = Number(t.percent ?? 0);
    if (!percent) continue;
    const named = isRevisionType(t.type) && t.revision;
    const revision = named ? shortName(String(t.revision)) : latest;
    const prev = out.get(revision);
    out.set(revision, { revision, percent: (prev?.percent ?? 0) + percent, ...(!named || prev?.latest ? { latest: true } : {}) });
  }
  return [...out.values()];
}

export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

export function historyOf(annotations: Readonly<Record<string, string>>): ReleaseRecord[] {
  const raw = annotations[HISTORY_ANNOTATION];
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as ReleaseRecord[]) : [];
  } catch {
    return [];
  }
}

/**
 * fnx's annotations with `record` added: a record of the same deploy and version is replaced, a
 * new live one supersedes the old, and a move by `fnx rollback` marks the version it left rolled back.
 */
export function withRecord(annotations: Readonly<Record<string, string>>, record: ReleaseRecord): Record<string, string> {
  const list = historyOf(annotations).filter((r) => !(r.deployId === record.deployId && r.version === record.version));
  const left = record.strategy === ROLLBACK_STRATEGY ? list.findIndex((r) => r.version === record.previous) : -1;
  const marked = list.map((r, i) => (i === left && r.status !== 'rolled-back' ? { ...r, status: 'rolled-back' as const, cause: 'rollback' as const } : r));
  const next = record.status === 'live' ? marked.map((r) => (r.status === 'live' ? { ...r, status: 'superseded' as const } : r)) : marked;
  return { ...annotations, [HISTORY_ANNOTATION]: JSON.stringify([record, ...next].slice(0, HISTORY_LIMIT)) };
}

export function ownAnnotations(raw: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(raw ?? {}).filter(([k]) => !SYSTEM_ANNOTATION.test(k)));
}

export function serviceOf(svc: Record<string, any>, invokers: readonly string[]): DeployedService {
  const annotations = ownAnnotations(svc.annotations);
  return {
    name: String(svc.name),
    etag: String(svc.etag ?? ''),
    ...(svc.uri ? { uri: String(svc.uri) } : {}),
    traffic: trafficOf(svc),
    annotations,
    history: historyOf(annotations),
    invokers,
  };
}

export function codeOf(f: Record<string, any>): string | undefined {
  return (f.labels as Record<string, string> | undefined)?.[LABEL_CODE];
}
