/**
 * `${...}` variables, resolved in every string value of the stage-merged manifest:
 *   ${stage}                 the stage name
 *   ${env:NAME}              an environment variable; ${env:NAME, default} when unset
 *   ${opt:name}              `--var name=value`; ${opt:name, default} when not passed
 *   ${self:path.to.value}    another value of the merged manifest (resolved first; cycles are errors)
 *   ${secret:name}           kept as a reference; only allowed as the whole value of a `secrets` entry
 * Variables nest (`${secret:db-${stage}}`, `${env:A, ${opt:b}}`); substituted values are never
 * parsed again. A string that is exactly one variable takes the variable's value as is (an object,
 * a number, ...); anywhere else the value is inserted as text. `stages` is left as written.
 * Strings that an `${env:...}` or `${opt:...}` value went into are recorded with their text as
 * written (ResolvedVariables.references), so output can name the reference instead of the value.
 * Variables that repeat variables multiply: a string may grow to MAX_VALUE_LENGTH characters,
 * substituted text may add MAX_SUBSTITUTED_CHARS characters in all, and `${self:...}` copies of
 * mappings and lists may add MAX_COPIED_VALUES values in all. A chain of `${self:...}` may be
 * MAX_SELF_CHAIN references long and variables nest MAX_NESTING deep: past these limits (far
 * beyond any real manifest) a positioned problem is reported instead of running out of stack.
 */
import type { FnxError } from '../errors.js';
import type { Locator } from './locator.js';
import { display, get, isRecord, isWithin, join } from './pointer.js';
import { problem } from './problems.js';
import { didYouMean } from './suggest.js';

export interface VariableContext {
  readonly stage: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly env: NodeJS.ProcessEnv;
  readonly locator: Locator;
}

export interface ResolvedVariables {
  readonly doc: Record<string, unknown>;
  readonly errors: FnxError[];
  /** Strings that contain a substituted value: never echo them in messages (they may be sensitive). */
  readonly fromVariable: ReadonlySet<string>;
  /** Strings that were exactly one variable: they may be coerced to the type the schema wants. */
  readonly wholeVariable: ReadonlySet<string>;
  /** Places whose variables could not be resolved (schema problems there are not reported). */
  readonly unresolved: ReadonlySet<string>;
  /**
   * Strings whose value came, in whole or in part, from `${env:...}` or `${opt:...}` (also through
   * `${self:...}`), each with its text as written: output shows that text, never the value.
   */
  readonly references: ReadonlyMap<string, string>;
  /** The values read from the environment (`${env:...}`) and from `--var` (`${opt:...}`), as read. */
  readonly inputValues: ReadonlySet<string>;
}

/** Longest string that variables may build. */
export const MAX_VALUE_LENGTH = 100_000;
/** Most values that `${self:...}` copies of mappings and lists may add, all together. */
export const MAX_COPIED_VALUES = 10_000;
/** Most characters that substituted values may add to the manifest, all strings together. */
export const MAX_SUBSTITUTED_CHARS = 2_000_000;
/** Longest chain of `${self:...}` references that lead to further references. */
export const MAX_SELF_CHAIN = 100;
/** Deepest nesting of variables inside variables (`${env:A, ${env:B, ...}}`). */
export const MAX_NESTING = 20;

const KINDS = ['stage', 'env', 'opt', 'self', 'secret'];
const SECRET_SLOT = /^\/(defaults|functions\/[^/]+)\/secrets\/[^/]+$/;
const UNRESOLVED = Symbol('unresolved');

/** True for the places where `${secret:...}` may appear: values of `defaults.secrets` / `functions.<f>.secrets`. */
export function isSecretSlot(pointer: string): boolean {
  return SECRET_SLOT.test(pointer);
}

export function resolveVariables(doc: Record<string, unknown>, ctx: VariableContext): ResolvedVariables {
  const r = new Resolver(doc, ctx);
  const out = r.resolve('') as Record<string, unknown>;
  r.checkSecretPlacement(out, '');
  return { doc: out, errors: r.errors, fromVariable: r.fromVariable, wholeVariable: r.wholeVariable, unresolved: r.unresolved, references: r.references, inputValues: r.inputValues };
}

