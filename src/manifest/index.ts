/**
 * The manifest pipeline: load (YAML with positions) -> merge the stage -> resolve variables ->
 * validate (schema, then semantic checks) -> resolve into the frozen ResolvedManifest -> each
 * provider's manifest rules -> (with `files`) the handler files and layer folders it names.
 * Every problem of a step is collected (not only the first) and sorted by position in the file;
 * the last two steps run on a manifest the earlier ones found valid.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { FnxError, FnxErrorList } from '../errors.js';
import { loadManifestFile } from './load.js';
import type { ResolvedManifest } from './model.js';
import { problem, sortProblems } from './problems.js';
import { toResolvedManifest } from './resolve.js';
import { checkProjectFiles } from './files.js';
import { checkProviderRules } from './provider-rules.js';
import { checkSemantics } from './semantic.js';
import { mergeStage, STAGE_NAME, STAGE_SECTIONS, undeclaredStage, unknownStageFunctions } from './stages.js';
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
  /** Called by loadManifest with each warning of a valid manifest (e.g. a layer no function uses). */
  onWarning?: (warning: FnxError) => void;
  /**
   * Also check the project files the manifest names (handler files and their exports, layer
   * folders): for the commands that package code. Off for commands that only read the cloud
   * (status, rollback, promote, remove), which must work without the built code.
   */
  files?: boolean;
  /**
   * Called with the values read from the environment and `--var` as soon as they are resolved,
   * before any problem is reported (the reporter masks them: `::add-mask::` in GitHub Actions).
   */
  onInputValues?: (values: readonly string[]) => void;
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
  } else {
    const undeclared = undeclaredStage(doc, o.stage, locator);
    if (undeclared) errors.push(undeclared);
  }

  errors.push(...unknownStageFunctions(doc, locator));
  const merged = mergeStage(doc, o.stage, locator);
  errors.push(...otherStagesUnknownKeys(doc, o.stage, locator));

  const vars = resolveVariables(merged, { stage: o.stage, vars: o.vars, env: o.env, locator });
  if (vars.inputValues.size) o.onInputValues?.([...vars.inputValues]);
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
  const rules = checkProviderRules(manifest, locator);
  errors.push(...rules.errors);
  warnings.push(...rules.warnings);
  if (!errors.length && o.files) errors.push(...(await checkProjectFiles(manifest, locator)));
  if (errors.length) return { errors: sortProblems(errors), warnings: sortProblems(warnings) };
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
    const override = stages[name];
    if (!isRecord(override)) continue;
    const forked = locator.fork();
    const merged = mergeStage(doc, name, forked);
    // Only the sections (and functions) this stage overrides: validating the whole merged
    // document once per stage would make many stages quadratic.
    const part: Record<string, unknown> = {};
    for (const section of STAGE_SECTIONS) {
      if (override[section] === undefined) continue;
      const value = merged[section];
      part[section] = section === 'functions' && isRecord(value) && isRecord(override.functions) ? Object.fromEntries(Object.keys(override.functions).filter((f) => Object.hasOwn(value, f)).map((f) => [f, value[f]])) : value;
    }
    if (!Object.keys(part).length) continue;
    for (const p of validateSchemaAt(structuredClone(part), forked, { fromVariable: none, wholeVariable: none, unresolved: none }, true)) {
      if (p.error.code === 'E_SCHEMA_UNKNOWN_KEY' && forked.comesFrom(p.pointer, join('', 'stages', name))) out.push(p.error);
    }
  }
  return out;
}
