/**
 * One interface over the three emulators for the chaos suites: an n-function project per cloud
 * (http functions, some with a schedule or a queue trigger, the first with a canary release behind
 * a health gate), the built CLI against the emulator, seeded faults, the normalized end state,
 * call counts, the pointer log and a kill switch that fires after the emulator recorded its Nth
 * write. Needs `npm run build`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliResult, RunOptions } from '../helpers/cli.js';
import type { AwsEmulator } from '../emulators/aws/index.js';
import type { AzureEmulator } from '../emulators/azure/index.js';
import type { GcpEmulator } from '../emulators/gcp/index.js';
import * as aws from '../e2e/aws/world.js';
import * as azure from '../e2e/azure/world.js';
import * as gcp from '../e2e/gcp/world.js';
import { normalize } from './normalize.js';

export type Provider = 'aws' | 'azure' | 'gcp';
export const PROVIDERS: readonly Provider[] = ['aws', 'azure', 'gcp'];
export type Files = Record<string, string>;

/**
 * Google Cloud's 5xx here is 503 UNAVAILABLE: its 500 INTERNAL is not retryable (AIP-194), and fnx
 * does not retry it, so it is left out of the GCP mix (the emulator has it as `error500`).
 */
export interface FaultPlan {
  rate: number;
  seed: number;
  /** Include 5 s stalls among the kinds (slow answers), besides throttling, 500s and resets. */
  stallMs?: number;
}

/**
 * One pointer change as the emulator logged it: the function (alias / app / service) it is on, the
 * versions it routes to with their shares (ids: AWS 'version', Azure the package sha256, GCP the
 * revision), and what was wrong with a named version at that moment (not finished publishing).
 */
export interface PointerChange {
  target: string;
  routes: Record<string, number>;
  problems: string[];
}

export interface CallCounts {
  calls: number;
  writes: number;
  faults: number;
}

export interface ChaosWorld {
  readonly provider: Provider;
  /** fnx.yaml and sources for `n` functions; `code` changes the first function's code. */
  project(n: number, code?: string): Files;
  newProject(files: Files): Promise<string>;
  writeProject(dir: string, files: Files): Promise<void>;
  fnx(dir: string, args: readonly string[], opts?: RunOptions): Promise<CliResult>;
  setFaults(plan: FaultPlan | undefined): void;
  /** The gate of the first function: failing or healthy. */
  setGate(failing: boolean): void;
  snapshot(): unknown;
  counts(): CallCounts;
  clearCalls(): void;
  /** The emulator's whole pointer log, in order. */
  pointers(): PointerChange[];
  /** Versions / revisions / slot packages per function and trigger counts, to find duplicates. */
  inventory(): Record<string, number>;
  /**
   * The functions whose live pointer serves other code than the artifacts the checkout `dir` last
   * built (AWS only: it compares the served versions' CodeSha256; undefined on the other clouds).
   */
  notServing?(dir: string): string[];
  /** Call `kill` right after the emulator records its nth write from now (0: never). */
  killAfterWrites(n: number, kill: () => void): void;
  close(): Promise<void>;
}

const code = (marker: string) => `export const handler = async () => ({ statusCode: 200, body: "${marker}" });\n`;
const names = (n: number) => Array.from({ length: n }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);

/** Hooks `push` of an emulator's call array: `onWrite` runs after each recorded write call. */
/** Counts the stage's writes as counts() does: a call marked `lease` (the stage lease's record) is not one. */
function watchWrites<C extends { write: boolean; lease?: boolean }>(calls: C[], state: { left: number; kill?: () => void }): void {
  const push = Array.prototype.push;
  Object.defineProperty(calls, 'push', {
    configurable: true,
    value(this: C[], ...items: C[]) {
      const n = push.apply(this, items);
      for (const c of items) {
        if (!c.write || c.lease || state.left <= 0) continue;
        state.left -= 1;
        if (state.left === 0) state.kill?.();
      }
      return n;
    },
  });
}

