/**
 * `fnx plan`: what `fnx deploy` would change, per provider and resource, with field-level diffs,
 * and each provider's archives as a size report (size-report.ts). Changes nothing.
 */
import type { ProviderPlan } from '../driver.js';
import type { ProviderName } from '../manifest/model.js';
import { planDeploy, type PlanRequest } from '../deploy/pipeline.js';
import { sizeReport, type SizeRow } from '../package/size-report.js';
import type { Session } from '../session.js';

export type { PlanRequest } from '../deploy/pipeline.js';

export interface PlanResult {
  readonly service: string;
  readonly stage: string;
  /** One plan per provider, in canonical order. */
  readonly plans: readonly ProviderPlan[];
  /** By provider: the size report of the archives its plan deploys, against what is deployed where the provider reports it. */
  readonly sizes: Readonly<Partial<Record<ProviderName, readonly SizeRow[]>>>;
  /** Providers the manifest uses that fnx has no driver for yet. */
  readonly skipped: readonly ProviderName[];
}

export async function plan(request: PlanRequest, session: Session): Promise<PlanResult> {
  const planned = await planDeploy(request, session);
  const sizes = Object.fromEntries(
    planned.runs.map((r) => [r.target.provider, sizeReport(planned.artifacts.artifacts.filter((a) => a.providers.includes(r.target.provider)), planned.previous, r.deployed.code)]),
  );
  return { service: planned.manifest.service, stage: planned.manifest.stage, plans: planned.runs.map((r) => r.plan), sizes, skipped: planned.skipped };
}
