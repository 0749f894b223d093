/**
 * The Reporter: the only way commands talk to the user. Progress goes to stderr (spinners on a
 * TTY, plain lines otherwise, nothing with --json); results go to stdout (text, or one JSON
 * document with --json). Commands never write to process.stdout/stderr directly.
 */
import type { FnxError } from '../errors.js';

export interface Step {
  /** Replace the step's text (spinner on a TTY; ignored in plain mode to keep CI logs short). */
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
}

export interface Reporter {
  readonly json: boolean;
  /** Spinners may be drawn (stderr is a terminal, not CI, not --json). Absent: false. */
  readonly interactive?: boolean;
  /** A progress line (stderr). */
  info(message: string): void;
  warn(message: string): void;
  /** A long-running step: spinner on a TTY, one line when done otherwise. */
  step(title: string): Step;
  /** Human-readable result lines (stdout); skipped with --json. */
  print(text: string): void;
  /** The machine-readable result of the command (stdout, only with --json). */
  data(value: unknown): void;
  /** Report a failure (stderr, or as JSON on stdout with --json). */
  error(err: FnxError): void;
  /**
   * Values that must not show in logs (credentials, values from the environment and `--var`):
   * in GitHub Actions each is announced once with `::add-mask::` before anything else is written,
   * so GitHub hides it in every later line of the job. Absent: nothing to announce.
   */
  mask?(values: Iterable<string>): void;
}

export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface ReporterOptions {
  readonly json: boolean;
  /** Colour and spinners allowed (a TTY, and NO_COLOR unset). */
  readonly interactive: boolean;
  readonly color: boolean;
  /** Also print `::error file=..::` annotations for GitHub Actions. */
  readonly githubAnnotations: boolean;
  readonly streams: OutputStreams;
  /** Applied to every text written (removes credentials, see redact.ts). */
  readonly redact?: (text: string) => string;
  /** Credentials found in the environment: masked at once (see Reporter.mask). */
  readonly secrets?: readonly string[];
}
