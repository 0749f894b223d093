/**
 * The imports of a JavaScript file when they are all plain, read with acorn (the parser
 * @vercel/nft uses, with the same options), so the tracer can tell whether an edit changed what a
 * file reaches without loading nft.
 *
 * A file is plain when nft's analysis of it is exactly its literal specifiers:
 * - static imports, re-exports with a source and, in CommonJS, require() calls are `deps`;
 *   import() calls are `imports` (as nft files them), each with a string literal (or a template
 *   literal without expressions) as its only argument;
 * - nothing nft evaluates to find files: no `__dirname`, `__filename`, `import.meta`, `process`
 *   other than `process.env`, `module` other than `module.exports`, no other use of `require`
 *   (`require.resolve`, a computed or wildcard argument, `require` passed or rebound), no
 *   `require` at all in an ES module, no `define`, `global`, `GLOBAL` or `globalThis` (bundler
 *   and UMD wrappers), no string that is an absolute path or a file: URL;
 * - no import of a module nft simulates (fs, path, os, url, module, process, express, bindings,
 *   node-gyp-build, pino, fastify, …): calls into those can name files.
 *
 * Anything else answers undefined: the caller traces with nft.
 */
import { Parser, type Node } from 'acorn';

export interface PlainImports {
  readonly isESM: boolean;
  /** Static imports, re-exports and require() calls (nft's `deps`), without repeats. */
  readonly deps: ReadonlySet<string>;
  /** import() of a literal (nft's `imports`). */
  readonly imports: ReadonlySet<string>;
}

/** Modules nft's analysis simulates (its `staticModules`), with and without `node:`. */
const SIMULATED = new Set([
  'bindings',
  'express',
  'fs',
  'fs/promises',
  'module',
  'fs-extra',
  'graceful-fs',
  'process',
  'path',
  'os',
  'url',
  '@mapbox/node-pre-gyp',
  'node-pre-gyp',
  'node-pre-gyp/lib/pre-binding',
  'node-pre-gyp/lib/pre-binding.js',
  'node-gyp-build',
  '@aminya/node-gyp-build',
  'nbind',
  'resolve-from',
  'strong-globalize',
  'pkginfo',
  'pino',
  'fastify',
]);

/** Identifiers that make a file not plain wherever they appear (outside the allowed forms below). */
const FORBIDDEN = new Set(['__dirname', '__filename', 'require', 'module', 'process', 'define', 'global', 'GLOBAL', 'globalThis']);

const ABSOLUTE = /^(\/|\\|[a-zA-Z]:[\\/]|file:)/;

type AnyNode = Node & Record<string, unknown>;

class NotPlain extends Error {}

function literalString(node: AnyNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    const q = (node.quasis as Array<{ value: { cooked: string | null } }>)[0];
    return q?.value.cooked ?? undefined;
  }
  return undefined;
}

function parse(code: string): { ast: AnyNode; isESM: boolean } | undefined {
  // As nft does: a script first, a module when the script parse asks for one.
  const text = code.replace(/^#![^\n\r]*[\r\n]/, '');
  try {
    return { ast: Parser.parse(text, { ecmaVersion: 'latest', allowReturnOutsideFunction: true }) as unknown as AnyNode, isESM: false };
  } catch (err) {
    if (!String((err as Error).message).includes('sourceType: module')) return undefined;
  }
  try {
    return { ast: Parser.parse(text, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true }) as unknown as AnyNode, isESM: true };
  } catch {
    return undefined;
  }
}

/** The plain imports of `code`, or undefined when the file is not plain (see above) or does not parse. */
export function plainImports(code: string): PlainImports | undefined {
  const parsed = parse(code);
  if (!parsed) return undefined;
  const { ast, isESM } = parsed;
  const deps = new Set<string>();
  const imports = new Set<string>();
  const add = (set: Set<string>, spec: string) => {
    const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
    if (SIMULATED.has(bare)) throw new NotPlain();
    set.add(spec);
  };
  const visit = (node: AnyNode): void => {
    switch (node.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration': {
        const source = node.source as AnyNode | null | undefined;
        if (source) {
          const spec = literalString(source);
          if (spec === undefined) throw new NotPlain();
          add(deps, spec);
        }
        break;
      }
      case 'ImportExpression': {
        const spec = literalString(node.source as AnyNode);
        if (spec === undefined || node.options) throw new NotPlain();
        add(imports, spec);
        return;
      }
      case 'CallExpression': {
        const callee = node.callee as AnyNode;
        if (callee.type === 'Identifier' && callee.name === 'require') {
          const args = node.arguments as AnyNode[];
          const spec = args.length === 1 ? literalString(args[0]) : undefined;
          if (isESM || spec === undefined) throw new NotPlain();
          add(deps, spec);
          return;
        }
        break;
      }
      case 'MemberExpression': {
        const object = node.object as AnyNode;
        const property = node.property as AnyNode;
        if (object.type === 'Identifier' && !node.computed && property.type === 'Identifier') {
          if ((object.name === 'module' && property.name === 'exports') || (object.name === 'process' && property.name === 'env')) return;
        }
        break;
      }
      case 'MetaProperty':
        throw new NotPlain();
      case 'Identifier':
        if (FORBIDDEN.has(node.name as string)) throw new NotPlain();
        return;
      case 'Literal':
        if (typeof node.value === 'string' && ABSOLUTE.test(node.value)) throw new NotPlain();
        return;
      case 'TemplateElement': {
        const value = node.value as { cooked: string | null; raw: string };
        if (ABSOLUTE.test(value.cooked ?? value.raw)) throw new NotPlain();
        return;
      }
    }
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && typeof (v as AnyNode).type === 'string') visit(v as AnyNode);
      } else if (value && typeof value === 'object' && typeof (value as AnyNode).type === 'string') {
        visit(value as AnyNode);
      }
    }
  };
  try {
    visit(ast);
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
  return { isESM, deps, imports };
}
