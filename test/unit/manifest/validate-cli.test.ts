/** `fnx validate` as users run it (the built CLI): output, exit codes, annotations, JSON, secrets. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { fixturesDir, project, tempDir } from './fixtures.js';

const full = readFileSync(join(fixturesDir, 'good', 'full.yaml'), 'utf8');

const BAD = 'service: orders\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  api:\n    handler: src/api.handler\n    triggers:\n      - http: { path: /x }\n    memroy: 512\n';

describe('fnx validate', () => {
  it('prints a one-line summary and exits 0 for a valid manifest', async () => {
    const r = await runFnx(['validate'], { cwd: project(full) });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('✓ fnx.yaml is valid: service orders, stage dev, 4 functions, providers aws, azure, gcp');
  });

  it('applies --stage, --var and -c', async () => {
    const cwd = project('service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: f.h, memory: "${opt:mem}" } }\n');
    writeFileSync(join(cwd, 'alt.yaml'), readFileSync(join(cwd, 'fnx.yaml')));
    const r = await runFnx(['validate', '-c', 'alt.yaml', '--stage', 'qa', '--var', 'mem=1024', '--json'], { cwd });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; stage: string; functions: { memory: number }[] };
    expect(out).toMatchObject({ ok: true, stage: 'qa', functions: [{ memory: 1024 }] });
    const missing = await runFnx(['validate', '-c', 'alt.yaml'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('alt.yaml:3:42: error [E_VAR_MISSING]');
  });

  it('prints every problem as file:line:col with code and hint, and exits 2', async () => {
    const r = await runFnx(['validate'], { cwd: project(BAD) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:9:5: error [E_SCHEMA_UNKNOWN_KEY] Unknown key `memroy` in functions.api.');
    expect(r.stderr).toContain('hint: did you mean `memory`?');
    expect(r.stdout).toBe('');
  });

  it('adds GitHub annotations when GITHUB_ACTIONS=true', async () => {
    const r = await runFnx(['validate'], { cwd: project(BAD), env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('::error file=fnx.yaml,line=9,col=5,title=E_SCHEMA_UNKNOWN_KEY::Unknown key `memroy` in functions.api. (hint: did you mean `memory`?)');
  });

  it('with GITHUB_ACTIONS=true and --json, stdout is still one JSON document (annotations go to stderr)', async () => {
    const r = await runFnx(['validate', '--json'], { cwd: project(BAD), env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { ok: boolean }).ok).toBe(false);
    expect(r.stderr).toContain('::error file=fnx.yaml,line=9,col=5,title=E_SCHEMA_UNKNOWN_KEY::');
  });

  it('--json prints one machine-readable document (valid and invalid)', async () => {
    const ok = await runFnx(['validate', '--json'], { cwd: project(full) });
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ ok: true, service: 'orders', stage: 'dev', errors: [], warnings: [] });
    expect((doc.functions as { name: string; triggers: string[] }[]).map((f) => [f.name, f.triggers])).toEqual([
      ['createOrder', ['http', 'http']],
      ['nightly', ['schedule', 'schedule']],
      ['smokeTest', ['queue']],
      ['worker', ['queue', 'storage', 'topic']],
    ]);

    const bad = await runFnx(['validate', '--json'], { cwd: project(BAD) });
    expect(bad.code).toBe(2);
    const err = JSON.parse(bad.stdout) as { ok: boolean; error: { errors: { code: string; location: { line: number; column: number } }[] } };
    expect(err.ok).toBe(false);
    expect(err.error.errors.map((e) => [e.code, e.location.line, e.location.column])).toEqual([['E_SCHEMA_UNKNOWN_KEY', 9, 5]]);
  });

  it('a missing manifest exits 2 and suggests fnx init', async () => {
    const r = await runFnx(['validate'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[E_MANIFEST_NOT_FOUND]');
    expect(r.stderr).toContain('fnx init');
  });
});

describe('secrets never appear in any output', () => {
  const SECRET_NAME = 'payments/stripe-live-key';
  const SENSITIVE = 'hunter2-from-the-environment';
  const manifests = {
    valid: `service: s\nproviders: { aws: { region: us-east-1 } }\ndefaults:\n  secrets: { STRIPE: "\${secret:${SECRET_NAME}}" }\nfunctions:\n  f:\n    handler: f.h\n    environment: { TOKEN: "\${env:TOKEN}" }\n    secrets: { OTHER: "\${secret:${SECRET_NAME}-2}" }\n`,
    invalid: `service: s\nproviders: { aws: { region: us-east-1 } }\ndefaults:\n  secrets: { STRIPE: "\${secret:${SECRET_NAME}}" }\nfunctions:\n  f:\n    handler: f.h\n    memory: \${env:TOKEN}\n    region: \${env:TOKEN}\n    environment: { LEAK: "\${secret:${SECRET_NAME}}", COPY: "\${self:defaults.secrets.STRIPE}" }\n    secrets: { PLAIN: ${SENSITIVE} }\n`,
  };
  for (const [kind, text] of Object.entries(manifests)) {
    for (const [mode, args, env] of [
      ['plain', ['validate'], {}],
      ['--json', ['validate', '--json'], {}],
      ['GitHub annotations', ['validate'], { GITHUB_ACTIONS: 'true' }],
    ] as const) {
      it(`${kind} manifest, ${mode}`, async () => {
        const r = await runFnx(args, { cwd: project(text), env: { ...env, TOKEN: SENSITIVE } });
        expect(r.code).toBe(kind === 'valid' ? 0 : 2);
        // Under GitHub Actions the value read from the environment is announced to GitHub first, on its own line.
        if (mode === 'GitHub annotations') expect(r.stdout.split('\n')[0]).toBe(`::add-mask::${SENSITIVE}`);
        const all = (r.stdout + r.stderr)
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n');
        expect(all.length).toBeGreaterThan(20);
        expect(all).not.toContain(SECRET_NAME);
        expect(all).not.toContain('stripe');
        expect(all).not.toContain(SENSITIVE);
        if (kind === 'invalid') expect(all).toContain('E_VAR_SECRET_PLACEMENT');
      });
    }
  }
});
