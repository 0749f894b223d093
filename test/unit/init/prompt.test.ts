import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FnxError } from '../../../src/errors.js';
import { askMissing } from '../../../src/init/prompt.js';
import type { TemplateInfo } from '../../../src/init/templates.js';

const templates: TemplateInfo[] = ['node-http', 'node-queue', 'python-http'].map((name) => ({
  name,
  description: `${name} template`,
  runtime: 'nodejs20',
  trigger: 'http',
  setup: 'npm install',
}));
const defaults = { template: 'node-http', providers: ['aws' as const] };

function io(lines: string[], endAfter = true) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  input.write(lines.map((l) => `${l}\n`).join(''));
  if (endAfter) input.end();
  return { io: { input, output }, shown: () => shown };
}

describe('init prompts', () => {
  it('takes a template by number and providers as a list', async () => {
    const t = io(['2', 'gcp, aws']);
    await expect(askMissing(t.io, templates, {}, defaults)).resolves.toEqual({ template: 'node-queue', providers: ['aws', 'gcp'] });
    expect(t.shown()).toContain('1) node-http');
    expect(t.shown()).toContain('Providers');
  });

  it('empty answers take the defaults', async () => {
    const t = io(['', '']);
    await expect(askMissing(t.io, templates, {}, defaults)).resolves.toEqual({ template: 'node-http', providers: ['aws'] });
  });

  it('asks again after a wrong answer, and accepts a name', async () => {
    const t = io(['9', 'python-http', 'aws,moon', 'azure']);
    await expect(askMissing(t.io, templates, {}, defaults)).resolves.toEqual({ template: 'python-http', providers: ['azure'] });
    expect(t.shown()).toContain('Please answer a number from 1 to 3');
    expect(t.shown()).toContain('Unknown provider: "moon"');
  });

  it('only asks what is missing', async () => {
    const t = io(['']);
    await expect(askMissing(t.io, templates, { template: 'python-http' }, defaults)).resolves.toEqual({
      template: 'python-http',
      providers: ['aws'],
    });
    expect(t.shown()).not.toContain('Templates:');
  });

  it('fails with a usage error instead of waiting when the input ends', async () => {
    const t = io(['1']);
    const err = await askMissing(t.io, templates, {}, defaults).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FnxError);
    expect((err as FnxError).code).toBe('E_INIT_INPUT');
    expect((err as FnxError).exitCode).toBe(2);
  });

  it('gives up after three wrong answers', async () => {
    const t = io(['x', 'y', 'z'], false);
    const err = await askMissing(t.io, templates, {}, defaults).catch((e: unknown) => e);
    expect((err as FnxError).code).toBe('E_INIT_TEMPLATE');
  });
});
