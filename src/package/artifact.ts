/**
 * What `fnx package` produces and every driver consumes: deterministic zip files with their
 * content hashes. Written to `.fnx/build/<stage>/artifacts.json` as an ArtifactSet.
 */
import type { ProviderName } from '../manifest/model.js';

export interface Artifact {
  /** 'function' artifacts hold a function's code (plus merged layers for providers without native layers). */
  readonly type: 'function' | 'layer';
  /** Function name or layer name from the manifest. */
  readonly name: string;
  /**
   * The providers this exact zip is for. Providers with native layers share one function zip;
   * providers that merge layers get their own zip.
   */
  readonly providers: readonly ProviderName[];
  /** Absolute path of the zip. */
  readonly path: string;
  /** Zip size in bytes. */
  readonly size: number;
  /** Sum of the uncompressed sizes of all entries. */
  readonly unzippedSize: number;
  readonly files: number;
  /** Hex sha256 of the zip bytes. */
  readonly sha256: string;
  /** Base64 sha256 of the zip bytes (what Lambda reports as CodeSha256). */
  readonly sha256Base64: string;
  /** The five largest contributors by unzipped bytes (budget.ts); absent in sets written before it. */
  readonly largest?: readonly { readonly name: string; readonly bytes: number; readonly files: number }[];
}

export interface ArtifactSet {
  readonly version: 1;
  readonly service: string;
  readonly stage: string;
  readonly artifacts: readonly Artifact[];
}

/** The artifact holding `name`'s code for `provider`, if any. */
export function findArtifact(
  set: ArtifactSet,
  type: Artifact['type'],
  name: string,
  provider: ProviderName,
): Artifact | undefined {
  return set.artifacts.find((a) => a.type === type && a.name === name && a.providers.includes(provider));
}
