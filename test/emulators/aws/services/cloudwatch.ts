// CloudWatch (signing name `monitoring`, awsJson1_0 with awsQueryCompatible): metric alarms and
// AWS/Lambda metrics (Invocations, Errors, Duration) recorded by invocations or by tests.
import { AwsError, jsonProtocolError, num, reqStr, routeJsonTarget, str, strList, type HttpReq, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { Alarm, MetricPoint } from '../state.js';
import type { AlarmStateValue } from '../types.js';

type In = Record<string, unknown>;

const STATES = new Set(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

export function setAlarmState(em: Emulator, name: string, state: AlarmStateValue, reason: string): void {
  const existing = em.state.cloudwatch.alarms.get(name);
  const alarm: Alarm = existing ?? { name, arn: em.arn('cloudwatch', `alarm:${name}`), state, reason, updated: em.now(), definition: {} };
  alarm.state = state;
  alarm.reason = reason;
  alarm.updated = em.now();
  em.state.cloudwatch.alarms.set(name, alarm);
}

function alarmOutput(a: Alarm): Record<string, unknown> {
  return {
    ActionsEnabled: true,
    AlarmActions: [],
    OKActions: [],
    InsufficientDataActions: [],
    Dimensions: [],
    EvaluationPeriods: 1,
    ...a.definition,
    AlarmName: a.name,
    AlarmArn: a.arn,
    StateValue: a.state,
    StateReason: a.reason,
    StateUpdatedTimestamp: a.updated / 1000,
    AlarmConfigurationUpdatedTimestamp: a.updated / 1000,
  };
}

interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

function dims(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) for (const d of v as { Name?: unknown; Value?: unknown }[]) if (typeof d.Name === 'string') out[d.Name] = String(d.Value ?? '');
  return out;
}

/**
 * The dimension sets Lambda publishes for one invocation, as CloudWatch stores them: always
 * {FunctionName}; through an alias {FunctionName, Resource=fn:alias} and {FunctionName,
 * Resource=fn:alias, ExecutedVersion}; through a version {FunctionName, Resource=fn:version}.
 * An alias invocation is NOT published under Resource=fn:version.
 */
function publishedSets(p: MetricPoint): Record<string, string>[] {
  const sets: Record<string, string>[] = [{ FunctionName: p.functionName }];
  const resource = `${p.functionName}:${p.resource}`;
  if (p.resource !== p.executedVersion) {
    sets.push({ FunctionName: p.functionName, Resource: resource }, { FunctionName: p.functionName, Resource: resource, ExecutedVersion: p.executedVersion });
  } else {
    sets.push({ FunctionName: p.functionName, Resource: resource });
  }
  return sets;
}

/** CloudWatch matches a query's dimensions to a metric's exactly (no aggregation over extra dimensions); no dimensions = the namespace total. */
function matches(p: MetricPoint, q: MetricQuery): boolean {
  if (q.namespace !== 'AWS/Lambda') return false;
  const keys = Object.keys(q.dimensions);
  if (keys.length === 0) return true;
  return publishedSets(p).some((set) => Object.keys(set).length === keys.length && keys.every((k) => set[k] === q.dimensions[k]));
}

/** Values of one point for a metric: a list of samples (Invocations/Errors are counts, Duration a sample). */
function samples(p: MetricPoint, metricName: string): { sum: number; count: number; min: number; max: number } | undefined {
  if (metricName === 'Invocations') return { sum: p.invocations, count: 1, min: p.invocations, max: p.invocations };
  if (metricName === 'Errors') return { sum: p.errors, count: 1, min: p.errors, max: p.errors };
  if (metricName === 'Duration' && p.durationMs !== undefined) return { sum: p.durationMs * p.invocations, count: p.invocations, min: p.durationMs, max: p.durationMs };
  return undefined;
}

interface Bucket {
  start: number;
  sum: number;
  count: number;
  min: number;
  max: number;
}

/** Aggregate matching points into Period buckets from start (inclusive) to end (exclusive), newest first. */
function aggregate(em: Emulator, q: MetricQuery, startMs: number, endMs: number, periodS: number): Bucket[] {
  const period = Math.max(1, periodS) * 1000;
  const buckets = new Map<number, Bucket>();
  for (const p of em.state.cloudwatch.metrics) {
    if (p.time < startMs || p.time >= endMs || !matches(p, q)) continue;
    const s = samples(p, q.metricName);
    if (!s) continue;
    const key = startMs + Math.floor((p.time - startMs) / period) * period;
    const b = buckets.get(key) ?? { start: key, sum: 0, count: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    b.sum += s.sum;
    b.count += s.count;
    b.min = Math.min(b.min, s.min);
    b.max = Math.max(b.max, s.max);
    buckets.set(key, b);
  }
  return [...buckets.values()].sort((a, b) => b.start - a.start);
}

function statValue(b: Bucket, stat: string): number {
  switch (stat) {
    case 'Sum':
      return b.sum;
    case 'SampleCount':
      return b.count;
    case 'Average':
      return b.count ? b.sum / b.count : 0;
    case 'Minimum':
      return b.min;
    case 'Maximum':
      return b.max;
    default:
      throw new AwsError('InvalidParameterValue', `Statistic ${stat} is not supported by this emulator (use Sum, SampleCount, Average, Minimum, Maximum)`, 400);
  }
}

/** JSON protocol timestamps are epoch seconds. */
function timeMs(input: In, key: string): number {
  const v = input[key];
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'string') return Date.parse(v);
  throw new AwsError('MissingParameter', `The parameter ${key} is required.`, 400);
}

function ops(em: Emulator): Record<string, { run: (input: In) => unknown }> {
  return {
    DescribeAlarms: {
      run(input) {
        const names = strList(input, 'AlarmNames');
        const prefix = str(input, 'AlarmNamePrefix');
        const state = str(input, 'StateValue');
        const alarms = [...em.state.cloudwatch.alarms.values()].filter(
          (a) => (!names || names.includes(a.name)) && (!prefix || a.name.startsWith(prefix)) && (!state || a.state === state),
        );
        return { MetricAlarms: alarms.map(alarmOutput), CompositeAlarms: [] };
      },
    },
    PutMetricAlarm: {
      run(input) {
        const name = reqStr(input, 'AlarmName');
        const { AlarmName: _n, Tags: _t, ...definition } = input;
        const existing = em.state.cloudwatch.alarms.get(name);
        if (existing) existing.definition = definition;
        else em.state.cloudwatch.alarms.set(name, { name, arn: em.arn('cloudwatch', `alarm:${name}`), state: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', updated: em.now(), definition });
        return {};
      },
    },
    DeleteAlarms: {
      run(input) {
        for (const n of strList(input, 'AlarmNames') ?? []) em.state.cloudwatch.alarms.delete(n);
        return {};
      },
    },
    SetAlarmState: {
      run(input) {
        const name = reqStr(input, 'AlarmName');
        const state = reqStr(input, 'StateValue');
        if (!STATES.has(state)) throw new AwsError('InvalidParameterValue', `Invalid StateValue ${state}`, 400);
        if (!em.state.cloudwatch.alarms.has(name)) throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
        setAlarmState(em, name, state as AlarmStateValue, str(input, 'StateReason') ?? '');
        return {};
      },
    },
    GetMetricData: {
      run(input) {
        const start = timeMs(input, 'StartTime');
        const end = timeMs(input, 'EndTime');
        const queries = Array.isArray(input.MetricDataQueries) ? (input.MetricDataQueries as In[]) : [];
        const results = queries
          .filter((q) => q.ReturnData !== false)
          .map((q) => {
            const ms = q.MetricStat as In | undefined;
            if (!ms) throw new AwsError('InvalidParameterValue', 'Metric math expressions are not supported by this emulator; use MetricStat queries', 400);
            const metric = (ms.Metric ?? {}) as In;
            const query: MetricQuery = { namespace: String(metric.Namespace ?? ''), metricName: String(metric.MetricName ?? ''), dimensions: dims(metric.Dimensions) };
            const buckets = aggregate(em, query, start, end, Number(ms.Period ?? 60));
            const stat = String(ms.Stat ?? 'Sum');
            return {
              Id: q.Id,
              Label: typeof q.Label === 'string' ? q.Label : query.metricName,
              Timestamps: buckets.map((b) => b.start / 1000),
              Values: buckets.map((b) => statValue(b, stat)),
              StatusCode: 'Complete',
            };
          });
        return { MetricDataResults: results, Messages: [] };
      },
    },
    GetMetricStatistics: {
      run(input) {
        const query: MetricQuery = { namespace: reqStr(input, 'Namespace'), metricName: reqStr(input, 'MetricName'), dimensions: dims(input.Dimensions) };
        const stats = strList(input, 'Statistics') ?? ['Sum'];
        const buckets = aggregate(em, query, timeMs(input, 'StartTime'), timeMs(input, 'EndTime'), num(input, 'Period') ?? 60);
        return {
          Label: query.metricName,
          Datapoints: buckets.map((b) => ({
            Timestamp: b.start / 1000,
            Unit: query.metricName === 'Duration' ? 'Milliseconds' : 'Count',
            ...Object.fromEntries(stats.map((s) => [s, statValue(b, s)])),
          })),
        };
      },
    },
  };
}

export function createCloudWatchService(em: Emulator): ServiceHandler {
  const table = ops(em);
  return {
    name: 'monitoring',
    route: (req: HttpReq) => routeJsonTarget(req, table, 'application/x-amz-json-1.0'),
    error: (err) => jsonProtocolError(err, 'com.amazonaws.cloudwatch', err.code),
    throttleError: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
    internalError: () => new AwsError('InternalServiceFault', 'Internal service error (injected fault).', 500),
  };
}
