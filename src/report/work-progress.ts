/**
 * Progress of concurrent work items (a driver applying functions in parallel). When the reporter
 * is interactive: one spinner whose text lists the items in flight (concurrent spinners would
 * garble the terminal); the finished lines are printed when it closes. Otherwise: one
 * "✓ <text>" line per item as it finishes.
 */
import { GLYPH } from './format.js';
import type { Reporter, Step } from './reporter.js';

export class WorkProgress {
  private spinner: Step | undefined;
  private readonly inFlight = new Set<string>();
  private readonly done: { text: string; ok: boolean }[] = [];
  private finished = 0;

  /** `label` leads the spinner text ("aws: applying 2/5"); `verb` names the work ("applying", "… applied"). */
  constructor(
    private readonly reporter: Reporter,
    private readonly total: number,
    private readonly label: string,
    private readonly verb: { readonly doing: string; readonly done: string } = { doing: 'applying', done: 'applied' },
    private readonly interactive = reporter.interactive === true,
  ) {}

  start(name: string): void {
    if (!this.interactive) return;
    this.inFlight.add(name);
    this.spinner ??= this.reporter.step(`${this.label}: ${this.verb.doing}`);
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
    const summary = `${this.label}: ${this.finished}/${this.total} ${this.verb.done}`;
    if (failed) this.spinner.fail(summary);
    else this.spinner.succeed(summary);
    this.spinner = undefined;
    for (const d of this.done) this.reporter.info(`  ${d.ok ? GLYPH.ok : GLYPH.fail} ${d.text}`);
  }

  private render(): void {
    this.spinner?.update(`${this.label}: ${this.verb.doing} ${this.finished}/${this.total}${this.inFlight.size ? `: ${[...this.inFlight].join(', ')}` : ''}`);
  }
}
