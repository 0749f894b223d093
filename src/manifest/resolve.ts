/**
 * Converts a validated, stage-merged, variable-resolved document into the frozen
 * ResolvedManifest: defaults applied, paths absolute, durations in seconds, release steps
 * computed, error rates as fractions, secret references as { secret } objects.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { providerModules } from '../registry.js';
import type { Locator } from './locator.js';
import type {
  HealthPolicy,
  ProviderConfigs,
  ReleasePolicy,
  ResolvedFunction,
  ResolvedLayer,
  ResolvedManifest,
  SecretRef,
  StreamTrigger,
  Trigger,
} from './model.js';
import { join } from './pointer.js';
import { functionReferences } from './references.js';
import type { FunctionSpec, Release, Trigger as UserTrigger, UserManifest } from './schema.generated.js';
import { releaseStrategy } from './release-strategy.js';
import { mergedMap, setting } from './settings.js';
import { providersOf } from './semantic.js';
import { durationSeconds, fraction, latencyMs, sizeBytes } from './units.js';

export const DEFAULTS = {
  runtime: 'nodejs22',
  memory: 256,
  timeout: 30,
  architecture: 'x86_64',
  tracing: false,
  include: ['**'],
  exclude: [] as string[],
  httpMethod: 'ANY',
  httpAuth: 'none',
  batchSize: 10,
  streamBatchSize: 100,
  probeMethod: 'GET',
  probeExpect: 200,
} as const;

export interface ResolveContext {
  readonly file: string;
  readonly rootDir: string;
  readonly stage: string;
  readonly locator: Locator;
  /** Variable-fed strings by pointer (ResolvedVariables.references). */
  readonly references?: ReadonlyMap<string, string>;
}

export function toResolvedManifest(input: Record<string, unknown>, ctx: ResolveContext): ResolvedManifest {
  const doc = input as unknown as UserManifest;
  const raw = input;
  const abs = (p: string) => (isAbsolute(p) ? p : resolvePath(ctx.rootDir, p));

  const layers: Record<string, ResolvedLayer> = {};
  for (const [name, l] of Object.entries(doc.layers ?? {})) {
    layers[name] = {
      name,
      kind: l.from !== undefined ? 'package' : 'dir',
      path: abs((l.from ?? l.path)!),
      // The `from:` / `path:` value: packaging errors about the layer's files point at it.
      location: ctx.locator.locate(join('', 'layers', name, l.from !== undefined ? 'from' : 'path')),
    };
  }

  const functions: ResolvedFunction[] = Object.entries(doc.functions)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, fn]) => resolveFunction(raw, name, fn, ctx));

  const blocks = doc.providers as Record<string, Record<string, unknown> | undefined>;
  const providers = Object.fromEntries(
    providerModules().flatMap((m) => {
      const block = blocks[m.name];
      return block ? [[m.name, m.resolveConfig(block)]] : [];
    }),
  ) as ProviderConfigs;

  return deepFreeze({ file: ctx.file, rootDir: ctx.rootDir, service: doc.service, stage: ctx.stage, providers, layers, functions });
}

