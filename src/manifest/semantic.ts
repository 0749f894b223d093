/**
 * Checks the schema cannot express: references between parts of the manifest (layers, hooks,
 * providers), cron syntax, release settings that fit the strategy, and the limits and abilities
 * of each provider the functions deploy to (from providers/index.ts capabilities, no SDK).
 * Runs on the validated document but tolerates shapes the schema already rejected.
 */
import { capabilities, providerModule, providerNames } from '../registry.js';
import type { FnxError } from '../errors.js';
import type { ProviderName } from './model.js';
import type { Locator } from './locator.js';
import { display, isRecord, join } from './pointer.js';
import { problem } from './problems.js';
import { releaseStrategy } from './release-strategy.js';
import { checkCron } from './cron.js';
import { streamProblems } from './stream-rules.js';
import { defaultsOf, functionsOf, mergedMap, setting } from './settings.js';
import { didYouMean, listOf } from './suggest.js';
import { durationSeconds, fraction } from './units.js';

export interface SemanticResult {
  readonly errors: FnxError[];
  readonly warnings: FnxError[];
}

export function configuredProviders(doc: Record<string, unknown>): ProviderName[] {
  const p = isRecord(doc.providers) ? doc.providers : {};
  return providerNames().filter((n) => isRecord(p[n]));
}

