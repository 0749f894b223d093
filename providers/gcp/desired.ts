/* eslint-disable @typescript-eslint/no-explicit-any -- deployed resources are the SDK's JSON */
/**
 * The desired Cloud Run function of a manifest function (pure), in the comparable form plan()
 * diffs against what inspect() read: one value per updateMask path fnx manages. A field the
 * manifest leaves unset is not managed (the deployed value stays).
 */
import { ExitCode, FnxError, findArtifact, type ArtifactSet, type ResolvedFunction, type ResolvedManifest } from '../../src/driver.js';
import { buildEnvironment, entryPoint } from './entry.js';
import { functionId, jobId, labelsOf, secretId } from './names.js';
import { schedulerExpression } from './schedule.js';

/** Label holding the sha256 (hex, first 63 characters) of the source the function resource describes. */
export const LABEL_CODE = 'fnx-code';

/** Neutral runtime → Cloud Run functions runtime id. */
export function gcpRuntime(runtime: string): string {
  return runtime.replace(/^python(\d+)\.(\d+)$/, 'python$1$2');
}

export function memoryOf(mb: number): string {
  return mb % 1024 === 0 ? `${mb / 1024}Gi` : `${mb}Mi`;
}

export interface DesiredTrigger {
  readonly eventType: string;
  readonly pubsubTopic?: string;
  readonly eventFilters?: readonly { readonly attribute: string; readonly value: string }[];
  readonly retry: boolean;
  /** The identity Eventarc delivers as (absent: Google's default, which fnx then allows to invoke). */
  readonly serviceAccountEmail?: string;
}

/** updateMask path → value, for every field fnx manages. */
export type Fields = Readonly<Record<string, unknown>>;

export interface DesiredJob {
  readonly id: string;
  readonly schedule: string;
  readonly paused: boolean;
}

export interface DesiredFunction {
  readonly name: string;
  readonly id: string;
  readonly code: string;
  readonly fields: Fields;
  readonly public: boolean;
  readonly jobs: readonly DesiredJob[];
  readonly serviceAccount?: string;
}

export function codeLabel(sha256: string): string {
  return sha256.toLowerCase().slice(0, 63);
}

function eventTrigger(project: string, fn: ResolvedFunction, serviceAccount: string | undefined): DesiredTrigger | undefined {
  const sa = serviceAccount ? { serviceAccountEmail: serviceAccount } : {};
  for (const t of fn.triggers) {
    if (t.kind === 'topic' || t.kind === 'queue') {
      const name = t.kind === 'topic' ? t.name : (t.name ?? '');
      return { eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: name.startsWith('projects/') ? name : `projects/${project}/topics/${name}`, retry: t.kind === 'queue', ...sa };
    }
    if (t.kind === 'storage') {
      const type = t.events[0] === 'deleted' ? 'deleted' : 'finalized';
      return { eventType: `google.cloud.storage.object.v1.${type}`, eventFilters: [{ attribute: 'bucket', value: t.bucket }], retry: false, ...sa };
    }
  }
  return undefined;
}

/** providers.gcp.ingress → serviceConfig.ingressSettings. */
const INGRESS: Record<string, string> = { all: 'ALLOW_ALL', internal: 'ALLOW_INTERNAL_ONLY', 'internal-and-gclb': 'ALLOW_INTERNAL_AND_GCLB' };
const INGRESS_ENUM = ['INGRESS_SETTINGS_UNSPECIFIED', 'ALLOW_ALL', 'ALLOW_INTERNAL_ONLY', 'ALLOW_INTERNAL_AND_GCLB'];

/** A deployed ingressSettings (enum name or number) by name; unset or unspecified is Google's default, ALLOW_ALL. */
function ingressOf(v: unknown): string {
  const name = typeof v === 'number' ? INGRESS_ENUM[v] : typeof v === 'string' ? v : undefined;
  return !name || name === 'INGRESS_SETTINGS_UNSPECIFIED' ? 'ALLOW_ALL' : name;
}

/** Cloud Run functions' instance limits when none is set: at most 100, at least 0. */
const DEFAULT_MAX_INSTANCES = 100;

