/**
 * Vitest reporter that ends the run with one plain line, `tests: N passed, N failed[, N skipped]`,
 * so any CI can read the result without knowing vitest's format.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  private line = '';

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed += 1;
    }
    this.line = `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  }

  /** Runs after the default reporter's summary (reporters are called in order). */
  onFinished(): void {
    if (this.line) process.stdout.write(`\n${this.line}\n`);
  }
}
