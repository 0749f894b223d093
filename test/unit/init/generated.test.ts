/**
 * Every template, as generated, is a working project: its manifest has the expected shape, its
 * own tests pass, and `fnx validate` and `fnx package` succeed on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import yauzl from 'yauzl';
import { repoRoot, runFnx } from '../../helpers/cli.js';
import { listFiles, read } from './helpers.js';

const templatesDir = join(repoRoot, 'templates');
/** Every template on disk (the templates test checks that the required four are among them). */
const TEMPLATES = readdirSync(templatesDir).filter((t) => existsSync(join(templatesDir, t, 'template.json')));
const meta = (t: string) => JSON.parse(readFileSync(join(templatesDir, t, 'template.json'), 'utf8')) as { runtime: string; trigger: string };
const PROVIDER_SETS = [['aws'], ['aws', 'azure', 'gcp']] as const;
const hasPython = spawnSync('python3', ['--version']).status === 0;

interface Manifest {
  service: string;
  providers: Record<string, Record<string, unknown>>;
  defaults: { runtime: string; memory: number };
  functions: Record<string, { handler: string; triggers: Record<string, unknown>[] }>;
  stages: { prod: unknown };
}

describe.each(TEMPLATES.flatMap((t) => PROVIDER_SETS.map((p) => [t, p] as const)))('template %s with providers %j', (template, providers) => {
  let cwd = '';
  let dir = '';
  let manifest: Manifest;
  const env = { AZURE_SUBSCRIPTION_ID: undefined, GOOGLE_CLOUD_PROJECT: undefined };

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), `fnx-gen-${template}-`));
    dir = join(cwd, 'svc');
    const r = await runFnx(['init', 'svc', '-t', template, '-p', providers.join(','), '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    manifest = parse(read(dir, 'fnx.yaml')) as Manifest;
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('has the $schema first line, no unfilled placeholder, and the expected manifest shape', () => {
    expect(read(dir, 'fnx.yaml').split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/fnx-cli/schemas/fnx.schema.json');
    for (const f of listFiles(dir)) expect(read(dir, f), f).not.toMatch(/\{\{\w+\}\}/);
    expect(manifest.service).toBe('svc');
    expect(Object.keys(manifest.providers)).toEqual([...providers]);
    if (providers.includes('aws')) expect(manifest.providers.aws).toEqual({ region: 'us-east-1' });
    if (providers.length === 3) {
      expect(manifest.providers.azure).toMatchObject({ resourceGroup: 'svc-${stage}', location: 'westeurope' });
      // The Azure driver reads AZURE_SUBSCRIPTION_ID itself: no placeholder subscription to deploy to by mistake.
      expect(manifest.providers.azure).not.toHaveProperty('subscriptionId');
      expect(manifest.providers.gcp).toMatchObject({ project: '${env:GOOGLE_CLOUD_PROJECT, my-project}', region: 'europe-west1' });
    }
    expect(manifest.defaults.runtime).toBe(meta(template).runtime);
    const fns = Object.values(manifest.functions);
    expect(fns).toHaveLength(1);
    expect(fns[0]!.handler).toBe('src/handler.handler');
    expect(fns[0]!.triggers.map((t) => Object.keys(t)[0])).toContain(meta(template).trigger);
    expect(manifest.stages.prod).toBeTruthy();
  });

  it("passes the project's own handler tests", (ctx) => {
    if (meta(template).runtime.startsWith('nodejs')) {
      const r = spawnSync(process.execPath, ['--test'], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    } else {
      if (!hasPython) ctx.skip();
      const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });

  it('passes `fnx validate` as generated, for dev and prod, without warnings', async () => {
    for (const stage of ['dev', 'prod']) {
      const r = await runFnx(['validate', '--stage', stage, '--json'], { cwd: dir, env });
      expect(r.code, `${stage}: ${r.stdout}${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout) as { ok: boolean; service: string; errors: unknown[]; warnings: unknown[] };
      expect(out).toMatchObject({ ok: true, service: 'svc', errors: [], warnings: [] });
    }
  });

  it('passes `fnx package` as generated, without npm install; the zip holds the handler (and AWS its entry adapter) and nothing else', async () => {
    const r = await runFnx(['package', '--json'], { cwd: dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const set = JSON.parse(r.stdout) as { ok: boolean; artifacts: { type: string; name: string; path: string; providers: string[] }[] };
    expect(set.ok).toBe(true);
    const fn = Object.keys(manifest.functions)[0]!;
    const artifacts = set.artifacts.filter((a) => a.type === 'function' && a.name === fn);
    expect(artifacts.flatMap((a) => a.providers).sort()).toEqual([...providers].sort());
    const isNode = meta(template).runtime.startsWith('nodejs');
    // AWS delivers http events in the neutral shape already; the other kinds go through a generated
    // entry. GCP always has one (package.json `main` / main.py, docs/gcp.md).
    const adapted = meta(template).trigger !== 'http';
    // Azure: a v4 app's host.json and entry (its package.json replaces the project's), with
    // @azure/functions under fnx_entry/node_modules.
    const entryOf = (p: string): string[] =>
      p === 'aws'
        ? adapted ? [`fnx_entry/${fn}.${isNode ? 'mjs' : 'py'}`] : []
        : p === 'gcp' ? [isNode ? `fnx_entry/${fn}.mjs` : 'main.py']
        : p === 'azure' ? (isNode ? ['host.json', `fnx_entry/${fn}.mjs`] : ['host.json', 'function_app.py'])
        : [];
    // Providers whose entries differ (any entry is the provider's own) get an artifact each.
    const groups = new Set(providers.map((p) => (entryOf(p).length ? p : '')));
    expect(artifacts).toHaveLength(groups.size);
    for (const a of artifacts) {
      // package.json stays next to the handler: it marks src/handler.js as an ES module. A template
      // that bundles ships the bundle at the handler's path with its source map.
      const bundled = (manifest as { defaults?: { package?: { bundle?: string } } }).defaults?.package?.bundle === 'esbuild';
      const own = isNode ? ['package.json', 'src/handler.js', ...(bundled ? ['src/handler.js.map'] : [])] : ['src/handler.py'];
      const names = await zipEntries(a.path);
      expect(names.filter((n) => !n.startsWith('fnx_entry/node_modules/'))).toEqual([...entryOf(a.providers[0]!), ...own].sort());
      expect(names.includes('fnx_entry/node_modules/@azure/functions/package.json')).toBe(isNode && a.providers[0] === 'azure');
    }
  });
});

function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('/')) names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names.sort()));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
