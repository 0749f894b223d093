/**
 * `fnx validate`'s Azure rules (providers/azure/validate.ts), through checkManifest as the CLI
 * runs it: each problem with its code, message and fnx.yaml position.
 */
import { describe, expect, it } from 'vitest';
import { capabilitiesFor } from '../../../providers/index.js';
import { checkManifest } from '../../../src/manifest/index.js';
import { strategyProblems } from '../../../src/release/strategy-support.js';
import { codes, project } from '../manifest/fixtures.js';

function manifest(azure: string, fn: string, defaults = ''): string {
  return `service: orders
providers:
  azure: { resourceGroup: orders, location: westeurope${azure} }
defaults:
  runtime: nodejs22
${defaults}functions:
  api:
    handler: src/api.handler
${fn}`;
}

async function validate(text: string) {
  return checkManifest({ cwd: project(text), stage: 'dev', vars: {}, env: {} });
}

describe('Azure validate rules', () => {
  it('accepts the init template shape on Flex without a subscription id (AZURE_SUBSCRIPTION_ID is read at deploy)', async () => {
    const r = await validate(manifest('', '    memory: 512\n    triggers:\n      - http: { method: GET, path: /hello }\n'));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.manifest!.providers.azure).toMatchObject({ plan: 'flex' });
  });

  it('plan consumption is refused by the schema (only flex and premium)', async () => {
    const r = await validate(manifest(', plan: consumption', '    triggers: []\n'));
    expect(r.errors.map((e) => e.code)).toEqual(['E_SCHEMA_ENUM']);
    expect(r.errors[0]!.message + (r.errors[0]!.hint ?? '')).toContain('flex');
  });

  it('Flex memory: 512/2048/4096 (or unset: 512) run as they are, values in between round up with a warning, outside 512-4096 fails', async () => {
    expect((await validate(manifest('', ''))).warnings).toEqual([]);
    expect(codes((await validate(manifest('', '    memory: 256\n'))).errors)).toEqual(['E_PROVIDER_MEMORY 9:13']);
    for (const mb of [512, 2048, 4096]) {
      const r = await validate(manifest('', `    memory: ${mb}\n`));
      expect([mb, r.errors, r.warnings]).toEqual([mb, [], []]);
    }
    const rounded = await validate(manifest('', '    memory: 1024\n'));
    expect(rounded.errors).toEqual([]);
    expect(codes(rounded.warnings)).toEqual(['W_AZURE_MEMORY_ROUNDED 9:13']);
    expect(rounded.warnings[0]!.message).toBe('memory 1024 MB runs on 2048 MB Flex Consumption instances (api), and is billed as 2048 MB.');
    const big = await validate(manifest('', '    memory: 8192\n'));
    expect(codes(big.errors)).toEqual(['E_PROVIDER_MEMORY 9:13']);
  });

  it('Premium memory is bounded by the plan size; sku only with premium', async () => {
    expect((await validate(manifest(', plan: premium, sku: EP2', '    memory: 4096\n'))).errors).toEqual([]);
    const sku = await validate(manifest(', sku: EP2', '    memory: 512\n'));
    expect(codes(sku.errors)).toEqual(['E_AZURE_SKU 3:57']);
  });

  it('an HTTP function may not wait longer than the 230 s Azure\'s front end does; others may', async () => {
    const r = await validate(manifest('', '    timeout: 300\n    triggers:\n      - http: { method: GET, path: /x }\n'));
    expect(codes(r.errors)).toEqual(['E_AZURE_HTTP_TIMEOUT 9:14']);
    expect((await validate(manifest('', '    timeout: 1800\n    triggers:\n      - schedule: { rate: 5m }\n'))).errors).toEqual([]);
  });

  it('schedules that NCRONTAB cannot express fail with the trigger\'s position', async () => {
    const r = await validate(manifest('', '    triggers:\n      - schedule: { cron: "0 0 1 * 1" }\n      - schedule: { rate: 7m }\n      - schedule: { rate: 45s }\n'));
    expect(codes(r.errors)).toEqual(['E_AZURE_SCHEDULE 10:27', 'E_AZURE_SCHEDULE 11:27', 'E_AZURE_SCHEDULE 12:27']);
    expect(r.errors[0]!.message).toContain('NCRONTAB only when both do');
    expect(r.errors[1]!.hint).toContain('5m');
  });

  it('triggers: names Azure refuses and storage-queue batches above 32 are errors; Service Bus queues take bigger batches', async () => {
    const r = await validate(
      manifest('', '    triggers:\n      - storage: { bucket: Up_Loads, events: [created, deleted] }\n      - topic: { name: "a.b" }\n      - queue: { name: jobs, batchSize: 64 }\n'),
    );
    expect(codes(r.errors)).toEqual(['E_AZURE_CONTAINER_NAME 10:18', 'E_AZURE_TOPIC_NAME 11:16', 'E_AZURE_QUEUE_BATCH 12:41']);
    const ok = await validate(manifest(', serviceBus: orders-bus', '    triggers:\n      - storage: { bucket: uploads, events: [created, deleted] }\n      - topic: { name: events }\n      - queue: { name: jobs, batchSize: 64 }\n'));
    expect(ok.errors).toEqual([]);
  });

  it('secrets need a Key Vault and a Key Vault secret name', async () => {
    const r = await validate(manifest('', '    secrets:\n      DB: "${secret:db-password}"\n'));
    expect(codes(r.errors)).toEqual(['E_AZURE_KEY_VAULT 10:7']);
    for (const name of ['orders/db_password', 'orders--db', 'a.b']) {
      const bad = await validate(manifest(', keyVault: orders-kv', `    secrets:\n      DB: "\${secret:${name}}"\n`));
      expect([name, bad.errors.map((e) => e.code)]).toEqual([name, ['E_AZURE_SECRET_NAME']]);
    }
    expect((await validate(manifest(', keyVault: orders-kv', '    secrets:\n      DB: "${secret:orders/db-password}"\n'))).errors).toEqual([]);
  });

  it('network is an error', async () => {
    const r = await validate(manifest('', '    network: { subnets: [s1], securityGroups: [] }\n    logRetention: 7\n    architecture: arm64\n'));
    expect(r.errors.map((e) => e.code)).toEqual(['E_AZURE_NETWORK']);
    expect(r.warnings).toEqual([]);
  });

  it('a canary on Flex is the core\'s strategy error, with the hint to use premium or a fallback; on premium it passes', async () => {
    const canary = '    triggers:\n      - http: { method: GET, path: /x }\n    release: { strategy: canary, percent: 10, wait: 5m }\n';
    const problems = async (azure: string) => {
      const m = (await validate(manifest(azure, canary))).manifest!;
      return strategyProblems(m, (p) => (m.providers[p] ? capabilitiesFor(p, m) : undefined));
    };
    const flex = await problems('');
    expect(flex.map((e) => e.code)).toEqual(['E_RELEASE_STRATEGY_UNSUPPORTED']);
    expect(flex[0]!.hint).toContain('`fallback: { azure: all-at-once }`');
    expect(flex[0]!.hint).toContain('`providers.azure.plan: premium`');
    expect(await problems(', plan: premium')).toEqual([]);
  });
});

