/**
 * Schema validation of the stage-merged, variable-resolved manifest with the ajv validator that
 * scripts/gen-types.mjs precompiles from the assembled schema (schemas/fnx.schema.json) (no ajv compile at start-up).
 * Every ajv error becomes one FnxError with a code, the file position and a hint; the cascades
 * ajv reports for `oneOf` become one error.
 *
 * The validator coerces types (so `${opt:memory}` = "512" becomes 512 and environment numbers
 * become strings); coercions of values the user typed literally (a quoted number, an empty value)
 * are reported afterwards.
 */
import { providerNames } from '../registry.js';
import type { FnxError } from '../errors.js';
import type { Locator } from './locator.js';
import { display, get, isRecord, isWithin, join, parent, split } from './pointer.js';
import { problem } from './problems.js';
import validate, { manifestSchema } from './schema-validator.generated.js';
import { didYouMean, listOf } from './suggest.js';
import { isSecretSlot } from './variables.js';
import { plural } from '../report/plural.js';

interface AjvError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  propertyName?: string;
  message?: string;
}
type SchemaNode = Record<string, unknown>;

const validateManifest = validate as unknown as ((data: unknown) => boolean) & { errors?: AjvError[] | null };

export interface SchemaInput {
  readonly fromVariable: ReadonlySet<string>;
  readonly wholeVariable: ReadonlySet<string>;
  readonly unresolved: ReadonlySet<string>;
}

/** Validates (and coerces, in place) `doc`; returns the problems found. */
export function validateSchema(doc: Record<string, unknown>, locator: Locator, input: SchemaInput): FnxError[] {
  return validateSchemaAt(doc, locator, input).map((p) => p.error);
}

/**
 * Like validateSchema, with the pointer (in the merged document) each problem is about.
 * `unknownKeysOnly`: report only unknown keys (and no coercions), for checks that keep nothing else.
 */
export function validateSchemaAt(doc: Record<string, unknown>, locator: Locator, input: SchemaInput, unknownKeysOnly = false): { pointer: string; error: FnxError }[] {
  const before = structuredClone(doc);
  validateManifest(doc);
  const raw = validateManifest.errors ?? [];
  const out: { pointer: string; error: FnxError }[] = [];
  const m = new Mapper(before, locator, input);

  const reported = new Set<string>();
  const cascades = raw.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  for (const e of raw) {
    if (unknownKeysOnly && e.keyword !== 'additionalProperties') continue;
    if (cascades.some((c) => c !== e && c.instancePath === e.instancePath && e.schemaPath.startsWith(`${c.schemaPath}/`))) continue;
    if (e.propertyName !== undefined) continue;
    const pointer = e.keyword === 'additionalProperties' ? join(e.instancePath, String(e.params.additionalProperty)) : e.instancePath;
    if ([...input.unresolved].some((u) => isWithin(pointer, u) || isWithin(u, pointer))) continue;
    if (reported.has(pointer) && get(before, pointer) === null) continue;
    reported.add(pointer);
    out.push({ pointer, error: e.keyword !== 'required' && get(before, pointer) === null ? m.empty(pointer) : m.map(e) });
  }
  if (!unknownKeysOnly) out.push(...m.coercions(before, doc, '').filter((c) => !reported.has(c.pointer)));
  return out;
}

/** A decimal number as a manifest writes one: 1024, -1, 0.5, 1e3. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The schema that applies at an instance pointer, found by walking the schema along the
 * instance (ajv's schemaPath is relative to whichever definition it compiled separately).
 */
