/** `fnx status`: per function what is live (version, weights), last releases, triggers and URLs, read from the cloud. */
import { formatStatus } from '../deploy/format.js';
import { deployableProviders, loadForCommand, loadTargets } from '../deploy/targets.js';
import type { CommandContext, ManifestOptions } from './context.js';

export interface StatusOptions extends ManifestOptions {
  readonly providers: readonly string[];
}

export async function statusCommand(opts: StatusOptions, ctx: CommandContext): Promise<void> {
  const manifest = await loadForCommand(opts, ctx);
  const { providers, skipped } = deployableProviders(manifest, opts.providers, ctx.reporter);
  const targets = await loadTargets(manifest, providers, ctx.env);
  const out = [];
  for (const t of targets) {
    const functions = await t.driver.status({ manifest, signal: ctx.signal, reporter: ctx.reporter, concurrency: 8 });
    ctx.reporter.print(formatStatus(t.name, `${manifest.service}-${manifest.stage}`, functions, manifest.stage));
    out.push({ provider: t.name, functions });
  }
  ctx.reporter.data({ ok: true, service: manifest.service, stage: manifest.stage, providers: out, ...(skipped.length ? { skipped } : {}) });
}
