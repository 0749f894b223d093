/**
 * `package.bundle: esbuild`: the handler and everything it imports as one minified file with a
 * source map, written at the handler's own path (so entry adapters and the cloud's handler
 * setting still find it), ESM or CommonJS like the handler file. Kept out of the bundle, as
 * imports the packaged files satisfy: every package that ships a native addon (it loads its
 * `.node` files by paths relative to itself), `.node` files, and `package.external`. esbuild is
 * loaded only when a function is bundled.
 */
import { dirname, join, relative, sep } from 'node:path';
import { ExitCode, FnxError, type SourceLocation } from '../errors.js';
import { packageType } from '../manifest/exports.js';
import { hasNativeAddon, isExternal, packageDirOf } from './trace.js';

export interface BundleRequest {
  readonly root: string;
  /** Posix path of the handler file, relative to the root. */
  readonly handlerFile: string;
  readonly runtime: string;
  readonly external: readonly string[];
  readonly function: string;
  readonly location?: SourceLocation;
}

export interface Bundle {
  readonly code: string;
  readonly map: string;
  /** The files esbuild read (posix, relative to the root). */
  readonly inputs: readonly string[];
}

/** What decides a bundle besides its input files (the cache key's parts). */
export function bundleKey(req: BundleRequest, esbuildVersion: string): string {
  return JSON.stringify(['fnx-bundle-1', esbuildVersion, req.root, req.handlerFile, req.runtime, req.external]);
}

const posix = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

/** 'esm' or 'cjs': how Node loads `handlerFile` (its extension, else the nearest package.json `type`). */
export async function moduleFormat(root: string, handlerFile: string): Promise<'esm' | 'cjs'> {
  if (handlerFile.endsWith('.mjs')) return 'esm';
  if (handlerFile.endsWith('.cjs')) return 'cjs';
  return (await packageType(dirname(join(root, handlerFile)))) === 'module' ? 'esm' : 'cjs';
}

// ESM output has no require(); bundled CommonJS dependencies call it for Node's built-ins.
const ESM_BANNER = "import { createRequire as __fnxCreateRequire } from 'node:module'; const require = __fnxCreateRequire(import.meta.url);";

export async function bundleHandler(req: BundleRequest): Promise<Bundle> {
  const esbuild = await import('esbuild');
  const format = await moduleFormat(req.root, req.handlerFile);
  const outfile = join(req.root, req.handlerFile);
  const node = /^nodejs(\d+)/.exec(req.runtime)?.[1] ?? '20';
  const outDir = dirname(outfile);
  const plugin = {
    name: 'fnx-external',
    setup(build: import('esbuild').PluginBuild) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'fnx-inner') return undefined;
        if (isExternal(args.path, req.external)) return { path: args.path, external: true };
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'fnx-inner' });
        // Unresolved: esbuild's own resolution reports it (or tolerates it inside try/catch).
        if (r.errors.length || r.external || !r.path) return undefined;
        // A .node file: kept as a file, imported by its path from the bundle's folder.
        if (r.path.endsWith('.node')) {
          const rel = posix(relative(outDir, r.path));
          return { path: rel.startsWith('.') ? rel : `./${rel}`, external: true };
        }
        const pkg = packageDirOf(posix(relative(req.root, r.path)));
        if (pkg && !args.path.startsWith('.') && hasNativeAddon(join(req.root, pkg))) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: req.root,
      entryPoints: [outfile],
      outfile,
      bundle: true,
      write: false,
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'eof',
      platform: 'node',
      target: `node${node}`,
      format,
      ...(format === 'esm' ? { banner: { js: ESM_BANNER } } : {}),
      plugins: [plugin],
      logLevel: 'silent',
      metafile: true,
    });
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors ?? [];
    const first = errors[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    throw new FnxError('E_PACKAGE_BUNDLE', `Bundling function "${req.function}" with esbuild failed: ${where}${first?.text ?? String(err)}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`, {
      hint: 'Fix the import, add the package to package.external to keep it as files, or remove package.bundle.',
      exitCode: ExitCode.usage,
      ...(req.location ? { location: req.location } : {}),
    });
  }
  const js = result.outputFiles.find((f) => f.path === outfile);
  const map = result.outputFiles.find((f) => f.path === `${outfile}.map`);
  if (!js || !map) throw new Error(`esbuild wrote no ${req.handlerFile} for function ${req.function}`);
  return { code: js.text, map: map.text, inputs: Object.keys(result.metafile.inputs).map(posix).sort() };
}
