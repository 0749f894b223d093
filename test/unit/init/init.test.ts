import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fnxBin, runFnx } from '../../helpers/cli.js';
import { listFiles, read, TEMPLATES, tempDir } from './helpers.js';

const NODE_FILES = ['.fnxignore', '.gitignore', 'README.md', 'fnx.yaml', 'package.json', 'src/handler.js', 'test/handler.test.js'];

describe('fnx init', () => {
  it('creates the directory and the default project (node-http, aws) with --yes, then shows next steps', async () => {
    const cwd = tempDir();
    const r = await runFnx(['init', 'shop', '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(listFiles(join(cwd, 'shop'))).toEqual(NODE_FILES);
    for (const f of NODE_FILES) expect(r.stdout).toContain(`  ${f}\n`);
    expect(r.stdout).toContain('Created shop/ from template node-http (providers: aws):\n');
    expect(r.stdout).not.toContain('Created shop in shop');
    const steps = r.stdout.slice(r.stdout.indexOf('Next steps:'));
    expect(steps.split('\n').map((l) => l.trim()).filter(Boolean)).toEqual([
      'Next steps:',
      'cd shop',
      'npm install',
      'npx fnx validate',
      'npx fnx package',
      'npx fnx deploy --stage dev',
    ]);
    const doc = parse(read(join(cwd, 'shop'), 'fnx.yaml')) as Record<string, unknown>;
    expect(doc.service).toBe('shop');
    expect(Object.keys(doc.providers as object)).toEqual(['aws']);
    // No leftover staging directory next to the project.
    expect(readdirSync(cwd)).toEqual(['shop']);
  });

  it('names the service in the first line only when it differs from the directory name', async () => {
    const cwd = tempDir();
    const r = await runFnx(['init', 'shop', '--name', 'orders', '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Created shop/ (service orders) from template node-http (providers: aws):');
    const here = join(tempDir(), 'billing');
    mkdirSync(here);
    const h = await runFnx(['init', '--yes'], { cwd: here });
    expect(h.stdout.split('\n')[0]).toBe('Created service billing in the current directory from template node-http (providers: aws):');
  });

  it('writes into the current directory by default and omits `cd`', async () => {
    const cwd = join(tempDir(), 'billing');
    mkdirSync(cwd);
    const r = await runFnx(['init', '-t', 'node-schedule', '-p', 'aws'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'fnx.yaml'))).toBe(true);
    expect(r.stdout).not.toContain('cd ');
    expect((parse(read(cwd, 'fnx.yaml')) as { service: string }).service).toBe('billing');
    expect(readdirSync(cwd).filter((e) => e.startsWith('.fnx-init-'))).toEqual([]);
  });

  it('prints {ok, dir, template, providers, files} with --json and nothing else', async () => {
    const cwd = tempDir();
    const r = await runFnx(['init', 'api', '-t', 'python-http', '-p', 'gcp,aws', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ ok: true, dir: join(cwd, 'api'), template: 'python-http', providers: ['aws', 'gcp'], service: 'api' });
    expect(out.files).toEqual(['.fnxignore', '.gitignore', 'README.md', 'fnx.yaml', 'requirements.txt', 'src/handler.py', 'tests/test_handler.py']);
    expect(listFiles(join(cwd, 'api'))).toEqual(out.files);
  });

  describe('refuses a non-empty directory', () => {
    it('exits 2, names the directory, hints --force, and writes nothing', async () => {
      const cwd = tempDir();
      mkdirSync(join(cwd, 'proj'));
      writeFileSync(join(cwd, 'proj', 'notes.txt'), 'mine');
      const r = await runFnx(['init', 'proj', '--yes'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('E_INIT_NOT_EMPTY');
      expect(r.stderr).toContain('Directory proj is not empty');
      expect(r.stderr).toContain('--force');
      expect(listFiles(join(cwd, 'proj'))).toEqual(['notes.txt']);
    });

    it('reports the refusal as JSON with --json', async () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'notes.txt'), 'mine');
      const r = await runFnx(['init', '--json'], { cwd });
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_INIT_NOT_EMPTY', exitCode: 2, message: expect.stringContaining(`The current directory (${cwd}) is not empty`) } });
      expect(readdirSync(cwd)).toEqual(['notes.txt']);
    });

    it('accepts a directory that holds only .git', async () => {
      const cwd = tempDir();
      mkdirSync(join(cwd, '.git'));
      const r = await runFnx(['init', '--yes', '--name', 'repo'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(cwd, 'fnx.yaml'))).toBe(true);
    });

    it('refuses a path that is a file', async () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'proj'), 'a file');
      const r = await runFnx(['init', 'proj', '--yes'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Directory proj exists and is not a directory');
    });
  });

  describe('--force', () => {
    it('overwrites only the files the template writes, says which, and deletes nothing', async () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'fnx.yaml'), 'service: old\n');
      writeFileSync(join(cwd, 'notes.txt'), 'mine');
      mkdirSync(join(cwd, 'src'));
      writeFileSync(join(cwd, 'src', 'other.js'), 'keep me');
      const r = await runFnx(['init', '--force', '--yes', '--name', 'forced'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('fnx.yaml  (overwritten)');
      expect(r.stdout).toContain('Overwrote 1 existing file because of --force');
      expect(read(cwd, 'fnx.yaml')).toContain('service: forced');
      expect(read(cwd, 'notes.txt')).toBe('mine');
      expect(read(cwd, 'src/other.js')).toBe('keep me');
      expect(listFiles(cwd)).toEqual([...NODE_FILES, 'notes.txt', 'src/other.js'].sort());
    });

    it('lists overwritten files in --json', async () => {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'README.md'), 'old');
      const r = await runFnx(['init', '--force', '--json', '--name', 'x-svc'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, overwritten: ['README.md'] });
    });

    it('still refuses (exit 2, nothing written) when a template file would replace a directory', async () => {
      const cwd = tempDir();
      mkdirSync(join(cwd, 'fnx.yaml'));
      writeFileSync(join(cwd, 'notes.txt'), 'mine');
      const r = await runFnx(['init', '--force', '--yes'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('E_INIT_CONFLICT');
      expect(listFiles(cwd)).toEqual(['notes.txt']);
    });
  });

  describe('bad choices exit 2 with the valid ones and write nothing', () => {
    it('unknown template', async () => {
      const cwd = tempDir();
      const r = await runFnx(['init', 'p', '--template', 'rust-http', '--yes'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Unknown template "rust-http"');
      for (const t of TEMPLATES) expect(r.stderr).toContain(t);
      expect(readdirSync(cwd)).toEqual([]);
    });

    it('unknown provider', async () => {
      const cwd = tempDir();
      const r = await runFnx(['init', 'p', '--provider', 'aws,oracle', '--yes'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Unknown provider: "oracle"');
      expect(r.stderr).toContain('aws, azure, gcp');
      expect(readdirSync(cwd)).toEqual([]);
    });

    it('a --name with nothing usable', async () => {
      const cwd = tempDir();
      const r = await runFnx(['init', 'p', '--name', '1234', '--yes'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('E_INIT_NAME');
      expect(readdirSync(cwd)).toEqual([]);
    });
  });

  describe('service name', () => {
    it('normalises --name', async () => {
      const cwd = tempDir();
      const r = await runFnx(['init', 'p', '--name', 'Hello World_API', '--json'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ service: 'hello-world-api' });
      expect(read(join(cwd, 'p'), 'fnx.yaml')).toMatch(/^service: hello-world-api$/m);
    });

    it('derives it from the directory name and says so when it changed it', async () => {
      const cwd = tempDir();
      const r = await runFnx(['init', '42 Fancy.App', '--yes'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Service name: fancy-app (from "42 Fancy.App"');
      expect(read(join(cwd, '42 Fancy.App'), 'fnx.yaml')).toMatch(/^service: fancy-app$/m);
      expect(read(join(cwd, '42 Fancy.App'), 'package.json')).toContain('"name": "fancy-app"');
      expect(r.stdout).toContain("cd '42 Fancy.App'");
    });
  });

  it('never waits for input without a TTY, even with stdin open and no --yes', async () => {
    const cwd = tempDir();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI') env[k] = v;
    const child = spawn(process.execPath, [fnxBin, 'init', 'quiet'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // stdin stays open: a prompt would block forever; the kill is only a safety net.
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(killer);
    child.stdin.destroy();
    expect(code).toBe(0);
    expect(stdout).toContain('from template node-http (providers: aws)');
    expect(stdout).not.toContain('Template [');
  });

  describe('on a terminal (pseudo-terminal via `script`)', () => {
    const hasScript = spawnSync('script', ['--version']).status === 0;

    /** Runs `fnx init ARGS` on a pty, answering each prompt that matches. */
    function onTerminal(cwd: string, args: string, answers: [RegExp, string][]): Promise<{ code: number | null; out: string }> {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI') env[k] = v;
      Object.assign(env, { TERM: 'xterm', NO_COLOR: '1' });
      const child = spawn('script', ['-qec', `"${process.execPath}" "${fnxBin}" init ${args}`, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      const pending = [...answers];
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const next = pending[0];
        if (next && next[0].test(out)) {
          pending.shift();
          child.stdin.write(next[1]);
        }
      });
      const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      return new Promise((resolve) =>
        child.on('close', (code) => {
          clearTimeout(killer);
          resolve({ code, out });
        }),
      );
    }

    it.skipIf(!hasScript)('asks for the template and the providers', async () => {
      const cwd = tempDir();
      const r = await onTerminal(cwd, 'tty-app', [
        [/Template \[1\]: $/, '4\r'],
        [/\[aws\]: $/, 'gcp,aws\r'],
      ]);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('2) node-queue');
      expect(r.out).toContain('from template python-http (providers: aws, gcp)');
      expect(Object.keys((parse(read(join(cwd, 'tty-app'), 'fnx.yaml')) as { providers: object }).providers)).toEqual(['aws', 'gcp']);
    });

    it.skipIf(!hasScript)('does not ask with --yes', async () => {
      const cwd = tempDir();
      const r = await onTerminal(cwd, 'tty-yes --yes', []);
      expect(r.code, r.out).toBe(0);
      expect(r.out).not.toContain('Template [');
      expect(r.out).toContain('from template node-http (providers: aws)');
    });

    it.skipIf(!hasScript)('Ctrl-C at a question exits 130 and writes nothing', async () => {
      const cwd = tempDir();
      const r = await onTerminal(cwd, 'tty-int', [[/Template \[1\]: $/, '\u0003']]);
      expect(r.code, r.out).toBe(130);
      expect(r.out).toContain('nothing was written');
      expect(readdirSync(cwd)).toEqual([]);
    });
  });
});
