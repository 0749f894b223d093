/** The state the release engine threads through one function's release. */
import type { ProviderDriver } from '../driver.js';
import type { ResolvedFunction, ResolvedManifest } from '../manifest/model.js';
import type { Reporter } from '../report/reporter.js';
import type { Clock } from './clock.js';
import type { Progress } from './progress.js';
import type { ReleaseBase } from './record.js';

/** Shared by every function released by one driver in one command. */
export interface EngineContext {
  readonly driver: ProviderDriver;
  readonly manifest: ResolvedManifest;
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly keepOnInterrupt: boolean;
  readonly progress: Progress;
}

/** One function's release in flight. Mutable: the engine advances `step` and `revision` with each shift. */
export interface FunctionRelease {
  readonly fn: ResolvedFunction;
  /** Record fields fixed for the release: version (= candidate), previous, steps, strategy, deploy id. */
  readonly base: ReleaseBase;
  readonly candidate: string;
  readonly previous: string;
  /** Pointer revision after the last shift (or read); the next shift is conditional on it. */
  revision: string;
  /** Index into base.steps that the pointer reflects; -1 before the first shift. */
  step: number;
  /** Clock time the current step began (start of the metrics window for the error-rate gate). */
  stepStartedAt: number;
  /**
   * 'pending' until the candidate gets traffic; 'in-progress' while it gets some (on the replace
   * model: from the start, apply deployed it over the serving code); 'live' once it is the
   * pointer's primary with the release recorded live.
   */
  phase: 'pending' | 'in-progress' | 'live';
  /** Base URL for the HTTP probe, read from driver.status() once (null: the function has none). */
  probeBase?: string | null;
  /** Health checks passed so far in this command, and what the last one saw (for progress lines). */
  health?: { passed: number; last: string };
}

/** A provider label for messages, e.g. "createOrder (aws)". */
export function label(ctx: EngineContext, rel: { fn: ResolvedFunction }): string {
  return `${rel.fn.name} (${ctx.driver.capabilities.name})`;
}
