/**
 * `fnx logs` on AWS: CloudWatch Logs FilterLogEvents over the function's log group
 * (/aws/lambda/NAME). The version is the `[VERSION]` of the stream's name (Lambda names streams
 * `YYYY/MM/DD/[VERSION]hex`, one per execution environment); the request id comes from the line
 * (`START RequestId: ID`, Node's `time\tID\tLEVEL\tmessage`, Python logging's
 * `[LEVEL]\ttime\tID\tmessage`) or, for a line without one, from the last START of its stream.
 * Following polls FilterLogEvents from the newest timestamp seen, skipping event ids seen.
 */
import { FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { sleep, type LogLine, type LogsRequest } from '../../src/driver.js';
import type { AwsClients } from './clients.js';
import { logGroupName } from './names.js';
import { cloudName } from './traffic.js';

/** How often --tail asks for new lines (CloudWatch Logs ingests within seconds). */
export const LOGS_POLL_MS = 1000;

const REQUEST_ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const FRAME = new RegExp(`^(?:START|END|REPORT) RequestId: (${REQUEST_ID})`);
const NODE_LINE = new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t(${REQUEST_ID}|undefined)\\t(\\w+)\\t([\\s\\S]*)$`);
const PYTHON_LOGGING = new RegExp(`^\\[(\\w+)\\]\\t\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t(${REQUEST_ID}|None)\\t([\\s\\S]*)$`);

/** A CloudWatch Logs filter pattern matching `text` as one exact phrase. */
export function phrasePattern(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The version in a Lambda log stream's name, `YYYY/MM/DD/[VERSION]hex`. */
export function streamVersion(stream: string | undefined): string | undefined {
  return /^\d{4}\/\d{2}\/\d{2}\/\[([^\]]+)\]/.exec(stream ?? '')?.[1];
}

/** One event as a LogLine; `current` holds the request id of each stream's invocation in progress. */
export function logLine(e: FilteredLogEvent, current: Map<string, string>): LogLine {
  const stream = e.logStreamName ?? '';
  let message = (e.message ?? '').replace(/\s+$/, '');
  let requestId: string | undefined;
  const frame = FRAME.exec(message);
  const node = NODE_LINE.exec(message);
  const python = PYTHON_LOGGING.exec(message);
  if (frame) {
    requestId = frame[1];
    if (message.startsWith('START ')) current.set(stream, requestId ?? '');
    if (message.startsWith('REPORT ')) current.delete(stream);
  } else if (node) {
    requestId = node[1] === 'undefined' ? undefined : node[1];
    message = `${node[2]} ${node[3]}`;
  } else if (python) {
    requestId = python[2] === 'None' ? undefined : python[2];
    message = `${python[1]} ${python[3]}`;
  }
  requestId ??= current.get(stream) || undefined;
  const version = streamVersion(stream);
  return { time: new Date(e.timestamp ?? 0).toISOString(), ...(version ? { version } : {}), ...(requestId ? { requestId } : {}), message };
}

export async function* readLogs(aws: AwsClients, req: LogsRequest): AsyncIterable<LogLine> {
  const group = logGroupName(cloudName(req.manifest, req.function));
  const current = new Map<string, string>();
  let from = Date.parse(req.since);
  // Event ids already given at timestamp `from` (the next poll starts there again).
  let seen = new Set<string>();
  for (;;) {
    let token: string | undefined;
    do {
      const page = await aws.interruptible(req.signal, () =>
        aws.find('FilterLogEvents', () =>
          aws.logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: from, ...(req.filter ? { filterPattern: phrasePattern(req.filter) } : {}), ...(token ? { nextToken: token } : {}) })),
        ),
      );
      token = page?.nextToken;
      for (const e of page?.events ?? []) {
        const id = e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`;
        if (seen.has(id)) continue;
        const ts = e.timestamp ?? from;
        if (ts > from) {
          from = ts;
          seen = new Set();
        }
        seen.add(id);
        const line = logLine(e, current);
        if (req.version === undefined || line.version === req.version) yield line;
      }
    } while (token && !req.signal.aborted);
    if (!req.follow || req.signal.aborted) return;
    try {
      await sleep(LOGS_POLL_MS, req.signal);
    } catch {
      return;
    }
  }
}