/** The providers function `fn` deploys to: its `providers` list, else every configured one. */
export function providersOf(doc: Record<string, unknown>, fn: Record<string, unknown>): ProviderName[] {
  const configured = configuredProviders(doc);
  if (!Array.isArray(fn.providers)) return configured;
  return fn.providers.filter((p): p is ProviderName => configured.includes(p as ProviderName));
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

export function checkSemantics(doc: Record<string, unknown>, locator: Locator): SemanticResult {
  const errors: FnxError[] = [];
  const warnings: FnxError[] = [];
  const at = (pointer: string, prefer: 'key' | 'value' = 'value') => locator.locate(pointer, prefer);
  const functions = functionsOf(doc);
  const functionNames = functions.map(([n]) => n);
  const layers = rec(doc.layers);
  const configured = configuredProviders(doc);
  const usedLayers = new Set<string>();

  // Cloud names derived from function names (IAM roles, Azure apps) are case-insensitive.
  const byLowerCase = new Map<string, string>();
  for (const name of functionNames) {
    const first = byLowerCase.get(name.toLowerCase());
    if (first === undefined) {
      byLowerCase.set(name.toLowerCase(), name);
      continue;
    }
    const firstAt = at(join('', 'functions', first), 'key');
    errors.push(
      problem(
        'E_FUNCTION_NAME_CASE',
        `Functions \`${first}\` (line ${firstAt.line}, column ${firstAt.column}) and \`${name}\` differ only in upper and lower case.`,
        at(join('', 'functions', name), 'key'),
        'Names of the cloud resources fnx creates for a function (such as IAM roles) ignore case, so these two would collide: rename one of them.',
      ),
    );
  }

  // Sections that may appear in `defaults` and in each function: checked where they are written.
  const sections: [string, Record<string, unknown>][] = [['/defaults', defaultsOf(doc)], ...functions.map(([n, f]) => [join('', 'functions', n), f] as [string, Record<string, unknown>])];
  for (const [base, s] of sections) {
    arr(s.layers).forEach((name, i) => {
      if (typeof name !== 'string') return;
      usedLayers.add(name);
      if (!Object.hasOwn(layers, name)) {
        const suggestion = didYouMean(name, Object.keys(layers));
        errors.push(
          problem(
            'E_LAYER_UNKNOWN',
            `Layer \`${name}\` is not defined under \`layers\`.`,
            at(join(base, 'layers', i)),
            suggestion ?? (Object.keys(layers).length ? `Defined layers: ${listOf(Object.keys(layers))}.` : 'Define it: `layers: { deps: { from: package.json } }`.'),
          ),
        );
      }
    });
    const c = rec(s.concurrency);
    if (typeof c.warm === 'number' && typeof c.max === 'number' && c.warm > c.max) {
      errors.push(
        problem('E_CONCURRENCY', `concurrency.warm (${c.warm}) is greater than concurrency.max (${c.max}) in ${display(base)}.`, at(join(base, 'concurrency', 'warm')), 'Keep warm ≤ max: warm instances count against the maximum.'),
      );
    }
    if (isRecord(s.release)) checkRelease(s.release, join(base, 'release'), functionNames, locator, errors);
  }

  for (const [name, fn] of functions) {
    const base = join('', 'functions', name);
    // Bundling is for Node; a Python function inheriting `bundle` from defaults is simply not bundled.
    const runtime = fn.runtime ?? defaultsOf(doc).runtime;
    if (typeof runtime === 'string' && runtime.startsWith('python') && rec(fn.package).bundle !== undefined) {
      errors.push(problem('E_PACKAGE_BUNDLE_RUNTIME', `Function \`${name}\` runs ${runtime}: \`package.bundle\` bundles Node.js code only.`, at(join(base, 'package', 'bundle')), 'Remove `bundle` from this function: Python functions are packaged with their files.'));
    }
    arr(fn.providers).forEach((p, i) => {
      if (typeof p === 'string' && !configured.includes(p as ProviderName)) {
        errors.push(
          problem(
            'E_FUNCTION_PROVIDER',
            `Function \`${name}\` deploys to \`${p}\`, which is not configured under \`providers\`.`,
            at(join(base, 'providers', i)),
            configured.length ? `Configured providers: ${listOf(configured)}. Add a \`${p}\` block under \`providers\` or remove it here.` : `Add a \`${p}\` block under \`providers\`.`,
          ),
        );
      }
    });
    arr(fn.triggers).forEach((t, i) => {
      if (isRecord(t) && 'stream' in t) errors.push(...streamProblems(t.stream, join(base, 'triggers', i, 'stream'), locator));
      const schedule = rec(rec(t).schedule);
      const tp = join(base, 'triggers', i, 'schedule');
      if (typeof schedule.cron === 'string') {
        const bad = checkCron(schedule.cron);
        if (bad) errors.push(problem('E_SCHEDULE_CRON', bad.message, locator.locateOffset(join(tp, 'cron'), bad.offset), bad.hint));
      }
    });
  }

  providerLimits(doc, functions, locator, errors, warnings);
  httpRoutes(doc, functions, locator, errors);
  duplicateTriggers(functions, locator, errors);
  healthProbes(doc, functions, locator, errors);

  for (const name of Object.keys(layers)) {
    if (!usedLayers.has(name)) {
      warnings.push(problem('W_LAYER_UNUSED', `Layer \`${name}\` is not used by any function.`, at(join('', 'layers', name), 'key'), 'Add it to a function\'s (or defaults\') `layers`, or remove it.'));
    }
  }
  return { errors, warnings };
}

function checkRelease(r: Record<string, unknown>, base: string, functionNames: string[], locator: Locator, errors: FnxError[]): void {
  const strategy = releaseStrategy(r);
  const has = (k: string) => r[k] !== undefined;
  const field = (k: string, why: string, hint: string) => errors.push(problem('E_RELEASE_FIELD', `\`${k}\` ${why} (in ${display(base)}).`, locator.locate(join(base, k), 'key'), hint));
  const needs = (keys: string[], hint: string) => {
    const missing = keys.filter((k) => !has(k));
    if (missing.length) {
      errors.push(
        problem(
          'E_RELEASE_FIELD',
          `Strategy \`${strategy}\` needs ${missing.map((k) => `\`${k}\``).join(' and ')} (in ${display(base)}).`,
          locator.locate(join(base, has('strategy') ? 'strategy' : ''), has('strategy') ? 'value' : 'key'),
          hint,
        ),
      );
    }
  };
  if (strategy === 'all-at-once') {
    for (const k of ['percent', 'wait', 'step', 'interval', 'steps']) {
      if (has(k))
        field(
          k,
          'does not apply to the all-at-once strategy',
          'Remove it, or use `strategy: canary` (percent, wait), `strategy: linear` (step, interval), or explicit `steps: [5, 20, 100]` with `interval` and no `strategy: all-at-once`.',
        );
    }
  } else if (has('steps')) {
    for (const k of ['percent', 'wait', 'step']) if (has(k)) field(k, 'cannot be combined with explicit `steps`', 'Use either `steps` + `interval`, or the strategy\'s own fields.');
    if (!has('interval')) {
      errors.push(
        problem(
          'E_RELEASE_FIELD',
          `Explicit \`steps\` need \`interval\` (in ${display(base)}).`,
          locator.locate(join(base, 'steps'), 'key'),
          'Add the time each step is held, e.g. `release: { steps: [5, 20, 100], interval: 2m }`.',
        ),
      );
    }
  } else if (strategy === 'canary') {
    for (const k of ['step', 'interval']) if (has(k)) field(k, 'does not apply to the canary strategy', 'Canary uses `percent` and `wait`; linear uses `step` and `interval`.');
    needs(['percent', 'wait'], 'Example: `{ strategy: canary, percent: 10, wait: 5m }`.');
  } else if (strategy === 'linear') {
    for (const k of ['percent', 'wait']) if (has(k)) field(k, 'does not apply to the linear strategy', 'Linear uses `step` and `interval`; canary uses `percent` and `wait`.');
    needs(['step', 'interval'], 'Example: `{ strategy: linear, step: 10, interval: 1m }`.');
  }
  if (Array.isArray(r.steps) && r.steps.every((s) => typeof s === 'number')) {
    const steps = r.steps as number[];
    const bad = steps.findIndex((s, i) => i > 0 && s <= steps[i - 1]!);
    if (bad > 0) {
      errors.push(problem('E_RELEASE_STEPS', `release.steps must increase: ${steps[bad]} follows ${steps[bad - 1]} (in ${display(base)}).`, locator.locate(join(base, 'steps', bad)), 'Steps are cumulative percentages, e.g. [5, 25, 50, 100].'));
    } else if (steps.length && steps[steps.length - 1] !== 100) {
      errors.push(problem('E_RELEASE_STEPS', `release.steps must end at 100 (in ${display(base)}).`, locator.locate(join(base, 'steps', steps.length - 1)), 'The last step moves all traffic: add 100, e.g. [10, 50, 100].'));
    }
  }
  for (const k of ['wait', 'interval']) {
    const v = r[k];
    if ((typeof v === 'number' || typeof v === 'string') && !(durationSeconds(v) > 0)) {
      errors.push(problem('E_RELEASE_FIELD', `\`${k}\` must be longer than 0 (in ${display(base)}).`, locator.locate(join(base, k)), 'Write a duration such as 30s, 5m or 1h.'));
    }
  }
  const health = rec(r.health);
  if (health.errorRate !== undefined && (typeof health.errorRate === 'string' || typeof health.errorRate === 'number')) {
    const f = fraction(health.errorRate);
    if (!(f >= 0 && f <= 1)) errors.push(problem('E_RELEASE_HEALTH', `health.errorRate must be between 0% and 100% (in ${display(base)}).`, locator.locate(join(base, 'health', 'errorRate')), 'Write e.g. "1%" or 0.01.'));
  }
  const hooks = rec(r.hooks);
  for (const k of ['preTraffic', 'postTraffic']) {
    const h = hooks[k];
    if (typeof h === 'string' && !functionNames.includes(h)) {
      errors.push(
        problem(
          'E_RELEASE_HOOK',
          `Hook ${k} names function \`${h}\`, which is not defined under \`functions\`.`,
          locator.locate(join(base, 'hooks', k)),
          didYouMean(h, functionNames) ?? 'A hook is the name of another function of this manifest (for example a smoke test).',
        ),
      );
    }
  }
}

