/**
 * What `fnx logs` prints: one text line per log line (`TIME [VERSION] REQUEST-ID MESSAGE`, the
 * parts the cloud did not give left out, control characters escaped) as it arrives; with --json
 * one document with every line, or, with --tail, one document per line as it arrives.
 */
import type { LogsResult } from '../commands/logs.js';
import type { LogLine } from '../driver.js';
import { visible } from '../report/format.js';
import type { Reporter } from '../report/reporter.js';

export function formatLogLine(line: LogLine): string {
  return [line.time, line.version !== undefined ? `[${line.version}]` : '', line.requestId ?? '', visible(line.message)].filter(Boolean).join(' ');
}

/** The onLine of a logs request, and what to print when it is done. */
export function logsPrinter(reporter: Reporter, tail: boolean): { onLine: (line: LogLine) => void; done: (r: LogsResult) => void } {
  const kept: LogLine[] = [];
  return {
    onLine(line) {
      if (!reporter.json) reporter.print(formatLogLine(line));
      else if (tail) reporter.data(line);
      else kept.push(line);
    },
    done(r) {
      if (reporter.json && !tail) reporter.data({ ok: true, function: r.function, stage: r.stage, provider: r.provider, since: r.since, lines: kept });
      if (!reporter.json && r.lines === 0 && !tail) reporter.info(`no log lines from ${r.function} (${r.provider}) since ${r.since}`);
    },
  };
}
