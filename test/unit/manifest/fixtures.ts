/** Helpers for manifest tests: fixture paths and checkManifest on text in a temp dir. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { parse } from 'yaml';
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

type Doc = { defaults?: { runtime?: string }; layers?: Record<string, { path?: string; from?: string }>; functions?: Record<string, { handler?: string; runtime?: string }> };

/**
 * A project directory with `text` as fnx.yaml and the files it names: a stub module for every
 * handler (exporting its name) and every layer folder or package.json, so the commands that check
 * project files (validate, package, plan, deploy) accept it.
 */
export function project(text: string): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), text);
  let doc: Doc = {};
  try {
    doc = (parse(text) as Doc | null) ?? {};
  } catch {}
  const write = (rel: string, content: string) => {
    mkdirSync(dirname(join(cwd, rel)), { recursive: true });
    writeFileSync(join(cwd, rel), content);
  };
  for (const fn of Object.values(doc.functions ?? {})) {
    if (typeof fn?.handler !== 'string' || !fn.handler.includes('.')) continue;
    const dot = fn.handler.lastIndexOf('.');
    const [base, name] = [fn.handler.slice(0, dot), fn.handler.slice(dot + 1)];
    if ((fn.runtime ?? doc.defaults?.runtime ?? '').startsWith('python')) write(`${base.includes('/') ? base : base.replace(/\./g, '/')}.py`, `def ${name}(event, context):\n    return {}\n`);
    else write(`${base}.mjs`, `export async function ${name}() {\n  return {};\n}\n`);
  }
  for (const layer of Object.values(doc.layers ?? {})) {
    if (typeof layer?.path === 'string') mkdirSync(join(cwd, layer.path), { recursive: true });
    if (typeof layer?.from === 'string') write(layer.from, '{ "name": "stub", "version": "1.0.0" }\n');
  }
  return cwd;
}
