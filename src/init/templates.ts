/**
 * The templates shipped in `templates/<name>/`: a template.json (description, runtime, trigger)
 * plus the project files. `_gitignore` is stored without its dot because npm drops `.gitignore`
 * files from published packages; it is written as `.gitignore`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { ExitCode, FnxError } from '../errors.js';

export interface TemplateInfo {
  readonly name: string;
  readonly description: string;
  /** Neutral runtime name written as `defaults.runtime`. */
  readonly runtime: string;
  /** The trigger kind the template's function uses. */
  readonly trigger: string;
  /** The command that makes `npx fnx` available in the new project (a next step). */
  readonly setup: string;
}

export interface TemplateFile {
  /** Destination path relative to the project, POSIX separators. */
  readonly path: string;
  /** Absolute path of the source file in the template. */
  readonly source: string;
}

export const DEFAULT_TEMPLATE = 'node-http';
const META_FILE = 'template.json';
const RENAMES: Readonly<Record<string, string>> = { _gitignore: '.gitignore' };

/** Every template under `templatesDir`, sorted by name. */
export function listTemplates(templatesDir: string): TemplateInfo[] {
  if (!existsSync(templatesDir)) return [];
  return readdirSync(templatesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(templatesDir, e.name, META_FILE)))
    .map((e) => readInfo(templatesDir, e.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The template named `name`; a usage error listing the valid names if there is none. */
export function findTemplate(templatesDir: string, name: string): TemplateInfo {
  const all = listTemplates(templatesDir);
  const found = all.find((t) => t.name === name);
  if (!found) {
    throw new FnxError('E_INIT_TEMPLATE', `Unknown template "${name}".`, {
      hint: `Valid templates: ${all.map((t) => t.name).join(', ')}. Run \`fnx init --list\` to see what each one does.`,
      exitCode: ExitCode.usage,
    });
  }
  return found;
}

/** The files a template writes, in a stable order. */
export function templateFiles(templatesDir: string, name: string): TemplateFile[] {
  const root = join(templatesDir, name);
  const out: TemplateFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(abs);
        continue;
      }
      const rel = relative(root, abs).split(sep).join(posix.sep);
      if (rel === META_FILE) continue;
      const base = posix.basename(rel);
      const renamed = RENAMES[base];
      out.push({ path: renamed ? posix.join(posix.dirname(rel), renamed).replace(/^\.\//, '') : rel, source: abs });
    }
  };
  walk(root);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function readInfo(templatesDir: string, name: string): TemplateInfo {
  const file = join(templatesDir, name, META_FILE);
  let raw: Partial<Record<keyof TemplateInfo, unknown>>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as typeof raw;
  } catch (err) {
    throw new FnxError('E_INTERNAL', `Template ${name} has an unreadable ${META_FILE}: ${(err as Error).message}`, {
      hint: 'The fnx installation is broken: reinstall fnx-cli.',
    });
  }
  return {
    name,
    description: typeof raw.description === 'string' ? raw.description : '',
    runtime: typeof raw.runtime === 'string' ? raw.runtime : 'nodejs22',
    trigger: typeof raw.trigger === 'string' ? raw.trigger : 'http',
    setup: typeof raw.setup === 'string' ? raw.setup : 'npm install',
  };
}

