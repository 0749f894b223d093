/** Stage merge, variables and the resolved model (defaults, units, release steps, secrets). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { FnxErrorList } from '../../../src/errors.js';
import { check, codes, fixturesDir, tempDir } from './fixtures.js';
import { writeFileSync } from 'node:fs';

const full = readFileSync(join(fixturesDir, 'good', 'full.yaml'), 'utf8');
const minimal = readFileSync(join(fixturesDir, 'good', 'minimal.yaml'), 'utf8');

describe('good manifests', () => {
  it('the minimal manifest resolves with every default', async () => {
    const r = await check(minimal);
    expect(r.errors).toEqual([]);
    const m = r.manifest!;
    expect(m.file).toBe(join(r.cwd, 'fnx.yaml'));
    expect(m.rootDir).toBe(r.cwd);
    expect(m.stage).toBe('dev');
    const f = m.functions[0]!;
    expect(f).toMatchObject({
      name: 'hello',
      handler: 'src/hello.handler',
      runtime: 'nodejs22',
      memory: 256,
      timeout: 30,
      architecture: 'x86_64',
      tracing: false,
      environment: {},
      secrets: {},
      layers: [],
      package: { include: [], exclude: [], strategy: 'trace', external: [] },
      providers: ['aws'],
      triggers: [],
      release: { strategy: 'all-at-once', steps: [100], intervalSeconds: 0, health: { alarms: [] }, hooks: {} },
      concurrency: {},
      location: { file: m.file, line: 5, column: 3 },
    });
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(f.release.steps)).toBe(true);
  });

  it('the full manifest resolves: merged maps, coercions, triggers, release policies, layers', async () => {
    const r = await check(full);
    expect(r.errors).toEqual([]);
    const m = r.manifest!;
    expect(m.functions.map((f) => f.name)).toEqual(['createOrder', 'nightly', 'smokeTest', 'worker']);
    expect(m.providers.azure).toMatchObject({ subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'orders-dev', plan: 'flex' });
    expect(m.providers.aws).toMatchObject({ region: 'us-east-1', accountId: '123456789012', tags: { 'cost-center': '42' } });
    expect(m.layers.deps).toMatchObject({ kind: 'package', path: join(r.cwd, 'package.json') });
    expect(m.layers.shared).toMatchObject({ kind: 'dir', path: join(r.cwd, 'layers/shared') });

    const create = m.functions.find((f) => f.name === 'createOrder')!;
    expect(create.environment).toEqual({ LOG_LEVEL: 'info', RETRIES: '3', VERBOSE: 'false', TABLE: 'orders-dev-orders' });
    expect(create.secrets).toEqual({ DB_PASSWORD: { secret: 'orders/db-password' }, API_KEY: { secret: 'orders/dev/api-key' } });
    expect(create.providers).toEqual(['aws', 'gcp']);
    expect(create.layers).toEqual(['deps', 'shared']);
    expect(create.memory).toBe(512);
    expect(create.architecture).toBe('arm64');
    expect(create.concurrency).toEqual({ max: 100, warm: 2 });
    expect(create.deadLetter).toEqual({ queue: 'orders-dlq' });
    expect(create.logRetention).toBe(14);
    expect(create.triggers).toEqual([
      { kind: 'http', method: 'POST', path: '/orders', auth: 'none' },
      { kind: 'http', method: 'GET', path: '/orders/{id}', auth: 'none' },
    ]);
    expect(create.release).toEqual({
      strategy: 'linear',
      steps: [25, 50, 75, 100],
      intervalSeconds: 60,
      health: { alarms: ['orders-5xx'], errorRate: 0.01, http: { path: '/orders/health', method: 'GET', expect: 200, maxLatencyMs: 500 } },
      hooks: { preTraffic: 'smokeTest' },
    });

    const nightly = m.functions.find((f) => f.name === 'nightly')!;
    expect(nightly.providers).toEqual(['aws', 'azure', 'gcp']);
    expect(nightly.triggers).toEqual([
      { kind: 'schedule', cron: '0 2 * * MON-FRI', enabled: true },
      { kind: 'schedule', rateSeconds: 3600, enabled: false },
    ]);
    const worker = m.functions.find((f) => f.name === 'worker')!;
    expect(worker.triggers).toEqual([
      { kind: 'queue', name: 'orders-in', batchSize: 5 },
      { kind: 'storage', bucket: 'uploads', events: ['created', 'deleted'], prefix: 'incoming/', suffix: '.csv' },
      { kind: 'topic', name: 'order-events' },
    ]);
    expect(worker.release).toMatchObject({ strategy: 'canary', steps: [5, 50, 100], intervalSeconds: 30, health: { errorRate: 0.02, http: { url: 'https://example.com/health', method: 'GET', expect: 200 } } });
    const smoke = m.functions.find((f) => f.name === 'smokeTest')!;
    expect(smoke.triggers).toEqual([{ kind: 'queue', arn: 'arn:aws:sqs:us-east-1:123456789012:smoke', batchSize: 10 }]);
  });
});

describe('stage merge', () => {
  it('deep-merges objects, replaces scalars, and only touches the selected stage', async () => {
    const prod = await check(full, { stage: 'prod' });
    expect(prod.errors).toEqual([]);
    const m = prod.manifest!;
    expect(m.providers.aws).toMatchObject({ region: 'eu-west-1', accountId: '123456789012' });
    const create = m.functions.find((f) => f.name === 'createOrder')!;
    expect(create.memory).toBe(2048);
    expect(create.release.strategy).toBe('linear');
    const nightly = m.functions.find((f) => f.name === 'nightly')!;
    expect(nightly.memory).toBe(1024);
    expect(nightly.release).toMatchObject({ strategy: 'canary', steps: [10, 100], intervalSeconds: 300 });
    expect(nightly.architecture).toBe('arm64');
    expect(create.secrets.API_KEY).toEqual({ secret: 'orders/prod/api-key' });
  });

  it('replaces arrays instead of concatenating them', async () => {
    const r = await check(
      'service: s\nproviders: { aws: { region: us-east-1 } }\nlayers: { a: { path: a }, b: { path: b } }\ndefaults: { layers: [a, b] }\nstages: { prod: { defaults: { layers: [b] } } }\nfunctions: { f: { handler: f.h } }\n',
      { stage: 'prod' },
    );
    expect(r.errors).toEqual([]);
    expect(r.manifest!.functions[0]!.layers).toEqual(['b']);
  });

  it('reports a problem in an override at its place inside `stages`', async () => {
    const r = await check('service: s\nproviders: { aws: { region: us-east-1 } }\nstages:\n  prod:\n    defaults:\n      memory: 99\nfunctions: { f: { handler: f.h } }\n', { stage: 'prod' });
    expect(codes(r.errors)).toEqual(['E_SCHEMA_RANGE 6:15']);
    expect(r.errors[0]!.message).toContain('stages.prod.defaults.memory');
    const dev = await check('service: s\nproviders: { aws: { region: us-east-1 } }\nstages:\n  prod:\n    defaults:\n      memory: 99\n  dev: {}\nfunctions: { f: { handler: f.h } }\n');
    expect(dev.errors).toEqual([]);
  });

  it('rejects a stage that `stages` does not declare, with a did-you-mean and how to declare it', async () => {
    const text = 'service: s\nproviders: { aws: { region: us-east-1 } }\nstages:\n  dev: {}\n  prod: {}\nfunctions: { f: { handler: f.h } }\n';
    const typo = await check(text, { stage: 'prdo' });
    expect(codes(typo.errors)).toEqual(['E_STAGE_UNDECLARED 3:1']);
    expect(typo.errors[0]!.message).toBe('Stage `prdo` is not declared under `stages` (declared: `dev`, `prod`).');
    expect(typo.errors[0]!.hint).toBe('did you mean `prod`? Or, to add stage `prdo`, declare it under `stages`: `prdo: {}`.');
    expect(typo.errors[0]!.exitCode).toBe(2);
    const other = await check(text, { stage: 'staging' });
    expect(codes(other.errors)).toEqual(['E_STAGE_UNDECLARED 3:1']);
    expect(other.errors[0]!.hint).toContain('`staging: {}`');
    expect((await check(text, { stage: 'prod' })).errors).toEqual([]);
  });

  it('accepts any stage name when the manifest declares no stages', async () => {
    for (const stage of ['dev', 'staging', 'pr-42']) expect((await check(minimal, { stage })).errors).toEqual([]);
  });

  it('rejects a stage name that cannot be part of resource names', async () => {
    const r = await check(minimal, { stage: 'Prod_1' });
    expect(r.errors.map((e) => e.code)).toEqual(['E_STAGE_NAME']);
  });
});

describe('variables', () => {
  const withEnv = (value: string) => `service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  f:\n    handler: f.h\n    environment:\n      V: ${value}\n`;
  const env = async (value: string, o: Parameters<typeof check>[1] = {}) => {
    const r = await check(withEnv(value), o);
    return { r, value: r.manifest?.functions[0]!.environment.V };
  };

  it('${stage}', async () => expect((await env('"x-${stage}"', { stage: 'qa' })).value).toBe('x-qa'));
  it('${env:NAME}', async () => expect((await env('${env:MY_VAR}', { env: { MY_VAR: 'from-env' } })).value).toBe('from-env'));
  it('${env:NAME, default} uses the default only when unset', async () => {
    expect((await env('"${env:MY_VAR, fallback value}"')).value).toBe('fallback value');
    expect((await env('"${env:MY_VAR, \'quoted, with comma\'}"')).value).toBe('quoted, with comma');
    expect((await env('"${env:MY_VAR, fallback}"', { env: { MY_VAR: '' } })).value).toBe('');
  });
  it('${opt:name} from --var', async () => expect((await env('${opt:domain}', { vars: { domain: 'example.com' } })).value).toBe('example.com'));
  it('${opt:name, default}', async () => expect((await env('"${opt:domain, localhost}"')).value).toBe('localhost'));
  it('${self:path} follows references recursively', async () => {
    const r = await check(
      'service: s\nproviders: { aws: { region: us-east-1 } }\ndefaults:\n  environment: { BASE: "${self:service}-${stage}" }\nfunctions:\n  f:\n    handler: f.h\n    environment: { V: "${self:defaults.environment.BASE}/${self:functions.f.handler}" }\n',
    );
    expect(r.errors).toEqual([]);
    expect(r.manifest!.functions[0]!.environment.V).toBe('s-dev/f.h');
  });
  it('${self:path} as a whole value copies lists and mappings', async () => {
    const r = await check('service: s\nproviders: { aws: { region: us-east-1 } }\ndefaults: { tags: { team: a } }\nfunctions:\n  f:\n    handler: f.h\n    environment: ${self:defaults.tags}\n');
    expect(r.errors).toEqual([]);
    expect(r.manifest!.functions[0]!.environment).toEqual({ team: 'a' });
  });
  it('nested variables resolve inside a variable', async () => {
    expect((await env('"${env:${opt:which}}"', { vars: { which: 'A' }, env: { A: 'nested' } })).value).toBe('nested');
  });
  it('a whole-string variable becomes a number where the schema wants one', async () => {
    const r = await check('service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  f:\n    handler: f.h\n    memory: ${opt:mem}\n    timeout: ${env:T, 60}\n', { vars: { mem: '1024' } });
    expect(r.errors).toEqual([]);
    expect(r.manifest!.functions[0]).toMatchObject({ memory: 1024, timeout: 60 });
  });
  it('a variable that yields a non-number where a number is wanted is an error without echoing the value', async () => {
    const r = await check('service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  f:\n    handler: f.h\n    memory: ${env:MEM}\n', { env: { MEM: 'very-private' } });
    expect(codes(r.errors)).toEqual(['E_SCHEMA_TYPE 6:13']);
    expect(r.errors[0]!.message).not.toContain('very-private');
  });
  it('substituted values are not parsed again', async () => {
    expect((await env('${env:A}', { env: { A: '${env:B}', B: 'no' } })).value).toBe('${env:B}');
  });
  it('reports missing variables and cycles with positions (several at once)', async () => {
    const r = await check(
      'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  f:\n    handler: f.h\n    environment:\n      A: ${env:NOPE}\n      B: ${opt:nope}\n      C: ${self:functions.f.environment.D}\n      D: ${self:functions.f.environment.C}\n      E: ${self:functions.f}\n',
    );
    expect(codes(r.errors)).toEqual(['E_VAR_MISSING 7:10', 'E_VAR_MISSING 8:10', 'E_VAR_CYCLE 10:10', 'E_VAR_CYCLE 11:10']);
    expect(r.errors[2]!.message).toContain('functions.f.environment.C -> functions.f.environment.D -> functions.f.environment.C');
    expect(r.errors[0]!.hint).toContain('${env:NOPE, value}');
    expect(r.errors[1]!.hint).toContain('--var nope=VALUE');
  });
  it('variables in a stage that is not selected are left alone', async () => {
    const r = await check('service: s\nproviders: { aws: { region: us-east-1 } }\nstages: { dev: {}, prod: { defaults: { environment: { K: "${env:ONLY_IN_PROD}" } } } }\nfunctions: { f: { handler: f.h } }\n');
    expect(r.errors).toEqual([]);
  });
  it('${secret:name} is a reference, only under secrets (also not via ${self:...})', async () => {
    const r = await check(
      'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  f:\n    handler: f.h\n    secrets: { DB: "${secret:db}" }\n    environment:\n      A: "${secret:db}"\n      B: "x${secret:db}"\n      C: ${self:functions.f.secrets.DB}\n',
    );
    expect(codes(r.errors)).toEqual(['E_VAR_SECRET_PLACEMENT 8:11', 'E_VAR_SECRET_PLACEMENT 9:12', 'E_VAR_SECRET_PLACEMENT 10:10']);
    for (const e of r.errors) expect(JSON.stringify(e.toJSON())).not.toContain('secret:db');
  });
});

describe('loadManifest', () => {
  it('returns the resolved manifest', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'other.yaml'), minimal);
    const m = await loadManifest({ cwd, config: 'other.yaml', stage: 'dev', vars: {}, env: {} });
    expect(m.service).toBe('hello');
  });

  it('throws an FnxErrorList with exit code 2 listing every problem', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'fnx.yaml'), 'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  f: { handler: f.h, memroy: 1, timeout: -1 }\n');
    const err = await loadManifest({ cwd, stage: 'dev', vars: {}, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FnxErrorList);
    const list = err as FnxErrorList;
    expect(list.exitCode).toBe(2);
    expect(codes(list.errors)).toEqual(['E_SCHEMA_UNKNOWN_KEY 4:22', 'E_SCHEMA_RANGE 4:42']);
  });

  it('a missing manifest says how to create one', async () => {
    const err = (await loadManifest({ cwd: tempDir(), stage: 'dev', vars: {}, env: {} }).catch((e: unknown) => e)) as FnxErrorList;
    expect(err.exitCode).toBe(2);
    expect(err.errors[0]!.code).toBe('E_MANIFEST_NOT_FOUND');
    expect(err.errors[0]!.hint).toContain('fnx init');
  });

  it('reuses the parse cache and notices when the file changes', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'fnx.yaml'), minimal);
    const first = await loadManifest({ cwd, stage: 'dev', vars: {}, env: {} });
    const second = await loadManifest({ cwd, stage: 'dev', vars: {}, env: {} });
    expect(second).toEqual(first);
    writeFileSync(join(cwd, 'fnx.yaml'), minimal.replace('hello:', 'goodbye:'));
    const third = await loadManifest({ cwd, stage: 'dev', vars: {}, env: {} });
    expect(third.functions[0]!.name).toBe('goodbye');
  });
});
