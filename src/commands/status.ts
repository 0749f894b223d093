/** `fnx status`: per function what is live (version, weights), last releases, triggers and URLs, read from the cloud. */
import type { FunctionStatus } from '../driver.js';
import type { ProviderName } from '../manifest/model.js';
import type { ManifestOptions, Session } from '../session.js';

export interface StatusRequest extends ManifestOptions {
  readonly providers?: readonly string[];
}

export interface StatusResult {
  readonly service: string;
  readonly stage: string;
  readonly providers: readonly { readonly provider: ProviderName; readonly functions: readonly FunctionStatus[] }[];
  readonly skipped: readonly ProviderName[];
}

export async function status(request: StatusRequest, session: Session): Promise<StatusResult> {
  const manifest = await session.loadManifest(request);
  const { targets, skipped } = await session.drivers(manifest, { providers: request.providers ?? [] });
  const providers = [];
  for (const t of targets) {
    providers.push({ provider: t.provider, functions: await t.driver.status({ manifest, signal: session.signal, reporter: session.reporter, concurrency: 8 }) });
  }
  return { service: manifest.service, stage: manifest.stage, providers, skipped };
}