/** Provider limits: one problem per place in the file, naming the functions affected. */
function providerLimits(doc: Record<string, unknown>, functions: [string, Record<string, unknown>][], locator: Locator, errors: FnxError[], warnings: FnxError[]): void {
  const groups = new Map<string, { pointer: string; prefer: 'key' | 'value'; code: string; message: (fns: string) => string; hint: string; fns: string[]; warning: boolean }>();
  const add = (code: string, pointer: string, prefer: 'key' | 'value', key: string, message: (fns: string) => string, hint: string, fn: string, warning = false) => {
    const id = `${code}|${pointer}|${key}`;
    const g = groups.get(id) ?? { pointer, prefer, code, message, hint, fns: [], warning };
    g.fns.push(fn);
    groups.set(id, g);
  };

  for (const [name, fn] of functions) {
    const base = join('', 'functions', name);
    const targets = providersOf(doc, fn);
    const runtime = setting(doc, name, 'runtime');
    const memory = setting(doc, name, 'memory');
    const timeout = setting(doc, name, 'timeout');
    const layersSetting = setting(doc, name, 'layers');
    const triggers = arr(fn.triggers);
    const eventDriven = triggers.some((t) => isRecord(t) && !('http' in t));
    const env = mergedMap(doc, name, 'environment');

    for (const p of targets) {
      const caps = capabilities[p];
      const lim = caps.limits;
      if (typeof runtime.value === 'string' && !(caps.runtimes as readonly string[]).includes(runtime.value)) {
        const rt = runtime.value;
        add('E_PROVIDER_RUNTIME', runtime.pointer!, 'value', p, (fns) => `Runtime \`${rt}\` is not available on ${p} (${fns}).`, `${p} supports ${listOf(caps.runtimes)}; or deploy these functions elsewhere with \`providers:\`.`, name);
      } else if (typeof runtime.value === 'string') {
        runtimeDates(p, runtime.value, runtime.pointer!, name, add);
      }
      if (typeof memory.value === 'number' && memory.pointer && (memory.value < lim.memoryMb.min || memory.value > lim.memoryMb.max)) {
        const mb = memory.value;
        add('E_PROVIDER_MEMORY', memory.pointer, 'value', p, (fns) => `memory ${mb} MB is outside the ${p} range ${lim.memoryMb.min}-${lim.memoryMb.max} MB (${fns}).`, `Use ${lim.memoryMb.min}-${lim.memoryMb.max} MB for functions deployed to ${p}, or limit them to other providers with \`providers:\`.`, name);
      }
      if (typeof timeout.value === 'number') {
        const max = eventDriven && lim.timeoutSeconds.maxEventDriven !== undefined ? lim.timeoutSeconds.maxEventDriven : lim.timeoutSeconds.max;
        if (timeout.value > max) {
          const s = timeout.value;
          add('E_PROVIDER_TIMEOUT', timeout.pointer!, 'value', p, (fns) => `timeout ${s}s is above the ${p} maximum of ${max}s${max === lim.timeoutSeconds.maxEventDriven ? ' for event-driven functions' : ''} (${fns}).`, `Lower \`timeout\` to ${max} or less, or deploy to another provider.`, name);
        }
      }
      if (Array.isArray(layersSetting.value) && lim.maxLayers !== undefined && layersSetting.value.length > lim.maxLayers) {
        const n = layersSetting.value.length;
        add('E_PROVIDER_LAYERS', layersSetting.pointer!, 'key', p, (fns) => `${n} layers is more than ${p} allows (${lim.maxLayers}) (${fns}).`, 'Merge some layers into one folder or package.json.', name);
      }
      triggers.forEach((t, i) => {
        if (!isRecord(t)) return;
        const kind = Object.keys(t)[0];
        if (!kind) return;
        const tp = join(base, 'triggers', i, kind);
        const planned = caps.plannedTriggers?.[kind as keyof typeof caps.plannedTriggers];
        if (planned !== undefined) {
          const able = providerNames().filter((q) => (capabilities[q].triggers as readonly string[]).includes(kind));
          add(
            'E_PROVIDER_TRIGGER',
            tp,
            'key',
            p,
            (fns) => `\`${kind}\` triggers are ${able.length ? `${listOf(able)}-only` : 'not implemented'} for now: fnx cannot deploy them to ${p} yet (${fns}).`,
            `fnx will run them on ${p} through ${planned}, but its ${p} driver does not do it yet. Restrict the function with \`providers: [${able.join(', ')}]\`, or move the trigger to a function that does not deploy to ${p}.`,
            name,
          );
        } else if (!(caps.triggers as readonly string[]).includes(kind)) {
          add('E_PROVIDER_TRIGGER', tp, 'key', p, (fns) => `${p} cannot run \`${kind}\` triggers (${fns}).`, `${p} supports ${listOf(caps.triggers)}; restrict the function with \`providers:\`.`, name);
        }
      });
      if (lim.environmentBytes !== undefined) {
        const bytes = Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
        if (bytes > lim.environmentBytes) {
          const envPointer = isRecord(fn.environment) ? join(base, 'environment') : isRecord(defaultsOf(doc).environment) ? '/defaults/environment' : base;
          add('E_PROVIDER_ENVIRONMENT', envPointer, 'key', p, (fns) => `Environment variables of ${fns} total ${bytes} bytes; ${p} allows ${lim.environmentBytes} bytes.`, 'Move large values to files in the package or to secrets (`secrets:`), or shorten them.', name);
        }
      }
    }
  }
  for (const g of groups.values()) {
    const fns = g.fns.length === 1 ? `function \`${g.fns[0]}\`` : `functions ${listOf(g.fns)}`;
    (g.warning ? warnings : errors).push(problem(g.code, g.message(fns), locator.locate(g.pointer, g.prefer), g.hint));
  }
}

