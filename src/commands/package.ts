/**
 * `fnx package`: loads the manifest, writes the stage's archives to `.fnx/build/<stage>/` with
 * artifacts.json, then checks provider limits (a limit error exits 2 after the archives are
 * written, so they can be inspected). Prints one line per archive, or the ArtifactSet with --json
 * (plus `warnings`: Python dependencies not in an archive; with --strict they fail, exit 2).
 */
import { relative } from 'node:path';
import type { FnxError } from '../errors.js';
import { loadManifest } from '../manifest/index.js';
import { checkLimits, formatBytes, packageArtifacts } from '../package/index.js';
import { formatWarning } from '../report/format.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from './context.js';

export async function packageCommand(opts: ManifestOptions & { functions: string[]; cache: boolean; strict?: boolean }, ctx: CommandContext): Promise<void> {
  const manifest = await loadManifest(manifestLoadOptions(opts, ctx, true));
  const warnings: FnxError[] = [];
  const onWarning = (w: FnxError) => {
    warnings.push(w);
    ctx.reporter.warn(formatWarning(w, ctx.cwd));
  };
  const set = await packageArtifacts(manifest, { functions: opts.functions, cache: opts.cache, strict: Boolean(opts.strict), onWarning, reporter: ctx.reporter, signal: ctx.signal });
  checkLimits(manifest, set);
  ctx.reporter.data({ ok: true, ...set, warnings: warnings.map((w) => w.toJSON()) });
  for (const a of set.artifacts) {
    ctx.reporter.print(
      `${a.type === 'layer' ? 'layer   ' : 'function'} ${a.name.padEnd(20)} ${a.providers.join(',').padEnd(14)} ${formatBytes(a.size).padStart(9)}  ${String(a.files).padStart(6)} ${a.files === 1 ? 'file ' : 'files'}  ${relative(ctx.cwd, a.path)}`,
    );
  }
}
