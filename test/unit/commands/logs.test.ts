/** `fnx logs` in the core: --since parsing, provider choice, and a driver without the logs ability (exit 2). */
import { describe, expect, it } from 'vitest';
import { logs, sinceTime } from '../../../src/commands/logs.js';
import type { LogLine, LogsRequest as DriverLogsRequest } from '../../../src/driver.js';
import { ExitCode } from '../../../src/errors.js';
import { FakeCloud, FakeDriver } from '../../fakes/fake-driver.js';
import { fakeSession } from '../../fakes/fake-session.js';
import { fn, manifest } from '../../fakes/manifest.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('--since', () => {
  it('takes a duration back from now or an ISO time, and names what is wrong otherwise', () => {
    expect(sinceTime('30s', NOW)).toBe('2026-12-02T11:59:30.000Z');
    expect(sinceTime('10m', NOW)).toBe('2026-12-02T11:50:00.000Z');
    expect(sinceTime('2h', NOW)).toBe('2026-12-02T10:00:00.000Z');
    expect(sinceTime('1d', NOW)).toBe('2026-12-01T12:00:00.000Z');
    expect(sinceTime('2026-12-01T09:30:00Z', NOW)).toBe('2026-12-01T09:30:00.000Z');
    for (const bad of ['10', '5x', 'yesterday', '0m', '2026-13-45']) expect(() => sinceTime(bad, NOW), bad).toThrow(expect.objectContaining({ code: 'E_USAGE_SINCE', exitCode: ExitCode.usage }));
    expect(() => sinceTime('2027-01-01T00:00:00Z', NOW)).toThrow(/is in the future/);
  });
});

/** A driver that has the logs ability: records the request, yields the given lines. */
class LoggingDriver extends FakeDriver {
  readonly requests: DriverLogsRequest[] = [];
  constructor(private readonly lines: LogLine[]) {
    super(new FakeCloud());
  }
  async *logs(req: DriverLogsRequest): AsyncIterable<LogLine> {
    this.requests.push(req);
    yield* this.lines;
  }
}

const both = manifest([fn('api', { providers: ['aws', 'azure'] })], { providers: { aws: { region: 'us-east-1', tags: {} }, azure: { region: 'westeurope', tags: {} } } as never });
const request = (over: Partial<Parameters<typeof logs>[0]> = {}) => ({ stage: 'prod', vars: {}, function: 'api', tail: false, onLine: () => undefined, ...over });

describe('fnx logs', () => {
  it('passes since, filter, version and follow to the driver and hands over each line', async () => {
    const line = { time: '2026-12-02T11:55:00.000Z', version: '3', requestId: 'r-1', message: 'INFO hello' };
    const driver = new LoggingDriver([line]);
    const session = fakeSession({ manifest: manifest([fn('api')]), drivers: { aws: driver } });
    const seen: LogLine[] = [];
    const r = await logs(request({ since: '1h', filter: 'hello', version: '3', onLine: (l) => seen.push(l) }), session);
    expect(seen).toEqual([line]);
    expect(r).toMatchObject({ function: 'api', provider: 'aws', lines: 1 });
    expect(driver.requests[0]).toMatchObject({ function: 'api', filter: 'hello', version: '3', follow: false, since: new Date(session.clock().now() - 3_600_000).toISOString() });
  });

  it('a provider whose driver cannot read logs: exit 2 naming it, nothing read', async () => {
    const session = fakeSession({ manifest: both, drivers: { aws: new LoggingDriver([]), azure: new FakeDriver(new FakeCloud(), { provider: 'azure' }) } });
    await expect(logs(request({ provider: 'azure' }), session)).rejects.toMatchObject({ code: 'E_LOGS_UNSUPPORTED', exitCode: ExitCode.usage, message: expect.stringContaining('cannot read azure logs') });
  });

  it('a function on several providers needs --provider; a bad --since fails before the manifest is read', async () => {
    const session = fakeSession({ manifest: both, drivers: { aws: new LoggingDriver([]), azure: new LoggingDriver([]) } });
    await expect(logs(request(), session)).rejects.toMatchObject({ code: 'E_USAGE_PROVIDER', message: 'function "api" is deployed to aws and azure: say which one to read logs from.' });
    await expect(logs(request({ since: 'soon' }), session)).rejects.toMatchObject({ code: 'E_USAGE_SINCE' });
    expect(session.loads).toHaveLength(1);
  });
});
