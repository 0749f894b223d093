/**
 * The release engine's entry: moves each function's pointer from `previous` to `candidate`
 * following its ReleasePolicy. Provider-neutral: talks to drivers only through ProviderDriver.
 *
 * (Interim all-at-once implementation; the release-engine issue replaces the body, not the signature.)
 */
import type { DeployMetadata, ProviderDriver, PublishedVersion, ReleaseRecord } from '../driver.js';
import type { ResolvedManifest } from '../manifest/model.js';
import type { Reporter } from '../report/reporter.js';
import { systemClock, type Clock } from './clock.js';

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
  readonly clock?: Clock;
}

export interface ReleaseOutcome {
  readonly function: string;
  readonly status: 'live' | 'in-progress' | 'rolled-back' | 'unchanged';
  readonly version: string;
  readonly previous?: string;
  readonly reason?: string;
}

/** Releases every published version; never throws for a failed gate (that is an outcome), only for cloud/usage errors. */
export async function releaseAll(req: ReleaseRequest): Promise<readonly ReleaseOutcome[]> {
  void (req.clock ?? systemClock);
  const outcomes: ReleaseOutcome[] = [];
  for (const p of req.published) {
    const fn = req.manifest.functions.find((f) => f.name === p.function);
    if (!fn) continue;
    if (p.previous === p.candidate) {
      outcomes.push({ function: p.function, status: 'unchanged', version: p.candidate });
      continue;
    }
    const record: ReleaseRecord = {
      deployId: req.deploy.id,
      version: p.candidate,
      ...(p.previous ? { previous: p.previous } : {}),
      status: 'live',
      strategy: 'all-at-once',
      step: 0,
      steps: [100],
      time: req.deploy.time,
      ...(req.deploy.commit ? { commit: req.deploy.commit } : {}),
    };
    await req.driver.shift({ function: fn, manifest: req.manifest, primary: p.candidate, weight: 0, revision: p.revision, release: record, signal: req.signal });
    outcomes.push({ function: p.function, status: 'live', version: p.candidate, ...(p.previous ? { previous: p.previous } : {}) });
  }
  return outcomes;
}
