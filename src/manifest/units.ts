/** Durations and percentages as written in fnx.yaml, converted to numbers. */

/** `300`, "30s", "5m", "1h", "1d" -> seconds (the manifest's schema allows s, m and h only). */
export function durationSeconds(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+)(s|m|h|d)$/.exec(v);
  if (!m) return NaN;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** `500`, "500ms", "2s" -> milliseconds. */
export function latencyMs(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+)(ms|s)$/.exec(v);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** "1%", "0.5%" or a fraction 0..1 -> fraction. */
export function fraction(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(v);
  return m ? Number(m[1]) / 100 : NaN;
}

/** `52428800`, "50MB", "512 KB", "1.5GB" -> bytes (powers of 1024, as formatBytes prints them). */
export function sizeBytes(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+(?:\.[0-9]+)?) ?(B|KB|MB|GB)$/.exec(v);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2] as 'B' | 'KB' | 'MB' | 'GB']);
}
