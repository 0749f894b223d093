/** plan(): pure diffing of desired vs deployed, with fakes (no SDK, no emulator). */
import { describe, expect, it } from 'vitest';
import type { DeployedState, PlanAction } from '../../../src/driver.js';
import type { ResolvedFunction, ResolvedManifest } from '../../../src/manifest/model.js';
import type { ArtifactSet } from '../../../src/package/artifact.js';
import { desiredFunction } from '../../../providers/aws/desired.js';
import { planDeploy } from '../../../providers/aws/plan.js';
import { formatPlan } from '../../../src/deploy/format.js';
import { canonicalPolicy } from '../../../providers/aws/policy.js';
import { fingerprint, type AwsDeployed, type DeployedFunction } from '../../../providers/aws/state.js';

const fn = (over: Partial<ResolvedFunction> = {}): ResolvedFunction => ({
  name: 'api',
  handler: 'src/api.handler',
  runtime: 'nodejs20',
  memory: 256,
  timeout: 30,
  architecture: 'x86_64',
  environment: { LOG_LEVEL: 'info' },
  secrets: { DB_PASSWORD: { secret: 'shop/db' } },
  layers: [],
  package: { include: ['**'], exclude: [] },
  providers: ['aws'],
  triggers: [{ kind: 'schedule', cron: '0 2 * * *', enabled: true }],
  release: { strategy: 'all-at-once', steps: [100], intervalSeconds: 0, health: { alarms: [] }, hooks: {} },
  concurrency: {},
  tracing: false,
  tags: {},
  ...over,
});

const manifest = (f: ResolvedFunction): ResolvedManifest => ({
  file: '/p/fnx.yaml',
  rootDir: '/p',
  service: 'shop',
  stage: 'dev',
  providers: { aws: { region: 'us-east-1', tags: {} } },
  layers: {},
  functions: [f],
});

const artifacts = (sha: string): ArtifactSet => ({
  version: 1,
  service: 'shop',
  stage: 'dev',
  artifacts: [{ type: 'function', name: 'api', providers: ['aws'], path: '/p/.fnx/api.zip', size: 1234, unzippedSize: 2000, files: 2, sha256: 'ff', sha256Base64: sha }],
});

const target = { region: 'us-east-1', accountId: '111111111111' };

/** What inspect() would read after a deploy of `f` with code `sha`. */
function deployedFrom(f: ResolvedFunction, sha: string): AwsDeployed {
  const m = manifest(f);
  const d = desiredFunction(m, f, artifacts(sha), target, {});
  const schedule = d.triggers.find((t) => t.kind === 'schedule');
  const print = fingerprint(d.config, d.architecture, sha);
  const cur: DeployedFunction = {
    fn: 'api',
    name: d.name,
    arn: d.arn,
    config: d.config,
    architecture: d.architecture,
    codeSha256: sha,
    revision: 'r1',
    latestFingerprint: print,
    tags: { ...d.tags },
    alias: { version: '3', weights: {}, revision: 'a1', description: '' },
    versions: [{ version: '3', description: '', fingerprint: print, codeSha256: sha }],
    statements: schedule && schedule.kind === 'schedule' ? [{ sid: schedule.statementId, principal: 'events.amazonaws.com' }] : [],
    mappings: [],
    rules: schedule && schedule.kind === 'schedule' ? [{ name: schedule.rule, arn: 'arn:rule', expression: schedule.expression, enabled: true, targetIds: ['fnx'], targetArn: d.aliasArn }] : [],
    notifications: [],
    subscriptions: [],
    logGroup: {},
    role: { name: d.role!.name, arn: d.config.Role, policy: canonicalPolicy(d.role!.policy) },
  };
  return { ...target, functions: { api: cur }, layers: {} };
}

