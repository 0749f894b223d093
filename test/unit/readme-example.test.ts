/**
 * The README's manifest example is what new users copy first: on every stage it declares it must
 * pass `fnx validate` through the built CLI and `fnx package` (with the handler files and the
 * package.json it names), for every provider it lists.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeeds, repoRoot } from '../fuzz/corpus.js';

const example = loadSeeds().find((s) => s.name === 'README example')!;
const dir = mkdtempSync(join(tmpdir(), 'fnx-readme-'));
for (const [path, text] of Object.entries({ ...example.files, 'fnx.yaml': example.text })) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fnx(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'fnx.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...example.env, NO_COLOR: '1' } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the README manifest example', () => {
  it('declares stages', () => expect(example.stages.length).toBeGreaterThan(1));

  for (const stage of example.stages) {
    it(`validates and packages on stage ${stage}`, () => {
      const validated = fnx('validate', '--stage', stage);
      expect(validated).toMatchObject({ code: 0 });
      expect(validated.out).toMatch(/valid/i);
      expect(fnx('package', '--stage', stage)).toMatchObject({ code: 0 });
    });
  }
});