interface Variable {
  /** The whole `${...}` text. */
  readonly raw: string;
  readonly head: string;
  readonly fallback?: string;
}
type Part = string | Variable;

class Resolver {
  readonly errors: FnxError[] = [];
  readonly fromVariable = new Set<string>();
  readonly wholeVariable = new Set<string>();
  readonly unresolved = new Set<string>();
  readonly references = new Map<string, string>();
  readonly inputValues = new Set<string>();
  /** Set when an `${env:...}` / `${opt:...}` value (or a copy of one) goes into the string being resolved. */
  private tainted = false;
  /** Values copied by `${self:...}` of mappings and lists so far. */
  private copied = 0;
  /** Characters substituted into longer strings so far. */
  private substituted = 0;
  /** Set once a limit on chains or nesting was reported (reported once, not at every hop). */
  private tooDeepReported = false;
  private tooMuchReported = false;
  private readonly memo = new Map<string, unknown>();
  /** Pointers being resolved, outermost first. */
  private readonly active: string[] = [];
  /** `${self:...}` hops being followed, for cycle messages. */
  private readonly hops: string[] = [];

  constructor(
    private readonly root: Record<string, unknown>,
    private readonly ctx: VariableContext,
  ) {}

  /** The resolved value at `pointer`; `raw` is its value in the document when the caller holds it. */
  resolve(pointer: string, raw: unknown = get(this.root, pointer)): unknown {
    if (this.memo.has(pointer)) return this.memo.get(pointer);
    if (pointer === '/stages') return raw;
    this.active.push(pointer);
    let out: unknown;
    if (isRecord(raw)) {
      const obj: Record<string, unknown> = {};
      for (const k of Object.keys(raw)) obj[k] = this.resolve(join(pointer, k), raw[k]);
      out = obj;
    } else if (Array.isArray(raw)) {
      out = raw.map((v, i) => this.resolve(join(pointer, i), v));
    } else if (typeof raw === 'string' && raw.includes('${')) {
      out = this.interpolate(raw, pointer);
      if (out === UNRESOLVED) {
        this.unresolved.add(pointer);
        out = raw;
      }
    } else {
      out = raw;
    }
    this.active.pop();
    this.memo.set(pointer, out);
    return out;
  }

  /** Errors for secret references that ended up outside a `secrets` entry (e.g. copied by `${self:...}`). */
  checkSecretPlacement(value: unknown, pointer: string): void {
    if (pointer === '/stages') return;
    if (isRecord(value)) for (const [k, v] of Object.entries(value)) this.checkSecretPlacement(v, join(pointer, k));
    else if (Array.isArray(value)) value.forEach((v, i) => this.checkSecretPlacement(v, join(pointer, i)));
    else if (typeof value === 'string' && value.includes('${secret:') && !isSecretSlot(pointer) && !this.unresolved.has(pointer)) {
      this.unresolved.add(pointer);
      this.errors.push(secretPlacement(this.ctx.locator.locate(pointer)));
    }
  }

  /** Resolves the variables of the string `text` at `pointer`, noting whether an input variable went into it. */
  private interpolate(text: string, pointer: string): unknown {
    const outer = this.tainted;
    this.tainted = false;
    try {
      return this.substitute(text, pointer);
    } finally {
      if (this.tainted) this.references.set(pointer, text);
      this.tainted ||= outer;
    }
  }

