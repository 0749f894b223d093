/** What the promote and rollback commands need from outside the engine; tests inject fakes. */
import type { Environment, ProviderDriver } from '../driver.js';
import type { LoadOptions } from '../manifest/index.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import type { Clock } from './clock.js';

export interface CommandDeps {
  loadManifest(o: LoadOptions): Promise<ResolvedManifest>;
  loadDriver(name: ProviderName, manifest: ResolvedManifest, env: Environment): Promise<ProviderDriver>;
  readonly clock?: Clock;
}

/** The real manifest loader and provider registry, loaded lazily. */
export const defaultDeps: CommandDeps = {
  async loadManifest(o) {
    const { loadManifest } = await import('../manifest/index.js');
    return loadManifest(o);
  },
  async loadDriver(name, manifest, env) {
    const { loadDriver } = await import('../registry.js');
    return loadDriver(name, manifest, env);
  },
};
