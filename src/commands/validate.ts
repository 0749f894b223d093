/**
 * `fnx validate`: loads the manifest for a stage and reports every problem with its position.
 * Valid: a one-line summary (or the JSON result) and exit 0. Invalid: throws the FnxErrorList
 * (exit 2); the CLI prints it (with GitHub annotations when GITHUB_ACTIONS=true).
 * Output never contains secret values: the resolved manifest holds only secret references, and
 * only the names of the environment variables they fill are printed.
 */
import { capabilitiesFor } from '../../providers/index.js';
import type { FnxError } from '../errors.js';
import { checkManifest, manifestErrors } from '../manifest/index.js';
import { PROVIDER_NAMES, type ResolvedManifest } from '../manifest/model.js';
import { strategyProblems } from '../release/strategy-support.js';
import { formatWarning, relativeTo } from '../report/format.js';
import { manifestLoadOptions, type CommandContext, type ManifestOptions } from './context.js';

export async function validateCommand(opts: ManifestOptions, ctx: CommandContext): Promise<void> {
  const result = await checkManifest(manifestLoadOptions(opts, ctx));
  for (const w of result.warnings) ctx.reporter.warn(formatWarning(w, ctx.cwd));
  if (result.errors.length || !result.manifest) throw manifestErrors(result.errors);
  const m = result.manifest;
  // Release strategies each provider's traffic model (for its config) cannot do.
  const unsupported = strategyProblems(m, (p) => (m.providers[p] ? capabilitiesFor(p, m) : undefined));
  if (unsupported.length) throw manifestErrors(unsupported);
  ctx.reporter.data(summary(m, result.warnings));
  const used = new Set(m.functions.flatMap((f) => f.providers));
  const providers = PROVIDER_NAMES.filter((p) => used.has(p));
  ctx.reporter.print(
    `✓ ${relativeTo(ctx.cwd, m.file)} is valid: service ${m.service}, stage ${m.stage}, ${m.functions.length} function${m.functions.length === 1 ? '' : 's'}, providers ${providers.join(', ') || 'none'}`,
  );
}

/** The --json result. Secrets appear only as the names of the variables they fill. */
function summary(m: ResolvedManifest, warnings: readonly FnxError[]) {
  return {
    ok: true,
    file: m.file,
    service: m.service,
    stage: m.stage,
    providers: Object.keys(m.providers),
    functions: m.functions.map((f) => ({
      name: f.name,
      handler: f.handler,
      runtime: f.runtime,
      memory: f.memory,
      timeout: f.timeout,
      architecture: f.architecture,
      providers: f.providers,
      layers: f.layers,
      triggers: f.triggers.map((t) => t.kind),
      release: { strategy: f.release.strategy, steps: f.release.steps, intervalSeconds: f.release.intervalSeconds },
      environment: Object.keys(f.environment),
      secrets: Object.keys(f.secrets),
    })),
    errors: [],
    warnings: warnings.map((w) => w.toJSON()),
  };
}