  private substitute(text: string, pointer: string): unknown {
    const parts = this.parse(text, pointer);
    if (parts === undefined) return UNRESOLVED;
    const vars = parts.filter((p): p is Variable => typeof p !== 'string');
    if (vars.length === 0) return parts.join('');
    const whole = parts.length === 1 && vars.length === 1;
    const isSecretOnly = whole && vars[0]!.head.trim().startsWith('secret:');
    if (!isSecretOnly) this.fromVariable.add(pointer);

    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const value = this.evaluate(part, pointer, whole);
      if (value === UNRESOLVED) return UNRESOLVED;
      if (whole) {
        if (typeof value === 'string' && !isSecretOnly) this.wholeVariable.add(pointer);
        return value;
      }
      if (typeof value === 'object' && value !== null) {
        this.errors.push(
          problem(
            'E_VAR_TYPE',
            `\`${part.raw}\` is a list or mapping and cannot be part of a longer string in ${display(pointer)}.`,
            this.ctx.locator.locateText(pointer, part.raw),
            'Use the variable as the whole value (`key: ${self:path}`), or point it at a single value.',
          ),
        );
        return UNRESOLVED;
      }
      const text = String(value);
      out += text;
      if (out.length > MAX_VALUE_LENGTH) return this.tooLong(pointer);
      if ((this.substituted += text.length) > MAX_SUBSTITUTED_CHARS) return this.tooMuchText(pointer);
    }
    return out;
  }

  private tooMuchText(pointer: string): typeof UNRESOLVED {
    if (!this.tooMuchReported) {
      this.tooMuchReported = true;
      this.errors.push(
        problem(
          'E_VAR_TOO_LARGE',
          `The variables of the manifest add more than ${MAX_SUBSTITUTED_CHARS} characters in all, so fnx stops at ${display(pointer)}.`,
          this.ctx.locator.locate(pointer),
          'Variables that repeat long values multiply: refer to each long value once, or write the values out.',
        ),
      );
    }
    return UNRESOLVED;
  }

  private tooLong(pointer: string): typeof UNRESOLVED {
    this.errors.push(
      problem(
        'E_VAR_TOO_LARGE',
        `The variables in ${display(pointer)} make it longer than ${MAX_VALUE_LENGTH} characters.`,
        this.ctx.locator.locate(pointer),
        'Variables that repeat other variables multiply: refer to each value once, or write the value out.',
      ),
    );
    return UNRESOLVED;
  }

  /** Splits text into literal parts and variables; undefined (and an error) on bad syntax. */
  private parse(text: string, pointer: string): Part[] | undefined {
    const parts: Part[] = [];
    let pos = 0;
    while (pos < text.length) {
      const start = text.indexOf('${', pos);
      if (start < 0) break;
      if (start > pos) parts.push(text.slice(pos, start));
      let depth = 1;
      let i = start + 2;
      let comma = -1;
      for (; i < text.length; i++) {
        if (text.startsWith('${', i)) {
          depth++;
          if (depth > MAX_NESTING) {
            if (!this.tooDeepReported) {
              this.tooDeepReported = true;
              this.errors.push(
                problem(
                  'E_VAR_TOO_DEEP',
                  `Variables in ${display(pointer)} nest more than ${MAX_NESTING} levels deep.`,
                  this.ctx.locator.locateOffset(pointer, i),
                  'Nest defaults a few levels at most (`${env:A, ${env:B, value}}`).',
                ),
              );
            }
            return undefined;
          }
          i++;
        } else if (text[i] === '}') {
          depth--;
          if (depth === 0) break;
        } else if (text[i] === ',' && depth === 1 && comma < 0) comma = i;
      }
      if (depth !== 0) {
        this.errors.push(
          problem(
            'E_VAR_SYNTAX',
            `Unterminated variable in ${display(pointer)}: \`\${\` without a closing \`}\`.`,
            this.ctx.locator.locateOffset(pointer, start),
            'Close it: ${env:NAME}, ${opt:name}, ${self:path}, ${stage} or ${secret:name}.',
          ),
        );
        return undefined;
      }
      const raw = text.slice(start, i + 1);
      const head = comma < 0 ? text.slice(start + 2, i) : text.slice(start + 2, comma);
      parts.push(comma < 0 ? { raw, head } : { raw, head, fallback: text.slice(comma + 1, i) });
      pos = i + 1;
    }
    if (pos < text.length) parts.push(text.slice(pos));
    return parts;
  }

  /** Resolves variables nested inside a variable's name or default (always as text). */
  private nested(text: string, pointer: string): string | typeof UNRESOLVED {
    if (!text.includes('${')) return text;
    const v = this.interpolateText(text, pointer);
    return v;
  }

  private interpolateText(text: string, pointer: string): string | typeof UNRESOLVED {
    const parts = this.parse(text, pointer);
    if (parts === undefined) return UNRESOLVED;
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else {
        const v = this.evaluate(part, pointer, false);
        if (v === UNRESOLVED) return UNRESOLVED;
        if (typeof v === 'object' && v !== null) return UNRESOLVED;
        const text = String(v);
        out += text;
        if (out.length > MAX_VALUE_LENGTH) return this.tooLong(pointer);
        if ((this.substituted += text.length) > MAX_SUBSTITUTED_CHARS) return this.tooMuchText(pointer);
      }
    }
    return out;
  }

  private evaluate(v: Variable, pointer: string, whole: boolean): unknown {
    const locator = this.ctx.locator;
    const where = () => locator.locateText(pointer, v.raw);
    const head = this.nested(v.head, pointer);
    if (head === UNRESOLVED) return UNRESOLVED;
    const colon = head.indexOf(':');
    const kind = (colon < 0 ? head : head.slice(0, colon)).trim();
    const arg = colon < 0 ? '' : head.slice(colon + 1).trim();
    const fallback = (): unknown => {
      if (v.fallback === undefined) return undefined;
      const t = v.fallback.trim();
      const unquoted = /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
      return this.nested(unquoted, pointer);
    };

    switch (kind) {
      case 'stage':
        if (colon >= 0 || v.fallback !== undefined) break;
        return this.ctx.stage;
      case 'env': {
        if (!arg) break;
        const value = Object.hasOwn(this.ctx.env, arg) ? this.ctx.env[arg] : undefined;
        this.tainted = true;
        if (value !== undefined) {
          this.inputValues.add(value);
          return value;
        }
        const d = fallback();
        if (d !== undefined) return d;
        this.errors.push(
          problem(
            'E_VAR_MISSING',
            `Environment variable \`${arg}\` is not set (used in ${display(pointer)}).`,
            where(),
            `Set ${arg} in the environment, or give a default: \${env:${arg}, value}.`,
          ),
        );
        return UNRESOLVED;
      }
      case 'opt': {
        if (!arg) break;
        const value = Object.hasOwn(this.ctx.vars, arg) ? this.ctx.vars[arg] : undefined;
        this.tainted = true;
        if (value !== undefined) {
          this.inputValues.add(value);
          return value;
        }
        const d = fallback();
        if (d !== undefined) return d;
        this.errors.push(
          problem(
            'E_VAR_MISSING',
            `Option \`${arg}\` was not passed (used in ${display(pointer)}).`,
            where(),
            `Pass \`--var ${arg}=VALUE\`, or give a default: \${opt:${arg}, value}.`,
          ),
        );
        return UNRESOLVED;
      }
      case 'self':
        if (!arg) break;
        return this.self(v, arg, pointer, fallback);
      case 'secret':
        if (!arg) break;
        if (!whole || !isSecretSlot(pointer)) {
          this.errors.push(secretPlacement(where()));
          return UNRESOLVED;
        }
        return `\${secret:${arg}}`;
      default: {
        const suggestion = didYouMean(kind, KINDS);
        this.errors.push(
          problem(
            'E_VAR_UNKNOWN',
            `Unknown variable kind \`${kind}\` in ${display(pointer)}.`,
            where(),
            `${suggestion ? `${suggestion} ` : ''}Variables are \${stage}, \${env:NAME}, \${opt:name}, \${self:path.to.value} and \${secret:name}.`,
          ),
        );
        return UNRESOLVED;
      }
    }
    this.errors.push(
      problem(
        'E_VAR_SYNTAX',
        `Malformed variable \`${v.raw.length > 60 ? `${v.raw.slice(0, 57)}...` : v.raw}\` in ${display(pointer)}.`,
        where(),
        'Write ${stage}, ${env:NAME}, ${env:NAME, default}, ${opt:name}, ${self:path.to.value} or ${secret:name}.',
      ),
    );
    return UNRESOLVED;
  }

  private self(v: Variable, path: string, pointer: string, fallback: () => unknown): unknown {
    const segments = path.split('.').map((s) => s.trim());
    const target = join('', ...segments);
    const locator = this.ctx.locator;
    if (segments.some((s) => s === '')) {
      this.errors.push(problem('E_VAR_SYNTAX', `Bad path \`${path}\` in \`${v.raw}\`.`, locator.locateText(pointer, v.raw), 'Write dotted keys: ${self:providers.aws.region}.'));
      return UNRESOLVED;
    }
    if (get(this.root, target) === undefined) {
      const d = fallback();
      if (d !== undefined) return d;
      let found = '';
      for (const s of segments) {
        const here = get(this.root, join(found, s));
        if (here === undefined) break;
        found = join(found, s);
      }
      const container = get(this.root, found);
      const missing = segments[found.split('/').length - 1] ?? '';
      const suggestion = isRecord(container) ? didYouMean(missing, Object.keys(container)) : undefined;
      this.errors.push(
        problem(
          'E_VAR_MISSING',
          `\`${v.raw}\` refers to \`${path}\`, which is not set in the manifest (used in ${display(pointer)}).`,
          locator.locateText(pointer, v.raw),
          suggestion ?? 'Check the path: keys separated by dots, list items by number (functions.api.triggers.0.http.path).',
        ),
      );
      return UNRESOLVED;
    }
    if (this.active.some((a) => isWithin(a, target))) {
      const chain = [...this.hops, display(pointer), display(target)];
      const compact = chain.filter((c, i) => c !== chain[i - 1]);
      this.errors.push(
        problem(
          'E_VAR_CYCLE',
          `Variable cycle: ${compact.join(' -> ')}.`,
          locator.locateText(pointer, v.raw),
          'A ${self:...} reference cannot lead back to itself: replace one of them with a value.',
        ),
      );
      return UNRESOLVED;
    }
    if (this.hops.length >= MAX_SELF_CHAIN) {
      if (!this.tooDeepReported) {
        this.tooDeepReported = true;
        this.errors.push(
          problem(
            'E_VAR_TOO_DEEP',
            `\`${v.raw}\` is reference ${MAX_SELF_CHAIN + 1} of a chain of \`\${self:...}\` references (each leading to the next), longer than fnx follows (${MAX_SELF_CHAIN}).`,
            locator.locateText(pointer, v.raw),
            'Point the reference at the value itself instead of at another reference.',
          ),
        );
      }
      return UNRESOLVED;
    }
    this.hops.push(display(pointer));
    const value = this.resolve(target);
    this.hops.pop();
    if (typeof value !== 'object' || value === null) {
      // A single value: only its own pointer can be unresolved or hold a reference.
      if (this.unresolved.has(target)) return UNRESOLVED;
      if (this.references.has(target)) this.tainted = true;
      return value;
    }
    if (this.unresolved.has(target) || [...this.unresolved].some((u) => isWithin(u, target))) return UNRESOLVED;
    if ([...this.references.keys()].some((r) => isWithin(r, target) || isWithin(target, r))) this.tainted = true;
    const before = this.copied;
    this.copied += countValues(value);
    if (this.copied > MAX_COPIED_VALUES) {
      // Reported once, at the copy that crosses the limit; later copies only stay unresolved.
      if (before > MAX_COPIED_VALUES) return UNRESOLVED;
      this.errors.push(
        problem(
          'E_VAR_TOO_LARGE',
          `\`${v.raw}\` copies more than ${MAX_COPIED_VALUES} values in all (copies of copies multiply), so fnx stops here.`,
          locator.locateText(pointer, v.raw),
          'Copy each mapping or list once, or write the values out.',
        ),
      );
      return UNRESOLVED;
    }
    return structuredClone(value);
  }
}

function countValues(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countValues(v), 1);
  if (isRecord(value)) return Object.values(value).reduce((n: number, v) => n + countValues(v), 1);
  return 1;
}

function secretPlacement(location: ReturnType<Locator['locate']>): FnxError {
  return problem(
    'E_VAR_SECRET_PLACEMENT',
    'A `${secret:...}` reference is only allowed as the whole value of an entry under `secrets`.',
    location,
    'Move it under `secrets:` of the function (or of `defaults`): `secrets: { DB_PASSWORD: "${secret:name}" }`; it becomes an environment variable filled from the secret store at deploy time.',
  );
}