const TIME = { FNX_TIME_SCALE: '0.001' };

async function awsWorld(): Promise<ChaosWorld> {
  const emu: AwsEmulator = await aws.startWorld({ asyncDelayMs: 20 });
  const kill = { left: 0 } as { left: number; kill?: () => void };
  watchWrites(emu.calls, kill);
  const manifest = (n: number) => `service: chaos
providers:
  aws: { region: us-east-1 }
defaults:
  runtime: nodejs22
functions:
${names(n)
  .map(
    (f, i) => `  ${f}:
    handler: src/${f}.handler
    package: { include: ["src/${f}.js"] }
${i === 0 ? '    release: { strategy: canary, percent: 10, wait: 5m, health: { alarms: [chaos-gate] } }\n' : ''}    triggers:
      - http: { method: GET, path: /${f} }
${i % 4 === 1 ? '      - schedule: { cron: "0 2 * * *" }\n' : ''}${i % 5 === 2 ? '      - queue: { name: jobs }\n' : ''}`,
  )
  .join('')}`;
  emu.setAlarm('chaos-gate', 'OK');
  return {
    provider: 'aws',
    project: (n, first = 'v1') => ({ 'fnx.yaml': manifest(n), ...Object.fromEntries(names(n).map((f, i) => [`src/${f}.js`, code(i === 0 ? first : f)])) }),
    newProject: aws.newProject,
    writeProject: aws.writeProject,
    fnx: (dir, args, opts = {}) => aws.fnx(emu, dir, args, { timeoutMs: 600_000, ...opts, env: { ...TIME, ...opts.env } }),
    setFaults: (p) => emu.setFaults(p && { rate: p.rate, seed: p.seed, retryAfterSeconds: 0, kinds: p.stallMs ? ['throttle', 'error500', 'reset', 'slow'] : ['throttle', 'error500', 'reset'], slowMs: p.stallMs }),
    setGate: (failing) => emu.setAlarm('chaos-gate', failing ? 'ALARM' : 'OK'),
    snapshot: () => {
      const s = aws.snapshot(emu);
      return { ...s, functions: s.functions.filter((f) => f.name.startsWith('chaos-')) };
    },
    counts: () => ({ calls: emu.calls.length, writes: emu.writeCalls().length, faults: emu.calls.filter((c) => c.fault).length }),
    clearCalls: () => emu.clearCalls(),
    pointers: () =>
      emu.traffic
        .filter((t) => t.operation !== 'DeleteAlias')
        .map((t) => {
          const extra = Object.values(t.weights).reduce((a, b) => a + b, 0);
          return {
            target: `${t.function}:${t.alias}`,
            routes: { [t.version]: 1 - extra, ...t.weights },
            problems: Object.entries(t.states)
              .filter(([, state]) => state !== 'Active')
              .map(([v, state]) => `version ${v} is ${state}`),
          };
        }),
    inventory: () => {
      const out: Record<string, number> = {};
      for (const f of emu.state.lambda.functions.values()) {
        if (!f.name.startsWith('chaos-')) continue;
        const shas = [...f.versions.values()].map((v) => v.code.sha256 + JSON.stringify(v.config.Environment ?? {}));
        out[`${f.name} duplicate versions`] = shas.length - new Set(shas).size;
        out[`${f.name} permissions`] = [...f.policies.values()].reduce((a, p) => a + p.statements.length, 0);
      }
      out.mappings = emu.state.lambda.eventSourceMappings.size;
      out.rules = [...emu.state.events.rules.values()].filter((r) => r.Name.startsWith('chaos-')).length;
      out.roles = [...emu.state.iam.roles.values()].filter((r) => r.RoleName.startsWith('chaos-')).length;
      out.routes = [...emu.state.apigateway.apis.values()].reduce((a, api) => a + api.routes.size, 0);
      return out;
    },
    notServing: (dir) =>
      [...emu.state.lambda.functions.values()]
        .filter((f) => f.name.startsWith('chaos-'))
        .filter((f) => {
          const built = createHash('sha256').update(readFileSync(join(dir, '.fnx/build/dev/functions', `${f.name.replace(/^chaos-dev-/, '')}.zip`))).digest('base64');
          const alias = f.aliases.get('live');
          const served = alias ? [alias.functionVersion, ...Object.keys(alias.routingConfig?.AdditionalVersionWeights ?? {})] : [];
          return served.length === 0 || served.some((v) => f.versions.get(v)?.code.sha256 !== built);
        })
        .map((f) => f.name),
    killAfterWrites: (n, fn) => {
      kill.left = n;
      kill.kill = fn;
    },
    close: () => emu.close(),
  };
}

