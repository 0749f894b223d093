/** A Reporter that keeps everything in memory, for asserting what a user would see. */
import type { FnxError } from '../../src/errors.js';
import type { Reporter, Step } from '../../src/report/reporter.js';

export class MemoryReporter implements Reporter {
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly printed: string[] = [];
  readonly data_: unknown[] = [];
  readonly errors: FnxError[] = [];
  readonly steps: { title: string; updates: string[]; result?: string }[] = [];

  constructor(readonly json = false) {}

  info(message: string): void {
    this.infos.push(message);
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
  step(title: string): Step {
    const s: { title: string; updates: string[]; result?: string } = { title, updates: [] };
    this.steps.push(s);
    return {
      update: (t) => void s.updates.push(t),
      succeed: (t) => void (s.result = `ok: ${t ?? title}`),
      fail: (t) => void (s.result = `failed: ${t ?? title}`),
    };
  }
  print(text: string): void {
    this.printed.push(text);
  }
  data(value: unknown): void {
    this.data_.push(value);
  }
  error(err: FnxError): void {
    this.errors.push(err);
  }

  /** Everything written to stderr-like channels, in one string. */
  get stderr(): string {
    return [...this.infos, ...this.warnings].join('\n');
  }
}
