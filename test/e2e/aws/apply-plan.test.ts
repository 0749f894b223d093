/**
 * End to end: apply executes the plan it is given. A plan made once and stored as JSON deploys
 * what it says even when apply is handed a manifest that says something else; an artifact set
 * that no longer holds the planned archives is refused before any write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderPlan, ResolvedManifest } from '../../../src/driver.js';
import { loadManifest } from '../../../src/manifest/index.js';
import { packageArtifacts } from '../../../src/package/index.js';
import { createDriver } from '../../../providers/aws/index.js';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { MemoryReporter } from '../../fakes/memory-reporter.js';
import { newProject, seed, shopFiles, startWorld } from './world.js';

/** The shop project's manifest with every setting the plan depends on changed. */
function otherManifest(m: ResolvedManifest): ResolvedManifest {
  const api = m.functions.find((f) => f.name === 'api')!;
  return {
    ...m,
    service: 'other',
    stage: 'prod',
    providers: { ...m.providers, aws: { ...m.providers.aws!, deploymentBucket: 'no-such-bucket', tags: { team: 'other' } } },
    functions: [{ ...api, memory: 1024, environment: { GREETING: 'changed' }, layers: [], triggers: [], release: { ...api.release, strategy: 'linear' } }],
  };
}

describe('aws: apply executes the plan', () => {
  let aws: AwsEmulator;
  beforeAll(async () => {
    aws = await startWorld();
  });
  afterAll(() => aws?.close());

  async function planned(dir: string) {
    // Every archive goes through the deployment bucket, so its bucket and object keys come from the plan too.
    const env = { ...aws.env(), FNX_AWS_DIRECT_UPLOAD_BYTES: '1' };
    const manifest = await loadManifest({ cwd: dir, stage: 'dev', vars: {}, env });
    const driver = createDriver(manifest, env);
    const ctx = { signal: new AbortController().signal, reporter: new MemoryReporter(), concurrency: 4 };
    const artifacts = await packageArtifacts(manifest);
    const deployed = await driver.inspect({ ...ctx, manifest });
    const plan = JSON.parse(JSON.stringify(driver.plan({ manifest, artifacts, deployed, deploy: { id: 'planned1', time: '2026-01-01T00:00:00.000Z' } }))) as ProviderPlan;
    return { manifest, driver, ctx, artifacts, plan };
  }

  it('a plan stored as JSON and applied with a different manifest deploys what the plan said', async () => {
    const { manifest, driver, ctx, artifacts, plan } = await planned(await newProject(shopFiles()));
    const result = await driver.apply({ ...ctx, manifest: otherManifest(manifest), artifacts, plan, deploy: { id: 'applied1', time: '2026-01-02T00:00:00.000Z' } });

    expect(result.published.map((p) => [p.function, p.candidate])).toEqual([
      ['api', '1'],
      ['worker', '1'],
    ]);
    expect(result.urls?.api).toEqual([expect.stringMatching(/\/hello$/)]);
    const fns = aws.state.lambda.functions;
    expect([...fns.keys()].filter((n) => !n.startsWith('shop-dev-legacy')).sort()).toEqual(['shop-dev-api', 'shop-dev-worker']);
    const api = fns.get('shop-dev-api')!;
    expect(api.latest.config.MemorySize).toBe(256);
    expect(api.latest.config.Environment?.Variables.GREETING).toBe('hello');
    expect(api.latest.config.Layers).toEqual([`arn:aws:lambda:us-east-1:${aws.accountId}:layer:shop-dev-shared:1`]);
    expect(api.tags).not.toHaveProperty('team');
    expect(JSON.parse(api.versions.get('1')!.description)).toMatchObject({ d: 'planned1', st: 'all-at-once' });
    expect(fns.get('shop-dev-worker')!.reservedConcurrency).toBe(5);
    expect([...aws.state.lambda.layers.get('shop-dev-shared')![0]!.compatibleRuntimes]).toEqual(['nodejs22.x']);
    expect([...aws.state.apigateway.apis.values()].map((a) => [a.name, [...a.routes.values()].map((r) => r.routeKey)])).toEqual([['shop-dev', ['GET /hello']]]);
    expect([...aws.state.events.rules.keys()]).toHaveLength(1);
    const bucket = aws.state.s3.buckets.get(`fnx-deploy-${aws.accountId}-us-east-1`);
    const sha = (name: string) => artifacts.artifacts.find((a) => a.name === name)!.sha256;
    expect([...(bucket?.objects.keys() ?? [])].sort()).toEqual([`shop/dev/api/${sha('api')}.zip`, `shop/dev/layers/shared/${sha('shared')}.zip`, `shop/dev/worker/${sha('worker')}.zip`].sort());
    expect(aws.state.s3.buckets.has('no-such-bucket')).toBe(false);
  });

  it('an artifact set without the planned archives is refused before any write', async () => {
    aws.reset();
    await seed(aws);
    const { manifest, driver, ctx, artifacts, plan } = await planned(await newProject(shopFiles()));
    const stale = { ...artifacts, artifacts: artifacts.artifacts.map((a) => (a.name === 'worker' ? { ...a, sha256: '0'.repeat(64) } : a)) };
    aws.clearCalls();
    await expect(driver.apply({ ...ctx, manifest, artifacts: stale, plan, deploy: { id: 'applied2', time: '2026-01-02T00:00:00.000Z' } })).rejects.toMatchObject({
      code: 'E_AWS_ARTIFACT',
      message: 'the AWS function artifact for "worker" is not the one the plan was made with',
    });
    expect(aws.writeCalls()).toEqual([]);
  });
});
