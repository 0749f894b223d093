/**
 * The conformance suite's trigger cases: each trigger kind a provider declares in its
 * capabilities is deployed through the driver contract (inspect -> plan -> apply -> status ->
 * unchanged redeploy with zero writes); a kind it declares as planned (capabilities.plannedTriggers)
 * must be refused at load time with a positioned usage error (exit 2), never silently pass.
 * Only `stream` is covered here so far; the other kinds run in each driver's end-to-end tests.
 */
import { describe, expect, it } from 'vitest';
import type { ProviderDriver, RequestContext } from '../../src/driver.js';
import { FnxErrorList } from '../../src/errors.js';
import type { ProviderName, ResolvedManifest } from '../../src/manifest/model.js';
import { capabilities } from '../../src/registry.js';
import { MemoryReporter } from '../fakes/memory-reporter.js';
import { conformanceProject } from './project.js';

/** `worker`'s stream trigger in every provider's case (the harness seeds the table). */
export const STREAM_TABLE = 'conf-orders';
const STREAM_TRIGGER = `      - stream: { source: dynamodb, table: ${STREAM_TABLE}, batchSize: 25 }\n`;

export interface TriggerHarness {
  /** The driver for `manifest` (the conformance service with worker's stream trigger). */
  driver(manifest: ResolvedManifest): ProviderDriver;
  /** Creates the trigger's source (fnx never creates tables). */
  seed(): Promise<void>;
  cloudWrites(): number;
  cleanup(): Promise<void>;
}

/** A provider that implements `stream`: deployed, listed by status, and unchanged on a redeploy. */
export function describeStreamTrigger(name: string, providers: string, make: () => Promise<{ env: NodeJS.ProcessEnv; harness: TriggerHarness }>): void {
  describe(`trigger conformance: ${name}`, () => {
    it('stream: deployed through the contract, listed by status, and an unchanged redeploy writes nothing', async () => {
      const { env, harness } = await make();
      const project = await conformanceProject(providers, 'confstream', env, STREAM_TRIGGER);
      try {
        await harness.seed();
        const m = project.manifest;
        const driver = harness.driver(m);
        expect(driver.capabilities.triggers).toContain('stream');
        const ctx = (): RequestContext => ({ signal: new AbortController().signal, reporter: new MemoryReporter(), concurrency: 4 });
        const artifacts = await project.artifacts(1);
        const deploy = { id: 's0000001', time: '2030-01-01T00:00:00.000Z' };
        const plan = driver.plan({ manifest: m, artifacts, deployed: await driver.inspect({ ...ctx(), manifest: m }), deploy });
        await driver.apply({ ...ctx(), manifest: m, artifacts, plan, deploy });
        const worker = (await driver.status({ ...ctx(), manifest: m })).find((f) => f.function === 'worker');
        expect(worker?.triggers.some((t) => t.startsWith('stream'))).toBe(true);
        expect(worker?.notDeployed ?? []).toEqual([]);

        const again = { id: 's0000002', time: '2030-01-01T00:01:00.000Z' };
        const unchanged = driver.plan({ manifest: m, artifacts, deployed: await driver.inspect({ ...ctx(), manifest: m }), deploy: again });
        expect(unchanged.actions.filter((a) => a.op !== 'no-change')).toEqual([]);
        const before = harness.cloudWrites();
        expect((await driver.apply({ ...ctx(), manifest: m, artifacts, plan: unchanged, deploy: again })).writes).toBe(0);
        expect(harness.cloudWrites()).toBe(before);
      } finally {
        await project.cleanup();
        await harness.cleanup();
      }
    }, 60_000);
  });
}

/** A provider that declares `stream` as planned: loading a manifest that deploys one there fails, positioned, exit 2. */
export function describeStreamTriggerUnsupported(name: ProviderName, providers: string): void {
  describe(`trigger conformance: ${name}`, () => {
    it('stream: declared as planned in capabilities, and refused at validate with its position (exit 2)', async () => {
      expect(capabilities[name].triggers).not.toContain('stream');
      expect(capabilities[name].plannedTriggers?.stream).toEqual(expect.any(String));
      const err = await conformanceProject(providers, 'confstream', {}, STREAM_TRIGGER).then(
        async (p) => {
          await p.cleanup();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FnxErrorList);
      const problems = (err as FnxErrorList).errors.filter((e) => e.code === 'E_PROVIDER_TRIGGER');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ exitCode: 2, location: { line: 16, column: 9 } });
      expect(problems[0]!.message).toBe(`\`stream\` triggers are \`aws\`-only for now: fnx cannot deploy them to ${name} yet (function \`worker\`).`);
    });
  });
}