const state = (detail: AwsDeployed): DeployedState => ({ provider: 'aws', functions: Object.keys(detail.functions), detail });
const deploy = { id: 'd1', time: '2026-11-24T00:00:00Z' };
const changed = (actions: readonly PlanAction[]) => actions.filter((a) => a.op !== 'no-change').map((a) => `${a.op} ${a.id}`);

describe('aws plan', () => {
  it('plans everything as create on an empty stage', () => {
    const f = fn();
    const plan = planDeploy({ manifest: manifest(f), artifacts: artifacts('S1'), deployed: state({ ...target, functions: {}, layers: {} }), deploy });
    expect(changed(plan.actions)).toEqual([
      'create role:api',
      'create loggroup:api',
      'create function:api',
      'create version:api',
      'create alias:api',
      'create trigger:api:schedule:cron(0 2 * * ? *)',
    ]);
  });

  it('plans no change at all when nothing changed', () => {
    const f = fn();
    const plan = planDeploy({ manifest: manifest(f), artifacts: artifacts('S1'), deployed: state(deployedFrom(f, 'S1')), deploy });
    expect(changed(plan.actions)).toEqual([]);
    expect(plan.detail).toMatchObject({ functions: { api: { publish: false, candidate: '3' } } });
  });

  it('plans a code update when the artifact hash differs from the deployed CodeSha256', () => {
    const f = fn();
    const plan = planDeploy({ manifest: manifest(f), artifacts: artifacts('S2'), deployed: state(deployedFrom(f, 'S1')), deploy });
    expect(changed(plan.actions)).toEqual(['update code:api', 'create version:api']);
    expect(plan.actions.find((a) => a.id === 'code:api')?.changes).toEqual([{ field: 'codeSha256', from: 'S1', to: 'S2' }]);
  });

  it('shows field-level config changes and masks secret-bearing environment entries', () => {
    const deployed = deployedFrom(fn(), 'S1');
    const f = fn({ memory: 512, environment: { LOG_LEVEL: 'debug' }, secrets: { DB_PASSWORD: { secret: 'shop/db-v2' } } });
    const plan = planDeploy({ manifest: manifest(f), artifacts: artifacts('S1'), deployed: state(deployed), deploy });
    const config = plan.actions.find((a) => a.id === 'config:api')!;
    expect(config.op).toBe('update');
    expect(config.changes).toEqual([
      { field: 'memory', from: 256, to: 512 },
      { field: 'environment.DB_PASSWORD_SECRET_ARN', masked: true },
      { field: 'environment.LOG_LEVEL', from: 'info', to: 'debug' },
    ]);
    expect(JSON.stringify(plan.actions)).not.toContain('shop/db-v2');
    expect(changed(plan.actions)).toEqual(['update role:api', 'update config:api', 'create version:api']);
  });

  it('shows values fed by input variables as their reference and removed entries without the deployed value', () => {
    const deployed = deployedFrom(fn({ environment: { LOG_LEVEL: 'info', API_KEY: 'old-secret', GONE: 'old-value' } }), 'S1');
    const f = fn({
      memory: 512,
      environment: { LOG_LEVEL: 'info', API_KEY: 'new-secret', ADDED: 'also-secret' },
      variables: { memory: '${opt:memory}', 'environment.API_KEY': '${env:MY_API_KEY}', 'environment.ADDED': 'x-${env:ADDED}' },
    });
    const plan = planDeploy({ manifest: manifest(f), artifacts: artifacts('S1'), deployed: state(deployed), deploy });
    expect(plan.actions.find((a) => a.id === 'config:api')!.changes).toEqual([
      { field: 'memory', reference: '${opt:memory}', change: 'changed' },
      { field: 'environment.ADDED', reference: 'x-${env:ADDED}', change: 'added' },
      { field: 'environment.API_KEY', reference: '${env:MY_API_KEY}', change: 'changed' },
      { field: 'environment.GONE', change: 'removed' },
    ]);
    expect(JSON.stringify(plan.actions)).not.toMatch(/secret"|old-value|512/);
    const text = formatPlan(plan, 'shop-dev');
    expect(text).toContain('memory: ${opt:memory} (changed)');
    expect(text).toContain('environment.ADDED: x-${env:ADDED} (added)');
    expect(text).toContain('environment.GONE: (removed)');
  });

  it('plans removed triggers as deletes and new ones as creates', () => {
    const deployed = deployedFrom(fn(), 'S1');
    const f = fn({ triggers: [{ kind: 'schedule', rateSeconds: 300, enabled: true }] });
    const plan = planDeploy({ manifest: manifest(f), artifacts: artifacts('S1'), deployed: state(deployed), deploy });
    expect(changed(plan.actions)).toEqual(['create trigger:api:schedule:rate(5 minutes)', 'delete trigger:api:schedule:cron(0 2 * * ? *)']);
  });

  it('deletes functions no longer in the manifest, but not when limited to --function', () => {
    const deployed = deployedFrom(fn(), 'S1');
    const other = fn({ name: 'other' });
    const art: ArtifactSet = { ...artifacts('S1'), artifacts: [{ ...artifacts('S1').artifacts[0]!, name: 'other' }] };
    const plan = planDeploy({ manifest: manifest(other), artifacts: art, deployed: state(deployed), deploy });
    expect(plan.actions.find((a) => a.id === 'function:api')?.op).toBe('delete');
    const scoped = planDeploy({ manifest: manifest(other), artifacts: art, deployed: state(deployed), deploy, only: ['other'] });
    expect(scoped.actions.find((a) => a.id === 'function:api')).toBeUndefined();
  });

  it('offers an already published version that is not live to the release step, which decides by its history', () => {
    const deployed = deployedFrom(fn(), 'S1');
    const cur = deployed.functions.api!;
    const rolled: AwsDeployed = {
      ...deployed,
      functions: {
        api: {
          ...cur,
          alias: { ...cur.alias!, version: '2', description: JSON.stringify({ fnx: 1, d: 'x', v: '3', p: '2', s: 2, st: 'canary', i: 0, ss: '10,100', t: 'T', k: 'f' }) },
        },
      },
    };
    const plan = planDeploy({ manifest: manifest(fn()), artifacts: artifacts('S1'), deployed: state(rolled), deploy });
    expect(plan.detail).toMatchObject({ functions: { api: { publish: false, candidate: '3' } } });
    expect(plan.actions.find((a) => a.id === 'version:api')?.summary).toBe(
      'already published version 3 is not live: released unless a failed gate or hook, or `fnx rollback`, rolled it back (then exit 3; see --release-rolled-back)',
    );
    // `fnx rollback` records the older version as live, with the abandoned one as previous: the same candidate.
    const manual: AwsDeployed = {
      ...rolled,
      functions: { api: { ...rolled.functions.api!, alias: { ...rolled.functions.api!.alias!, description: JSON.stringify({ fnx: 1, d: 'r', v: '2', p: '3', s: 1, st: 'rollback', i: 0, ss: '100', t: 'T' }) } } },
    };
    expect(planDeploy({ manifest: manifest(fn()), artifacts: artifacts('S1'), deployed: state(manual), deploy }).detail).toMatchObject({ functions: { api: { candidate: '3' } } });
  });

  it('releases a version an interrupted deploy published but never released', () => {
    const deployed = deployedFrom(fn(), 'S1');
    const cur = deployed.functions.api!;
    const pending: AwsDeployed = { ...deployed, functions: { api: { ...cur, alias: { ...cur.alias!, version: '2', description: JSON.stringify({ fnx: 1, d: 'x', v: '2', s: 1, st: 'all-at-once', i: 0, ss: '100', t: 'T' }) } } } };
    const plan = planDeploy({ manifest: manifest(fn()), artifacts: artifacts('S1'), deployed: state(pending), deploy });
    expect(plan.detail).toMatchObject({ functions: { api: { publish: false, candidate: '3' } } });
  });
});
