/**
 * End to end against the AWS emulator: unique values planted in `${env:...}`-referenced
 * settings, `--var` values and the AWS credential variables never appear in what validate, plan
 * and deploy print — plain, --json, under GitHub Actions, with FNX_DEBUG, on an error path — except
 * on GitHub's own `::add-mask::` lines (which must come first and name each value once), and
 * never in any file fnx writes under `.fnx/`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import type { CliResult } from '../../helpers/cli.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

const ENV_VALUE = 'pl4nted-env-9d1c7e42';
const OWNER = 'pl4nted-var-3b8a2f17';
const BAD_MEMORY = 'pl4nted-bad-5e6f7081';
const SECRET_KEY = 'pl4ntedSecretKey0123456789abcdefEXAMPLE';
const SESSION_TOKEN = 'pl4ntedSessionToken/IQoJb3JpZ2luX2VjEXAMPLE+x/y==';
const ACCESS_KEY_ID = 'AKIAPL4NTED7EXAMPLE';
const CREDENTIALS = [SECRET_KEY, SESSION_TOKEN, ACCESS_KEY_ID];
const PLANTED = [ENV_VALUE, OWNER, BAD_MEMORY, ...CREDENTIALS];

const MANIFEST = shopFiles()['fnx.yaml']!
  .replace('    memory: 256\n', '    memory: "${opt:memory}"\n    tags: { owner: "${opt:owner}" }\n')
  .replace('environment: { GREETING: hello }', 'environment: { GREETING: hello, API_KEY: "${env:PLANTED_API_KEY}", URL: "https://${env:PLANTED_API_KEY}.example.com/x" }');

/** Every planted value, also as JSON-escaped text (the session token has a slash and a plus). */
function forms(values: readonly string[]): string[] {
  return values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)]);
}

function leaks(text: string, values: readonly string[] = PLANTED): string[] {
  const visible = text
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return forms(values).filter((v) => visible.includes(v));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('aws: secret hygiene of validate, plan and deploy in every output mode', () => {
  let aws: AwsEmulator;
  let dir: string;
  const results: Array<{ label: string; r: CliResult }> = [];
  const run = async (label: string, args: string[], opts: { github?: boolean; memory?: string; debug?: boolean } = {}) => {
    const r = await fnx(aws, dir, [...args, '--stage', 'dev', '--var', `memory=${opts.memory ?? '512'}`, '--var', `owner=${OWNER}`], {
      env: {
        PLANTED_API_KEY: ENV_VALUE,
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        AWS_SESSION_TOKEN: SESSION_TOKEN,
        ...(opts.github ? { GITHUB_ACTIONS: 'true' } : {}),
        ...(opts.debug ? { FNX_DEBUG: '1' } : {}),
      },
    });
    results.push({ label, r });
    return r;
  };

  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject({ ...shopFiles(), 'fnx.yaml': MANIFEST });
  });
  afterAll(() => aws?.close());

  it('validate, plan and deploy, plain and --json, print no planted value', async () => {
    for (const json of [[], ['--json']]) {
      expect((await run(`validate ${json}`, ['validate', ...json])).code).toBe(0);
      expect((await run(`plan ${json}`, ['plan', ...json], { debug: true })).code).toBe(0);
    }
    const deploy = await run('deploy', ['deploy'], { debug: true });
    expect(deploy.code, deploy.stderr).toBe(0);
    // The values did reach the cloud: what is hidden is only the output.
    const api = aws.state.lambda.functions.get('shop-dev-api')!;
    expect(api.latest.config.Environment?.Variables.API_KEY).toBe(ENV_VALUE);
    expect(api.tags.owner).toBe(OWNER);
    const again = await run('deploy --json', ['deploy', '--json']);
    expect(again.code, again.stderr).toBe(0);
    for (const { label, r } of results) {
      expect(leaks(r.stdout + r.stderr), label).toEqual([]);
      expect(r.stdout + r.stderr, label).not.toContain('::add-mask::');
    }
  });

  it('under GITHUB_ACTIONS=true every credential and input value is announced once with ::add-mask::, before any other line', async () => {
    for (const [args, json] of [
      [['validate'], false],
      [['plan'], false],
      [['plan', '--json'], true],
      [['deploy', '--json'], true],
      [['deploy'], false],
    ] as const) {
      const r = await run(`github ${args.join(' ')}`, [...args], { github: true, debug: true });
      expect(r.code, r.stderr).toBe(0);
      expect(leaks(r.stdout + r.stderr), args.join(' ')).toEqual([]);
      const stream = json ? r.stderr : r.stdout;
      const lines = stream.split('\n');
      const masks = lines.filter((l) => l.startsWith('::add-mask::'));
      expect(masks.sort()).toEqual([ENV_VALUE, OWNER, SECRET_KEY, SESSION_TOKEN, ACCESS_KEY_ID].map((v) => `::add-mask::${v}`).sort());
      // Nothing else on that stream comes before the last mask.
      expect(lines.slice(0, masks.length).every((l) => l.startsWith('::add-mask::')), args.join(' ')).toBe(true);
      if (json) expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    }
  });

  it('an error about a value from --var names the reference, never the value, in every mode', async () => {
    for (const extra of [{}, { github: true }]) {
      for (const json of [[], ['--json']]) {
        const r = await run(`bad memory ${json}`, ['plan', ...json], { memory: BAD_MEMORY, debug: true, ...extra });
        expect(r.code).toBe(2);
        expect(r.stdout + r.stderr).toMatch(/memory/);
        expect(leaks(r.stdout + r.stderr)).toEqual([]);
        if ('github' in extra) expect(r.stdout + r.stderr).toContain(`::add-mask::${BAD_MEMORY}`);
      }
    }
  });

  it('no file fnx wrote under .fnx/ holds a planted value', () => {
    const files = filesUnder(join(dir, '.fnx'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const bytes = readFileSync(f).toString('latin1');
      expect(forms(PLANTED).filter((v) => bytes.includes(v)), f).toEqual([]);
    }
  });
});
