/** End to end: release hooks must be deployable on the provider before anything changes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnx, newProject, stageWrites, startWorld } from './world.js';

const manifest = (smokeProviders: string) => `service: hooks
providers:
  aws: { region: us-east-1 }
  gcp: { project: demo-project, region: europe-west1 }
functions:
  api:
    handler: src/api.handler
    providers: [aws]
    release: { hooks: { preTraffic: smoke } }
  smoke:
    handler: src/smoke.handler
    providers: ${smokeProviders}
`;
const files = (smokeProviders: string) => ({
  'fnx.yaml': manifest(smokeProviders),
  'src/api.js': 'export const handler = async () => ({ statusCode: 200 });\n',
  'src/smoke.js': 'export const handler = async () => ({ ok: true });\n',
});

describe('aws: release hooks are checked before any change', () => {
  let aws: AwsEmulator;
  beforeAll(async () => {
    aws = await startWorld();
  });
  afterAll(() => aws?.close());

  it('deploy --function api whose hook function is not deployed yet: exit 2, no write', async () => {
    const dir = await newProject(files('[aws]'));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev', '--function', 'api']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("[E_DEPLOY_HOOK_MISSING] api's preTraffic hook `smoke` is not deployed to aws yet");
    expect(r.stderr).toContain('--function smoke');
    expect(stageWrites(aws)).toEqual([]);

    const both = await fnx(aws, dir, ['deploy', '--stage', 'dev', '--function', 'api', 'smoke']);
    expect(both.code, both.stderr).toBe(0);
  });

  it('a hook function not deployed to the same provider: exit 2, no write', async () => {
    const dir = await newProject(files('[gcp]'));
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'qa', '--provider', 'aws']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("[E_DEPLOY_HOOK_PROVIDER] api's preTraffic hook `smoke` is not deployed to aws.");
    expect(stageWrites(aws)).toEqual([]);
  });
});
