/** `fnx status`: per function what is live (version, weights), last releases, triggers and URLs, read from the cloud. */
import type { FunctionStatus } from '../driver.js';
import { CloudError } from '../errors.js';
import { currentHolder } from '../lease/stage-lease.js';
import type { LeaseHolder } from '../lease/record.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import type { ManifestOptions, Session, Target } from '../session.js';

export interface StatusRequest extends ManifestOptions {
  readonly providers?: readonly string[];
}

export interface StatusResult {
  readonly service: string;
  readonly stage: string;
  readonly providers: readonly ProviderStatus[];
  readonly skipped: readonly ProviderName[];
}

export interface ProviderStatus {
  readonly provider: ProviderName;
  readonly functions: readonly FunctionStatus[];
  /** The run changing the stage on this provider now (its stage lease, src/lease), if any. */
  readonly lease?: { readonly holder: LeaseHolder; readonly expires: string };
}

export async function status(request: StatusRequest, session: Session): Promise<StatusResult> {
  const manifest = await session.loadManifest(request);
  const { targets, skipped } = await session.drivers(manifest, { providers: request.providers ?? [] });
  const providers: ProviderStatus[] = [];
  for (const t of targets) {
    const [functions, lease] = await Promise.all([t.driver.status({ manifest, signal: session.signal, reporter: session.reporter, concurrency: 8 }), leaseOf(t.driver.stageRecord, manifest, session.signal)]);
    providers.push({ provider: t.provider, functions, ...(lease ? { lease } : {}) });
  }
  return { service: manifest.service, stage: manifest.stage, providers, skipped };
}

/** The lease holder, or undefined; a record fnx may not read (permissions) does not fail status. */
async function leaseOf(store: Target['driver']['stageRecord'], manifest: ResolvedManifest, signal: AbortSignal): Promise<ProviderStatus['lease']> {
  try {
    return await currentHolder(store, manifest, signal);
  } catch (err) {
    if (err instanceof CloudError) return undefined;
    throw err;
  }
}
