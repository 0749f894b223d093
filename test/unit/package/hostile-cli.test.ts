// Hostile packages through the built CLI (`npm run build` first; npm test does it): what a user
// sees is a clear error naming the path with exit 2 (1 for the environment), never E_INTERNAL or
// a stack trace, and nothing written outside the project.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { hostileProject, removeTempDirs, tempDir } from './hostile-helpers.js';

afterAll(removeTempDirs);

const yaml = `service: shop
providers:
  aws: { region: us-east-1 }
layers:
  all: { path: . }
functions:
  api:
    handler: src/api.handler
    layers: [all]
`;
const base = { 'fnx.yaml': yaml, 'src/api.js': 'exports.handler = async () => ({ statusCode: 200 });\n' };

function expectClean(r: { stdout: string; stderr: string }) {
  expect(r.stderr).not.toMatch(/E_INTERNAL|Internal error|this is a bug|\n\s+at /i);
}

describe('fnx package on hostile trees', () => {
  it.each([
    ['a backslash name', 'E_PACKAGE_NAME', 'src/..\\..\\evil.js', (root: string) => writeFileSync(join(root, 'src/..\\..\\evil.js'), 'x')],
    ['a name that is not UTF-8', 'E_PACKAGE_NAME', 'src/x-', (root: string) => writeFileSync(Buffer.concat([Buffer.from(`${root}/src/x-`), Buffer.from([0xff])]), 'x')],
    ['a link to /dev/zero', 'E_PACKAGE_SPECIAL_FILE', 'src/zero', (root: string) => symlinkSync('/dev/zero', join(root, 'src/zero'))],
    ['a FIFO', 'E_PACKAGE_SPECIAL_FILE', 'src/fifo', (root: string) => execFileSync('mkfifo', [join(root, 'src/fifo')])],
    ['a link loop', 'E_PACKAGE_LINK_LOOP', 'src/', (root: string) => (symlinkSync('b', join(root, 'src/a')), symlinkSync('a', join(root, 'src/b')))],
    ['a 2 GB sparse file', 'E_LIMIT_UNZIPPED', 'src/huge.bin', (root: string) => (writeFileSync(join(root, 'src/huge.bin'), ''), truncateSync(join(root, 'src/huge.bin'), 2 * 1024 ** 3))],
  ])('%s: exit 2 with %s naming %s', async (_what, code, path, make) => {
    const root = hostileProject(base);
    make(root);
    for (const json of [false, true]) {
      const r = await runFnx(['package', ...(json ? ['--json'] : [])], { cwd: root });
      expect(r.code, r.stderr).toBe(2);
      expectClean(r);
      const shown = json ? JSON.stringify(JSON.parse(r.stdout).error) : r.stderr;
      expect(shown).toContain(code);
      expect(shown).toContain(json ? JSON.stringify(path).slice(1, -1) : path);
    }
  });

  it('a symlinked .fnx/build: exit 2 (E_PACKAGE_OUTPUT_LINK), nothing written where it points', async () => {
    const outside = tempDir();
    const root = hostileProject(base);
    mkdirSync(join(root, '.fnx'));
    symlinkSync(outside, join(root, '.fnx/build'));
    const r = await runFnx(['package'], { cwd: root });
    expect(r.code, r.stderr).toBe(2);
    expectClean(r);
    expect(r.stderr).toContain('.fnx/build is a symbolic link');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a symlinked .fnx: the parsed-manifest cache is not written through it either', async () => {
    const outside = tempDir();
    const root = hostileProject(base);
    symlinkSync(outside, join(root, '.fnx'));
    const v = await runFnx(['validate'], { cwd: root });
    expect(v.code, v.stderr).toBe(0);
    const r = await runFnx(['package'], { cwd: root });
    expect(r.code).toBe(2);
    expectClean(r);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a layer `path: .` packs the project without .fnx/, also on the second run', async () => {
    const root = hostileProject(base);
    for (let i = 0; i < 2; i++) {
      const r = await runFnx(['package', '--json'], { cwd: root });
      expect(r.code, r.stderr).toBe(0);
    }
    const r = await runFnx(['package', '--json'], { cwd: root });
    const layer = (JSON.parse(r.stdout) as { artifacts: { type: string; path: string; files: number }[] }).artifacts.find((a) => a.type === 'layer')!;
    const names = execFileSync('unzip', ['-Z1', layer.path]).toString().trim().split('\n');
    expect(names).toEqual(['fnx.yaml', 'src/api.js']);
  });
});
