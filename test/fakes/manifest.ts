/** Builders for resolved manifests in tests. */
import type { ReleasePolicy, ResolvedFunction, ResolvedManifest } from '../../src/manifest/model.js';

export function policy(p: Partial<ReleasePolicy> = {}): ReleasePolicy {
  return { strategy: 'all-at-once', steps: [100], intervalSeconds: 0, health: { alarms: [] }, hooks: {}, ...p };
}

/** canary: `percent` for `waitSeconds`, then 100. */
export function canary(percent: number, waitSeconds: number, extra: Partial<ReleasePolicy> = {}): ReleasePolicy {
  return policy({ strategy: 'canary', steps: [percent, 100], intervalSeconds: waitSeconds, ...extra });
}

/** linear: +`step`% every `intervalSeconds`. */
export function linear(step: number, intervalSeconds: number, extra: Partial<ReleasePolicy> = {}): ReleasePolicy {
  const steps: number[] = [];
  for (let p = step; p < 100; p += step) steps.push(p);
  steps.push(100);
  return policy({ strategy: 'linear', steps, intervalSeconds, ...extra });
}

export function fn(name: string, over: Partial<ResolvedFunction> = {}): ResolvedFunction {
  return {
    name,
    handler: `src/${name}.handler`,
    runtime: 'nodejs20',
    memory: 256,
    timeout: 30,
    architecture: 'x86_64',
    environment: {},
    secrets: {},
    layers: [],
    package: { include: ['**'], exclude: [], strategy: 'all', external: [] },
    providers: ['aws'],
    triggers: [],
    release: policy(),
    concurrency: {},
    tracing: false,
    tags: {},
    ...over,
  };
}

export function manifest(functions: readonly ResolvedFunction[], over: Partial<ResolvedManifest> = {}): ResolvedManifest {
  return {
    file: '/project/fnx.yaml',
    rootDir: '/project',
    service: 'orders',
    stage: 'prod',
    providers: { aws: { region: 'us-east-1', tags: {} } },
    layers: {},
    functions: [...functions].sort((a, b) => a.name.localeCompare(b.name)),
    ...over,
  };
}
