// Microsoft.Insights: metric alerts by name (GET/PUT/DELETE and /status, whose Healthy/Unhealthy
// comes from setAlertState) and metrics of a site or slot (values from setMetric).
import type { Route, RouteContext } from './router.js';
import { AzureError, bodyJson, empty, json, obj, str, tagsOf } from './protocol.js';
import { rgId } from './ids.js';
import type { MetricAlert } from './state.js';

const ALERT = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Insights/metricAlerts/{name}';

/** Metrics of Microsoft.Web/sites the emulator knows (others answer 400 as Azure Monitor does). */
export const SITE_METRICS = ['Requests', 'Http2xx', 'Http3xx', 'Http4xx', 'Http5xx', 'HttpResponseTime', 'AverageResponseTime', 'FunctionExecutionCount', 'FunctionExecutionUnits', 'OnDemandFunctionExecutionCount', 'AlwaysReadyFunctionExecutionCount', 'OnDemandFunctionExecutionUnits', 'MemoryWorkingSet', 'InstanceCount'];

function findAlert(ctx: RouteContext): MetricAlert {
  const a = ctx.emu.state.metricAlerts.get(ctx.params.name!.toLowerCase());
  if (!a || (a.resourceGroup && a.resourceGroup.toLowerCase() !== ctx.params.rg!.toLowerCase())) {
    throw new AzureError(404, 'ResourceNotFound', `The Resource 'Microsoft.Insights/metricAlerts/${ctx.params.name}' under resource group '${ctx.params.rg}' was not found.`);
  }
  return a;
}

function alertBody(ctx: RouteContext, a: MetricAlert): unknown {
  return {
    id: `${rgId(ctx.emu, ctx.params.rg!)}/providers/Microsoft.Insights/metricAlerts/${a.name}`,
    name: a.name,
    type: 'Microsoft.Insights/metricAlerts',
    location: 'global',
    tags: a.tags,
    properties: a.properties,
  };
}

function putAlert(ctx: RouteContext) {
  const body = bodyJson(ctx.req);
  const props = obj(body.properties);
  if (str(body.location)?.toLowerCase() !== 'global') throw new AzureError(400, 'BadRequest', "Metric alerts must have location 'global'.");
  for (const k of ['severity', 'enabled', 'scopes', 'evaluationFrequency', 'windowSize', 'criteria']) {
    if (props[k] === undefined) throw new AzureError(400, 'BadRequest', `The property '${k}' is required.`);
  }
  const key = ctx.params.name!.toLowerCase();
  const existing = ctx.emu.state.metricAlerts.get(key);
  const a: MetricAlert = { name: ctx.params.name!, resourceGroup: ctx.params.rg, status: existing?.status ?? 'Healthy', properties: props, tags: tagsOf(body.tags) ?? {} };
  ctx.emu.state.metricAlerts.set(key, a);
  return json(existing ? 200 : 201, alertBody(ctx, a));
}