describe('Azure app settings', () => {
  it('the settings Flex rejects and the ones fnx writes itself are errors at their key', async () => {
    const r = await validate(manifest('', '    environment: { WEBSITE_RUN_FROM_PACKAGE: "1", AzureWebJobsStorage: x, OK_NAME: y }\n'));
    expect(r.errors.map((e) => e.code).sort()).toEqual(['E_AZURE_FLEX_SETTING', 'E_AZURE_RESERVED_SETTING']);
    const premium = await validate(manifest(', plan: premium', '    environment: { WEBSITE_RUN_FROM_PACKAGE: "1" }\n'));
    expect(premium.errors).toEqual([]);
  });
});

describe('Azure tags', () => {
  it('leaves room for fnx\'s release history: more than 20 tags, or names Azure refuses, are errors', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, 'x']));
    const r = await validate(manifest('', `    tags: ${JSON.stringify(many)}\n`));
    expect(r.errors.map((e) => e.code)).toEqual(['E_AZURE_TAGS']);
    expect((await validate(manifest('', '    tags: { "a/b": x }\n'))).errors.map((e) => e.code)).toEqual(['E_AZURE_TAGS']);
    expect((await validate(manifest('', '    tags: { team: checkout }\n'))).errors).toEqual([]);
  });
});
