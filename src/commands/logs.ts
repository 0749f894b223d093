/**
 * `fnx logs FUNCTION --stage S [--since 10m] [--tail] [--filter TEXT] [--version V]
 * [--provider P] [--json]`: the function's log lines from the cloud (each with its version and
 * request id when the cloud says), oldest first; `--tail` keeps following until Ctrl-C (exit 130,
 * the normal way to stop it). Every option is checked before the first cloud call. Exit 2 when
 * the provider's driver cannot read logs.
 */
import { ExitCode, FnxError } from '../errors.js';
import type { LogLine } from '../driver.js';
import { durationSeconds } from '../manifest/units.js';
import type { ProviderName } from '../manifest/model.js';
import type { ManifestOptions, Session } from '../session.js';
import { providerForFunction, selectFunctions } from '../manifest/select.js';

export const DEFAULT_SINCE = '10m';

export interface LogsRequest extends ManifestOptions {
  readonly function: string;
  readonly provider?: string;
  /** A duration back from now (30s, 10m, 2h, 1d) or an ISO 8601 time. Default 10m. */
  readonly since?: string;
  readonly tail: boolean;
  readonly filter?: string;
  readonly version?: string;
  /** Called with each line as it arrives. */
  readonly onLine: (line: LogLine) => void;
}

export interface LogsResult {
  readonly function: string;
  readonly stage: string;
  readonly provider: ProviderName;
  /** ISO time the lines start from. */
  readonly since: string;
  readonly lines: number;
}

/** `--since` as an ISO time: a duration back from `now`, or an ISO 8601 time (not in the future). */
export function sinceTime(text: string, now: number): string {
  const seconds = durationSeconds(text.trim());
  if (seconds > 0) return new Date(now - seconds * 1000).toISOString();
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(iso)) {
    throw new FnxError('E_USAGE_SINCE', `--since "${text}" is neither a duration nor an ISO 8601 time. Nothing was read.`, {
      hint: 'Use a duration back from now (30s, 10m, 2h, 1d) or a time such as 2026-12-01T09:30:00Z.',
      exitCode: ExitCode.usage,
    });
  }
  if (iso > now) {
    throw new FnxError('E_USAGE_SINCE', `--since ${text} is in the future. Nothing was read.`, { hint: 'Give a time in the past, or a duration such as 10m.', exitCode: ExitCode.usage });
  }
  return new Date(iso).toISOString();
}

export async function logs(request: LogsRequest, session: Session): Promise<LogsResult> {
  const since = sinceTime(request.since ?? DEFAULT_SINCE, session.clock().now());
  if (request.version !== undefined && !request.version.trim()) {
    throw new FnxError('E_USAGE_VERSION', '--version is empty.', { hint: 'Give a version id as `fnx status` shows it, or leave --version out for every version.', exitCode: ExitCode.usage });
  }
  const manifest = await session.loadManifest(request);
  const provider = providerForFunction(selectFunctions(manifest, [request.function])[0]!, request.provider, 'to read logs from');
  const { targets } = await session.drivers(manifest, { functions: [request.function], providers: [provider] });
  const target = targets[0]!;
  const read = target.driver.logs?.bind(target.driver);
  if (!read) {
    throw new FnxError('E_LOGS_UNSUPPORTED', `fnx logs cannot read ${target.provider} logs yet: the ${target.provider} driver has no log reader. Nothing was read.`, {
      hint: `Read them in the ${target.provider} console or CLI for now (docs/providers.md lists which providers fnx logs supports).`,
      exitCode: ExitCode.usage,
    });
  }
  let lines = 0;
  const lineStream = read({
    function: request.function,
    manifest,
    since,
    follow: request.tail,
    signal: session.signal,
    reporter: session.reporter,
    ...(request.filter ? { filter: request.filter } : {}),
    ...(request.version !== undefined ? { version: request.version.trim() } : {}),
  });
  for await (const line of lineStream) {
    lines += 1;
    request.onLine(line);
  }
  return { function: request.function, stage: manifest.stage, provider: target.provider, since, lines };
}
