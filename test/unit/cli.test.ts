import { describe, expect, it } from 'vitest';
import { runFnx } from '../helpers/cli.js';

describe('fnx CLI entry', () => {
  it('lists every command in --help and exits 0', async () => {
    const r = await runFnx(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['init', 'validate', 'package', 'plan', 'deploy', 'rollback', 'status', 'invoke', 'dev', 'remove']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    }
  });

  it('help shows each default once, and no `(default: {})` for --var', async () => {
    const init = await runFnx(['init', '--help']);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/dir\s+directory to create \(default: the current directory\)\n/);
    expect(init.stdout).not.toContain('(default: ".")');
    for (const command of ['validate', 'package', 'plan', 'deploy', 'status']) {
      const r = await runFnx([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/--var <name=value>\s+value for \$\{opt:name\} \(repeatable\)\n/);
      expect(r.stdout).toMatch(/-c, --config <path>\s+manifest file \(default: \.\/fnx\.yaml\)\n/);
      expect(r.stdout).not.toContain('(default: {})');
    }
  });

  it('exits 2 with a usage message on an unknown command', async () => {
    const r = await runFnx(['deploi']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'deploi'");
  });

  it('exits 2 on a bad option value', async () => {
    const r = await runFnx(['deploy', '--concurrency', 'zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('positive integer');
  });

  it('with --json a usage error is one JSON document on stdout', async () => {
    const r = await runFnx(['deploy', '--bogus', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: { code: 'E_USAGE', message: "unknown option '--bogus'", hint: expect.stringContaining('fnx --help'), exitCode: 2 },
    });
  });

  it('prints the version', async () => {
    const r = await runFnx(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
