/**
 * Effective function settings: a function's own value, else the one in `defaults`. `environment`,
 * `tags` and `secrets` merge key by key (the function wins); every other setting replaces.
 */
import { isRecord, join } from './pointer.js';

export const MERGED_SETTINGS = ['environment', 'tags', 'secrets'] as const;

export function functionsOf(doc: Record<string, unknown>): [string, Record<string, unknown>][] {
  return isRecord(doc.functions) ? Object.entries(doc.functions).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1])) : [];
}

export function defaultsOf(doc: Record<string, unknown>): Record<string, unknown> {
  return isRecord(doc.defaults) ? doc.defaults : {};
}

/** The value of `key` for function `fn`, and where it is written (undefined when unset). */
export function setting(doc: Record<string, unknown>, fn: string, key: string): { value: unknown; pointer?: string } {
  const f = isRecord(doc.functions) && isRecord(doc.functions[fn]) ? doc.functions[fn] : {};
  const d = defaultsOf(doc);
  if (f[key] !== undefined) return { value: f[key], pointer: join('', 'functions', fn, key) };
  if (d[key] !== undefined) return { value: d[key], pointer: join('', 'defaults', key) };
  return { value: undefined };
}

/** A merged map setting (environment, tags, secrets) for function `fn`. */
export function mergedMap(doc: Record<string, unknown>, fn: string, key: (typeof MERGED_SETTINGS)[number]): Record<string, unknown> {
  const f = isRecord(doc.functions) && isRecord(doc.functions[fn]) ? doc.functions[fn] : {};
  const d = defaultsOf(doc);
  return { ...(isRecord(d[key]) ? d[key] : {}), ...(isRecord(f[key]) ? f[key] : {}) };
}
