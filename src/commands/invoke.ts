/**
 * `fnx invoke FUNCTION`: runs one function once and returns what it answered. Deployed (the
 * default): through the provider's driver, on the `live` pointer or `--version`. `--local`: the
 * handler on this machine (src/local/run-handler.ts), with no cloud call. `--event KIND` sends a
 * sample neutral event (src/events/samples.ts) that `--data` overrides; without it `--data` is
 * the payload as it is. Every input is checked before the first cloud call.
 */
import type { InvokeResult } from '../driver.js';
import { CloudError, ExitCode, FnxError } from '../errors.js';
import { readEventData } from '../events/data.js';
import { sampleEvent } from '../events/samples.js';
import { localEnvironment } from '../local/environment.js';
import { runHandler } from '../local/run-handler.js';
import { TRIGGER_KINDS, type ProviderName, type ResolvedFunction, type ResolvedManifest, type TriggerKind } from '../manifest/model.js';
import { providerForFunction, selectFunctions } from '../manifest/select.js';
import { redactor } from '../report/redact.js';
import type { ManifestOptions, Session } from '../session.js';

export interface InvokeRequest extends ManifestOptions {
  readonly function: string;
  readonly provider?: string;
  readonly version?: string;
  /** A trigger kind: send a sample neutral event of it. */
  readonly event?: string;
  readonly data?: string;
  readonly dataFile?: string;
  readonly local?: boolean;
  readonly resolveSecrets?: boolean;
  /** Reads stdin for `--data-file -`. */
  readonly readStdin?: () => Promise<string>;
}

export interface InvokeCommandResult {
  readonly function: string;
  readonly stage: string;
  /** The provider invoked; absent for a local run. */
  readonly provider?: ProviderName;
  readonly local: boolean;
  readonly event?: TriggerKind;
  readonly ok: boolean;
  readonly payload: unknown;
  readonly error?: string;
  /** The version that ran, when the cloud says. */
  readonly version?: string;
  /** The function's log lines: the tail the cloud returned, or everything a local run wrote. */
  readonly logs: readonly string[];
  /** Local runs. */
  readonly runtime?: string;
  readonly durationMs?: number;
  readonly peakMemoryBytes?: number;
}

export async function invoke(request: InvokeRequest, session: Session): Promise<InvokeCommandResult> {
  const manifest = await session.loadManifest(request);
  const fn = functionNamed(manifest, request.function);
  const local = Boolean(request.local);
  if (local && request.version !== undefined) usage('--version and --local were both given: a local run runs the handler in this project, not a deployed version.', 'Leave out --version, or --local to invoke the deployed version.');
  if (!local && request.resolveSecrets) usage('--resolve-secrets is for --local runs: a deployed function reads its secrets itself.', 'Add --local, or leave out --resolve-secrets.');
  const provider = local ? undefined : providerForFunction(fn, request.provider, 'to invoke');
  const kind = eventKind(fn, request.event);
  const data = await readEventData(request, session.cwd, request.readStdin ?? (() => Promise.resolve('')));
  const event = kind ? sampleEvent(kind, data?.value, { triggers: fn.triggers, source: data?.source ?? '--data' }) : undefined;
  const payload = event ?? data?.value ?? {};
  const base = { function: fn.name, stage: manifest.stage, local, ...(kind ? { event: kind } : {}) };
  const variables = variableValues(fn);

  if (local) {
    const env = localEnvironment(fn, session.env, Boolean(request.resolveSecrets));
    session.reporter.mask?.(env.secretValues);
    const run = await runHandler({ manifest, function: fn, event: payload, environment: env.variables, hostEnv: session.env, signal: session.signal });
    return {
      ...base,
      ...shown(run.ok, run.payload, run.error, run.logs, [...variables, ...env.secretValues]),
      runtime: fn.runtime,
      durationMs: run.durationMs,
      ...(run.peakMemoryBytes !== undefined ? { peakMemoryBytes: run.peakMemoryBytes } : {}),
    };
  }

  const { targets } = await session.drivers(manifest, { providers: [provider!], functions: [fn.name] });
  const target = targets[0]!;
  let result: InvokeResult;
  try {
    result = await target.driver.invoke({
      function: fn,
      manifest,
      ...(request.version !== undefined ? { version: request.version } : {}),
      payload,
      ...(kind && event ? { event: { kind, value: event } } : {}),
    });
  } catch (err) {
    if (err instanceof CloudError && err.kind === 'not-found') {
      const what = request.version !== undefined ? `version ${request.version} of function "${fn.name}"` : `function "${fn.name}"`;
      throw new FnxError('E_NOT_DEPLOYED', `${what} is not deployed to stage ${manifest.stage} on ${target.provider}: ${err.message}`, {
        hint: request.version !== undefined ? `\`fnx status --stage ${manifest.stage}\` lists the deployed versions.` : `Deploy it first: fnx deploy --stage ${manifest.stage}.`,
        exitCode: ExitCode.usage,
      });
    }
    throw err;
  }
  return {
    ...base,
    provider: target.provider,
    ...shown(result.ok, result.payload ?? null, result.error, result.logTail ?? [], variables),
    ...(result.version !== undefined ? { version: result.version } : {}),
  };
}

/** An invocation's outcome with `secrets` (variable values, resolved secrets) replaced wherever they appear. */
function shown(ok: boolean, payload: unknown, error: string | undefined, logs: readonly string[], secrets: readonly string[]) {
  const hide = redactor(secrets);
  if (!hide) return { ok, payload, ...(error !== undefined ? { error } : {}), logs };
  return { ok, payload: payload === undefined ? undefined : (JSON.parse(hide(JSON.stringify(payload))) as unknown), ...(error !== undefined ? { error: hide(error) } : {}), logs: logs.map(hide) };
}

/** Values of the function's environment that came from `${env:...}` / `${opt:...}`: never shown. */
function variableValues(fn: ResolvedFunction): string[] {
  return Object.keys(fn.variables ?? {})
    .filter((field) => field.startsWith('environment.'))
    .map((field) => fn.environment[field.slice('environment.'.length)])
    .filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

function functionNamed(manifest: ResolvedManifest, name: string): ResolvedFunction {
  return selectFunctions(manifest, [name])[0]!;
}

/** The --event kind, checked against the function: its adapter converts only the kinds it has triggers for. */
function eventKind(fn: ResolvedFunction, requested: string | undefined): TriggerKind | undefined {
  if (requested === undefined) return undefined;
  const kind = TRIGGER_KINDS.find((k) => k === requested);
  if (!kind) usage(`--event ${requested}: not a trigger kind.`, `Use one of ${TRIGGER_KINDS.join(', ')}.`);
  if (fn.events === 'native') {
    usage(`--event ${kind}: function "${fn.name}" has \`events: native\`, so its handler expects each provider's own events, not neutral ones.`, 'Pass the native event as it is with --data or --data-file and no --event (or set `events: neutral`).');
  }
  if (!fn.triggers.some((t) => t.kind === kind)) {
    const has = [...new Set(fn.triggers.map((t) => t.kind))];
    usage(`--event ${kind}: function "${fn.name}" has no ${kind} trigger, so a ${kind} event never reaches it.`, has.length ? `Its triggers: ${has.join(', ')}.` : 'It has no triggers: pass the payload with --data and no --event.');
  }
  return kind;
}

function usage(message: string, hint: string): never {
  throw new FnxError('E_USAGE_INVOKE', message, { hint, exitCode: ExitCode.usage });
}
