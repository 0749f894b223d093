/**
 * What goes into an artifact: default excludes, `.fnxignore` (gitignore syntax, at the project
 * root) and a function's `package.include` / `package.exclude` globs (picomatch, relative to the
 * project root, dotfiles matched). Globs that point outside the project are refused.
 */
import { basename, isAbsolute, join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { ExitCode, FnxError, type SourceLocation } from '../errors.js';
import { readProjectText } from './fs-errors.js';
import type { WalkRules } from './walk.js';

/**
 * Directories never packaged from the project's own tree (node_modules comes from dependency
 * resolution), including other deployment tools' output and state folders.
 */
const SKIP_DIRS_ANYWHERE = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.venv',
  '.idea',
  '.vscode',
  '__tests__',
  'test',
  'tests',
  '.serverless',
  '.aws-sam',
  'cdk.out',
  '.terraform',
]);
const SKIP_DIRS_AT_ROOT = new Set(['.fnx']);
/** Junk inside any tree, dependencies and layers included. */
const JUNK_DIRS = new Set(['.git', '.hg', '.svn', '.cache', '.idea', '.vscode', '__pycache__']);
const JUNK_FILE = /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini|\.#[^/]*|[^/]*~|[^/]*\.sw[op]|[^/]*\.pyc)$/;
const PROJECT_ONLY_FILE = /(^|\/)([^/]*\.(test|spec)\.[^/]+|\.env(\.[^/]*)?|\.fnxignore|\.gitignore|\.npmrc)$/;

export const DEFAULT_EXCLUDES_DOC = [
  '.git/, .hg/, .svn/, .fnx/, node_modules/ (production dependencies are added separately)',
  'test/, tests/, __tests__/, *.test.*, *.spec.*',
  '.idea/, .vscode/, .DS_Store, Thumbs.db, *.swp, *~, .#*',
  '__pycache__/, .pytest_cache/, .mypy_cache/, .venv/, *.pyc',
  '.env, .env.*, .npmrc, .gitignore, .fnxignore, the manifest file',
  '.serverless/, .aws-sam/, cdk.out/, .terraform/ (other deployment tools\' output and state)',
];

/** The part of an `ignore` matcher the rules use. */
export type IgnoreRules = Pick<Ignore, 'ignores'>;

/** The matcher of a project without `.fnxignore` rules. */
const NO_IGNORE: IgnoreRules = { ignores: () => false };

/** Last path segment; JUNK_FILE only looks at it. */
function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/** Loads `<root>/.fnxignore`; a matcher that ignores nothing when it is absent or has no rules. */
export function loadFnxIgnore(rootDir: string): IgnoreRules {
  const file = join(rootDir, '.fnxignore');
  const text = readProjectText(file, rootDir, 4 << 20) ?? '';
  if (!text.split(/\r?\n/).some((l) => l.trim() && !l.trim().startsWith('#'))) return NO_IGNORE;
  return ignore().add(text);
}

/** Throws E_PACKAGE_ESCAPE for a glob that is absolute or climbs out with `..`. */
export function checkGlob(glob: string, owner: string, location?: SourceLocation): void {
  const parts = glob.replace(/\\/g, '/').split('/');
  if (isAbsolute(glob) || /^[a-zA-Z]:/.test(glob) || parts.includes('..')) {
    throw new FnxError('E_PACKAGE_ESCAPE', `${owner}: the package glob "${glob}" points outside the project directory.`, {
      hint: 'Package globs are relative to the directory of fnx.yaml and cannot use ".." or absolute paths.',
      exitCode: ExitCode.usage,
      ...(location ? { location } : {}),
    });
  }
}

function normalizeGlob(g: string): string {
  return g.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** Rules for the project's own files of one function. */
export function projectRules(opts: {
  include: readonly string[];
  exclude: readonly string[];
  ignore: IgnoreRules;
  manifestRel: string;
}): WalkRules {
  const include = opts.include.map(normalizeGlob);
  const isIncluded = picomatch(include.length ? include : ['**'], { dot: true });
  const isExcluded = opts.exclude.length ? picomatch(opts.exclude.map(normalizeGlob), { dot: true }) : () => false;
  // A directory is worth entering only if some include glob can match below it.
  const bases = include.map((g) => picomatch.scan(g).base).map((b) => b.replace(/\/$/, ''));
  const mayContain = (rel: string) => bases.some((b) => b === '' || b === rel || b.startsWith(rel + '/') || rel.startsWith(b + '/'));
  return {
    enterDir(rel) {
      const name = basename(rel);
      if (SKIP_DIRS_ANYWHERE.has(name) || (!rel.includes('/') && SKIP_DIRS_AT_ROOT.has(name))) return false;
      if (!mayContain(rel) || isExcluded(rel) || opts.ignore.ignores(`${rel}/`)) return false;
      return true;
    },
    takeFile(rel) {
      if (rel === opts.manifestRel || JUNK_FILE.test(rel) || PROJECT_ONLY_FILE.test(rel)) return false;
      return isIncluded(rel) && !isExcluded(rel) && !opts.ignore.ignores(rel);
    },
  };
}

/**
 * Rules for dependency packages and layer folders. `rootRel` maps a walk path to its path
 * relative to the project root (what `.fnxignore` and exclude globs see).
 */
export function treeRules(opts: { ignore: IgnoreRules; exclude?: readonly string[]; skipNodeModules: boolean; rootRel: (rel: string) => string }): WalkRules {
  const isExcluded = opts.exclude?.length ? picomatch(opts.exclude.map(normalizeGlob), { dot: true }) : () => false;
  const noRules = !opts.exclude?.length && opts.ignore === NO_IGNORE;
  return {
    enterDir(rel) {
      const name = basename(rel);
      if (JUNK_DIRS.has(name) || (opts.skipNodeModules && name === 'node_modules')) return false;
      const r = opts.rootRel(rel);
      return !isExcluded(r) && !opts.ignore.ignores(`${r}/`);
    },
    takeFile(rel) {
      if (JUNK_FILE.test(baseName(rel))) return false;
      if (noRules) return true;
      const r = opts.rootRel(rel);
      return !isExcluded(r) && !opts.ignore.ignores(r);
    },
  };
}
