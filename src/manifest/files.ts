/**
 * Checks of the project files the manifest names, for the commands that package code: each
 * handler file exists and defines its exported name (read statically, never run), and each layer's
 * folder or package.json exists. Problems point at the `handler:` / `path:` / `from:` value.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import type { FnxError } from '../errors.js';
import { isFile, nodeExport, pythonExport, type ExportAnswer } from './exports.js';
import { handlerExport, handlerFiles, isPython } from './handler.js';
import type { Locator } from './locator.js';
import type { ResolvedFunction, ResolvedLayer, ResolvedManifest } from './model.js';
import { join } from './pointer.js';
import { problem } from './problems.js';
import { didYouMean, listOf } from './suggest.js';

/** Reads shared by the checks of one manifest: many functions often name the same handler file. */
interface Reads {
  isFile(path: string): Promise<boolean>;
  exported(python: boolean, file: string, name: string): Promise<ExportAnswer>;
}

function memoReads(): Reads {
  const files = new Map<string, Promise<boolean>>();
  const answers = new Map<string, Promise<ExportAnswer>>();
  return {
    isFile(path) {
      let r = files.get(path);
      if (!r) files.set(path, (r = isFile(path)));
      return r;
    },
    exported(python, file, name) {
      const key = `${python ? 'py' : 'js'}\0${file}\0${name}`;
      let r = answers.get(key);
      if (!r) answers.set(key, (r = python ? pythonExport(file, name) : nodeExport(file, name)));
      return r;
    },
  };
}

export async function checkProjectFiles(manifest: ResolvedManifest, locator: Locator): Promise<FnxError[]> {
  const reads = memoReads();
  const checks = [...manifest.functions.map((fn) => checkHandler(manifest.rootDir, fn, locator, reads)), ...Object.values(manifest.layers).map((l) => checkLayer(manifest.rootDir, l, locator))];
  return (await Promise.all(checks)).flat();
}

const posix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));
const orList = (items: readonly string[]) => (items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

async function checkHandler(rootDir: string, fn: ResolvedFunction, locator: Locator, reads: Reads): Promise<FnxError[]> {
  const pointer = join('', 'functions', fn.name, 'handler');
  const candidates = handlerFiles(fn.handler, fn.runtime);
  let file: string | undefined;
  for (const c of candidates) {
    if (await reads.isFile(resolve(rootDir, c))) {
      file = c;
      break;
    }
  }
  if (!file) {
    const needs = candidates.length === 1 ? `${candidates[0]}, which does not exist` : `${orList(candidates)}, and none of them exists`;
    return [problem('E_HANDLER_FILE', `Function \`${fn.name}\`: handler \`${fn.handler}\` needs ${needs}.`, locator.locate(pointer), await missingFileHint(rootDir, fn, candidates[0]!))];
  }
  const name = handlerExport(fn.handler);
  const answer = await reads.exported(isPython(fn.runtime), resolve(rootDir, file), name);
  if (answer.state !== 'missing') return [];
  const defined = answer.exports;
  const what = isPython(fn.runtime) ? `defines no \`${name}\`` : `does not export \`${name}\``;
  const example = {
    python: `\`def ${name}(event, context):\` at the top level`,
    esm: `\`export async function ${name}(event) { ... }\``,
    cjs: `\`exports.${name} = async (event) => { ... }\``,
  }[answer.format];
  const suggestion = didYouMean(name, defined);
  return [
    problem(
      'E_HANDLER_EXPORT',
      `Function \`${fn.name}\`: ${file} ${what}.`,
      locator.locateOffset(pointer, fn.handler.lastIndexOf('.') + 1),
      `${suggestion ? `${suggestion} ` : ''}${defined.length ? `It ${isPython(fn.runtime) ? 'defines' : 'exports'} ${listOf(defined)}. ` : ''}Fix the name after the last dot of \`handler\`, or add ${example}.`,
    ),
  ];
}

async function missingFileHint(rootDir: string, fn: ResolvedFunction, first: string): Promise<string> {
  const base = first.slice(0, -extname(first).length);
  const usage = "`handler` is the file's path relative to fnx.yaml without extension, a dot, and the exported function.";
  if (!isPython(fn.runtime)) {
    for (const ts of ['.ts', '.mts', '.cts']) {
      if (await isFile(resolve(rootDir, `${base}${ts}`))) {
        return `fnx packages JavaScript as it is and does not compile TypeScript: build ${base}${ts} to JavaScript first, and point \`handler\` at the output (for example \`dist/${basename(base)}.${handlerExport(fn.handler)}\`).`;
      }
    }
  }
  const dir = dirname(first);
  let entries: string[];
  try {
    entries = await readdir(resolve(rootDir, dir));
  } catch {
    return `The folder ${dir === '.' ? 'of fnx.yaml' : `${dir}/`} does not exist. ${usage} If a build step writes the file, run it before fnx.`;
  }
  const exts = isPython(fn.runtime) ? ['.py'] : ['.js', '.mjs', '.cjs'];
  const stems = entries.filter((e) => exts.includes(extname(e))).map((e) => e.slice(0, -extname(e).length));
  const close = didYouMean(basename(base), stems);
  const closeHandler = close ? close.replace(/`([^`]*)`/, (_, stem: string) => `\`${posix(dir === '.' ? stem : `${dir}/${stem}`)}.${handlerExport(fn.handler)}\``) : undefined;
  return `${closeHandler ? `${closeHandler} ` : ''}${usage} If a build step writes the file, run it before fnx.`;
}

async function checkLayer(rootDir: string, layer: ResolvedLayer, locator: Locator): Promise<FnxError[]> {
  const key = layer.kind === 'dir' ? 'path' : 'from';
  const at = locator.locate(join('', 'layers', layer.name, key));
  const shown = posix(relative(rootDir, layer.path)) || '.';
  let kind: 'dir' | 'file' | undefined;
  try {
    kind = (await stat(layer.path)).isDirectory() ? 'dir' : 'file';
  } catch {
    kind = undefined;
  }
  if (layer.kind === 'dir' && kind !== 'dir') {
    return [
      problem(
        'E_LAYER_PATH',
        `Layer \`${layer.name}\`: ${kind === 'file' ? `${shown} is a file, not a folder` : `the folder ${shown} does not exist`}.`,
        at,
        kind === 'file'
          ? 'A `path` layer is a folder whose contents are the layer; for the dependencies of a package.json write `from: package.json`.'
          : 'Create the folder (relative to fnx.yaml) or fix `path`; if a build step creates it, run that step before fnx.',
      ),
    ];
  }
  if (layer.kind === 'package' && kind !== 'file') {
    return [
      problem(
        'E_LAYER_FROM',
        `Layer \`${layer.name}\`: ${kind === 'dir' ? `${shown} is a folder, not a package.json` : `${shown} does not exist`}.`,
        at,
        'Point `from` at an existing package.json, relative to fnx.yaml (e.g. `from: package.json`).',
      ),
    ];
  }
  return [];
}
