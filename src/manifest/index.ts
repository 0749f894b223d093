/**
 * The manifest pipeline: load (YAML with positions) -> merge the stage -> resolve variables ->
 * validate (schema, then semantic checks) -> resolve into the frozen ResolvedManifest.
 * Every problem is collected (not only the first) and sorted by position in the file.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { FnxError, FnxErrorList } from '../errors.js';
import { loadManifestFile } from './load.js';
import type { ResolvedManifest } from './model.js';
import { problem, sortProblems } from './problems.js';
import { toResolvedManifest } from './resolve.js';
import { checkSemantics } from './semantic.js';
import { mergeStage, STAGE_NAME, unknownStageFunctions } from './stages.js';
import { resolveVariables } from './variables.js';
import { validateSchema, validateSchemaAt } from './validate.js';
import { isRecord, join } from './pointer.js';
import type { Locator } from './locator.js';
import { plural } from '../report/plural.js';

export interface LoadOptions {
  cwd: string;
  config?: string;
  stage: string;
  vars: Readonly<Record<string, string>>;
  env: NodeJS.ProcessEnv;
  /** Called by loadManifest with each warning of a valid manifest (e.g. a stage with no entry under `stages`). */
  onWarning?: (warning: FnxError) => void;
}

const DEFAULT_MANIFEST = 'fnx.yaml';

/** Loads and checks the manifest; never throws for problems in the manifest itself. */
export async function checkManifest(o: LoadOptions): Promise<{ manifest?: ResolvedManifest; errors: FnxError[]; warnings: FnxError[] }> {
  const file = resolvePath(o.cwd, o.config ?? DEFAULT_MANIFEST);
  let loaded;
  try {
    loaded = await loadManifestFile(file);
  } catch (err) {
    if (err instanceof FnxError) return { errors: [err], warnings: [] };
    throw err;
  }
  const { doc, locator } = loaded;
  const errors: FnxError[] = [...loaded.errors];
  const warnings: FnxError[] = [];
  if (!doc) return { errors: sortProblems(errors), warnings };

  if (!STAGE_NAME.test(o.stage)) {
    errors.push(
      problem('E_STAGE_NAME', `Invalid stage name \`${o.stage}\`.`, undefined, 'Stage names have 1-16 lower case letters, digits and dashes, starting with a letter (e.g. dev, prod, pr-42).'),
    );
  }

  errors.push(...unknownStageFunctions(doc, locator));
  const merged = mergeStage(doc, o.stage, locator);
  warnings.push(...merged.warnings);
  errors.push(...otherStagesUnknownKeys(doc, o.stage, locator));

  const vars = resolveVariables(merged.doc, { stage: o.stage, vars: o.vars, env: o.env, locator });
  errors.push(...vars.errors);
  const schemaErrors = validateSchema(vars.doc, locator, vars);
  errors.push(...schemaErrors);
  const semantic = checkSemantics(vars.doc, locator);
  // A value the schema already rejected is reported once.
  const rejected = new Set(schemaErrors.map((e) => `${e.location?.line}:${e.location?.column}`));
  errors.push(...semantic.errors.filter((e) => !rejected.has(`${e.location?.line}:${e.location?.column}`)));
  warnings.push(...semantic.warnings);

  if (errors.length) return { errors: sortProblems(errors), warnings: sortProblems(warnings) };
  const manifest = toResolvedManifest(vars.doc, { file, rootDir: dirname(file), stage: o.stage, locator, references: vars.references });
  return { manifest, errors: [], warnings: sortProblems(warnings) };
}

/** Loads the manifest; throws an FnxErrorList (exit code 2) listing every problem. */
export async function loadManifest(o: LoadOptions): Promise<ResolvedManifest> {
  const r = await checkManifest(o);
  if (r.errors.length || !r.manifest) throw manifestErrors(r.errors);
  for (const w of r.warnings) o.onWarning?.(w);
  return r.manifest;
}

/** The error thrown for an invalid manifest (exit code 2). */
export function manifestErrors(errors: readonly FnxError[]): FnxErrorList {
  return new FnxErrorList(errors, `The manifest has ${plural(errors.length, 'problem')}.`);
}

/**
 * Typos in stages other than the selected one: each is merged and validated too, keeping only
 * unknown-key problems inside that stage's overrides (its values may need variables of its own).
 */
function otherStagesUnknownKeys(doc: Record<string, unknown>, stage: string, locator: Locator): FnxError[] {
  const stages = isRecord(doc.stages) ? doc.stages : {};
  const out: FnxError[] = [];
  const none = new Set<string>();
  for (const name of Object.keys(stages)) {
    if (name === stage) continue;
    const forked = locator.fork();
    const merged = mergeStage(doc, name, forked);
    for (const p of validateSchemaAt(structuredClone(merged.doc), forked, { fromVariable: none, wholeVariable: none, unresolved: none })) {
      if (p.error.code === 'E_SCHEMA_UNKNOWN_KEY' && forked.comesFrom(p.pointer, join('', 'stages', name))) out.push(p.error);
    }
  }
  return out;
}
