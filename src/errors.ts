/**
 * Typed errors. Every failure a user can see is an FnxError: a stable code, a message that says
 * what went wrong, a hint that says how to fix it, an optional source location, and the exit code
 * the CLI entry uses. Only src/cli turns these into output and process exit codes.
 */

/** Process exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** An operation against a cloud (or the file system) failed. */
  failed: 1,
  /** Bad command line or bad manifest: nothing was changed. */
  usage: 2,
  /** A release failed a health gate or hook and traffic was moved back automatically. */
  rolledBack: 3,
  /** Another deploy changed the stage concurrently; this one changed nothing live. */
  conflict: 4,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface FnxErrorOptions {
  hint?: string;
  location?: SourceLocation;
  exitCode?: ExitCodeValue;
  cause?: unknown;
  /** Extra machine-readable fields printed with --json (never secret values). */
  details?: Record<string, unknown>;
}

export class FnxError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly exitCode: ExitCodeValue;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: FnxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FnxError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.exitCode = options.exitCode ?? ExitCode.failed;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.location ? { location: this.location } : {}),
      ...(this.details ? { details: this.details } : {}),
      exitCode: this.exitCode,
    };
  }
}

/** Several problems found at once (for example every manifest error). The first one sets the exit code. */
export class FnxErrorList extends FnxError {
  readonly errors: readonly FnxError[];

  constructor(errors: readonly FnxError[], summary?: string) {
    const first = errors[0];
    super(first?.code ?? 'E_MULTIPLE', summary ?? `${errors.length} problem${errors.length === 1 ? '' : 's'} found`, {
      exitCode: first?.exitCode ?? ExitCode.usage,
    });
    this.errors = errors;
  }

  override toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, exitCode: this.exitCode, errors: this.errors.map((e) => e.toJSON()) };
  }
}

/** The kinds of cloud failure the core may branch on. Drivers map SDK exceptions onto these. */
export type CloudErrorKind =
  | 'throttled'
  | 'conflict'
  | 'precondition'
  | 'not-found'
  | 'unauthorized'
  | 'quota'
  | 'invalid'
  | 'unavailable';

export class CloudError extends FnxError {
  readonly kind: CloudErrorKind;
  readonly provider: string;

  constructor(provider: string, kind: CloudErrorKind, message: string, options: FnxErrorOptions = {}) {
    super(`E_CLOUD_${kind.toUpperCase().replace('-', '_')}`, message, {
      ...options,
      exitCode: options.exitCode ?? (kind === 'precondition' ? ExitCode.conflict : ExitCode.failed),
    });
    this.name = 'CloudError';
    this.kind = kind;
    this.provider = provider;
  }
}

/** Raised when the user interrupts (Ctrl-C). In-flight work has been allowed to finish. */
export class InterruptedError extends FnxError {
  constructor(message = 'Interrupted', options: FnxErrorOptions = {}) {
    super('E_INTERRUPTED', message, {
      hint: 'Run the same command again: fnx converges to the manifest.',
      ...options,
      exitCode: ExitCode.interrupted,
    });
    this.name = 'InterruptedError';
  }
}

/** A feature whose issue has not landed yet. */
export function notAvailable(what: string): FnxError {
  return new FnxError('E_NOT_AVAILABLE', `${what} is not available yet in this version of fnx.`, {
    hint: 'See the README for what is implemented; `fnx validate` and `fnx package` work offline.',
    exitCode: ExitCode.usage,
  });
}

/** The message of anything thrown: an Error's message, or the value as a string. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Wraps anything thrown that is not an FnxError: an fnx bug, reported as such. */
export function toFnxError(err: unknown): FnxError {
  if (err instanceof FnxError) return err;
  return new FnxError('E_INTERNAL', `Internal error: ${messageOf(err)}`, {
    hint: 'This is a bug in fnx. Re-run with FNX_DEBUG=1 for a stack trace and report it.',
    cause: err,
  });
}

/**
 * True for what only a defect throws: anything that is not an FnxError (drivers report every
 * cloud failure as a CloudError, so a TypeError from the engine or a driver lands here), or an
 * FnxError already wrapped as E_INTERNAL. The release engine reports these as bugs (exit 1), not
 * as a failed release.
 */
export function isInternalError(err: unknown): boolean {
  return !(err instanceof FnxError) || err.code === 'E_INTERNAL';
}
