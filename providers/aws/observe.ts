/** Health signals (CloudWatch alarms and AWS/Lambda metrics of one version) and synchronous invocation. */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { HealthRequest, HealthSample, InvokeRequest, InvokeResult } from '../../src/driver.js';
import type { AwsClients } from './clients.js';
import { ALIAS } from './names.js';
import { eventPayload } from './native-events.js';
import { cloudName } from './traffic.js';

export async function readHealth(aws: AwsClients, req: HealthRequest): Promise<HealthSample> {
  const name = cloudName(req.manifest, req.function.name);
  const { DescribeAlarmsCommand, GetMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
  const cloudwatch = await aws.cloudwatch();
  let alarmsFiring: string[] = [];
  let alarmsMissing: string[] = [];
  if (req.alarms.length) {
    const out = await aws.call('DescribeAlarms', () => cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...req.alarms], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })));
    const alarms = [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])];
    alarmsFiring = alarms.filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName ?? '');
    const known = new Set(alarms.map((a) => a.AlarmName));
    alarmsMissing = req.alarms.filter((a) => !known.has(a));
  }
  const start = new Date(req.since);
  const end = new Date(Math.max(Date.now(), start.getTime()) + 3_600_000);
  // Lambda publishes alias traffic under {FunctionName, Resource=fn:alias, ExecutedVersion} and
  // direct version invocations under {FunctionName, Resource=fn:version}; CloudWatch matches
  // dimension sets exactly, so a version's totals are the sum of both series.
  const series = {
    alias: [
      { Name: 'FunctionName', Value: name },
      { Name: 'Resource', Value: `${name}:${ALIAS}` },
      { Name: 'ExecutedVersion', Value: req.version },
    ],
    version: [
      { Name: 'FunctionName', Value: name },
      { Name: 'Resource', Value: `${name}:${req.version}` },
    ],
  };
  const queries = Object.entries(series).flatMap(([key, dimensions]) =>
    (['Errors', 'Invocations'] as const).map((metric) => ({
      Id: `${metric.toLowerCase()}_${key}`,
      MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: dimensions }, Period: 60, Stat: 'Sum' },
      ReturnData: true,
    })),
  );
  const data = await aws.call('GetMetricData', () => cloudwatch.send(new GetMetricDataCommand({ StartTime: start, EndTime: end, MetricDataQueries: queries })));
  const sum = (metric: string) => (data.MetricDataResults ?? []).filter((r) => r.Id?.startsWith(`${metric}_`)).flatMap((r) => r.Values ?? []).reduce((a, b) => a + b, 0);
  return { alarmsFiring, ...(alarmsMissing.length ? { alarmsMissing } : {}), invocations: sum('invocations'), errors: sum('errors') };
}

/**
 * Invokes the pointer (or `req.version`) synchronously with LogType Tail: the result, the version
 * that ran and the decoded log tail (the last 4 KB Lambda returns). A neutral `req.event` is sent
 * as the native event the function's entry adapter turns back into it (native-events.ts).
 */
export async function invokeFunction(aws: AwsClients, req: InvokeRequest, accountId: string): Promise<InvokeResult> {
  const fn = typeof req.function === 'string' ? req.function : req.function.name;
  const name = cloudName(req.manifest, fn);
  const resolved = typeof req.function === 'string' ? req.manifest.functions.find((f) => f.name === fn) : req.function;
  const body = req.event ? eventPayload(resolved, req.event.kind, req.event.value, { region: aws.settings.region, accountId }) : (req.payload ?? {});
  const out = await aws.call('Invoke', () =>
    aws.lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: req.version ?? ALIAS, LogType: 'Tail', Payload: Buffer.from(JSON.stringify(body)) })),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  let payload: unknown = text;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {}
  const tail = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8').replace(/\n$/, '').split('\n') : undefined;
  const seen = { ...(out.ExecutedVersion ? { version: out.ExecutedVersion } : {}), ...(tail ? { logTail: tail } : {}) };
  if (out.FunctionError) {
    const message = (payload as { errorMessage?: string } | undefined)?.errorMessage ?? out.FunctionError;
    return { ok: false, payload, error: message, ...seen };
  }
  return { ok: true, payload, ...seen };
}
