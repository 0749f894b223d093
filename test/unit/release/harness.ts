/** Shared set-up for release engine tests: a fake cloud with one live version per function, and a release request. */
import type { TrafficModel } from '../../../src/driver.js';
import type { ResolvedFunction } from '../../../src/manifest/model.js';
import { releaseAll, type ReleaseOutcome } from '../../../src/release/index.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { FakeCloud, FakeDriver, type FakeDriverOptions } from '../../fakes/fake-driver.js';
import { manifest } from '../../fakes/manifest.js';
import { MemoryReporter } from '../../fakes/memory-reporter.js';

export interface Harness {
  cloud: FakeCloud;
  driver: FakeDriver;
  clock: FakeClock;
  reporter: MemoryReporter;
  controller: AbortController;
  /** Publishes `candidate` for every function (live: "1") and releases them. */
  /**
   * `existing`: the candidate was published by an earlier deploy (as a driver reports an unchanged
   * deploy whose newest version is not live); `releaseRolledBack`: --release-rolled-back.
   */
  release(opts?: { wait?: boolean; keepOnInterrupt?: boolean; candidate?: string; existing?: boolean; releaseRolledBack?: boolean; deployId?: string; signal?: AbortSignal }): Promise<readonly ReleaseOutcome[]>;
}

/** `traffic`: the fake cloud's traffic model (default weighted, like Lambda). */
export function harness(functions: readonly ResolvedFunction[], options: FakeDriverOptions = {}, live: readonly string[] = ['1'], traffic: TrafficModel = 'weighted'): Harness {
  const cloud = new FakeCloud(traffic);
  for (const f of functions) if (live.length > 0) cloud.seed(f.name, live);
  const driver = new FakeDriver(cloud, options);
  const clock = new FakeClock();
  const reporter = new MemoryReporter();
  const controller = new AbortController();
  const m = manifest(functions);
  return {
    cloud,
    driver,
    clock,
    reporter,
    controller,
    release: (o = {}) =>
      releaseAll({
        driver,
        manifest: m,
        published: functions.map((f) => ({ ...cloud.deploy(f.name, o.candidate ?? '2'), ...(o.existing ? { existing: true } : {}) })),
        deploy: { id: o.deployId ?? 'dep-1', time: new Date(clock.now()).toISOString(), commit: 'abc123' },
        reporter,
        signal: o.signal ?? controller.signal,
        wait: o.wait ?? true,
        keepOnInterrupt: o.keepOnInterrupt ?? false,
        ...(o.releaseRolledBack ? { releaseRolledBack: true } : {}),
        clock,
      }),
  };
}

/** Shifts as compact strings: "10%:in-progress:0", "100%:live:1", "0%:rolled-back:1". */
export function trail(cloud: FakeCloud, fnName?: string): string[] {
  return cloud.shifts.filter((s) => !fnName || s.function === fnName).map((s) => `${s.percent}%:${s.status}:${s.step}`);
}
