// Cloud Monitoring v3 REST, the reads fnx's health gate makes: alertPolicies.list, alerts.list
// (open/closed alerts of a policy) and timeSeries.list for run.googleapis.com/request_count.
// Plain-fetch friendly: enums are strings unless the query carries $alt=json;enum-encoding=int.
import type { Ctx } from '../context.js';
import { invalid, json, template, timestamp, type HttpReq, type HttpRes, type Route } from '../protocol.js';
import type { Json } from '../state.js';

export function monitoringRoutes(ctx: Ctx): Route[] {
  const r = (method: string, path: string, rpc: string, handle: Route['handle']): Route => ({ method, pattern: template(path), rpc, write: false, handle });
  return [
    r('GET', '/v3/{name=projects/*}/alertPolicies', 'ListAlertPolicies', (q, p) => listPolicies(ctx, q, p.name ?? '')),
    r('GET', '/v3/{parent=projects/*}/alerts', 'ListAlerts', (q, p) => listAlerts(ctx, q, p.parent ?? '')),
    r('GET', '/v3/{name=projects/*}/timeSeries', 'ListTimeSeries', (q, p) => listTimeSeries(ctx, q, p.name ?? '')),
  ];
}

/** `key = "value"` terms of a Monitoring filter joined by AND. */
export function filterTerms(filter: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_.]+)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(filter); m; m = re.exec(filter)) out[m[1] ?? ''] = (m[2] ?? '').replace(/\\(.)/g, '$1');
  return out;
}

function locationOf(ctx: Ctx, service: string): string {
  const svc = [...ctx.state.services.values()].find((x) => x.name.endsWith(`/services/${service}`));
  return svc?.name.split('/')[3] ?? 'us-central1';
}

function checkProject(ctx: Ctx, name: string): void {
  const p = name.split('/')[1];
  if (p !== ctx.projectId && p !== ctx.projectNumber) throw invalid(`Unknown project '${p ?? ''}'`, 'name');
}

function numeric(req: HttpReq): boolean {
  return (req.query.get('$alt') ?? '').includes('enum-encoding=int');
}

function listPolicies(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  checkProject(ctx, name);
  const terms = filterTerms(req.query.get('filter') ?? '');
  const want = terms.display_name ?? terms.displayName;
  const policies = [...ctx.state.alertPolicies.values()].filter((p) => want === undefined || p.displayName === want);
  return json({
    alertPolicies: policies.map((p) => ({
      name: p.name,
      displayName: p.displayName,
      combiner: numeric(req) ? 1 : 'OR',
      enabled: true,
      conditions: [{ name: `${p.name}/conditions/1`, displayName: p.displayName }],
    })),
    totalSize: policies.length,
  });
}

function listAlerts(ctx: Ctx, req: HttpReq, parent: string): HttpRes {
  checkProject(ctx, parent);
  const terms = filterTerms(req.query.get('filter') ?? '');
  const alerts = [...ctx.state.alertPolicies.values()].filter(
    (p) =>
      p.openTime !== undefined &&
      (terms['policy.displayName'] === undefined || p.displayName === terms['policy.displayName']) &&
      (terms['policy.name'] === undefined || p.name === terms['policy.name']) &&
      (terms.state === undefined || terms.state === p.state),
  );
  return json({
    alerts: alerts.map((p) => ({
      name: `${parent}/alerts/${p.name.split('/').pop() ?? ''}-${String(p.openTime)}`,
      state: numeric(req) ? (p.state === 'OPEN' ? 1 : 2) : p.state,
      openTime: timestamp(p.openTime ?? 0),
      ...(p.closeTime !== undefined ? { closeTime: timestamp(p.closeTime) } : {}),
      policy: { name: p.name, displayName: p.displayName },
    })),
    totalSize: alerts.length,
  });
}

/**
 * timeSeries.list with filter `metric.type = "run.googleapis.com/request_count"` and optional
 * `resource.labels.service_name`, `resource.labels.revision_name`, `metric.labels.response_code_class`;
 * `interval.startTime` / `interval.endTime` (RFC 3339; default: everything). One series per
 * (revision, response_code_class) with one point: the sum over the interval.
 */
function listTimeSeries(ctx: Ctx, req: HttpReq, name: string): HttpRes {
  checkProject(ctx, name);
  const filter = req.query.get('filter');
  if (!filter) throw invalid('filter is required', 'filter');
  const terms = filterTerms(filter);
  if (terms['metric.type'] !== 'run.googleapis.com/request_count') return json({ timeSeries: [], unit: '1' });
  const end = req.query.get('interval.endTime');
  const start = req.query.get('interval.startTime');
  if (!end) throw invalid('interval.endTime is required', 'interval.end_time');
  const endMs = Date.parse(end);
  const startMs = start ? Date.parse(start) : Number.NEGATIVE_INFINITY;
  if (Number.isNaN(endMs) || Number.isNaN(startMs)) throw invalid('interval times must be RFC 3339', 'interval');
  const series = new Map<string, { service: string; revision: string; codeClass: string; count: number }>();
  for (const p of ctx.state.requests) {
    if (p.time < startMs || p.time > endMs) continue;
    if (terms['resource.labels.service_name'] !== undefined && terms['resource.labels.service_name'] !== p.service) continue;
    if (terms['resource.labels.revision_name'] !== undefined && terms['resource.labels.revision_name'] !== p.revision) continue;
    if (terms['metric.labels.response_code_class'] !== undefined && terms['metric.labels.response_code_class'] !== p.codeClass) continue;
    const key = `${p.service}/${p.revision}/${p.codeClass}`;
    const s = series.get(key) ?? { service: p.service, revision: p.revision, codeClass: p.codeClass, count: 0 };
    s.count += p.count;
    series.set(key, s);
  }
  const int = numeric(req);
  const timeSeries: Json[] = [...series.values()].map((s) => ({
    metric: { type: 'run.googleapis.com/request_count', labels: { response_code_class: s.codeClass, response_code: s.codeClass === '2xx' ? '200' : s.codeClass === '5xx' ? '500' : '400' } },
    resource: { type: 'cloud_run_revision', labels: { project_id: ctx.projectId, service_name: s.service, revision_name: s.revision, configuration_name: s.service, location: locationOf(ctx, s.service) } },
    metricKind: int ? 2 : 'DELTA',
    valueType: int ? 2 : 'INT64',
    points: [{ interval: { startTime: timestamp(Number.isFinite(startMs) ? startMs : endMs), endTime: timestamp(endMs) }, value: { int64Value: String(s.count) } }],
  }));
  return json({ timeSeries, unit: '1' });
}
