/**
 * The programmatic API (src/index.ts): deploy, status, rollback and remove driven with a fake
 * session over a FakeCloud and a real temp project. No module is mocked and process.env is never
 * read or changed; each test asserts the returned result and what ended up "deployed".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, ExitCode, plan, remove, rollback, status } from '../../../src/index.js';
import type { ResolvedManifest } from '../../../src/manifest/model.js';
import { conformanceProject, type ConformanceProject } from '../../conformance/project.js';
import { FakeCloud } from '../../fakes/fake-driver.js';
import { parseLease } from '../../../src/lease/record.js';
import { fakeSession } from '../../fakes/fake-session.js';
import { canary } from '../../fakes/manifest.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let project: ConformanceProject;
const request = (m: ResolvedManifest) => ({ stage: m.stage, vars: {} });

beforeAll(async () => {
  project = await conformanceProject('aws: { region: us-east-1 }', 'prod');
  await writeFile(join(project.dir, 'src/api.js'), "export const handler = async () => ({ statusCode: 200, body: 'one' });\n");
});
afterAll(() => project.cleanup());

describe('programmatic API with a fake session', () => {
  it('deploy returns what it published and released, prints nothing itself, and the cloud has it live', async () => {
    const cloud = new FakeCloud();
    const session = fakeSession({ manifest: project.manifest, drivers: cloud });
    const result = await deploy(request(project.manifest), session);
    expect(result.failure).toBeUndefined();
    expect(result).toMatchObject({ dryRun: false, service: 'conf', stage: 'prod', skipped: [] });
    expect(result.providers.map((p) => p.provider)).toEqual(['aws']);
    expect(result.providers[0]!.outcomes.map((o) => [o.function, o.status, o.version])).toEqual([
      ['api', 'live', '1'],
      ['worker', 'live', '1'],
    ]);
    expect(result.providers[0]!.apply.writes).toBe(2);
    expect(cloud.pointers.get('api')?.primary).toBe('1');
    // Formatting is the CLI's: the command itself writes no result text or JSON.
    expect(session.reporter.printed).toEqual([]);
    expect(session.reporter.data_).toEqual([]);
    // The manifest was asked for with the project files checked (deploy packages code).
    expect(session.loads).toEqual([expect.objectContaining({ stage: 'prod', files: true })]);
  });

  it('deploy leaves the stage lease free, naming the CI actor and commit that held it last', async () => {
    const cloud = new FakeCloud();
    const sha = 'abc1234def5678abc1234def5678abc1234def56';
    const session = fakeSession({ manifest: project.manifest, drivers: cloud, env: { GITHUB_ACTOR: 'octocat', GITHUB_SHA: sha } });
    await deploy(request(project.manifest), session);
    expect(parseLease(cloud.stageRecord!.text)).toMatchObject({ kind: 'free', last: { command: 'deploy', actor: 'octocat', commit: sha } });
  });

  it('a dry run returns the plan and changes nothing; onPlan sees it before the result', async () => {
    const cloud = new FakeCloud();
    const session = fakeSession({ manifest: project.manifest, drivers: cloud });
    const seen: string[] = [];
    const result = await deploy({ ...request(project.manifest), dryRun: true, onPlan: (p) => seen.push(...p.runs.map((r) => r.target.provider)) }, session);
    expect(seen).toEqual(['aws']);
    expect(result.dryRun).toBe(true);
    expect(result.providers).toEqual([]);
    expect(result.plans[0]!.actions.map((a) => `${a.op} ${a.name}`)).toEqual(['create api', 'create worker']);
    expect(cloud.pointers.size).toBe(0);
    expect((await plan(request(project.manifest), session)).plans[0]!.actions.every((a) => a.op === 'create')).toBe(true);
  });

  it('a failing health gate is a result with failure set (exit 3), traffic back on the previous version', async () => {
    const cloud = new FakeCloud();
    await deploy(request(project.manifest), fakeSession({ manifest: project.manifest, drivers: cloud }));
    const gated: ResolvedManifest = {
      ...project.manifest,
      functions: project.manifest.functions.map((f) => (f.name === 'api' ? { ...f, release: canary(10, 60, { health: { alarms: ['api-5xx'] } }) } : f)),
    };
    await writeFile(join(project.dir, 'src/api.js'), "export const handler = async () => ({ statusCode: 500 });\n");
    const session = fakeSession({ manifest: gated, drivers: cloud, driverOptions: { health: () => ({ alarmsFiring: ['api-5xx'] }) } });
    const result = await deploy(request(gated), session);
    expect(result.failure).toMatchObject({ code: 'E_RELEASE_ROLLED_BACK', exitCode: ExitCode.rolledBack });
    expect(result.providers[0]!.outcomes.find((o) => o.function === 'api')).toMatchObject({ status: 'rolled-back', version: '2', previous: '1' });
    expect(cloud.pointers.get('api')).toMatchObject({ primary: '1', weight: 0 });
    await writeFile(join(project.dir, 'src/api.js'), "export const handler = async () => ({ statusCode: 200, body: 'one' });\n");
  });

  it('status and rollback read the cloud and return per-function data', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1', '2']);
    cloud.seed('worker', ['1']);
    const session = fakeSession({ manifest: project.manifest, drivers: cloud });
    const before = await status(request(project.manifest), session);
    expect(before.providers[0]!.functions.find((f) => f.function === 'api')?.traffic.primary).toBe('2');

    const back = await rollback({ ...request(project.manifest), functions: ['api'] }, session);
    expect(back).toEqual({ stage: 'prod', functions: [{ function: 'api', provider: 'aws', action: 'rolled-back', from: '2', to: '1' }] });
    expect(cloud.pointers.get('api')?.primary).toBe('1');
    expect(session.loads).toEqual([expect.objectContaining({ stage: 'prod' }), expect.objectContaining({ stage: 'prod' })]);
    expect(session.loads.every((l) => !(l as { files?: boolean }).files)).toBe(true);
  });

  it('remove without yes in a non-interactive session refuses (exit 2) before reading the cloud', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1']);
    const session = fakeSession({ manifest: project.manifest, drivers: cloud });
    await expect(remove({ ...request(project.manifest), yes: false }, session)).rejects.toMatchObject({ code: 'E_REMOVE_CONFIRM', exitCode: ExitCode.usage });
    expect(session.loads).toEqual([]);
    expect(cloud.pointers.has('api')).toBe(true);
  });

  it('remove asks in an interactive session and returns what it deleted when the answer is yes', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1']);
    cloud.seed('worker', ['1']);
    const session = fakeSession({ manifest: project.manifest, drivers: cloud, interactive: true, answers: [true] });
    const shown: number[] = [];
    const result = await remove({ ...request(project.manifest), yes: false, onPlan: (plans) => shown.push(plans.length) }, session);
    expect(shown).toEqual([1]);
    expect(session.questions).toEqual([expect.stringMatching(/^Delete these \d+ resources of conf-prod\?$/)]);
    expect(result.providers.map((p) => p.provider)).toEqual(['aws']);
    expect(result.deleted.length).toBeGreaterThan(0);
    expect(cloud.pointers.size).toBe(0);
    const again = await remove({ ...request(project.manifest), yes: true }, session);
    expect(again).toMatchObject({ providers: [], deleted: [] });
  });

  it('an unknown --function is a usage error raised before any driver call', async () => {
    const cloud = new FakeCloud();
    const session = fakeSession({ manifest: project.manifest, drivers: cloud });
    await expect(deploy({ ...request(project.manifest), functions: ['nope'] }, session)).rejects.toMatchObject({ code: 'E_USAGE_FUNCTION', exitCode: ExitCode.usage });
    expect(cloud.versions.size).toBe(0);
  });
});