function resolveFunction(doc: Record<string, unknown>, name: string, fn: FunctionSpec, ctx: ResolveContext): ResolvedFunction {
  const get = <T>(key: string, fallback: T): T => (setting(doc, name, key).value as T | undefined) ?? fallback;
  const pkg = get<{ include?: string[]; exclude?: string[]; trace?: boolean; bundle?: 'esbuild'; external?: string[]; budget?: { unzipped?: number | string; zipped?: number | string } }>('package', {});
  const runtime = get('runtime', DEFAULTS.runtime);
  const strategy = runtime.startsWith('python') ? 'all' : pkg.bundle ? 'bundle' : pkg.trace === false ? 'all' : 'trace';
  const pkgPointer = setting(doc, name, 'package').pointer;
  const budget = pkg.budget && {
    ...(pkg.budget.unzipped !== undefined ? { unzipped: sizeBytes(pkg.budget.unzipped) } : {}),
    ...(pkg.budget.zipped !== undefined ? { zipped: sizeBytes(pkg.budget.zipped) } : {}),
    ...(pkgPointer ? { location: ctx.locator.locate(join(pkgPointer, 'budget'), 'key') } : {}),
  };
  const concurrency = get<{ max?: number; warm?: number }>('concurrency', {});
  const deadLetter = get<{ queue?: string; topic?: string } | undefined>('deadLetter', undefined);
  const network = get<{ subnets: string[]; securityGroups: string[] } | undefined>('network', undefined);
  const logRetention = get<number | undefined>('logRetention', undefined);
  const role = get<string | undefined>('role', undefined);
  const events = get<'neutral' | 'native'>('events', 'neutral');

  const variables = functionReferences(doc, name, ctx.references ?? new Map());
  const secrets: Record<string, SecretRef> = {};
  for (const [k, v] of Object.entries(mergedMap(doc, name, 'secrets'))) {
    secrets[k] = { secret: String(v).slice('${secret:'.length, -1) };
  }

  return {
    name,
    handler: fn.handler,
    runtime,
    memory: get('memory', DEFAULTS.memory),
    timeout: get('timeout', DEFAULTS.timeout),
    architecture: get('architecture', DEFAULTS.architecture),
    environment: stringMap(mergedMap(doc, name, 'environment')),
    secrets,
    layers: get<string[]>('layers', []),
    package: {
      include: pkg.include ?? (strategy === 'all' ? [...DEFAULTS.include] : []),
      exclude: pkg.exclude ?? [...DEFAULTS.exclude],
      strategy,
      external: pkg.external ?? [],
      ...(budget ? { budget } : {}),
    },
    providers: providersOf(doc, fn as unknown as Record<string, unknown>),
    triggers: (fn.triggers ?? []).map(resolveTrigger),
    release: resolveRelease(get<Release>('release', {})),
    concurrency: { ...(concurrency.max !== undefined ? { max: concurrency.max } : {}), ...(concurrency.warm !== undefined ? { warm: concurrency.warm } : {}) },
    ...(deadLetter ? { deadLetter: { ...deadLetter } } : {}),
    tracing: get('tracing', DEFAULTS.tracing),
    ...(logRetention !== undefined ? { logRetention } : {}),
    tags: stringMap(mergedMap(doc, name, 'tags')),
    ...(network ? { network: { subnets: [...network.subnets], securityGroups: [...network.securityGroups] } } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(events === 'native' ? { events } : {}),
    location: ctx.locator.locate(join('', 'functions', name), 'key'),
    ...(Object.keys(variables).length ? { variables } : {}),
  };
}

function stringMap(m: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
}

function resolveTrigger(t: UserTrigger): Trigger {
  if (t.http) return { kind: 'http', method: t.http.method ?? DEFAULTS.httpMethod, path: t.http.path, auth: t.http.auth ?? DEFAULTS.httpAuth };
  if (t.schedule) {
    const s = t.schedule;
    return {
      kind: 'schedule',
      ...(s.cron !== undefined ? { cron: s.cron.trim().split(/\s+/).join(' ') } : {}),
      ...(s.rate !== undefined ? { rateSeconds: durationSeconds(s.rate) } : {}),
      enabled: s.enabled ?? true,
    };
  }
  if (t.queue) {
    const q = t.queue;
    return { kind: 'queue', ...(q.name !== undefined ? { name: q.name } : {}), ...(q.arn !== undefined ? { arn: q.arn } : {}), batchSize: q.batchSize ?? DEFAULTS.batchSize };
  }
  if (t.storage) {
    const s = t.storage;
    return { kind: 'storage', bucket: s.bucket, events: [...s.events], ...(s.prefix !== undefined ? { prefix: s.prefix } : {}), ...(s.suffix !== undefined ? { suffix: s.suffix } : {}) };
  }
  if (t.stream) return resolveStream(t.stream);
  return { kind: 'topic', name: t.topic!.name };
}

function resolveStream(s: NonNullable<UserTrigger['stream']>): StreamTrigger {
  return {
    kind: 'stream',
    source: s.source,
    name: (s.source === 'dynamodb' ? s.table : s.stream) ?? '',
    batchSize: s.batchSize ?? DEFAULTS.streamBatchSize,
    batchWindow: s.batchWindow ?? 0,
    startingPosition: s.startingPosition ?? 'latest',
    ...(s.timestamp !== undefined ? { timestamp: s.timestamp } : {}),
    maxRetries: s.maxRetries ?? -1,
    maxAge: s.maxAge ?? -1,
    bisectOnError: s.bisectOnError ?? false,
    parallelization: s.parallelization ?? 1,
    filter: (s.filter ?? []).map((f) => ({ ...f })),
    ...(s.onFailure ? { onFailure: { ...s.onFailure } } : {}),
  };
}

/** Cumulative percentages: canary p -> [p, 100]; linear s -> [s, 2s, ..., 100]; explicit steps as written. */
export function releaseSteps(r: Release): number[] {
  const strategy = releaseStrategy(r);
  if (strategy === 'all-at-once') return [100];
  if (r.steps) return [...r.steps];
  if (strategy === 'canary') return [r.percent!, 100];
  const out: number[] = [];
  for (let p = r.step!; p < 100; p += r.step!) out.push(p);
  out.push(100);
  return out;
}

function resolveRelease(r: Release): ReleasePolicy {
  const strategy = releaseStrategy(r) as ReleasePolicy['strategy'];
  const interval = strategy === 'all-at-once' ? 0 : strategy === 'canary' && !r.steps ? durationSeconds(r.wait!) : durationSeconds(r.interval!);
  const h = r.health ?? {};
  const health: HealthPolicy = {
    alarms: [...(h.alarms ?? [])],
    ...(h.errorRate !== undefined ? { errorRate: fraction(h.errorRate) } : {}),
    ...(h.http
      ? {
          http: {
            ...(h.http.url !== undefined ? { url: h.http.url } : {}),
            ...(h.http.path !== undefined ? { path: h.http.path } : {}),
            method: h.http.method ?? DEFAULTS.probeMethod,
            expect: h.http.expect ?? DEFAULTS.probeExpect,
            ...(h.http.maxLatency !== undefined ? { maxLatencyMs: latencyMs(h.http.maxLatency) } : {}),
          },
        }
      : {}),
  };
  return {
    strategy,
    steps: releaseSteps(r),
    intervalSeconds: interval,
    health,
    hooks: { ...(r.hooks?.preTraffic ? { preTraffic: r.hooks.preTraffic } : {}), ...(r.hooks?.postTraffic ? { postTraffic: r.hooks.postTraffic } : {}) },
    ...(r.fallback && Object.keys(r.fallback).length > 0 ? { fallback: { ...r.fallback } } : {}),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
