/** `fnx remove`: needs a cloud driver; filled in by the driver issues. */
import { notAvailable } from '../errors.js';
import type { CommandContext, ManifestOptions } from './context.js';

export async function removeCommand(_opts: ManifestOptions & Record<string, unknown>, _ctx: CommandContext): Promise<void> {
  throw notAvailable('`fnx remove`');
}
