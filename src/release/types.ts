/** The release engine's request and outcome shapes (re-exported by index.ts). */
import type { DeployMetadata, ProviderDriver, PublishedVersion } from '../driver.js';
import type { ResolvedManifest } from '../manifest/model.js';
import type { Reporter } from '../report/reporter.js';
import type { Clock } from './clock.js';

export interface ReleaseRequest {
  readonly driver: ProviderDriver;
  readonly manifest: ResolvedManifest;
  readonly published: readonly PublishedVersion[];
  readonly deploy: DeployMetadata;
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  /** false: start canary/linear releases (first step) and return with status 'in-progress'. */
  readonly wait: boolean;
  /** On interrupt during a shift: true leaves weights as they are; false (default) rolls back. */
  readonly keepOnInterrupt: boolean;
  /** Default: the system clock, scaled by FNX_TIME_SCALE when that variable is set (a testing aid). */
  readonly clock?: Clock;
}

export type ReleaseOutcomeStatus = 'live' | 'in-progress' | 'rolled-back' | 'unchanged';

export interface ReleaseOutcome {
  readonly function: string;
  readonly status: ReleaseOutcomeStatus;
  readonly version: string;
  readonly previous?: string;
  readonly reason?: string;
  /** Provider whose pointer moved. */
  readonly provider?: string;
  /** Percent of traffic on `version` when the command returned (100 when live, 0 when rolled back). */
  readonly percent?: number;
}
