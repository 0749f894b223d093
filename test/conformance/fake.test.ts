/**
 * The conformance suite against the in-memory fake provider (test/fakes, which no core file
 * knows), once in each traffic model, so the engine's handling of all three is checked the same
 * way the real drivers are. Each runner is a new FakeDriver over the same FakeCloud. Version ids
 * are opaque, as a cloud's deployment ids or revision names are: the core must never parse them.
 */
import type { TrafficModel } from '../../src/driver.js';
import { FakeCloud, FakeDriver, type FakeDriverOptions } from '../fakes/fake-driver.js';
import { GATE_ALARM } from './harness.js';
import { conformanceProject } from './project.js';
import { describeDriverConformance } from './suite.js';
import { describeStreamTrigger } from './trigger-cases.js';

const ids: Record<TrafficModel, (fn: string, n: number) => string> = {
  weighted: (fn, n) => `${fn}.v${n}`,
  slot: (fn, n) => `deploy-${fn}-${(n * 7919).toString(36)}`,
  replace: (fn, n) => `pkg_${n}_${fn}`,
};

for (const traffic of ['weighted', 'slot', 'replace'] as const) {
  describeDriverConformance(`fake (${traffic})`, async () => {
    const project = await conformanceProject('aws: { region: us-east-1 }', 'conf');
    const cloud = new FakeCloud(traffic);
    let firing = false;
    const options: FakeDriverOptions = {
      urls: { api: ['https://api.fake.invalid/hello'] },
      versionId: ids[traffic],
      health: (q) => ({ alarmsFiring: firing && q.alarms.includes(GATE_ALARM) ? [GATE_ALARM] : [] }),
    };
    return {
      manifest: () => project.manifest,
      artifacts: (revision) => project.artifacts(revision),
      driver: new FakeDriver(cloud, options),
      freshDriver: () => new FakeDriver(cloud, options),
      cloudCalls: () => cloud.calls,
      cloudWrites: () => cloud.writes,
      gate: async (on) => {
        firing = on;
      },
      cleanup: () => project.cleanup(),
    };
  });
}

describeStreamTrigger('fake', 'aws: { region: us-east-1 }', async () => {
  const cloud = new FakeCloud('weighted');
  return {
    env: {},
    harness: { driver: () => new FakeDriver(cloud), seed: async () => {}, cloudWrites: () => cloud.writes, cleanup: async () => {} },
  };
});
