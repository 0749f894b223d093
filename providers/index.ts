/**
 * The provider registry: one line per provider module (see ProviderModule in src/driver.ts). This
 * is the only module under providers/ that the core imports (through src/registry.ts). Modules load without their SDK; a
 * driver's SDK is loaded only when a command needs to talk to that cloud (`load()`).
 */
import { ExitCode, FnxError, type Environment, type ManifestRules, type PackagingHooks, type ProviderCapabilities, type ProviderDriver, type ProviderModule, type ProviderName, type ResolvedManifest } from '../src/driver.js';
import { aws } from './aws/module.js';
import { azure } from './azure/module.js';
import { gcp } from './gcp/module.js';

/** The providers this version of fnx knows, in canonical order. */
export const BUILT_IN_PROVIDERS: readonly ProviderModule[] = [aws, azure, gcp];

let active: readonly ProviderModule[] = BUILT_IN_PROVIDERS;

/** A provider's capabilities for its config block in `manifest` (Azure: by plan), without its SDK. */
export function capabilitiesFor(name: ProviderName, manifest: ResolvedManifest): ProviderCapabilities {
  const m = providerModule(name);
  return m.capabilitiesFor ? m.capabilitiesFor(manifest) : m.capabilities;
}

/**
 * Replaces the registry (a test registering a provider module of its own) until the returned
 * function is called.
 */
export function useProviders(modules: readonly ProviderModule[]): () => void {
  const before = active;
  active = modules;
  return () => {
    active = before;
  };
}

export function providerModules(): readonly ProviderModule[] {
  return active;
}

/** Registered provider names, in registry order. */
export function providerNames(): ProviderName[] {
  return active.map((m) => m.name);
}

export function isProviderName(name: string): name is ProviderName {
  return active.some((m) => m.name === name);
}

/** The module of a registered provider. */
export function providerModule(name: ProviderName): ProviderModule {
  const found = active.find((m) => m.name === name);
  if (!found) throw new FnxError('E_INTERNAL', `No provider module "${name}" is registered.`);
  return found;
}

/** A live view by name of the registered providers' capabilities. */
export const capabilities: Readonly<Record<ProviderName, ProviderCapabilities>> = liveView((m) => m.capabilities);

/** Each provider's own manifest rules, run whenever the manifest is loaded (see ManifestRules). */
export const manifestRules: Readonly<Record<ProviderName, ManifestRules>> = liveView((m) => m.validate);

/** What each provider adds to packaging (entry adapters); loaded without any SDK. */
export const packagingHooks: Readonly<Partial<Record<ProviderName, PackagingHooks>>> = liveView((m) => m.packaging);

function liveView<T>(pick: (m: ProviderModule) => T): Readonly<Record<ProviderName, T>> {
  const entry = (key: string | symbol) => active.find((m) => m.name === key);
  return new Proxy({} as Record<ProviderName, T>, {
    get: (_t, key) => {
      const m = entry(key);
      return m ? pick(m) : undefined;
    },
    has: (_t, key) => entry(key) !== undefined,
    ownKeys: () => active.map((m) => m.name),
    getOwnPropertyDescriptor: (_t, key) => {
      const m = entry(key);
      return m ? { value: pick(m), enumerable: true, configurable: true, writable: false } : undefined;
    },
  });
}

/** Providers this version of fnx has a driver for, in canonical order (the others validate and package, but cannot deploy yet). */
export function deployableProviders(): ProviderName[] {
  return active.filter((m) => m.load !== undefined).map((m) => m.name);
}

export function driverAvailable(name: ProviderName): boolean {
  return active.find((m) => m.name === name)?.load !== undefined;
}

/**
 * The usage error (exit 2) for a provider without a driver. The hint depends on whether the
 * manifest already deploys something to a provider that has one.
 */
export function unavailableError(names: readonly ProviderName[], manifest: ResolvedManifest): FnxError {
  const list = names.join(' and ');
  const deployable = deployableProviders();
  const usable = deployable.filter((p) => manifest.providers[p] && manifest.functions.some((f) => f.providers.includes(p)));
  const only = deployable.join(', ');
  const example = deployableExample();
  return new FnxError('E_PROVIDER_UNAVAILABLE', `This version of fnx has no ${list} driver yet: it deploys to ${only} only.`, {
    hint: usable.length
      ? `Leave out --provider to work on the ${usable.join(', ')} part (fnx says what it skipped), or pass \`--provider ${usable.join(',')}\`.`
      : `To deploy now, add${example ? ` \`${inlineSnippet(example)}\`` : ' a provider that has a driver'} under \`providers:\` in fnx.yaml (and ${example?.name ?? 'it'} to any function's \`providers:\` list). \`fnx validate\` and \`fnx package\` already work for ${list}.`,
    exitCode: ExitCode.usage,
  });
}

/** The provider a hint suggests to deploy now: the default one of init, else the first with a driver. */
export function deployableExample(): ProviderModule | undefined {
  return active.find((m) => m.load !== undefined && m.init.byDefault) ?? active.find((m) => m.load !== undefined);
}

/** A module's init snippet as one line of YAML flow style, e.g. `aws: { region: us-east-1 }`. */
export function inlineSnippet(m: ProviderModule): string {
  const [head, ...rest] = m.init.snippet({ service: 'my-service' }).split('\n');
  const fields = rest.map((l) => l.trim()).filter(Boolean);
  return `${head!.trim()} { ${fields.join(', ')} }`;
}

/** Loads the driver for `name`, reading its settings from `env` (the command's environment). Throws a usage error for providers whose driver is not built yet. */
export async function loadDriver(name: ProviderName, manifest: ResolvedManifest, env: Environment): Promise<ProviderDriver> {
  const load = active.find((m) => m.name === name)?.load;
  if (!load) throw unavailableError([name], manifest);
  return (await load())(manifest, env);
}