function metrics(ctx: RouteContext) {
  const emu = ctx.emu;
  const s = ctx.params.scope!.split('/').filter(Boolean);
  const l = s.map((x) => x.toLowerCase());
  const isSite = l.length >= 8 && l[0] === 'subscriptions' && l[4] === 'providers' && l[5] === 'microsoft.web' && l[6] === 'sites' && (l.length === 8 || (l.length === 10 && l[8] === 'slots'));
  if (!isSite) throw new AzureError(400, 'BadRequest', `Metrics are emulated for Microsoft.Web/sites only, not for '${ctx.params.scope}'.`);
  const site = emu.state.sites.get(l[7]!);
  if (!site || site.resourceGroup.toLowerCase() !== l[3]) throw new AzureError(404, 'ResourceNotFound', `The Resource '${ctx.params.scope}' was not found.`);
  const slot = l.length === 10 ? l[9]! : 'production';
  const names = (ctx.req.query.get('metricnames') ?? 'Requests').split(',').map((x) => x.trim()).filter(Boolean);
  const aggregation = ctx.req.query.get('aggregation') ?? 'Total';
  const timespan = ctx.req.query.get('timespan') ?? `${new Date(emu.now() - 3_600_000).toISOString()}/${new Date(emu.now()).toISOString()}`;
  const interval = ctx.req.query.get('interval') ?? 'PT1M';
  const [from, to] = timespan.split('/');
  if (!from || !to || Number.isNaN(Date.parse(from)) || (Number.isNaN(Date.parse(to)) && !/^P/.test(to)) || Date.parse(to) < Date.parse(from)) {
    throw new AzureError(400, 'BadRequest', `Invalid timespan '${timespan}': use an ISO 8601 interval 'start/end'.`);
  }
  if (!/^(PT\d+[MH]|P\d+D|FULL)$/i.test(interval)) throw new AzureError(400, 'BadRequest', `Invalid interval '${interval}': use an ISO 8601 duration such as PT1M, PT5M, PT1H or P1D.`);
  for (const agg of aggregation.split(',')) {
    if (!['total', 'count', 'average', 'minimum', 'maximum', 'none'].includes(agg.trim().toLowerCase())) {
      throw new AzureError(400, 'BadRequest', `Invalid aggregation '${agg}'. Supported: Total, Count, Average, Minimum, Maximum, None.`);
    }
  }
  const value = names.map((n) => {
    const known = SITE_METRICS.find((m) => m.toLowerCase() === n.toLowerCase());
    if (!known) throw new AzureError(400, 'BadRequest', `Failed to find metric configuration for provider: Microsoft.Web, resource Type: sites, metric: ${n}, Valid metrics: ${SITE_METRICS.join(',')}`);
    const set = emu.state.metrics.find((m) => m.app === site.name.toLowerCase() && m.slot.toLowerCase() === slot && m.metric.toLowerCase() === known.toLowerCase());
    const point: Record<string, unknown> = { timeStamp: new Date(emu.now()).toISOString() };
    for (const agg of aggregation.split(',')) {
      const k = agg.trim().toLowerCase();
      if (k === 'total' || k === 'count' || k === 'average' || k === 'maximum' || k === 'minimum') point[k] = set?.total ?? 0;
    }
    return {
      id: `${ctx.params.scope}/providers/Microsoft.Insights/metrics/${known}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: known, localizedValue: known },
      displayDescription: '',
      unit: known.includes('Time') ? 'Seconds' : known === 'MemoryWorkingSet' ? 'Bytes' : 'Count',
      timeseries: [{ metadatavalues: [], data: [point] }],
      errorCode: 'Success',
    };
  });
  return json(200, { cost: 0, timespan, interval, value, namespace: 'Microsoft.Web/sites', resourceregion: site.location });
}

export const insightsRoutes: Route[] = [
  { method: 'GET', template: ALERT, operation: 'MetricAlerts_Get', write: false, provider: 'Microsoft.Insights', handle: (ctx) => json(200, alertBody(ctx, findAlert(ctx))) },
  { method: 'PUT', template: ALERT, operation: 'MetricAlerts_CreateOrUpdate', write: true, provider: 'Microsoft.Insights', handle: putAlert },
  {
    method: 'DELETE',
    template: ALERT,
    operation: 'MetricAlerts_Delete',
    write: true,
    provider: 'Microsoft.Insights',
    handle: (ctx) => empty(ctx.emu.state.metricAlerts.delete(ctx.params.name!.toLowerCase()) ? 200 : 204),
  },
  {
    method: 'GET',
    template: `${ALERT}/status`,
    operation: 'MetricAlertsStatus_List',
    write: false,
    provider: 'Microsoft.Insights',
    handle: (ctx) => {
      const a = findAlert(ctx);
      const id = `${rgId(ctx.emu, ctx.params.rg!)}/providers/Microsoft.Insights/metricAlerts/${a.name}/status/default`;
      return json(200, { value: [{ name: 'default', id, type: 'Microsoft.Insights/metricAlerts/status', properties: { dimensions: {}, status: a.status, timestamp: new Date(ctx.emu.now()).toISOString() } }] });
    },
  },
  { method: 'GET', template: '{+scope}/providers/Microsoft.Insights/metrics', operation: 'Metrics_List', write: false, provider: 'Microsoft.Insights/metrics', handle: metrics },
];
