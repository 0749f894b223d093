/** The content hash fnx records in each layer version's Description, to publish only on change. */
const PREFIX = 'fnx:sha256=';

export function layerDescription(sha256: string): string {
  return `${PREFIX}${sha256}`;
}

/** The recorded hash, or undefined for a layer version fnx did not publish. */
export function layerDescriptionHash(description: string | undefined): string | undefined {
  if (!description?.startsWith(PREFIX)) return undefined;
  return description.slice(PREFIX.length, PREFIX.length + 64);
}
