/**
 * The Python dependencies a function declares (requirements.txt, pyproject.toml `[project]
 * dependencies` or `[tool.poetry.dependencies]`, at the project root or next to the handler) that
 * are not in the function's archive or its layers: those fnx installs with pip (python-install.ts).
 *
 * A dependency counts as present when the archive (or a layer, with the `python/` prefixes
 * mapped to the root) holds its `*.dist-info` / `*.egg-info` folder, as `pip install --target`
 * writes, or a top-level module of the same name.
 */
import { readProjectText } from './fs-errors.js';
import { dirname, join } from 'node:path';

/** PEP 503 normalised name: `PyYAML` and `pyyaml`, `typing_extensions` and `typing-extensions` are the same. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The project name at the start of a PEP 508 requirement (`requests[socks]>=2; python_version>"3"` -> `requests`). */
export function requirementName(spec: string): string | undefined {
  return /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(spec)?.[1];
}

/** Requirement names of a requirements file, following `-r other.txt`; option lines and URLs without a name are skipped. */
export function parseRequirements(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const raw = readProjectText(file, '', 4 << 20);
  if (raw === undefined) return [];
  const text = raw.replace(/\\\r?\n/g, ' ');
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const include = /^(?:-r|--requirement)(?:\s+|=)(\S+)/.exec(line);
    if (include) {
      out.push(...parseRequirements(join(dirname(file), include[1]!), seen));
      continue;
    }
    if (line.startsWith('-') || /^[a-z+]+:\/\//i.test(line)) continue;
    const name = requirementName(line);
    if (name) out.push(name);
  }
  return out;
}

/** The body of TOML table `[name]`: its lines up to the next table header. */
function tomlTable(text: string, name: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `[${name}]`);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^\s*\[/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The strings of the TOML array that starts at `from` (just after its `[`), up to its closing `]`. */
function tomlStrings(text: string, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === ']') break;
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) break;
      out.push(text.slice(i + 1, close));
      i = close;
    }
  }
  return out;
}

/** Dependency names of a pyproject.toml (PEP 621 `[project] dependencies`, Poetry's table without `python`). */
export function parsePyproject(file: string): string[] {
  const text = readProjectText(file, '', 4 << 20);
  if (text === undefined) return [];
  const out: string[] = [];
  const project = tomlTable(text, 'project');
  const deps = project ? /^\s*dependencies\s*=\s*\[/m.exec(project) : null;
  if (project && deps) out.push(...tomlStrings(project, deps.index + deps[0].length).flatMap((s) => requirementName(s) ?? []));
  const poetry = tomlTable(text, 'tool.poetry.dependencies');
  for (const m of poetry?.matchAll(/^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=/gm) ?? []) {
    if (m[1]!.toLowerCase() !== 'python') out.push(m[1]!);
  }
  return out;
}

/** Normalised names of what an archive makes importable: dist-info / egg-info folders and top-level modules. */
export function installedNames(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) {
    const top = p.split('/')[0]!;
    const meta = /^(.+?)(?:-[^-]+)?\.(?:dist|egg)-info$/.exec(top);
    if (meta) out.add(normaliseName(meta[1]!));
    else if (p.includes('/')) out.add(normaliseName(top));
    else if (top.endsWith('.py')) out.add(normaliseName(top.slice(0, -3)));
  }
  return out;
}

/** What a Python function declares that its archive and layers lack: the files declaring it, and the names. */
export interface PythonNeeds {
  /** Absolute paths of the requirements.txt / pyproject.toml files that declare dependencies. */
  readonly files: readonly string[];
  /** Declared names not in the package, as written. */
  readonly missing: readonly string[];
}

/**
 * The dependencies Python function `fn` declares (requirements.txt, pyproject.toml, at the project
 * root and next to the handler) that are not in `paths` (its archive's entry names, layers mapped
 * to the root); undefined when none is missing.
 */
export function missingPythonDeps(rootDir: string, handlerFile: string, paths: Iterable<string>): PythonNeeds | undefined {
  const dirs = [...new Set([rootDir, dirname(join(rootDir, handlerFile))])];
  const installed = installedNames(paths);
  const files: string[] = [];
  const missing = new Set<string>();
  for (const dir of dirs) {
    for (const [name, parse] of [['requirements.txt', parseRequirements], ['pyproject.toml', parsePyproject]] as const) {
      const file = join(dir, name);
      const names = parse(file);
      if (names.length) files.push(file);
      for (const d of names) if (!installed.has(normaliseName(d))) missing.add(d);
    }
  }
  return missing.size ? { files, missing: [...missing] } : undefined;
}

/**
 * The requirement lines pip is given for pyproject.toml `file`: PEP 621 `[project] dependencies`
 * as written, Poetry's table by name (its version syntax is not PEP 440).
 */
export function pyprojectRequirements(file: string): string[] {
  const text = readProjectText(file, '', 4 << 20);
  if (text === undefined) return [];
  const project = tomlTable(text, 'project');
  const deps = project ? /^\s*dependencies\s*=\s*\[/m.exec(project) : null;
  const out = project && deps ? tomlStrings(project, deps.index + deps[0].length) : [];
  const poetry = tomlTable(text, 'tool.poetry.dependencies');
  for (const m of poetry?.matchAll(/^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=/gm) ?? []) {
    if (m[1]!.toLowerCase() !== 'python') out.push(m[1]!);
  }
  return out;
}

/** The text of requirements file `file` and of every file it pulls in with -r / -c, for a cache key. */
export function requirementsText(file: string, seen = new Set<string>()): string {
  if (seen.has(file)) return '';
  seen.add(file);
  const raw = readProjectText(file, '', 4 << 20) ?? '';
  let out = `${file}\0${raw}\0`;
  for (const m of raw.matchAll(/^\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/gm)) out += requirementsText(join(dirname(file), m[1]!), seen);
  return out;
}