/**
 * A runtime past its provider's dates (RuntimeSupport): refused by the cloud is an error,
 * deprecated a warning; both name the date and the runtime to move to.
 */
function runtimeDates(
  p: ProviderName,
  rt: string,
  pointer: string,
  fn: string,
  add: (code: string, pointer: string, prefer: 'key' | 'value', key: string, message: (fns: string) => string, hint: string, fn: string, warning?: boolean) => void,
): void {
  const module = providerModule(p);
  const support = module.runtimes.find((r) => r.name === rt);
  if (!support) return;
  const today = new Date().toISOString().slice(0, 10);
  const family = rt.replace(/[\d.]+$/, '');
  const current = module.runtimes.filter((r) => r.name.startsWith(family) && !r.deprecated && !r.refused).map((r) => r.name);
  const instead = current.length ? `Use \`runtime: ${current[0]}\`${current.length > 1 ? ` (or ${listOf(current.slice(1))})` : ''}` : 'Use another runtime';
  const why = support.reason ? ` (${support.reason})` : '';
  if (support.refused !== undefined && support.refused <= today) {
    const date = support.refused;
    add('E_PROVIDER_RUNTIME_RETIRED', pointer, 'value', p, (fns) => `Runtime \`${rt}\` can no longer be deployed to ${p} since ${date}${why} (${fns}).`, `${instead}, or deploy these functions elsewhere with \`providers:\`.`, fn);
  } else if (support.deprecated !== undefined && support.deprecated <= today) {
    const date = support.deprecated;
    add('W_RUNTIME_DEPRECATED', pointer, 'value', p, (fns) => `Runtime \`${rt}\` is deprecated on ${p} since ${date}${why} (${fns}).`, `${instead}.`, fn, true);
  }
}

