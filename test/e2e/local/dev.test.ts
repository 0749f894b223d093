/**
 * `fnx dev`: for every template `fnx init` offers, the built CLI serves each http route of the
 * generated project with its handler's answer, picks up an edited handler on the next request,
 * fires non-http triggers by hand, answers API Gateway's 404 for other paths, refuses a port in
 * use, and stops on Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { fnxBin, repoRoot, runFnx } from '../../helpers/cli.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const TEMPLATES = readdirSync(join(repoRoot, 'templates')).sort();

interface Dev {
  readonly url: string;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends SIGINT and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running: Dev[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

/** Starts `fnx dev --port 0` in `dir` and resolves once it says where it listens. */
function startDev(dir: string): Promise<Dev> {
  const child = spawn(process.execPath, [fnxBin, 'dev', '--port', '0'], { cwd: dir, env: { ...process.env, CI: 'true', NO_COLOR: '1', GITHUB_ACTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        const dev: Dev = {
          url: m[1]!,
          child,
          stdout: () => out,
          stderr: () => err,
          stop: () => {
            if (child.exitCode === null) child.kill('SIGINT');
            return exited;
          },
        };
        running.push(dev);
        resolve(dev);
      }
    });
    void exited.then((code) => reject(new Error(`fnx dev exited ${code}: ${err}`)));
  });
}

async function initProject(template: string): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'fnx-dev-')), 'app');
  const r = await runFnx(['init', dir, '--template', template, '--provider', 'aws', '--yes']);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

describe('fnx dev', () => {
  it.each(TEMPLATES)('serves every http route of the %s template, and fires its other triggers', async (template) => {
    const dir = await initProject(template);
    const manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env: {} });
    if (manifest.functions.some((f) => f.runtime.startsWith('python')) && !hasPython) return;
    const dev = await startDev(dir);
    const routes = manifest.functions.flatMap((f) => f.triggers.flatMap((t) => (t.kind === 'http' ? [{ fn: f.name, method: t.method === 'ANY' ? 'GET' : t.method, path: t.path.replace(/\{[^}]+\}/g, 'x') }] : [])));
    const others = manifest.functions.flatMap((f) => [...new Set(f.triggers.map((t) => t.kind))].filter((k) => k !== 'http').map((kind) => ({ fn: f.name, kind })));
    expect(routes.length + others.length).toBeGreaterThan(0);
    for (const r of routes) {
      const res = await fetch(dev.url + r.path, { method: r.method });
      expect(res.status, `${r.method} ${r.path}`).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toBeTypeOf('object');
    }
    for (const o of others) {
      const body = o.kind === 'queue' ? JSON.stringify({ messages: [{ body: '{"id":7}' }] }) : '';
      const res = await fetch(`${dev.url}/_fnx/trigger/${o.fn}/${o.kind}`, { method: 'POST', body });
      const answer = (await res.json()) as { ok: boolean; event: { kind: string } };
      expect(res.status, JSON.stringify(answer)).toBe(200);
      expect(answer).toMatchObject({ ok: true, event: { kind: o.kind } });
    }
    expect((await fetch(`${dev.url}/not-a-route`)).status).toBe(404);
    // Ctrl-C stops it the way it stops every fnx command (exit 130), after the in-flight requests.
    expect(await dev.stop()).toBe(130);
    for (const r of routes) expect(dev.stdout()).toMatch(new RegExp(`^${r.method} ${r.path} → 200 ${r.fn} \\(\\d+ ms\\)$`, 'm'));
    expect(dev.stdout()).toMatch(/^GET \/not-a-route → 404 \(\d+ ms\)$/m);
    expect(dev.stderr()).toMatch(/fnx dev stopped after \d+ requests?\./);
  });

  it('runs the edited handler on the next request', async () => {
    const dir = await initProject('node-http');
    const dev = await startDev(dir);
    expect(await (await fetch(`${dev.url}/hello?name=ann`)).json()).toMatchObject({ message: 'Hello, ann!' });
    const file = join(dir, 'src/handler.js');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Hello, ${name}!', 'Howdy, ${name}!'));
    expect(await (await fetch(`${dev.url}/hello?name=ann`)).json()).toMatchObject({ message: 'Howdy, ann!' });
  });

  it('fires a schedule by hand and shows what the handler logged', async () => {
    const dir = await initProject('node-schedule');
    const dev = await startDev(dir);
    const res = await fetch(`${dev.url}/_fnx/trigger/job/schedule`, { method: 'POST', body: '{"time":"2026-03-10T12:15:00Z"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, payload: { ranAt: '2026-03-10T12:15:00.000Z' } });
    expect(dev.stderr()).toContain('job | {"level":"info","msg":"job done"');
    const wrong = await fetch(`${dev.url}/_fnx/trigger/job/queue`, { method: 'POST' });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toEqual({ message: 'function "job" has no queue trigger to fire (it has: schedule)' });
    const bad = await fetch(`${dev.url}/_fnx/trigger/job/schedule`, { method: 'POST', body: '{"time":5}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('the request body: field "time" must be a string');
  });

  it('a port in use or a bad port exits 2 with the reason', async () => {
    const dir = await initProject('node-http');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runFnx(['dev', '--port', String(port)], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: it is in use by another program`);
    } finally {
      blocker.close();
    }
    const bad = await runFnx(['dev', '--port', '70000'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port 70000: not a port number');
  });
});
