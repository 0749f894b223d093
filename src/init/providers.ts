/** The provider names init accepts and the `providers:` entries it writes for each (from the provider registry). */
import { providerModule, providerModules, providerNames } from '../registry.js';
import { ExitCode, FnxError } from '../errors.js';
import type { ProviderName } from '../manifest/model.js';

/** The providers init chooses when given none (the modules whose init says `byDefault`). */
export function defaultProviders(): ProviderName[] {
  return providerModules()
    .filter((m) => m.init.byDefault)
    .map((m) => m.name);
}

/**
 * Checks and de-duplicates provider names, keeping the registry's canonical order.
 * Unknown names are a usage error that lists the valid ones.
 */
export function parseProviders(names: readonly string[]): ProviderName[] {
  const known = providerNames();
  const example = known.slice(0, 2).join(',');
  const wanted = names.map((n) => n.trim().toLowerCase()).filter(Boolean);
  const unknown = wanted.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new FnxError('E_INIT_PROVIDER', `Unknown provider${unknown.length > 1 ? 's' : ''}: ${unknown.map((n) => `"${n}"`).join(', ')}.`, {
      hint: `Valid providers: ${known.join(', ')}. Example: --provider ${example}`,
      exitCode: ExitCode.usage,
    });
  }
  if (wanted.length === 0) {
    throw new FnxError('E_INIT_PROVIDER', 'No provider given.', {
      hint: `Choose at least one of ${known.join(', ')}. Example: --provider ${defaultProviders()[0] ?? known[0]}`,
      exitCode: ExitCode.usage,
    });
  }
  return known.filter((p) => wanted.includes(p));
}

/** The YAML lines under `providers:` (indented two spaces) for the chosen providers: each module's init snippet. */
export function providersBlock(providers: readonly ProviderName[], service: string): string {
  return providers.map((p) => providerModule(p).init.snippet({ service })).join('\n');
}