async function azureWorld(): Promise<ChaosWorld> {
  const emu: AzureEmulator = await azure.startWorld();
  const kill = { left: 0 } as { left: number; kill?: () => void };
  watchWrites(emu.calls, kill);
  emu.setAlertState('chaos-gate', 'Healthy');
  const manifest = (n: number) => `service: chaos
providers:
  azure: { resourceGroup: chaos-rg, location: westeurope, plan: premium }
defaults:
  runtime: nodejs22
functions:
${names(n)
  .map(
    (f, i) => `  ${f}:
    handler: src/${f}.handler
    package: { include: ["src/${f}.js"] }
${i === 0 ? '    release: { strategy: canary, percent: 25, wait: 5m, health: { alarms: [chaos-gate] } }\n' : ''}    triggers:
      - http: { method: GET, path: /${f} }
${i % 4 === 1 ? '      - schedule: { cron: "0 2 * * *" }\n' : ''}${i % 5 === 2 ? '      - queue: { name: jobs }\n' : ''}`,
  )
  .join('')}`;
  return {
    provider: 'azure',
    project: (n, first = 'v1') => ({
      'fnx.yaml': manifest(n),
      'package.json': '{ "name": "chaos", "version": "1.0.0", "type": "module" }\n',
      ...Object.fromEntries(names(n).map((f, i) => [`src/${f}.js`, code(i === 0 ? first : f)])),
    }),
    newProject: azure.newProject,
    writeProject: azure.writeProject,
    fnx: (dir, args, opts = {}) => azure.fnx(emu, dir, args, { timeoutMs: 600_000, ...opts, env: { ...TIME, ...opts.env } }),
    setFaults: (p) =>
      emu.setFaults(p && { rate: p.rate, seed: p.seed, retryAfterSeconds: 0, services: ['arm', 'scm', 'blob'], kinds: p.stallMs ? ['throttle', 'error500', 'reset', 'slow'] : ['throttle', 'error500', 'reset'], slowMs: p.stallMs }),
    setGate: (failing) => emu.setAlertState('chaos-gate', failing ? 'Unhealthy' : 'Healthy'),
    snapshot: () => normalize({ sites: emu.state.sites, plans: emu.state.plans, roleAssignments: emu.state.roleAssignments, eventSubscriptions: emu.state.eventSubscriptions, metricAlerts: emu.state.metricAlerts }),
    counts: () => ({ calls: emu.calls.length, writes: emu.writeCalls().length, faults: emu.calls.filter((c) => c.fault).length }),
    clearCalls: () => emu.clearCalls(),
    pointers: () =>
      emu.traffic.flatMap((t) => {
        if (t.kind === 'deployment') return [];
        const served = t.kind === 'rampUpRules' ? t.targets.map((c, i) => ({ c, share: (t.rules[i]?.reroutePercentage ?? 0) / 100 })) : [{ c: t.production, share: 1 }];
        return [
          {
            target: t.app,
            routes: Object.fromEntries(served.map(({ c, share }) => [c.sha256 ?? `(empty ${c.slot})`, share])),
            problems: served.filter(({ c, share }) => share > 0 && c.deployment !== 'Succeeded').map(({ c }) => `slot ${c.slot} deployment is ${c.deployment}`),
          },
        ];
      }),
    inventory: () => {
      const out: Record<string, number> = {};
      for (const site of emu.state.sites.values()) out[`${site.name} slots`] = site.slots.size;
      out.roleAssignments = emu.state.roleAssignments.length;
      out.eventSubscriptions = emu.state.eventSubscriptions.length;
      return out;
    },
    killAfterWrites: (n, fn) => {
      kill.left = n;
      kill.kill = fn;
    },
    close: () => emu.close(),
  };
}

