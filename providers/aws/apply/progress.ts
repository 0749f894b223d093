/**
 * Apply progress for humans. In CI / plain output: one "✓ <function>: ..." line per function as it
 * finishes. On a TTY: a single spinner whose text lists the functions in flight (concurrent
 * spinners would garble the terminal); the finished lines are printed when it closes.
 */
import { GLYPH } from '../../../src/report/format.js';
import type { Reporter, Step } from '../../../src/report/reporter.js';

export class ApplyProgress {
  private spinner: Step | undefined;
  private readonly inFlight = new Set<string>();
  private readonly done: { text: string; ok: boolean }[] = [];
  private finished = 0;

  constructor(
    private readonly reporter: Reporter,
    private readonly total: number,
    private readonly interactive = !reporter.json && Boolean(process.stderr.isTTY) && process.env.CI !== 'true' && process.env.TERM !== 'dumb',
  ) {}

  start(name: string): void {
    if (!this.interactive) return;
    this.inFlight.add(name);
    this.spinner ??= this.reporter.step('aws: applying');
    this.render();
  }

  end(name: string, text: string, ok = true): void {
    this.finished += 1;
    if (!this.interactive) {
      const step = this.reporter.step(text);
      if (ok) step.succeed(text);
      else step.fail(text);
      return;
    }
    this.inFlight.delete(name);
    this.done.push({ text, ok });
    this.render();
  }

  close(): void {
    if (!this.spinner) return;
    const failed = this.done.some((d) => !d.ok);
    const summary = `aws: ${this.finished}/${this.total} applied`;
    if (failed) this.spinner.fail(summary);
    else this.spinner.succeed(summary);
    this.spinner = undefined;
    for (const d of this.done) this.reporter.info(`  ${d.ok ? GLYPH.ok : GLYPH.fail} ${d.text}`);
  }

  private render(): void {
    this.spinner?.update(`aws: applying ${this.finished}/${this.total}${this.inFlight.size ? `: ${[...this.inFlight].join(', ')}` : ''}`);
  }
}
