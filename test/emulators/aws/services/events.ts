// EventBridge (awsJson1_1): rules on the default bus, targets, tags.
import { AwsError, jsonProtocolError, reqStr, routeJsonTarget, str, strList, tagList, toTagList, type HttpReq, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { EventRule } from '../state.js';

type In = Record<string, unknown>;

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, 400);
}

function ruleOf(em: Emulator, name: string, bus = 'default'): EventRule {
  const r = em.state.events.rules.get(name);
  if (!r) throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`, 400);
  return r;
}

function checkSchedule(expr: string): void {
  const rate = RATE.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const singular = !(rate[2] ?? '').endsWith('s');
    if (n < 1 || (n === 1) !== singular) throw validation('Parameter ScheduleExpression is not valid.');
    return;
  }
  if (!CRON.test(expr) || !validCron(expr.slice(5, -1).split(' '))) throw validation('Parameter ScheduleExpression is not valid.');
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** EventBridge cron fields: [min, max, names (value = index + min)?, extra wildcards]. */
const CRON_FIELDS: readonly [number, number, readonly string[] | undefined, RegExp | undefined][] = [
  [0, 59, undefined, undefined],
  [0, 23, undefined, undefined],
  [1, 31, undefined, /^(L|LW|\d{1,2}W)$/],
  [1, 12, MONTHS, undefined],
  [1, 7, DAYS, /^(L|\d?L|\w{1,3}#[1-5])$/],
  [1970, 2199, undefined, undefined],
];

/**
 * EventBridge's documented cron rules: six fields (minutes hours day-of-month month day-of-week
 * year), values and steps within each field's range, and exactly one of day-of-month /
 * day-of-week is `?` (a value or `*` in one needs `?` in the other).
 */
function validCron(fields: string[]): boolean {
  if (fields.length !== 6) return false;
  const [, , dom, , dow] = fields;
  if ((dom === '?') === (dow === '?')) return false;
  return fields.every((field, i) => {
    const [min, max, names, extra] = CRON_FIELDS[i]!;
    if (field === '?') return i === 2 || i === 4;
    if (extra?.test(field)) return true;
    const value = (t: string): number | undefined => {
      if (/^\d+$/.test(t)) return Number(t);
      const n = names?.indexOf(t.toUpperCase()) ?? -1;
      return n >= 0 ? n + min : undefined;
    };
    return field.split(',').every((item) => {
      const [range = '', step, more] = item.split('/');
      if (more !== undefined) return false;
      if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > max - min)) return false;
      if (range === '*') return true;
      const bounds = range.split('-');
      if (bounds.length > 2) return false;
      return bounds.every((b) => {
        const v = value(b);
        return v !== undefined && v >= min && v <= max;
      });
    });
  });
}

function ruleOutput(r: EventRule): Record<string, unknown> {
  return {
    Name: r.Name,
    Arn: r.Arn,
    EventPattern: r.EventPattern,
    ScheduleExpression: r.ScheduleExpression,
    State: r.State,
    Description: r.Description,
    RoleArn: r.RoleArn,
    EventBusName: r.EventBusName,
  };
}

function ruleByArn(em: Emulator, arn: string): EventRule {
  const m = /:rule\/(?:([^/]+)\/)?([^/]+)$/.exec(arn);
  return ruleOf(em, m?.[2] ?? arn);
}

function ops(em: Emulator): Record<string, { run: (input: In) => unknown }> {
  return {
    PutRule: {
      run(input) {
        const name = reqStr(input, 'Name');
        if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint`);
        const schedule = str(input, 'ScheduleExpression');
        const pattern = str(input, 'EventPattern');
        if (!schedule && !pattern) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
        if (schedule) checkSchedule(schedule);
        if (pattern) {
          try {
            JSON.parse(pattern);
          } catch {
            throw new AwsError('InvalidEventPatternException', 'Event pattern is not valid. Reason: invalid JSON', 400);
          }
        }
        const bus = str(input, 'EventBusName') ?? 'default';
        const existing = em.state.events.rules.get(name);
        const rule: EventRule = {
          Name: name,
          Arn: em.arn('events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`),
          EventBusName: bus,
          ScheduleExpression: schedule,
          EventPattern: pattern,
          State: str(input, 'State') ?? 'ENABLED',
          Description: str(input, 'Description'),
          RoleArn: str(input, 'RoleArn'),
          targets: existing?.targets ?? new Map(),
          tags: existing ? existing.tags : tagList(input.Tags),
        };
        em.state.events.rules.set(name, rule);
        return { RuleArn: rule.Arn };
      },
    },
    DescribeRule: { run: (input) => ({ ...ruleOutput(ruleOf(em, reqStr(input, 'Name'))), CreatedBy: em.accountId }) },
    DeleteRule: {
      run(input) {
        const name = reqStr(input, 'Name');
        const r = em.state.events.rules.get(name);
        if (!r) return {};
        if (r.targets.size > 0) throw validation("Rule can't be deleted since it has targets.");
        em.state.events.rules.delete(name);
        return {};
      },
    },
    EnableRule: { run: (input) => ((ruleOf(em, reqStr(input, 'Name')).State = 'ENABLED'), {}) },
    DisableRule: { run: (input) => ((ruleOf(em, reqStr(input, 'Name')).State = 'DISABLED'), {}) },
    ListRules: {
      run(input) {
        const prefix = str(input, 'NamePrefix') ?? '';
        const rules = [...em.state.events.rules.values()].filter((r) => r.Name.startsWith(prefix)).sort((a, b) => a.Name.localeCompare(b.Name));
        const start = Number(str(input, 'NextToken') ?? 0) || 0;
        const limit = Number(input.Limit ?? 100) || 100;
        return { Rules: rules.slice(start, start + limit).map(ruleOutput), NextToken: start + limit < rules.length ? String(start + limit) : undefined };
      },
    },
    PutTargets: {
      run(input) {
        const r = ruleOf(em, reqStr(input, 'Rule'));
        const targets = Array.isArray(input.Targets) ? (input.Targets as Record<string, unknown>[]) : [];
        const ids = new Set([...r.targets.keys(), ...targets.map((t) => String(t.Id))]);
        if (ids.size > 5) throw new AwsError('LimitExceededException', `The requested resource exceeds the maximum number allowed (5 targets per rule).`, 400);
        for (const t of targets) {
          if (typeof t.Id !== 'string' || typeof t.Arn !== 'string') throw validation('Targets must have Id and Arn');
          r.targets.set(t.Id, { ...t, Id: t.Id, Arn: t.Arn });
        }
        return { FailedEntryCount: 0, FailedEntries: [] };
      },
    },
    RemoveTargets: {
      run(input) {
        const r = ruleOf(em, reqStr(input, 'Rule'));
        for (const id of strList(input, 'Ids') ?? []) r.targets.delete(id);
        return { FailedEntryCount: 0, FailedEntries: [] };
      },
    },
    ListTargetsByRule: { run: (input) => ({ Targets: [...ruleOf(em, reqStr(input, 'Rule')).targets.values()] }) },
    TagResource: {
      run(input) {
        const r = ruleByArn(em, reqStr(input, 'ResourceARN'));
        Object.assign(r.tags, tagList(input.Tags));
        return {};
      },
    },
    UntagResource: {
      run(input) {
        const r = ruleByArn(em, reqStr(input, 'ResourceARN'));
        for (const k of strList(input, 'TagKeys') ?? []) delete r.tags[k];
        return {};
      },
    },
    ListTagsForResource: { run: (input) => ({ Tags: toTagList(ruleByArn(em, reqStr(input, 'ResourceARN')).tags) }) },
  };
}

export function createEventsService(em: Emulator): ServiceHandler {
  const table = ops(em);
  return {
    name: 'events',
    route: (req: HttpReq) => routeJsonTarget(req, table, 'application/x-amz-json-1.1'),
    error: (err) => jsonProtocolError(err, 'com.amazonaws.eventbridge'),
    throttleError: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
    internalError: () => new AwsError('InternalException', 'An internal error occurred (injected fault).', 500),
  };
}