async function gcpWorld(): Promise<ChaosWorld> {
  const emu: GcpEmulator = await gcp.startWorld();
  const kill = { left: 0 } as { left: number; kill?: () => void };
  watchWrites(emu.calls, kill);
  emu.setAlert('chaos-gate', 'CLOSED');
  const manifest = (n: number) => `service: chaos
providers:
  gcp: { project: ${gcp.PROJECT}, region: europe-west1, serviceAccount: "fn@${gcp.PROJECT}.iam.gserviceaccount.com" }
defaults:
  runtime: nodejs22
functions:
${names(n)
  .map(
    (f, i) => `  ${f}:
    handler: src/${f}.handler
    package: { include: ["src/${f}.js", package.json] }
${i === 0 ? '    release: { strategy: canary, percent: 10, wait: 5m, health: { alarms: [chaos-gate] } }\n' : ''}    triggers:
${i % 5 === 2 ? '      - queue: { name: jobs }\n' : `      - http: { method: GET, path: /${f} }\n${i % 4 === 1 ? '      - schedule: { cron: "0 2 * * *" }\n' : ''}`}`,
  )
  .join('')}`;
  return {
    provider: 'gcp',
    project: (n, first = 'v1') => ({
      'fnx.yaml': manifest(n),
      'package.json': '{ "name": "chaos", "type": "module" }\n',
      ...Object.fromEntries(names(n).map((f, i) => [`src/${f}.js`, code(i === 0 ? first : f)])),
    }),
    newProject: gcp.newProject,
    writeProject: gcp.writeProject,
    fnx: (dir, args, opts = {}) => gcp.fnx(emu, dir, args, { timeoutMs: 600_000, ...opts, env: { ...TIME, ...opts.env } }),
    setFaults: (p) => emu.setFaults(p && { rate: p.rate, seed: p.seed, kinds: p.stallMs ? ['unavailable', 'exhausted', 'reset', 'slow'] : ['unavailable', 'exhausted', 'reset'], slowMs: p.stallMs }),
    setGate: (failing) => emu.setAlert('chaos-gate', failing ? 'OPEN' : 'CLOSED'),
    // The stage lease secret (state.secrets) is left out: its holder ids and times differ between runs.
    snapshot: () => normalize({ functions: emu.state.functions, services: emu.state.services, jobs: emu.state.jobs }),
    // writes: writeCalls() leaves out the lease's own Secret Manager writes (recorded as `lease`).
    counts: () => {
      const api = emu.calls.filter((c) => c.api !== 'oauth');
      return { calls: api.length, writes: emu.writeCalls().length, faults: api.filter((c) => c.fault).length };
    },
    clearCalls: () => emu.clearCalls(),
    pointers: () =>
      emu.traffic.map((t) => ({
        target: t.service,
        routes: Object.fromEntries(t.split.map((e) => [e.revision, e.percent / 100])),
        problems: t.unready.map((r) => `revision ${r} was not ready`),
      })),
    inventory: () => {
      const out: Record<string, number> = {};
      for (const s of emu.state.services.values()) out[`${s.name.split('/').pop()} revisions`] = s.revisions.length;
      out.jobs = emu.state.jobs.size;
      out.functions = emu.state.functions.size;
      return out;
    },
    killAfterWrites: (n, fn) => {
      kill.left = n;
      kill.kill = fn;
    },
    close: () => emu.close(),
  };
}

export function startChaosWorld(provider: Provider): Promise<ChaosWorld> {
  return provider === 'aws' ? awsWorld() : provider === 'azure' ? azureWorld() : gcpWorld();
}
