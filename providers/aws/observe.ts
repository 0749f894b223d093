/** Health signals (CloudWatch alarms and AWS/Lambda metrics of one version) and synchronous invocation. */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { HealthRequest, HealthSample, InvokeRequest, InvokeResult } from '../../src/driver.js';
import type { AwsClients } from './clients.js';
import { ALIAS } from './names.js';
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

export async function invokeFunction(aws: AwsClients, req: InvokeRequest): Promise<InvokeResult> {
  const fn = typeof req.function === 'string' ? req.function : req.function.name;
  const name = cloudName(req.manifest, fn);
  const out = await aws.call('Invoke', () =>
    aws.lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: req.version ?? ALIAS, Payload: Buffer.from(JSON.stringify(req.payload ?? {})) })),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  let payload: unknown = text;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {}
  if (out.FunctionError) {
    const message = (payload as { errorMessage?: string } | undefined)?.errorMessage ?? out.FunctionError;
    return { ok: false, payload, error: message };
  }
  return { ok: true, payload };
}
