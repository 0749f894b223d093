/** What every command receives from the CLI entry: output, cancellation, environment. */
import type { LoadOptions } from '../manifest/index.js';
import { formatWarning } from '../report/format.js';
import type { Reporter } from '../report/reporter.js';

export interface CommandContext {
  readonly reporter: Reporter;
  /** Aborted on the first Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** True when prompts may be shown (stdin and stderr are TTYs and not CI). */
  readonly interactive: boolean;
}

/** Options shared by the commands that read a manifest. */
export interface ManifestOptions {
  /** Path of the manifest; default `fnx.yaml` in cwd. */
  readonly config?: string;
  readonly stage: string;
  /** `--var name=value`, for `${opt:name}`. */
  readonly vars: Readonly<Record<string, string>>;
  readonly json: boolean;
}

/**
 * How a command asks for its manifest: the options, and manifest warnings printed as warnings.
 * `files`: also check the handler files and layer folders (commands that package code).
 */
export function manifestLoadOptions(opts: ManifestOptions, ctx: CommandContext, files = false): LoadOptions {
  return {
    files,
    cwd: ctx.cwd,
    ...(opts.config ? { config: opts.config } : {}),
    stage: opts.stage,
    vars: opts.vars,
    env: ctx.env,
    onWarning: (w) => ctx.reporter.warn(formatWarning(w, ctx.cwd)),
  };
}
