/**
 * Release progress for humans: one line per step (reporter.info: CI logs stay short and greppable)
 * with the current weights and the time left, and on a TTY one spinner whose text shows each
 * function's countdown while it holds a step.
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
}

export class Progress {
  private spinner: Step | undefined;
  private readonly countdowns = new Map<string, string>();

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
    const weights = s.percent >= 100 ? `100% on ${s.candidate}` : `${s.percent}% on ${s.candidate}, ${round(100 - s.percent)}% on ${s.previous}`;
    const timing = s.holdMs !== undefined ? `; next step in ${formatDuration(s.holdMs)}, ${formatDuration(s.leftMs ?? s.holdMs)} left` : '';
    this.line(`${s.who}: step ${s.index + 1}/${s.total}: ${weights}${timing}`, false);
  }

  /** A function holds a step: update its countdown on the spinner (TTY only). */
  waiting(who: string, percent: number, remainingMs: number): void {
    if (!this.interactive) return;
    this.countdowns.set(who, `${who} ${percent}% (${formatDuration(remainingMs)} left)`);
    if (!this.spinner) this.spinner = this.reporter.step('Shifting traffic');
    this.spinner.update(`Shifting traffic: ${[...this.countdowns.values()].join(' · ')}`);
  }

  /** A function's release ended (live, in progress or rolled back). */
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

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
