/** What the promote and rollback commands need from outside the engine; tests inject fakes. */
import type { ProviderDriver } from '../driver.js';
import type { FnxError } from '../errors.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import type { Clock } from './clock.js';

export interface LoadManifestOptions {
  readonly cwd: string;
  readonly config?: string;
  readonly stage: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly env: NodeJS.ProcessEnv;
  readonly onWarning?: (warning: FnxError) => void;
}

export interface CommandDeps {
  loadManifest(o: LoadManifestOptions): Promise<ResolvedManifest>;
  loadDriver(name: ProviderName, manifest: ResolvedManifest): Promise<ProviderDriver>;
  readonly clock?: Clock;
}

/** The real manifest loader and provider registry, loaded lazily. */
export const defaultDeps: CommandDeps = {
  async loadManifest(o) {
    const { loadManifest } = await import('../manifest/index.js');
    return loadManifest(o);
  },
  async loadDriver(name, manifest) {
    const { loadDriver } = await import('../../providers/index.js');
    return loadDriver(name, manifest);
  },
};
