// CloudWatch Logs (awsJson1_1): log groups, retention, tags; streams and events in log-events.ts.
import { AwsError, jsonProtocolError, num, reqStr, routeJsonTarget, str, strList, strMap, type HttpReq, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { LogGroup } from '../state.js';
import { logEventOps } from './log-events.js';

type In = Record<string, unknown>;

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function groupOf(em: Emulator, name: string): LogGroup {
  const g = em.state.logs.groups.get(name);
  if (!g) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
  return g;
}

function groupByArn(em: Emulator, arn: string): LogGroup {
  const m = /:log-group:([^:]+)(?::\*)?$/.exec(arn);
  return groupOf(em, m?.[1] ?? arn);
}

function groupOutput(g: LogGroup): Record<string, unknown> {
  return {
    logGroupName: g.name,
    creationTime: g.created,
    retentionInDays: g.retentionInDays,
    metricFilterCount: 0,
    arn: `${g.arn}:*`,
    logGroupArn: g.arn,
    storedBytes: 0,
    kmsKeyId: g.kmsKeyId,
    logGroupClass: 'STANDARD',
  };
}

function ops(em: Emulator): Record<string, { run: (input: In) => unknown }> {
  return {
    CreateLogGroup: {
      run(input) {
        const name = reqStr(input, 'logGroupName');
        if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) throw new AwsError('InvalidParameterException', `Invalid log group name: ${name}`, 400);
        if (em.state.logs.groups.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
        em.state.logs.groups.set(name, { name, arn: em.arn('logs', `log-group:${name}`), created: em.now(), kmsKeyId: str(input, 'kmsKeyId'), tags: strMap(input.tags), streams: new Map() });
        return {};
      },
    },
    DeleteLogGroup: {
      run(input) {
        const g = groupOf(em, reqStr(input, 'logGroupName'));
        em.state.logs.groups.delete(g.name);
        return {};
      },
    },
    DescribeLogGroups: {
      run(input) {
        const prefix = str(input, 'logGroupNamePrefix') ?? '';
        const all = [...em.state.logs.groups.values()].filter((g) => g.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
        const start = Number(str(input, 'nextToken') ?? 0) || 0;
        const limit = num(input, 'limit') ?? 50;
        return { logGroups: all.slice(start, start + limit).map(groupOutput), nextToken: start + limit < all.length ? String(start + limit) : undefined };
      },
    },
    PutRetentionPolicy: {
      run(input) {
        const g = groupOf(em, reqStr(input, 'logGroupName'));
        const days = num(input, 'retentionInDays');
        if (days === undefined || !RETENTION_DAYS.includes(days)) {
          throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`, 400);
        }
        g.retentionInDays = days;
        return {};
      },
    },
    DeleteRetentionPolicy: {
      run(input) {
        groupOf(em, reqStr(input, 'logGroupName')).retentionInDays = undefined;
        return {};
      },
    },
    TagLogGroup: {
      run(input) {
        Object.assign(groupOf(em, reqStr(input, 'logGroupName')).tags, strMap(input.tags));
        return {};
      },
    },
    UntagLogGroup: {
      run(input) {
        const g = groupOf(em, reqStr(input, 'logGroupName'));
        for (const k of strList(input, 'tags') ?? []) delete g.tags[k];
        return {};
      },
    },
    ListTagsLogGroup: { run: (input) => ({ tags: groupOf(em, reqStr(input, 'logGroupName')).tags }) },
    TagResource: {
      run(input) {
        Object.assign(groupByArn(em, reqStr(input, 'resourceArn')).tags, strMap(input.tags));
        return {};
      },
    },
    UntagResource: {
      run(input) {
        const g = groupByArn(em, reqStr(input, 'resourceArn'));
        for (const k of strList(input, 'tagKeys') ?? []) delete g.tags[k];
        return {};
      },
    },
    ListTagsForResource: { run: (input) => ({ tags: groupByArn(em, reqStr(input, 'resourceArn')).tags }) },
  };
}

export function createLogsService(em: Emulator): ServiceHandler {
  const table = { ...ops(em), ...logEventOps(em) };
  return {
    name: 'logs',
    route: (req: HttpReq) => routeJsonTarget(req, table, 'application/x-amz-json-1.1'),
    error: (err) => jsonProtocolError(err, 'com.amazonaws.cloudwatchlogs'),
    throttleError: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
    internalError: () => new AwsError('ServiceUnavailableException', 'The service cannot complete the request (injected fault).', 500),
  };
}
