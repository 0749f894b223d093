/**
 * Every bad fixture in test/fixtures/manifests/bad declares what it must produce in its header:
 *   # expect: CODE LINE:COL text-the-message-or-hint-contains
 *   # opt: NAME=VALUE   (a --var; VALUE*N repeats VALUE N times)
 * The fixture must produce exactly those errors (code, line AND column), nothing more.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifest } from '../../../src/manifest/index.js';
import { codes, fixturesDir, tempDir } from './fixtures.js';

const badDir = join(fixturesDir, 'bad');
const files = readdirSync(badDir).filter((f) => f.endsWith('.yaml')).sort();

describe('bad manifests report each problem at its line and column', () => {
  it('has at least 20 distinct bad fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    it(file, async () => {
      const text = readFileSync(join(badDir, file), 'utf8');
      const expects = [...text.matchAll(/^# expect: (\S+) (\d+):(\d+) (.*)$/gm)].map((m) => ({ code: m[1]!, line: Number(m[2]), column: Number(m[3]), text: m[4]!.trim() }));
      const vars: Record<string, string> = {};
      for (const m of text.matchAll(/^# opt: (\w+)=(.*?)(?:\*(\d+))?$/gm)) vars[m[1]!] = m[2]!.repeat(Number(m[3] ?? 1));
      expect(expects.length).toBeGreaterThan(0);

      const cwd = tempDir();
      writeFileSync(join(cwd, file), text);
      const r = await checkManifest({ cwd, config: file, stage: 'dev', vars, env: {} });
      expect(r.manifest).toBeUndefined();
      expect(codes(r.errors)).toEqual(expects.map((e) => `${e.code} ${e.line}:${e.column}`));
      for (const [i, e] of expects.entries()) {
        const err = r.errors[i]!;
        expect(err.location?.file).toBe(join(cwd, file));
        expect(`${err.message}\n${err.hint ?? ''}`).toContain(e.text);
        expect(err.exitCode).toBe(2);
      }
    });
  }
});
