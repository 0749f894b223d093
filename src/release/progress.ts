/**
 * Release progress for humans: one line per step (reporter.info: CI logs stay short and greppable)
 * with the current weights and the time left. While a function holds a step, a TTY shows one
 * spinner counting down each function's hold; off a TTY a line is printed every HOLD_LINE_MS of
 * hold with the weights, the health checks so far and the time left, so CI logs never go quiet.
 */
import type { Reporter, Step } from '../report/reporter.js';
import { formatDuration } from './plan-steps.js';

export interface StepLine {
  /** "createOrder (aws)" */
  readonly who: string;
  readonly candidate: string;
  readonly previous: string;
  readonly percent: number;
  /** 0-based index and count of steps. */
  readonly index: number;
  readonly total: number;
  /** How long this step is held, and the whole release's time left (undefined for the final step). */
  readonly holdMs?: number;
  readonly leftMs?: number;
  /** The step was already in effect: this command continues it (fnx promote). */
  readonly resumed?: boolean;
}

/** A function holding a step (off a TTY, see Progress.holding). */
export interface HoldLine extends StepLine {
  /** How long this hold has lasted so far, and what is left of it. */
  readonly heldMs: number;
  readonly remainingMs: number;
  /** The whole release's time left. */
  readonly leftMs: number;
  /** What the health checks saw so far, e.g. "3 checks passed (last: alarm OK)". */
  readonly health: string;
}

/** Off a TTY, a holding step prints a line at most this often (in release time). */
export const HOLD_LINE_MS = 60_000;

export class Progress {
  private spinner: Step | undefined;
  private readonly countdowns = new Map<string, string>();
  /** Per function and step: the last HOLD_LINE_MS period reported. */
  private readonly holdLines = new Map<string, number>();

  /**
   * `interactive` (default: the reporter's): a spinner is drawn. Then a line is never written
   * under a running spinner: the spinner is closed with that line instead.
   */
  constructor(
    private readonly reporter: Reporter,
    private readonly interactive = reporter.interactive === true,
  ) {}

  /** The pointer moved: print the weights now in effect. */
  step(s: StepLine): void {
    const timing = s.holdMs !== undefined ? `; next step in ${formatDuration(s.holdMs)}, ${formatDuration(s.leftMs ?? s.holdMs)} left` : '';
    this.line(`${s.who}: step ${s.index + 1}/${s.total}${s.resumed ? ' (continued)' : ''}: ${weights(s)}${timing}`, false);
  }

  /**
   * A function holds a step and its health checks passed: off a TTY, print a line once every
   * HOLD_LINE_MS of hold (none on a TTY, whose spinner counts down instead).
   */
  holding(h: HoldLine): void {
    if (this.interactive || h.remainingMs <= 0) return;
    const key = `${h.who}\u0000${h.index}`;
    const period = Math.floor(h.heldMs / HOLD_LINE_MS);
    if (period <= (this.holdLines.get(key) ?? 0)) return;
    this.holdLines.set(key, period);
    this.line(
      `${h.who}: step ${h.index + 1}/${h.total} holding: ${weights(h)}; health: ${h.health}; next step in ${formatDuration(h.remainingMs)}, ${formatDuration(h.leftMs)} left`,
      false,
    );
  }

  /** A function holds a step: update its countdown on the spinner (TTY only). */
  waiting(who: string, percent: number, remainingMs: number): void {
    if (!this.interactive) return;
    this.countdowns.set(who, `${who} ${percent}% (${formatDuration(remainingMs)} left)`);
    if (!this.spinner) this.spinner = this.reporter.step('Shifting traffic');
    this.spinner.update(`Shifting traffic: ${[...this.countdowns.values()].join(' · ')}`);
  }

  /** A line about a function's release that does not end it. */
  note(who: string, line: string): void {
    this.line(`${who}: ${line}`, false);
  }

  /** A function's release ended (live, in progress, rolled back or not released). */
  ended(who: string, line: string, failed = false): void {
    this.countdowns.delete(who);
    this.line(`${who}: ${line}`, failed);
  }

  /** Closes the spinner, if one is shown. */
  finish(ok: boolean): void {
    if (!this.spinner) return;
    if (ok) this.spinner.succeed('Traffic shifting finished');
    else this.spinner.fail('Traffic shifting stopped');
    this.spinner = undefined;
  }

  private line(text: string, failed: boolean): void {
    if (this.spinner) {
      if (failed) this.spinner.fail(text);
      else this.spinner.succeed(text);
      this.spinner = undefined;
      return;
    }
    if (failed) this.reporter.warn(text);
    else this.reporter.info(text);
  }
}

function weights(s: StepLine): string {
  return s.percent >= 100 ? `100% on ${s.candidate}` : `${s.percent}% on ${s.candidate}, ${round(100 - s.percent)}% on ${s.previous}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
