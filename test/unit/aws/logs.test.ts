/** How CloudWatch Logs events of a Lambda function become fnx's log lines (version, request id, message). */
import { describe, expect, it } from 'vitest';
import { logLine, phrasePattern, streamVersion } from '../../../providers/aws/logs.js';

const ID = '8f2c1a4e-5b6d-4e7f-9a0b-1c2d3e4f5a6b';
const STREAM = '2026/12/02/[7]0123456789abcdef0123456789abcdef';
const at = (message: string, logStreamName = STREAM) => ({ logStreamName, timestamp: Date.UTC(2026, 11, 2, 12), message, eventId: '1' });

describe('aws log lines', () => {
  it('takes the version from the stream name and the request id from the line or the last START of its stream', () => {
    const current = new Map<string, string>();
    expect(logLine(at(`START RequestId: ${ID} Version: 7\n`), current)).toEqual({ time: '2026-12-02T12:00:00.000Z', version: '7', requestId: ID, message: `START RequestId: ${ID} Version: 7` });
    expect(logLine(at(`2026-12-02T12:00:00.001Z\t${ID}\tINFO\tgot {"a":1}\n`), current)).toMatchObject({ requestId: ID, message: 'INFO got {"a":1}' });
    expect(logLine(at(`[WARNING]\t2026-12-02T12:00:00.002Z\t${ID}\tslow call\n`), current)).toMatchObject({ requestId: ID, message: 'WARNING slow call' });
    expect(logLine(at('plain print from python\n'), current)).toMatchObject({ requestId: ID, message: 'plain print from python' });
    expect(logLine(at(`REPORT RequestId: ${ID}\tDuration: 1.00 ms\t\n`), current)).toMatchObject({ requestId: ID, message: `REPORT RequestId: ${ID}\tDuration: 1.00 ms` });
    expect(logLine(at('after the invocation\n'), current)).toEqual({ time: '2026-12-02T12:00:00.000Z', version: '7', message: 'after the invocation' });
    expect(logLine(at('init line', 'some-other-stream'), current)).toEqual({ time: '2026-12-02T12:00:00.000Z', message: 'init line' });
  });

  it('reads [VERSION] from Lambda stream names and quotes --filter as one phrase', () => {
    expect(streamVersion('2026/12/02/[$LATEST]abc')).toBe('$LATEST');
    expect(streamVersion('custom')).toBeUndefined();
    expect(phrasePattern('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
  });
});
