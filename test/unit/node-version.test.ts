import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fnxBin } from '../helpers/cli.js';

/** Runs bin/fnx.js with process.versions.node reporting `version`, as an older Node would. */
function runAs(version: string, args: string[]) {
  const fake = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:${JSON.stringify(version)}})`;
  return spawnSync(process.execPath, ['--import', fake, fnxBin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('Node.js baseline', () => {
  it('the test run itself is on Node 22 or newer', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('on Node 20 the CLI exits 1 with one clear "needs Node.js 22" message, no stack trace', () => {
    const r = runAs('20.20.2', ['validate']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('fnx needs Node.js 22 or newer; this is Node.js 20.20.2.');
    expect(r.stderr).toContain('install Node.js 22 LTS');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('on Node 22 the same launcher starts the CLI', () => {
    const r = runAs('22.12.0', ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
