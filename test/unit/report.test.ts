/** The reporter marks a finished step with the same glyphs on a terminal (spinner) and in plain output. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createReporter } from '../../src/report/create.js';

function capture(tty: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    // What ora needs of a terminal stream; the cursor moves only redraw the spinner line.
    tty ? { isTTY: true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true } : {},
  );
  return { stream, text: () => text };
}

describe('step glyphs', () => {
  it.each([
    ['a terminal (spinner)', true],
    ['plain output', false],
  ])('on %s: ✓ for success and ✗ for failure, never ✔ or ✖', async (_name, tty) => {
    const out = capture(tty);
    const err = capture(tty);
    const reporter = await createReporter({ json: false, interactive: tty, color: false, githubAnnotations: false, streams: { stdout: out.stream, stderr: err.stream } });
    reporter.step('Packaging').succeed('Packaged 1 artifact');
    reporter.step('Deploying').fail('api: failed');
    expect(err.text()).toContain('✓ Packaged 1 artifact\n');
    expect(err.text()).toContain('✗ api: failed\n');
    expect(err.text()).not.toMatch(/[✔✖]/);
  });
});
