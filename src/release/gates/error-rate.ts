/**
 * Error-rate gate: errors / invocations of the new version since its current step began must not
 * exceed the policy's fraction. No invocations in the window means no evidence of failure: it passes.
 */
import type { HealthSample } from '../../driver.js';

export function errorRateFailure(sample: HealthSample, max: number): string | undefined {
  if (sample.invocations <= 0) return undefined;
  const rate = sample.errors / sample.invocations;
  if (rate <= max) return undefined;
  return `error rate ${pct(rate)} (${sample.errors} errors / ${sample.invocations} invocations) above ${pct(max)}`;
}

/** What a passing check saw, for progress lines: "error rate 0% of 12 invocations (max 1%)". */
export function errorRateSeen(sample: HealthSample, max: number): string {
  if (sample.invocations <= 0) return `no invocations yet (error rate max ${pct(max)})`;
  return `error rate ${pct(sample.errors / sample.invocations)} of ${sample.invocations} invocations (max ${pct(max)})`;
}

function pct(f: number): string {
  return `${Math.round(f * 10_000) / 100}%`;
}
