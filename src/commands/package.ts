/**
 * `fnx package`: loads the manifest, writes the stage's archives to `.fnx/build/<stage>/` with
 * artifacts.json, then checks provider limits (a limit error exits 2 after the archives are
 * written, so they can be inspected). Prints one line per archive, or the ArtifactSet with --json.
 */
import { relative } from 'node:path';
import { loadManifest } from '../manifest/index.js';
import { checkLimits, formatBytes, packageArtifacts } from '../package/index.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from './context.js';

export async function packageCommand(opts: ManifestOptions & { functions: string[]; cache: boolean }, ctx: CommandContext): Promise<void> {
  const manifest = await loadManifest(manifestLoadOptions(opts, ctx, true));
  const set = await packageArtifacts(manifest, { functions: opts.functions, cache: opts.cache, reporter: ctx.reporter, signal: ctx.signal });
  checkLimits(manifest, set);
  ctx.reporter.data({ ok: true, ...set });
  for (const a of set.artifacts) {
    ctx.reporter.print(
      `${a.type === 'layer' ? 'layer   ' : 'function'} ${a.name.padEnd(20)} ${a.providers.join(',').padEnd(14)} ${formatBytes(a.size).padStart(9)}  ${String(a.files).padStart(6)} files  ${relative(ctx.cwd, a.path)}`,
    );
  }
}
