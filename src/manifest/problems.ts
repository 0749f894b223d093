/** Manifest problems: FnxErrors with exit code 2, and the order they are reported in. */
import { ExitCode, FnxError, type SourceLocation } from '../errors.js';

export function problem(code: string, message: string, location?: SourceLocation, hint?: string): FnxError {
  return new FnxError(code, message, {
    exitCode: ExitCode.usage,
    ...(location ? { location } : {}),
    ...(hint ? { hint } : {}),
  });
}

/** Sorted by file position (problems without a position first), duplicates removed. */
export function sortProblems(list: readonly FnxError[]): FnxError[] {
  const seen = new Set<string>();
  const unique = list.filter((e) => {
    const key = `${e.code}|${e.location?.line}|${e.location?.column}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (e: FnxError) => [e.location ? 1 : 0, e.location?.line ?? 0, e.location?.column ?? 0] as const;
  return unique
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const ra = rank(a.e);
      const rb = rank(b.e);
      return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.i - b.i;
    })
    .map(({ e }) => e);
}
