/**
 * Explicit release steps as README.md and docs/release.md document them:
 * `release: { steps: [5, 20, 100], interval: 2m }`, with no strategy, is a linear release with
 * those steps. Hints for release fields that do not fit never send the user to `step`.
 */
import { describe, expect, it } from 'vitest';
import { check } from './fixtures.js';

const manifest = (release: string) => `service: svc
providers: { aws: { region: us-east-1 } }
functions:
  api:
    handler: src/api.handler
    release: ${release}
`;

describe('explicit release steps', () => {
  it('the documented form validates and resolves to a linear release with those steps', async () => {
    const r = await check(manifest('{ steps: [5, 20, 100], interval: 2m }'));
    expect(r.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    expect(r.manifest?.functions[0]?.release).toMatchObject({ strategy: 'linear', steps: [5, 20, 100], intervalSeconds: 120 });
  });

  it('steps with an explicit canary strategy keep it', async () => {
    const r = await check(manifest('{ strategy: canary, steps: [10, 100], interval: 1m }'));
    expect(r.errors).toEqual([]);
    expect(r.manifest?.functions[0]?.release).toMatchObject({ strategy: 'canary', steps: [10, 100], intervalSeconds: 60 });
  });

  it('steps without interval: the error points at steps and shows the documented form', async () => {
    const r = await check(manifest('{ steps: [5, 20, 100] }'));
    expect(r.errors.map((e) => e.code)).toEqual(['E_RELEASE_FIELD']);
    expect(r.errors[0]?.message).toBe('Explicit `steps` need `interval` (in functions.api.release).');
    expect(r.errors[0]?.location).toMatchObject({ line: 6, column: 16 });
    expect(r.errors[0]?.hint).toContain('steps: [5, 20, 100], interval: 2m');
  });

  it('steps with strategy all-at-once: the hint offers explicit steps, not `step`', async () => {
    const r = await check(manifest('{ strategy: all-at-once, steps: [5, 20, 100], interval: 2m }'));
    expect(r.errors.map((e) => e.message)).toEqual([
      '`steps` does not apply to the all-at-once strategy (in functions.api.release).',
      '`interval` does not apply to the all-at-once strategy (in functions.api.release).',
    ]);
    for (const e of r.errors) {
      expect(e.hint).toContain('explicit `steps: [5, 20, 100]` with `interval`');
      expect(e.exitCode).toBe(2);
    }
  });
});
