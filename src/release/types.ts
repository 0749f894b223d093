/** The release engine's request and outcome shapes (re-exported by index.ts). */
import type { DeployMetadata, ProviderDriver, PublishedVersion, RollbackCause } from '../driver.js';
import type { ResolvedManifest } from '../manifest/model.js';
import type { Reporter } from '../report/reporter.js';
import type { Clock } from './clock.js';
import type { RolledBack } from './rolled-back.js';

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
  /**
   * Release an already published candidate even when a failed gate or hook, or `fnx rollback`,
   * rolled it back before (`--release-rolled-back`; see rolled-back.ts). Default false.
   */
  readonly releaseRolledBack?: boolean;
  /** Default: the system clock, scaled by FNX_TIME_SCALE when that variable is set (a testing aid). */
  readonly clock?: Clock;
}

/**
 * What one health gate or release hook saw, as a typed diagnostic. `ok: false` fails the release;
 * with `unreadable` the check could not look at all (the health signals could not be read): no
 * verdict on the version, so the rollback is recorded as cause 'error' and the next deploy of
 * the same code releases it again (rolled-back.ts).
 */
export interface GateResult {
  readonly gate: 'alarm' | 'error-rate' | 'http' | 'hook';
  readonly ok: boolean;
  /** What it saw: "alarm OK", "alarm orders-5xx in ALARM state", "postTraffic hook smoke failed". */
  readonly detail: string;
  readonly unreadable?: boolean;
}

/** 'not-released': the candidate was rolled back before for a reason and was not released again (exit 3). */
export type ReleaseOutcomeStatus = 'live' | 'in-progress' | 'rolled-back' | 'unchanged' | 'not-released';

export interface ReleaseOutcome {
  readonly function: string;
  readonly status: ReleaseOutcomeStatus;
  readonly version: string;
  readonly previous?: string;
  readonly reason?: string;
  /** 'rolled-back': why traffic went back (as recorded on the pointer). */
  readonly cause?: RollbackCause;
  /** 'rolled-back' by a gate or hook: the check that failed. */
  readonly gate?: GateResult;
  /** 'not-released': when and why the candidate was rolled back before. */
  readonly rolledBack?: RolledBack;
  /** Provider whose pointer moved. */
  readonly provider?: string;
  /** Percent of traffic on `version` when the command returned (100 when live, 0 when rolled back). */
  readonly percent?: number;
}
