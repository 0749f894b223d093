/**
 * Stage overrides: `stages.<stage>` is deep-merged over the top level before variables and
 * validation. Objects merge key by key; arrays and scalars replace. A stage may override only
 * functions that exist at the top level. The Locator learns where every merged value came from,
 * so problems in overridden values point into `stages.<stage>` of the file.
 */
import type { FnxError } from '../errors.js';
import type { Locator } from './locator.js';
import { isRecord, join } from './pointer.js';
import { problem } from './problems.js';
import { didYouMean, listOf } from './suggest.js';

/** The top-level keys a stage may override. */
export const STAGE_SECTIONS = ['providers', 'defaults', 'layers', 'functions'] as const;

export const STAGE_NAME = /^[a-z][a-z0-9-]{0,15}$/;

/** Overrides, in any stage, of functions that are not defined at the top level. */
export function unknownStageFunctions(doc: Record<string, unknown>, locator: Locator): FnxError[] {
  const errors: FnxError[] = [];
  const stages = isRecord(doc.stages) ? doc.stages : {};
  const functions = isRecord(doc.functions) ? doc.functions : {};
  for (const [name, override] of Object.entries(stages)) {
    if (!isRecord(override) || !isRecord(override.functions)) continue;
    for (const fn of Object.keys(override.functions)) {
      if (Object.prototype.hasOwnProperty.call(functions, fn)) continue;
      const suggestion = didYouMean(fn, Object.keys(functions));
      errors.push(
        problem(
          'E_STAGE_UNKNOWN_FUNCTION',
          `Stage \`${name}\` overrides function \`${fn}\`, which is not defined under \`functions\`.`,
          locator.locate(join('', 'stages', name, 'functions', fn), 'key'),
          suggestion ? `${suggestion} A stage can only change functions defined at the top level.` : 'A stage can only change functions defined at the top level: define it under `functions` first.',
        ),
      );
    }
  }
  return errors;
}

/**
 * When `stages` lists at least one stage, the selected stage must be one of them (a typo would
 * otherwise deploy a whole new stack); a manifest without `stages` accepts any stage name.
 */
export function undeclaredStage(doc: Record<string, unknown>, stage: string, locator: Locator): FnxError | undefined {
  const declared = isRecord(doc.stages) ? Object.keys(doc.stages) : [];
  if (declared.length === 0 || declared.includes(stage)) return undefined;
  const similar = didYouMean(stage, declared);
  return problem(
    'E_STAGE_UNDECLARED',
    `Stage \`${stage}\` is not declared under \`stages\` (declared: ${listOf(declared)}).`,
    locator.locate('/stages', 'key'),
    similar
      ? `${similar} Or, to add stage \`${stage}\`, declare it under \`stages\`: \`${stage}: {}\`.`
      : `Declare it under \`stages\`: \`${stage}: {}\` (a stage with no overrides), or pick a declared stage with \`--stage\`.`,
  );
}

/** Merges `stages.<stage>` of `doc` over its top level, recording origins in `locator`. */
export function mergeStage(doc: Record<string, unknown>, stage: string, locator: Locator): Record<string, unknown> {
  const stages = isRecord(doc.stages) ? doc.stages : {};
  const functions = isRecord(doc.functions) ? doc.functions : {};
  const override = stages[stage];

  const merged: Record<string, unknown> = { ...doc };
  if (isRecord(override)) {
    for (const section of STAGE_SECTIONS) {
      let value = override[section];
      if (value === undefined) continue;
      if (section === 'functions' && isRecord(value)) {
        value = Object.fromEntries(Object.entries(value).filter(([fn]) => Object.prototype.hasOwnProperty.call(functions, fn)));
      }
      merged[section] = deepMerge(merged[section], value, join('', section), join('', 'stages', stage, section), locator);
    }
  }
  return merged;
}

/** Objects merge key by key; anything else in `over` replaces `base`. */
export function deepMerge(base: unknown, over: unknown, mergedPointer: string, originalPointer: string, locator: Locator): unknown {
  if (isRecord(base) && isRecord(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
      out[k] = deepMerge(base[k], v, join(mergedPointer, k), join(originalPointer, k), locator);
    }
    return out;
  }
  locator.addOrigin(mergedPointer, originalPointer);
  return over;
}