/** An instance count, undefined when it is the platform default (unset reads back as 0 or the default). */
function instances(v: unknown, dflt: number): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && n !== 0 && n !== dflt ? n : undefined;
}

export function desiredFunction(manifest: ResolvedManifest, fn: ResolvedFunction, artifacts: ArtifactSet, config: { project: string; serviceAccount?: string; ingress?: string }): DesiredFunction {
  const artifact = findArtifact(artifacts, 'function', fn.name, 'gcp');
  if (!artifact) throw new FnxError('E_INTERNAL', `No gcp artifact for function ${fn.name}.`, { exitCode: ExitCode.failed });
  const id = functionId(manifest, fn.name);
  const handlerFile = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.py`;
  const serviceAccount = fn.role ?? config.serviceAccount;
  const trigger = eventTrigger(config.project, fn, serviceAccount);
  const secrets = Object.entries(fn.secrets)
    .map(([key, ref]) => ({ key, secret: secretId(ref.secret), version: 'latest' }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  const fields: Record<string, unknown> = {
    'buildConfig.runtime': gcpRuntime(fn.runtime),
    'buildConfig.entryPoint': entryPoint(fn),
    'buildConfig.environmentVariables': buildEnvironment(fn, handlerFile),
    'serviceConfig.availableMemory': memoryOf(fn.memory),
    'serviceConfig.timeoutSeconds': fn.timeout,
    'serviceConfig.environmentVariables': { ...fn.environment },
    'serviceConfig.secretEnvironmentVariables': secrets,
    // Always managed: absent (the platform default) is compared too, so removing `concurrency`
    // names the field in the mask with no value, which returns it to the default.
    'serviceConfig.maxInstanceCount': instances(fn.concurrency.max, DEFAULT_MAX_INSTANCES),
    'serviceConfig.minInstanceCount': instances(fn.concurrency.warm, 0),
    'serviceConfig.ingressSettings': INGRESS[config.ingress ?? 'all'] ?? 'ALLOW_ALL',
    ...(serviceAccount ? { 'serviceConfig.serviceAccountEmail': serviceAccount } : {}),
    eventTrigger: trigger ?? null,
    labels: labelsOf(manifest, fn),
  };
  const jobs = fn.triggers.flatMap((t, i) => (t.kind === 'schedule' ? [{ id: jobId(id, i), schedule: schedulerExpression(t), paused: !t.enabled }] : []));
  return {
    name: fn.name,
    id,
    code: codeLabel(artifact.sha256),
    fields,
    public: fn.triggers.some((t) => t.kind === 'http' && t.auth === 'none'),
    jobs,
    ...(serviceAccount ? { serviceAccount } : {}),
  };
}

/** The Function resource body for `fields` (+ source and name), as the Functions v2 API takes it. */
export function functionBody(name: string, fields: Fields, code: string, storageSource?: unknown): Record<string, unknown> {
  const get = (k: string) => fields[k];
  const trigger = get('eventTrigger') as DesiredTrigger | null;
  const buildEnv = get('buildConfig.environmentVariables') as Record<string, string>;
  const body: Record<string, unknown> = {
    name,
    environment: 'GEN_2',
    buildConfig: {
      runtime: get('buildConfig.runtime'),
      entryPoint: get('buildConfig.entryPoint'),
      ...(Object.keys(buildEnv).length ? { environmentVariables: buildEnv } : {}),
      ...(storageSource ? { source: { storageSource } } : {}),
    },
    serviceConfig: {
      availableMemory: get('serviceConfig.availableMemory'),
      timeoutSeconds: get('serviceConfig.timeoutSeconds'),
      environmentVariables: get('serviceConfig.environmentVariables'),
      secretEnvironmentVariables: get('serviceConfig.secretEnvironmentVariables'),
      ...(get('serviceConfig.maxInstanceCount') !== undefined ? { maxInstanceCount: get('serviceConfig.maxInstanceCount') } : {}),
      ...(get('serviceConfig.minInstanceCount') !== undefined ? { minInstanceCount: get('serviceConfig.minInstanceCount') } : {}),
      ...(get('serviceConfig.ingressSettings') !== undefined ? { ingressSettings: get('serviceConfig.ingressSettings') } : {}),
      ...(get('serviceConfig.serviceAccountEmail') !== undefined ? { serviceAccountEmail: get('serviceConfig.serviceAccountEmail') } : {}),
      allTrafficOnLatestRevision: false,
    },
    labels: { ...(get('labels') as Record<string, string>), [LABEL_CODE]: code },
  };
  if (trigger) {
    body.eventTrigger = {
      eventType: trigger.eventType,
      ...(trigger.pubsubTopic ? { pubsubTopic: trigger.pubsubTopic } : {}),
      ...(trigger.eventFilters ? { eventFilters: trigger.eventFilters } : {}),
      retryPolicy: trigger.retry ? 'RETRY_POLICY_RETRY' : 'RETRY_POLICY_DO_NOT_RETRY',
      ...(trigger.serviceAccountEmail ? { serviceAccountEmail: trigger.serviceAccountEmail } : {}),
    };
  }
  return body;
}

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/** Environment variables Google adds to every function (not fnx's). */
const GOOGLE_ENV = new Set(['LOG_EXECUTION_ID']);

/** The comparable fields of a deployed Function resource (as the SDK returns it). */
export function deployedFields(f: Record<string, any>): Record<string, unknown> {
  const b = f.buildConfig ?? {};
  const s = f.serviceConfig ?? {};
  const t = f.eventTrigger;
  const env = Object.fromEntries(Object.entries((s.environmentVariables ?? {}) as Record<string, string>).filter(([k]) => !GOOGLE_ENV.has(k)));
  const labels = { ...((f.labels ?? {}) as Record<string, string>) };
  delete labels[LABEL_CODE];
  const retry = t?.retryPolicy === 2 || t?.retryPolicy === 'RETRY_POLICY_RETRY';
  return {
    'buildConfig.runtime': b.runtime,
    'buildConfig.entryPoint': b.entryPoint,
    'buildConfig.environmentVariables': b.environmentVariables ?? {},
    'serviceConfig.availableMemory': s.availableMemory,
    'serviceConfig.timeoutSeconds': s.timeoutSeconds,
    'serviceConfig.environmentVariables': env,
    'serviceConfig.secretEnvironmentVariables': ((s.secretEnvironmentVariables ?? []) as { key: string; secret: string; version: string }[])
      .map((x) => ({ key: x.key, secret: x.secret, version: x.version }))
      .sort((a, b2) => (a.key < b2.key ? -1 : 1)),
    'serviceConfig.maxInstanceCount': instances(s.maxInstanceCount, DEFAULT_MAX_INSTANCES),
    'serviceConfig.minInstanceCount': instances(s.minInstanceCount, 0),
    'serviceConfig.ingressSettings': ingressOf(s.ingressSettings),
    'serviceConfig.serviceAccountEmail': s.serviceAccountEmail,
    eventTrigger:
      t && t.eventType
        ? {
            eventType: t.eventType,
            ...(t.pubsubTopic ? { pubsubTopic: t.pubsubTopic } : {}),
            ...((t.eventFilters ?? []).length ? { eventFilters: (t.eventFilters as { attribute: string; value: string }[]).map((x) => ({ attribute: x.attribute, value: x.value })) } : {}),
            retry,
            ...(t.serviceAccountEmail ? { serviceAccountEmail: String(t.serviceAccountEmail) } : {}),
          }
        : null,
    labels,
  };
}

function canonical(v: unknown): string {
  if (empty(v)) return '';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${k}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(typeof v === 'number' ? v : String(v));
}

/**
 * The managed fields whose desired value differs from the deployed one (updateMask paths). An
 * event trigger without an identity keeps the one Google gave it.
 */
export function changedFields(desired: Fields, deployed: Fields): string[] {
  const trigger = desired.eventTrigger as DesiredTrigger | null | undefined;
  const given = (deployed.eventTrigger as DesiredTrigger | null | undefined)?.serviceAccountEmail;
  const want: Fields = trigger && !trigger.serviceAccountEmail && given ? { ...desired, eventTrigger: { ...trigger, serviceAccountEmail: given } } : desired;
  return Object.keys(want).filter((k) => canonical(want[k]) !== canonical(deployed[k]));
}
