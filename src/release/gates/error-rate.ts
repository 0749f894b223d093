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

function pct(f: number): string {
  return `${Math.round(f * 10_000) / 100}%`;
}
