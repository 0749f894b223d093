/** Step arithmetic shared by deploy, promote and progress output. Steps are cumulative percents ending at 100. */

/** The policy's steps, made safe: ascending percents in 1..100, always ending with 100. */
export function normaliseSteps(steps: readonly number[]): readonly number[] {
  const out: number[] = [];
  for (const s of steps) {
    const p = Math.min(100, Math.max(1, Math.round(s * 100) / 100));
    if (out.length === 0 || p > (out[out.length - 1] ?? 0)) out.push(p);
  }
  if (out[out.length - 1] !== 100) out.push(100);
  return out;
}

/** Pointer weight (0..1) for a percent on the candidate. */
export function weightOf(percent: number): number {
  return Math.round(percent * 100) / 10_000;
}

/** "5m", "1m30s", "45s", "0s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''];
  return parts.join('');
}
