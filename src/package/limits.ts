/**
 * Provider size and layer-count limits, checked before anything is deployed. A zip above the
 * provider's direct-upload size is not an error: it is uploaded through object storage (see uploadMode).
 */
import { capabilities, providerModule } from '../registry.js';
import { ExitCode, FnxError, FnxErrorList } from '../errors.js';
import type { ProviderName, ResolvedManifest } from '../manifest/model.js';
import { formatBytes } from '../report/bytes.js';
import { findArtifact, type Artifact, type ArtifactSet } from './artifact.js';

/** 'object-storage' when the zip is too large to send inline in the API request. */
export function uploadMode(artifact: Artifact, provider: ProviderName): 'direct' | 'object-storage' {
  const max = capabilities[provider].limits.directUploadBytes;
  return max !== undefined && artifact.size > max ? 'object-storage' : 'direct';
}

/**
 * Throws an FnxError (one problem) or FnxErrorList (several) when an artifact of `set` breaks a
 * limit of a provider it is deployed to. Functions without an artifact in `set` are skipped.
 */
export function checkLimits(manifest: ResolvedManifest, set: ArtifactSet): void {
  const problems: FnxError[] = [];
  for (const fn of manifest.functions) {
    for (const provider of fn.providers) {
      const caps = capabilities[provider];
      const title = providerModule(provider).title;
      const art = findArtifact(set, 'function', fn.name, provider);
      if (!art) continue;
      const loc = fn.location ? { location: fn.location } : {};
      if (caps.layers === 'native' && caps.limits.maxLayers !== undefined && fn.layers.length > caps.limits.maxLayers) {
        problems.push(
          new FnxError('E_LIMIT_LAYERS', `Function "${fn.name}" uses ${fn.layers.length} layers; ${title} allows at most ${caps.limits.maxLayers}.`, {
            hint: 'Merge some layers into one folder layer, or move their contents into the function package.',
            exitCode: ExitCode.usage,
            details: { function: fn.name, provider, layers: fn.layers.length, max: caps.limits.maxLayers },
            ...loc,
          }),
        );
      }
      const max = caps.limits.unzippedBytes;
      if (max === undefined) continue;
      const parts: Array<{ label: string; size: number }> = [{ label: 'code', size: art.unzippedSize }];
      if (caps.layers === 'native') {
        for (const l of fn.layers) {
          const la = findArtifact(set, 'layer', l, provider);
          if (la) parts.push({ label: `layer ${l}`, size: la.unzippedSize });
        }
      }
      const total = parts.reduce((n, p) => n + p.size, 0);
      if (total > max) {
        const breakdown = parts.length > 1 ? ` (${parts.map((p) => `${p.label} ${formatBytes(p.size)}`).join(', ')})` : '';
        problems.push(
          new FnxError(
            'E_LIMIT_UNZIPPED',
            `Function "${fn.name}" is ${formatBytes(total)} unzipped${caps.layers === 'native' ? ' including layers' : ''}${breakdown}; ${title} allows at most ${formatBytes(max)}.`,
            {
              hint: 'Exclude what the function does not need (package.exclude, .fnxignore), move dev tools to devDependencies, or split the function.',
              exitCode: ExitCode.usage,
              details: { function: fn.name, provider, unzippedBytes: total, max },
              ...loc,
            },
          ),
        );
      }
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new FnxErrorList(problems, `${problems.length} artifacts break provider limits`);
}
