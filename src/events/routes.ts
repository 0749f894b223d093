/**
 * Which of a function's http triggers a request matches, the way API Gateway HTTP APIs choose: a
 * route with fewer `{param}` segments wins over one with more, `{name+}` (the rest of the path)
 * comes last, and a route's own method wins over `ANY`. Used by sample events and `fnx dev`.
 */
import type { HttpTrigger } from '../manifest/model.js';

export interface RouteMatch<T extends HttpTrigger = HttpTrigger> {
  readonly trigger: T;
  /** The `{param}` values, decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** `GET /orders/{id}`: the event's routeKey for a trigger. */
export function routeKeyOf(trigger: HttpTrigger): string {
  return `${trigger.method.toUpperCase()} ${trigger.path}`;
}

/** The best route for `method` and `path` (no query string), or undefined. */
export function matchRoute<T extends HttpTrigger>(routes: readonly T[], method: string, path: string): RouteMatch<T> | undefined {
  const m = method.toUpperCase();
  let best: { match: RouteMatch<T>; rank: number } | undefined;
  for (const trigger of routes) {
    if (trigger.method !== 'ANY' && trigger.method.toUpperCase() !== m) continue;
    const params = matchPath(trigger.path, path);
    if (!params) continue;
    const segments = trigger.path.split('/');
    const greedy = segments.some((s) => /^\{.+\+\}$/.test(s)) ? 1 : 0;
    const named = segments.filter((s) => s.startsWith('{')).length;
    const rank = greedy * 10_000 + named * 10 + (trigger.method === 'ANY' ? 1 : 0);
    if (!best || rank < best.rank) best = { match: { trigger, params }, rank };
  }
  return best?.match;
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = trimSlash(pattern).split('/');
  const got = trimSlash(path).split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(w);
    if (greedy) {
      const rest = got.slice(i).join('/');
      if (rest === '') return undefined;
      params[greedy[1]!] = safeDecode(rest);
      return params;
    }
    const g = got[i];
    if (g === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(w);
    if (param) {
      if (g === '') return undefined;
      params[param[1]!] = safeDecode(g);
    } else if (w !== g) {
      return undefined;
    }
  }
  return got.length === want.length ? params : undefined;
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
