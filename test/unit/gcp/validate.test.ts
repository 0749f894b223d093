/** The Google Cloud manifest rules: `fnx validate` fails with the setting's position before any cloud call. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schedulerExpression } from '../../../providers/gcp/schedule.js';
import { checkManifest } from '../../../src/manifest/index.js';
import { runFnx } from '../../helpers/cli.js';
import { codes, tempDir } from '../manifest/fixtures.js';

function project(manifest: string): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), manifest);
  for (const rel of ['src/handler.mjs']) {
    mkdirSync(dirname(join(cwd, rel)), { recursive: true });
    writeFileSync(join(cwd, rel), 'export async function handler() { return {}; }\n');
  }
  return cwd;
}

const head = 'service: s\nproviders:\n  gcp: { project: my-project, region: europe-west1 }\ndefaults:\n  runtime: nodejs22\nfunctions:\n';
const check = async (text: string) => checkManifest({ cwd: project(text), stage: 'dev', vars: {}, env: {}, files: true });

describe('gcp validate rules', () => {
  it('a rate Cloud Scheduler cannot express exits 2 at the rate, with the reason', async () => {
    const cwd = project(`${head}  job:\n    handler: src/handler.handler\n    triggers:\n      - schedule: { rate: 7m }\n`);
    const r = await runFnx(['validate'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:10:27: error [E_GCP_SCHEDULE] Schedule rate 7 minutes cannot be written as a Cloud Scheduler cron.');
    expect(r.stderr).toContain('hint: Cloud Scheduler runs on cron');
  });

  it('maps rates and crons to Cloud Scheduler schedules', () => {
    expect([60, 300, 1800, 3600, 7200, 86400].map((rateSeconds) => schedulerExpression({ rateSeconds }))).toEqual(['* * * * *', '*/5 * * * *', '*/30 * * * *', '0 * * * *', '0 */2 * * *', '0 0 * * *']);
    expect(schedulerExpression({ cron: '0  0 1 * 1' })).toBe('0 0 1 * 1');
    expect(() => schedulerExpression({ rateSeconds: 90 })).toThrow('not a whole number of minutes');
    expect(() => schedulerExpression({ rateSeconds: 5 * 3600 })).toThrow('cannot be written');
  });

  it('tags must be Google Cloud labels, at the key or the value', async () => {
    const r = await check(`service: s\nproviders:\n  gcp: { project: my-project, region: europe-west1, tags: { Team: a } }\ndefaults:\n  runtime: nodejs22\nfunctions:\n  api:\n    handler: src/handler.handler\n    tags: { owner: "Jane Doe", fnx-stage: x }\n`);
    expect(codes(r.errors)).toEqual(['E_GCP_LABEL 3:61', 'E_GCP_LABEL 9:20', 'E_GCP_LABEL 9:32']);
    expect(r.errors.map((e) => e.message)).toEqual([
      'Tag `Team` is not a valid Google Cloud label key (at most 63 lower case letters, digits, `_` and `-`, starting with a letter).',
      'The value of tag `owner` is not a valid Google Cloud label value (at most 63 lower case letters, digits, `_` and `-`).',
      'Tag `fnx-stage` uses the `fnx-` prefix, which fnx keeps for its own labels.',
    ]);
  });

  it('a function has one event trigger or an HTTP endpoint; storage listens to one event kind', async () => {
    const r = await check(`${head}  mixed:\n    handler: src/handler.handler\n    triggers:\n      - http: { path: /x }\n      - topic: { name: t }\n  two:\n    handler: src/handler.handler\n    triggers:\n      - storage: { bucket: b, events: [created, deleted] }\n`);
    expect(codes(r.errors)).toEqual(['E_GCP_TRIGGERS 11:9', 'E_GCP_TRIGGERS 15:39']);
  });

  it('function ids: too long; two functions that differ only by case are refused before the provider rules, by the core', async () => {
    const long = 'f'.repeat(60);
    const r = await check(`${head}  ${long}:\n    handler: src/handler.handler\n`);
    expect(codes(r.errors)).toEqual(['E_GCP_NAME 7:3']);
    const twins = await check(`${head}  Api:\n    handler: src/handler.handler\n  api:\n    handler: src/handler.handler\n`);
    expect(codes(twins.errors)).toEqual(['E_FUNCTION_NAME_CASE 9:3']);
  });

  it('settings Cloud Run functions has no place for: network (error); deadLetter of an event function (warning); arm64 and logRetention are not problems', async () => {
    const r = await check(`${head}  api:\n    handler: src/handler.handler\n    architecture: arm64\n    logRetention: 7\n    deadLetter: { queue: dlq }\n    network: { subnets: [s], securityGroups: [g] }\n    triggers: [{ queue: { name: jobs } }]\n`);
    expect(codes(r.errors)).toEqual(['E_GCP_UNSUPPORTED 12:5']);
    expect(codes(r.warnings)).toEqual(['W_GCP_DEAD_LETTER 11:5']);
  });

  it('nodejs20 is refused on gcp since its decommission date', async () => {
    const r = await check(head.replace('nodejs22', 'nodejs20') + '  api:\n    handler: src/handler.handler\n');
    expect(r.errors.map((e) => e.code)).toContain('E_PROVIDER_RUNTIME_RETIRED');
    expect(r.errors.map((e) => e.message).join('\n')).toContain('can no longer be deployed to gcp since 2026-10-30');
  });

  it('secrets whose Secret Manager ids collide', async () => {
    const r = await check(`${head}  api:\n    handler: src/handler.handler\n    secrets:\n      A: "\${secret:db/pw}"\n      B: "\${secret:db_pw}"\n`);
    expect(codes(r.errors)).toEqual(['E_GCP_SECRET 11:10']);
  });

  it('a valid gcp manifest has no problems', async () => {
    const r = await check(`${head}  api:\n    handler: src/handler.handler\n    tags: { team: a-1 }\n    triggers:\n      - http: { path: /x }\n      - schedule: { rate: 15m }\n  worker:\n    handler: src/handler.handler\n    triggers: [{ queue: { name: jobs } }]\n`);
    expect([r.errors, r.warnings]).toEqual([[], []]);
  });
});
