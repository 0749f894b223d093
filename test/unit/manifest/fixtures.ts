/** Helpers for manifest tests: fixture paths and checkManifest on text in a temp dir. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { checkManifest, type LoadOptions } from '../../../src/manifest/index.js';

export const fixturesDir = fileURLToPath(new URL('../../fixtures/manifests/', import.meta.url));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fnx-manifest-'));
  dirs.push(d);
  return d;
}

/** Writes `text` as fnx.yaml in a fresh directory and checks it. */
export async function check(text: string, o: Partial<Omit<LoadOptions, 'cwd'>> = {}) {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), text);
  const r = await checkManifest({ cwd, stage: o.stage ?? 'dev', vars: o.vars ?? {}, env: o.env ?? {} });
  return { ...r, cwd };
}

/** `CODE line:col` of every error, for compact assertions. */
export function codes(errors: readonly { code: string; location?: { line: number; column: number } }[]): string[] {
  return errors.map((e) => `${e.code} ${e.location ? `${e.location.line}:${e.location.column}` : '-'}`);
}