/** Two functions on a shared API (capabilities.httpRoutes 'shared') may not serve the same method and path. */
function httpRoutes(doc: Record<string, unknown>, functions: [string, Record<string, unknown>][], locator: Locator, errors: FnxError[]): void {
  const seen: { fn: string; method: string; path: string; providers: readonly ProviderName[] }[] = [];
  for (const [name, fn] of functions) {
    const shared: readonly ProviderName[] = providersOf(doc, fn).filter((p) => capabilities[p].httpRoutes === 'shared');
    arr(fn.triggers).forEach((t, i) => {
      const http = isRecord(t) && isRecord(t.http) ? t.http : undefined;
      if (!http || typeof http.path !== 'string') return;
      const method = typeof http.method === 'string' ? http.method : 'ANY';
      const path = http.path.replace(/\/+$/, '').replace(/\{[^}]*\}/g, '{}') || '/';
      const clash = seen.find((s) => s.path === path && (s.method === method || s.method === 'ANY' || method === 'ANY') && s.providers.some((p) => shared.includes(p)));
      if (clash) {
        errors.push(
          problem(
            'E_HTTP_ROUTE_DUPLICATE',
            `${method} ${http.path} of \`${name}\` is already served by \`${clash.fn}\` (${clash.method}).`,
            locator.locate(join('', 'functions', name, 'triggers', i, 'http', 'path')),
            'Give each function its own path or method.',
          ),
        );
      }
      seen.push({ fn: name, method, path, providers: shared });
    });
  }
}

