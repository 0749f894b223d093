// Runs the built CLI: `npm run build` first (npm test does it).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, makeProject, zipNames } from './helpers.js';

afterAll(cleanupProjects);

const yaml = `service: shop
providers:
  aws: { region: us-east-1 }
functions:
  a: { handler: src/a.handler, package: { trace: false } }
  b: { handler: src/b.handler, package: { trace: false } }
  c: { handler: src/a.handler, package: { include: ["src/a.js"], trace: false } }
`;

const sha = (stdout: string) => Object.fromEntries(JSON.parse(stdout).artifacts.map((x: { name: string; sha256: string }) => [x.name, x.sha256]));

describe('fnx package: identical archives are stored once', () => {
  it('two functions with the same zip share one file in .fnx/build; rebuilding keeps it shared and the bytes deterministic', async () => {
    const root = makeProject({ 'fnx.yaml': yaml, 'src/a.js': 'export const handler = async () => 1;\n', 'src/b.js': 'export const handler = async () => 2;\n' });
    const dir = join(root, '.fnx/build/dev/functions');
    const r = await runFnx(['package', '--json'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const first = sha(r.stdout);
    expect(first.a).toBe(first.b);
    expect(first.c).not.toBe(first.a);
    expect(statSync(join(dir, 'a.zip')).ino).toBe(statSync(join(dir, 'b.zip')).ino);
    expect(statSync(join(dir, 'a.zip')).nlink).toBe(2);
    expect(statSync(join(dir, 'c.zip')).nlink).toBe(1);
    expect(await zipNames(join(dir, 'b.zip'))).toEqual(['src/a.js', 'src/b.js']);

    // An edit rewrites the shared zip once; both names see the new bytes, c is untouched.
    writeFileSync(join(root, 'src/b.js'), 'export const handler = async () => 3;\n');
    const edited = await runFnx(['package', '--json'], { cwd: root });
    expect(edited.code, edited.stderr).toBe(0);
    const second = sha(edited.stdout);
    expect(second.a).toBe(second.b);
    expect(second.a).not.toBe(first.a);
    expect(second.c).toBe(first.c);
    expect(statSync(join(dir, 'a.zip')).ino).toBe(statSync(join(dir, 'b.zip')).ino);
    expect(readFileSync(join(dir, 'a.zip'))).toEqual(readFileSync(join(dir, 'b.zip')));

    const noCache = await runFnx(['package', '--json', '--no-cache'], { cwd: root });
    expect(noCache.code, noCache.stderr).toBe(0);
    expect(sha(noCache.stdout)).toEqual(second);
    const warm = await runFnx(['package', '--json'], { cwd: root });
    expect(sha(warm.stdout)).toEqual(second);
    expect(statSync(join(dir, 'a.zip')).ino).toBe(statSync(join(dir, 'b.zip')).ino);
  });
});
