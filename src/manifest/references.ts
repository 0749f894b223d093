/**
 * Where a function's settings came from input variables. A value built from `${env:...}` or
 * `${opt:...}` may be a secret the user never meant to print, so output (plans, deploy summaries,
 * errors) names the reference as written in fnx.yaml and never the value.
 */
import type { ResolvedFunction } from './model.js';
import { isRecord, isWithin, join, parent, split } from './pointer.js';
import { defaultsOf, MERGED_SETTINGS } from './settings.js';

/**
 * The settings of function `name` whose values came from input variables, by field
 * (`environment.API_KEY`, `memory`, `triggers.0.queue.name`), each with the text as written.
 * `references` holds the variable-fed strings of the document by pointer (ResolvedVariables).
 */
export function functionReferences(doc: Record<string, unknown>, name: string, references: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  if (references.size === 0) return out;
  const fns = isRecord(doc.functions) ? doc.functions : {};
  const fn = isRecord(fns[name]) ? fns[name] : {};
  const defaults = defaultsOf(doc);
  const fnPointer = join('', 'functions', name);

  const collect = (pointer: string, field: string) => {
    // The value itself, or a mapping or list around it copied whole by `${self:...}`.
    for (let p = pointer; p !== ''; p = parent(p)) {
      const text = references.get(p);
      if (text !== undefined) {
        out[field] = text;
        return;
      }
    }
    for (const [p, text] of references) {
      if (p !== pointer && isWithin(p, pointer)) out[[field, ...split(p.slice(pointer.length))].join('.')] = text;
    }
  };

  for (const key of new Set([...Object.keys(defaults), ...Object.keys(fn)])) {
    if ((MERGED_SETTINGS as readonly string[]).includes(key)) {
      const own = isRecord(fn[key]) ? fn[key] : {};
      const shared = isRecord(defaults[key]) ? defaults[key] : {};
      for (const k of new Set([...Object.keys(shared), ...Object.keys(own)])) {
        collect(k in own ? join(fnPointer, key, k) : join('', 'defaults', key, k), `${key}.${k}`);
      }
    } else {
      collect(fn[key] !== undefined ? join(fnPointer, key) : join('', 'defaults', key), key);
    }
  }
  return out;
}

/** The reference the value of `field` (or of any part of it) came from, if it came from an input variable. */
export function referenceOf(fn: Pick<ResolvedFunction, 'variables'>, field: string): string | undefined {
  const refs = fn.variables;
  if (!refs) return undefined;
  if (refs[field] !== undefined) return refs[field];
  const below = Object.keys(refs).find((k) => k.startsWith(`${field}.`));
  return below === undefined ? undefined : refs[below];
}