/**
 * A function's event triggers must differ: the same schedule, queue, topic, bucket or stream
 * twice would deliver each event twice (and the clouds refuse a second identical queue or stream
 * mapping). http triggers are left to the route check.
 */
function duplicateTriggers(functions: [string, Record<string, unknown>][], locator: Locator, errors: FnxError[]): void {
  const canonical = (v: unknown): string => (Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : isRecord(v) ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}` : JSON.stringify(v) ?? 'null');
  for (const [name, fn] of functions) {
    const seen = new Map<string, number>();
    arr(fn.triggers).forEach((t, i) => {
      if (!isRecord(t) || 'http' in t) return;
      const key = canonical(t);
      const first = seen.get(key);
      if (first === undefined) return void seen.set(key, i);
      const kind = Object.keys(t)[0] ?? 'trigger';
      errors.push(problem('E_TRIGGER_DUPLICATE', `Trigger ${i + 1} of \`${name}\` (${kind}) is the same as its trigger ${first + 1}: each event would reach the function twice.`, locator.locate(join('', 'functions', name, 'triggers', i)), 'Remove one of them.'));
    });
  }
}

/** `health.http.path` probes the function's own route: the function needs an http trigger. */
function healthProbes(doc: Record<string, unknown>, functions: [string, Record<string, unknown>][], locator: Locator, errors: FnxError[]): void {
  const byPointer = new Map<string, string[]>();
  for (const [name, fn] of functions) {
    const release = setting(doc, name, 'release');
    const probe = rec(rec(rec(release.value).health).http);
    if (typeof probe.path !== 'string' || !release.pointer) continue;
    if (arr(fn.triggers).some((t) => isRecord(t) && 'http' in t)) continue;
    const p = join(release.pointer, 'health', 'http', 'path');
    byPointer.set(p, [...(byPointer.get(p) ?? []), name]);
  }
  for (const [p, fns] of byPointer) {
    errors.push(
      problem(
        'E_RELEASE_HEALTH',
        `health.http.path probes the function's own HTTP route, but ${fns.length === 1 ? `\`${fns[0]}\` has` : `${listOf(fns)} have`} no http trigger.`,
        locator.locate(p, 'key'),
        'Probe an absolute `url:` instead, or add an http trigger.',
      ),
    );
  }
}
