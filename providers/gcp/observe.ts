/**
 * Health signals of one revision and synchronous invocation. Alarms are Cloud Monitoring alert
 * policies by display name (firing: an open alert of the policy); the error rate comes from the
 * revision's Cloud Run request_count (response_code_class 5xx over all). Monitoring is read over
 * its REST API with the same credentials (no extra SDK).
 */
import { messageOf, type HealthRequest, type HealthSample, type InvokeRequest, type InvokeResult } from '../../src/driver.js';
import type { GcpClients } from './clients.js';
import { functionId } from './names.js';

interface TimeSeries {
  metric?: { labels?: Record<string, string> };
  points?: { value?: { int64Value?: string | number; doubleValue?: number } }[];
}

async function monitoring<T>(c: GcpClients, what: string, path: string, query: Record<string, string>): Promise<T> {
  return c.call(what, async () => {
    const url = new URL(`${c.restBase('monitoring')}/v3/projects/${c.settings.project}/${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return c.restJson<T>(url);
  });
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export async function readHealth(c: GcpClients, req: HealthRequest): Promise<HealthSample> {
  const alarmsFiring: string[] = [];
  const alarmsMissing: string[] = [];
  for (const alarm of req.alarms) {
    const policies = await monitoring<{ alertPolicies?: unknown[] }>(c, 'ListAlertPolicies', 'alertPolicies', { filter: `display_name=${quote(alarm)}` });
    if (!policies.alertPolicies?.length) {
      alarmsMissing.push(alarm);
      continue;
    }
    const alerts = await monitoring<{ alerts?: unknown[] }>(c, 'ListAlerts', 'alerts', { filter: `policy.displayName=${quote(alarm)} AND state="OPEN"` });
    if (alerts.alerts?.length) alarmsFiring.push(alarm);
  }
  const service = functionId(req.manifest, req.function.name);
  const end = new Date(Math.max(Date.now(), Date.parse(req.since)) + 60_000).toISOString();
  const series = await monitoring<{ timeSeries?: TimeSeries[] }>(c, 'ListTimeSeries', 'timeSeries', {
    filter: `metric.type="run.googleapis.com/request_count" AND resource.labels.service_name=${quote(service)} AND resource.labels.revision_name=${quote(req.version)}`,
    'interval.startTime': req.since,
    'interval.endTime': end,
  });
  let invocations = 0;
  let errors = 0;
  for (const s of series.timeSeries ?? []) {
    const n = (s.points ?? []).reduce((a, p) => a + Number(p.value?.int64Value ?? p.value?.doubleValue ?? 0), 0);
    invocations += n;
    if (s.metric?.labels?.response_code_class === '5xx') errors += n;
  }
  return { alarmsFiring, ...(alarmsMissing.length ? { alarmsMissing } : {}), invocations, errors };
}

/** POSTs the payload as JSON to the function's URL (the pointer; a revision is not addressed separately) with an ID token for that URL. */
export async function invokeFunction(c: GcpClients, req: InvokeRequest, uri: string | undefined): Promise<InvokeResult> {
  if (!uri) return { ok: false, payload: undefined, error: 'the function has no URL' };
  let auth: Record<string, string>;
  try {
    auth = await c.idTokenHeaders(uri);
  } catch (err) {
    return { ok: false, payload: undefined, error: messageOf(err) };
  }
  const res = await fetch(uri, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(req.payload ?? {}) });
  const text = await res.text();
  let payload: unknown = text;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the text as it is
  }
  return res.ok ? { ok: true, payload } : { ok: false, payload, error: `HTTP ${res.status}` };
}
