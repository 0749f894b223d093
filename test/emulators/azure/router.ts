// ARM route table: path templates matched case-insensitively (ARM paths are), api-versions per
// resource provider, and the operation names recorded in CallRecord.operation.
import type { Emulator } from './emulator.js';
import type { ErrorStyle, HttpReq, HttpRes } from './protocol.js';

export interface RouteContext {
  emu: Emulator;
  req: HttpReq;
  params: Record<string, string>;
  apiVersion: string;
  /** The route's operation name. */
  operation: string;
}

export interface Route {
  method: string;
  /** Template like '/subscriptions/{sub}/resourcegroups/{rg}'; `{+scope}` matches one or more segments (first segment only). */
  template: string;
  operation: string;
  write: boolean;
  provider: Provider;
  handle(ctx: RouteContext): HttpRes | Promise<HttpRes>;
}

export type Provider = 'Microsoft.Resources' | 'Microsoft.Storage' | 'Microsoft.Web' | 'Microsoft.Insights' | 'Microsoft.Insights/metrics' | 'Microsoft.KeyVault' | 'Microsoft.Authorization' | 'Microsoft.EventGrid';

/** api-versions each provider accepts (the SDK packages' defaults plus recent stable versions). */
export const API_VERSIONS: Record<Provider, readonly string[]> = {
  'Microsoft.Resources': ['2019-10-01', '2020-06-01', '2021-04-01', '2022-09-01', '2023-07-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-03-01', '2025-04-01'],
  'Microsoft.Storage': ['2021-09-01', '2022-09-01', '2023-01-01', '2023-04-01', '2023-05-01', '2024-01-01', '2025-01-01', '2025-06-01', '2025-08-01', '2026-04-01', '2026-06-01', '2026-09-01'],
  'Microsoft.Web': ['2022-03-01', '2022-09-01', '2023-01-01', '2023-12-01', '2024-04-01', '2024-11-01', '2025-03-01', '2025-05-01'],
  'Microsoft.Insights': ['2018-03-01', '2024-03-01-preview'],
  'Microsoft.Insights/metrics': ['2018-01-01', '2019-07-01', '2021-05-01', '2023-10-01', '2024-02-01'],
  'Microsoft.KeyVault': ['2022-07-01', '2023-02-01', '2023-07-01', '2024-11-01', '2025-05-01'],
  'Microsoft.Authorization': ['2020-04-01-preview', '2022-04-01'],
  'Microsoft.EventGrid': ['2022-06-15', '2023-12-15-preview', '2024-06-01-preview', '2025-02-15'],
};

export function styleOf(p: Provider): ErrorStyle {
  return p === 'Microsoft.Web' ? 'web' : 'arm';
}

interface Compiled {
  route: Route;
  parts: string[];
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, parts: route.template.split('/').filter(Boolean) }));
  }

  /** Routes whose template matches the path (any method), with their parameters. */
  match(segments: string[]): { route: Route; params: Record<string, string> }[] {
    const out: { route: Route; params: Record<string, string> }[] = [];
    for (const c of this.compiled) {
      const params = matchParts(c.parts, segments);
      if (params) out.push({ route: c.route, params });
    }
    return out;
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  if (parts[0] === '{+scope}') {
    // scope = everything before the fixed tail
    const tail = parts.slice(1);
    if (segments.length <= tail.length) return undefined;
    const rest = segments.slice(segments.length - tail.length);
    const sub = matchParts(tail, rest);
    if (!sub) return undefined;
    return { ...sub, scope: '/' + segments.slice(0, segments.length - tail.length).join('/') };
  }
  if (parts.length !== segments.length) return undefined;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segments[i]!;
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = s;
    else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return params;
}
