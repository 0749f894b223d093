/**
 * HTTP probe gate, the same on every cloud: one request to `url`, or to the function's own http
 * route (base URL from driver.status()) + `path`; the status must equal `expect` and the latency
 * stay within `maxLatencyMs`.
 */
import { performance } from 'node:perf_hooks';
import type { HttpProbe, ResolvedFunction } from '../../manifest/model.js';

/** Default bound on one probe request when the policy sets no latency bound. */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * The URL to probe: `probe.url`, or `base` joined with `probe.path`. When `base` already ends with
 * one of the function's http route paths (a driver may report route URLs), that route is dropped.
 */
export function probeUrl(probe: HttpProbe, fn: ResolvedFunction, base: string | null | undefined): string | undefined {
  if (probe.url) return probe.url;
  if (!base) return undefined;
  let root = base.replace(/\/+$/, '');
  for (const t of fn.triggers) {
    if (t.kind !== 'http' || t.path === '/') continue;
    const route = t.path.replace(/\/+$/, '');
    if (root.endsWith(route)) {
      root = root.slice(0, -route.length);
      break;
    }
  }
  const path = probe.path ?? '/';
  return `${root}${path.startsWith('/') ? '' : '/'}${path}`;
}

/** Runs one probe. Resolves with a failure reason, or undefined when healthy. Rejects only when `signal` aborts. */
export async function runProbe(probe: HttpProbe, url: string, signal: AbortSignal): Promise<string | undefined> {
  const limit = probe.maxLatencyMs !== undefined ? Math.max(probe.maxLatencyMs * 2, 1000) : PROBE_TIMEOUT_MS;
  const what = `HTTP probe ${probe.method} ${url}`;
  const started = performance.now();
  let status: number;
  try {
    const res = await fetch(url, { method: probe.method, signal: AbortSignal.any([signal, AbortSignal.timeout(limit)]), redirect: 'manual' });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    if (signal.aborted) throw err;
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return `${what} timed out after ${limit}ms`;
    return `${what} failed: ${e.cause?.code ?? e.cause?.message ?? e.message ?? String(err)}`;
  }
  const latency = Math.round(performance.now() - started);
  if (status !== probe.expect) return `${what} returned ${status}, expected ${probe.expect}`;
  if (probe.maxLatencyMs !== undefined && latency > probe.maxLatencyMs) return `${what} took ${latency}ms, above ${probe.maxLatencyMs}ms`;
  return undefined;
}
