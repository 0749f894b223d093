/** What the conformance suite (suite.ts, release-cases.ts) asks of a harness, and what its cases share. */
import type { ProviderDriver } from '../../src/driver.js';
import type { ResolvedManifest } from '../../src/manifest/model.js';
import type { ArtifactSet } from '../../src/package/artifact.js';

/** The alarm the release cases watch; harness.gate() makes it fire. */
export const GATE_ALARM = 'conf-gate';

export const FUNCTIONS = ['api', 'worker'] as const;
export const HTTP_FUNCTION = 'api';

export interface ConformanceHarness {
  /** The small service: `api` (one http trigger) and `worker` (no trigger), same stage every call. */
  manifest(): ResolvedManifest;
  /** Artifacts of the service with `api`'s code at `revision`; `worker`'s code is the same in every revision. */
  artifacts(revision: number): Promise<ArtifactSet>;
  /** The driver the cases use, created once. */
  readonly driver: ProviderDriver;
  /** A new driver over the same cloud with no in-memory state: another CI runner. */
  freshDriver(): ProviderDriver;
  /** Requests the cloud has answered so far (proves plan() calls nothing, and checks come before any call). */
  cloudCalls(): number;
  /** Mutating requests the cloud has answered so far. */
  cloudWrites(): number;
  /** Makes the alarm GATE_ALARM fire (true) or not (false), as the driver's health() reports it. */
  gate(firing: boolean): Promise<void>;
  cleanup(): Promise<void>;
}

export type ContractCase =
  | 'empty-stage'
  | 'first-apply'
  | 'unchanged'
  | 'plan-only'
  | 'changed-code'
  | 'canary-shift'
  | 'stale-shift'
  | 'unpublished-shift'
  | 'promote'
  | 'fresh-runner'
  | 'observe'
  | 'status'
  | 'interrupt'
  | 'remove';

export type ReleaseCase =
  | 'release-first'
  | 'release-unchanged'
  | 'release-all-at-once'
  | 'release-canary'
  | 'release-linear'
  | 'rollback'
  | 'rollback-repeated'
  | 'rollback-to'
  | 'failing-gate'
  | 'interrupted-shift'
  | 'unsupported-strategy';

export type ConformanceCase = ContractCase | ReleaseCase;

/** What the cases share: the harness once created, and a case registrar honouring knownDefects. */
export interface SuiteContext {
  harness(): ConformanceHarness;
  testCase(id: ConformanceCase, title: string, body: () => Promise<void>, timeoutMs?: number): void;
}
