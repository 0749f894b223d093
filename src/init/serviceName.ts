/** Service names: ^[a-z][a-z0-9-]{0,39}$ (the manifest rule). */

export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
const MAX_LENGTH = 40;

/**
 * Turns any string into a valid service name: lower case, runs of other characters become one
 * `-`, leading characters that are not letters are dropped, at most 40 characters, no trailing
 * `-`. Returns '' when nothing usable is left (for example "123" or "!!!").
 */
export function normaliseServiceName(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_LENGTH)
    .replace(/-+$/, '');
}
