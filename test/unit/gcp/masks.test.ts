/**
 * The GCP plan's update masks: exactly the managed fields that changed, plus
 * serviceConfig.allTrafficOnLatestRevision (so a new revision gets no traffic by itself); none
 * for an unchanged function. The deployed side is the Function body fnx sends, read back.
 */
import { describe, expect, it } from 'vitest';
import { codeLabel, deployedFields, desiredFunction, functionBody } from '../../../providers/gcp/desired.js';
import { planFunction, TRAFFIC_MASK } from '../../../providers/gcp/plan.js';
import type { DeployedFunction } from '../../../providers/gcp/state.js';
import type { ArtifactSet, ResolvedManifest } from '../../../src/driver.js';
import { fn, manifest } from '../../fakes/manifest.js';

const artifacts = (sha: string): ArtifactSet => ({ version: 1, service: 'svc', stage: 'dev', artifacts: [{ type: 'function', name: 'api', providers: ['gcp'], path: '/x.zip', size: 1, unzippedSize: 1, files: 1, sha256: sha, sha256Base64: 'AA==' }] });

function gcpManifest(over: Parameters<typeof fn>[1] = {}): ResolvedManifest {
  const m = manifest([fn('api', { runtime: 'nodejs22', providers: ['gcp'], ...over })], { service: 'svc', stage: 'dev' });
  return { ...m, providers: { gcp: { project: 'my-project', region: 'europe-west1', tags: {} } } } as ResolvedManifest;
}

/** What inspect would read after deploying `m` with code `sha` (Google's own additions included). */
function deployed(m: ResolvedManifest, sha: string, google: Record<string, unknown> = {}): DeployedFunction {
  const d = desiredFunction(m, m.functions[0]!, artifacts(sha), { project: 'my-project' });
  const body = functionBody('projects/my-project/locations/europe-west1/functions/svc-dev-api', d.fields, codeLabel(sha), { bucket: 'b', object: 'o' }) as Record<string, Record<string, unknown>>;
  const read = { ...body, serviceConfig: { ...body.serviceConfig, environmentVariables: { ...(body.serviceConfig!.environmentVariables as object), LOG_EXECUTION_ID: 'true' } }, ...google };
  return { name: 'api', id: d.id, fields: deployedFields(read), code: codeLabel(sha), jobs: [] };
}

const plan = (m: ResolvedManifest, sha: string, d: DeployedFunction | undefined) => planFunction(desiredFunction(m, m.functions[0]!, artifacts(sha), { project: 'my-project' }), d);

describe('gcp update masks', () => {
  it('an unchanged function has no mask (Google\'s own environment variable is not a change)', () => {
    const m = gcpManifest();
    const p = plan(m, 'aa', deployed(m, 'aa'));
    expect([p.op, p.mask]).toEqual(['no-change', []]);
  });

  it('a code change updates the source and its label only', () => {
    const m = gcpManifest();
    expect(plan(m, 'bb', deployed(m, 'aa')).mask).toEqual(['buildConfig.source', 'labels', TRAFFIC_MASK]);
  });

  it('memory, timeout and environment changes name exactly those fields', () => {
    const before = gcpManifest();
    const after = gcpManifest({ memory: 1024, timeout: 60, environment: { A: '1' } });
    const p = plan(after, 'aa', deployed(before, 'aa'));
    expect([p.op, p.codeChanged, p.mask]).toEqual(['update', false, ['serviceConfig.availableMemory', 'serviceConfig.timeoutSeconds', 'serviceConfig.environmentVariables', TRAFFIC_MASK]]);
    expect(p.desired.fields['serviceConfig.availableMemory']).toBe('1Gi');
  });

  it('a new event trigger, and an identity Google gave the trigger is kept', () => {
    const before = gcpManifest({ triggers: [{ kind: 'topic', name: 'orders' }] });
    const given = deployed(before, 'aa', { eventTrigger: { eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: 'projects/my-project/topics/orders', retryPolicy: 1, serviceAccountEmail: '1-compute@developer.gserviceaccount.com' } });
    expect(plan(before, 'aa', given).mask).toEqual([]);
    const after = gcpManifest({ triggers: [{ kind: 'topic', name: 'payments' }] });
    expect(plan(after, 'aa', given).mask).toEqual(['eventTrigger', TRAFFIC_MASK]);
  });

  it('instance limits: a removed concurrency is masked with no value; Google\'s defaults read back (0, 100) are no change', () => {
    const limited = gcpManifest({ concurrency: { max: 5, warm: 1 } });
    const plain = gcpManifest();
    const p = plan(plain, 'aa', deployed(limited, 'aa'));
    expect(p.mask).toEqual(['serviceConfig.maxInstanceCount', 'serviceConfig.minInstanceCount', TRAFFIC_MASK]);
    const body = functionBody('x', p.desired.fields, 'c') as { serviceConfig: Record<string, unknown> };
    expect(Object.keys(body.serviceConfig)).not.toEqual(expect.arrayContaining(['maxInstanceCount']));
    const google = { serviceConfig: { ...(functionBody('x', p.desired.fields, 'c').serviceConfig as object), maxInstanceCount: 100, minInstanceCount: 0 } };
    expect(plan(plain, 'aa', deployed(plain, 'aa', google)).mask).toEqual([]);
  });

  it('a first deploy is a create with no mask; the Function body never lets the new revision take traffic', () => {
    const m = gcpManifest();
    const p = plan(m, 'aa', undefined);
    expect([p.op, p.mask]).toEqual(['create', []]);
    const body = functionBody('n', p.desired.fields, 'aa') as { serviceConfig: { allTrafficOnLatestRevision: boolean } };
    expect(body.serviceConfig.allTrafficOnLatestRevision).toBe(false);
  });
});
