/** `fnx plan`: what `fnx deploy` would change, per provider and resource, with field-level diffs. Changes nothing. */
import type { ProviderPlan } from '../driver.js';
import type { ProviderName } from '../manifest/model.js';
import { planDeploy, type PlanRequest } from '../deploy/pipeline.js';
import type { Session } from '../session.js';

export type { PlanRequest } from '../deploy/pipeline.js';

export interface PlanResult {
  readonly service: string;
  readonly stage: string;
  /** One plan per provider, in canonical order. */
  readonly plans: readonly ProviderPlan[];
  /** Providers the manifest uses that fnx has no driver for yet. */
  readonly skipped: readonly ProviderName[];
}

export async function plan(request: PlanRequest, session: Session): Promise<PlanResult> {
  const planned = await planDeploy(request, session);
  return { service: planned.manifest.service, stage: planned.manifest.stage, plans: planned.runs.map((r) => r.plan), skipped: planned.skipped };
}