function schemaFor(pointer: string): SchemaNode | undefined {
  const definitions = manifestSchema.definitions as Record<string, SchemaNode>;
  const deref = (n: SchemaNode | undefined): SchemaNode | undefined => {
    for (let i = 0; n && typeof n.$ref === 'string' && i < 8; i++) n = definitions[n.$ref.split('/').pop()!];
    return n;
  };
  let node = deref(manifestSchema as SchemaNode);
  for (const s of split(pointer)) {
    if (!node) return undefined;
    const props = node.properties as Record<string, SchemaNode> | undefined;
    if (props && props[s]) node = deref(props[s]);
    else if (isRecord(node.additionalProperties)) node = deref(node.additionalProperties);
    else if (isRecord(node.items) && /^\d+$/.test(s)) node = deref(node.items);
    else return undefined;
  }
  return node;
}

function article(type: string): string {
  const names: Record<string, string> = {
    integer: 'a whole number',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    array: 'a list',
    null: 'empty',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}

class Mapper {
  constructor(
    private readonly before: unknown,
    private readonly locator: Locator,
    private readonly input: SchemaInput,
  ) {}

  /** A short rendering of the value the user wrote (nothing for values built from variables). */
  private shown(pointer: string): string {
    if (this.input.fromVariable.has(pointer)) return ' (the value comes from a variable)';
    if (isSecretSlot(pointer)) return ' (the value is not shown)';
    const v = get(this.before, pointer);
    if (v === null || v === undefined) return ', got an empty value';
    if (Array.isArray(v)) return ', got a list';
    if (isRecord(v)) return ', got a mapping';
    const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
    return `, got ${s.length > 40 ? `${s.slice(0, 37)}..."` : s}`;
  }

  private describe(pointer: string): string | undefined {
    const node = schemaFor(pointer);
    return typeof node?.description === 'string' ? node.description : undefined;
  }

  map(e: AjvError): FnxError {
    const where = display(this.locator.original(e.instancePath));
    const loc = (p = e.instancePath, prefer: 'key' | 'value' = 'value') => this.locator.locate(p, prefer);
    const parentNode = schemaFor(e.instancePath);
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(e.params.additionalProperty);
        const allowed = Object.keys((parentNode?.properties as SchemaNode | undefined) ?? {});
        const isTrigger = parentNode?.title === 'Trigger';
        const suggestion = didYouMean(key, allowed);
        const container = parent(this.locator.original(join(e.instancePath, key)));
        const inWhat = container === '' ? 'at the top level' : `in ${display(container)}`;
        return problem(
          'E_SCHEMA_UNKNOWN_KEY',
          isTrigger ? `Unknown trigger kind \`${key}\` ${inWhat}.` : `Unknown key \`${key}\` ${inWhat}.`,
          loc(join(e.instancePath, key), 'key'),
          suggestion ?? `Allowed ${isTrigger ? 'trigger kinds' : 'keys'}: ${listOf(allowed)}.`,
        );
      }
      case 'required': {
        const key = String(e.params.missingProperty);
        const props = (parentNode?.properties as Record<string, SchemaNode> | undefined) ?? {};
        const desc = props[key]?.description;
        return problem(
          'E_SCHEMA_REQUIRED',
          e.instancePath === '' ? `Missing required key \`${key}\` at the top level.` : `${where} is missing the required key \`${key}\`.`,
          e.instancePath === '' ? { file: this.locator.file, line: 1, column: 1 } : loc(e.instancePath, 'key'),
          typeof desc === 'string' ? `Add \`${key}:\` — ${desc}` : `Add \`${key}:\`.`,
        );
      }
      case 'type':
        return problem(
          'E_SCHEMA_TYPE',
          `${where} must be ${article(String(e.params.type))}${this.shown(e.instancePath)}.`,
          loc(),
          this.describe(e.instancePath),
        );
      case 'enum': {
        const allowed = (e.params.allowedValues as unknown[]) ?? [];
        const got = get(this.before, e.instancePath);
        const suggestion = typeof got === 'string' ? didYouMean(got, allowed.map(String)) : undefined;
        return problem(
          'E_SCHEMA_ENUM',
          `${where} must be one of ${listOf(allowed)}${this.shown(e.instancePath)}.`,
          loc(),
          suggestion ?? this.describe(e.instancePath),
        );
      }
      case 'pattern': {
        const hint = parentNode?.patternErrorMessage;
        return problem(
          'E_SCHEMA_PATTERN',
          `${where} is not valid${this.shown(e.instancePath)}.`,
          loc(),
          typeof hint === 'string' ? hint : this.describe(e.instancePath),
        );
      }
      case 'propertyNames': {
        const name = String(e.params.propertyName);
        const what = e.instancePath === '/functions' ? 'function name' : e.instancePath === '/layers' ? 'layer name' : e.instancePath === '/stages' ? 'stage name' : 'name';
        const rule =
          what === 'stage name'
            ? 'Stage names have 1-16 lower case letters, digits and dashes, starting with a letter.'
            : /environment|secrets$/.test(e.instancePath)
              ? 'Environment variable names use letters, digits and underscores and do not start with a digit.'
              : 'Names use letters, digits and dashes, start with a letter and have at most 64 characters.';
        return problem('E_SCHEMA_NAME', `Invalid ${what} \`${name}\` in ${where}.`, loc(join(e.instancePath, name), 'key'), rule);
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const cmp = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' }[e.keyword];
        return problem('E_SCHEMA_RANGE', `${where} must be ${cmp} ${String(e.params.limit)}${this.shown(e.instancePath)}.`, loc(), this.describe(e.instancePath));
      }
      case 'minLength':
        return problem('E_SCHEMA_EMPTY', `${where} must not be empty.`, loc(), this.describe(e.instancePath));
      case 'maxLength':
        return problem('E_SCHEMA_RANGE', `${where} is longer than ${String(e.params.limit)} characters.`, loc(), this.describe(e.instancePath));
      case 'minItems':
        return problem('E_SCHEMA_SIZE', `${where} must list at least ${plural(Number(e.params.limit), 'item')}.`, loc(), this.describe(e.instancePath));
      case 'maxItems':
        return problem('E_SCHEMA_SIZE', `${where} must list at most ${plural(Number(e.params.limit), 'item')}.`, loc(), this.describe(e.instancePath));
      case 'uniqueItems': {
        const j = Number(e.params.j);
        return problem('E_SCHEMA_DUPLICATE_ITEM', `${where} lists the same value twice (items ${Number(e.params.i) + 1} and ${j + 1}).`, loc(join(e.instancePath, Math.max(Number(e.params.i), j))), 'Remove the duplicate.');
      }
      case 'minProperties':
      case 'maxProperties': {
        if (parentNode?.title === 'Trigger') {
          return problem(
            'E_SCHEMA_TRIGGER',
            `A trigger must have exactly one kind, but ${where} has ${e.keyword === 'minProperties' ? 'none' : 'several'}.`,
            loc(),
            'Write one list item per trigger: `- http: {...}`, `- schedule: {...}`, `- queue: {...}`, `- storage: {...}`, `- topic: {...}` or `- stream: {...}`.',
          );
        }
        const what = e.instancePath === '/functions' ? 'at least one function' : e.instancePath === '/providers' ? `at least one provider (${providerNames().join(', ').replace(/, ([^,]*)$/, ' or $1')})` : `at least ${plural(Number(e.params.limit), 'key')}`;
        return problem('E_SCHEMA_SIZE', `${where} must define ${what}.`, loc(e.instancePath, 'key'), this.describe(e.instancePath));
      }
      case 'oneOf':
      case 'anyOf':
        return this.oneOf(e, parentNode);
      default:
        return problem('E_SCHEMA', `${where} ${e.message ?? 'is not valid'}.`, loc(), this.describe(e.instancePath));
    }
  }

  /** One error for "exactly one of a, b" and other alternatives. */
  private oneOf(e: AjvError, parentNode: SchemaNode | undefined): FnxError {
    const where = display(this.locator.original(e.instancePath));
    const branches = ((parentNode?.[e.keyword] as SchemaNode[] | undefined) ?? []).map((b) => b.required);
    const keys = branches.every((b) => Array.isArray(b) && b.length === 1) ? branches.map((b) => String((b as unknown[])[0])) : [];
    const desc = typeof parentNode?.description === 'string' ? parentNode.description : undefined;
    if (keys.length) {
      const value = get(this.before, e.instancePath);
      const present = isRecord(value) ? keys.filter((k) => k in value) : [];
      const alternatives = keys.map((k) => `\`${k}\``).join(' or ');
      if (present.length > 1) {
        return problem(
          'E_SCHEMA_ONE_OF',
          `${where} sets ${present.map((k) => `\`${k}\``).join(' and ')}: use exactly one of them.`,
          this.locator.locate(join(e.instancePath, present[1]!), 'key'),
          desc,
        );
      }
      return problem('E_SCHEMA_ONE_OF', `${where} needs one of ${alternatives}.`, this.locator.locate(e.instancePath, 'key'), desc);
    }
    return problem('E_SCHEMA_ONE_OF', `${where} does not match any allowed form.`, this.locator.locate(e.instancePath), desc);
  }

  /** A key written without a value (`memory:`). */
  empty(pointer: string): FnxError {
    const node = schemaFor(pointer);
    const type = typeof node?.type === 'string' ? node.type : Array.isArray(node?.type) ? node.type.join(',') : undefined;
    return problem(
      'E_SCHEMA_TYPE',
      `${display(this.locator.original(pointer))} has no value.`,
      this.locator.locate(pointer, 'key'),
      type ? `Give it a value (${article(type)}) or remove the key.` : 'Give it a value or remove the key.',
    );
  }

  /** Problems for coercions the user did not ask for (a quoted number typed literally, an empty value). */
  coercions(before: unknown, after: unknown, pointer: string): { pointer: string; error: FnxError }[] {
    if (pointer === '/stages') return [];
    if (isRecord(before) && isRecord(after)) return Object.keys(before).flatMap((k) => this.coercions(before[k], after[k], join(pointer, k)));
    if (Array.isArray(before) && Array.isArray(after)) return before.flatMap((v, i) => this.coercions(v, after[i], join(pointer, i)));
    if (before === after || typeof before === typeof after) return [];
    if ((typeof before === 'number' || typeof before === 'boolean') && typeof after === 'string') return [];
    if (typeof before === 'string' && typeof after === 'number' && !DECIMAL.test(before.trim())) {
      // JavaScript's Number() also reads 0x400, 0b1, 0o7 and Infinity; a manifest means decimal.
      const fromVariable = this.input.fromVariable.has(pointer) || this.input.wholeVariable.has(pointer);
      const error = problem(
        'E_SCHEMA_TYPE',
        `${display(this.locator.original(pointer))} must be a decimal number${fromVariable ? '; the value its variable gave is not' : `, got \`${before}\``}.`,
        this.locator.locate(pointer),
        `Write it in decimal digits${fromVariable ? ' where the variable is set (--var, the environment)' : ''}, e.g. 1024.`,
      );
      return [{ pointer, error }];
    }
    if (typeof before === 'string' && this.input.wholeVariable.has(pointer)) return [];
    const target = typeof after === 'boolean' ? 'boolean' : Number.isInteger(after) ? 'integer' : typeof after;
    if (before === null) {
      return [{ pointer, error: problem('E_SCHEMA_TYPE', `${display(this.locator.original(pointer))} has no value.`, this.locator.locate(pointer, 'key'), `Give it a value (${article(target)}) or remove the key.`) }];
    }
    const error = problem(
      'E_SCHEMA_TYPE',
      `${display(this.locator.original(pointer))} must be ${article(target)}${this.shown(pointer)}.`,
      this.locator.locate(pointer),
      typeof before === 'string' ? `Remove the quotes: write ${String(after)}.` : undefined,
    );
    return [{ pointer, error }];
  }
}

