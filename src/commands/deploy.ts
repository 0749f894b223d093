/** `fnx deploy`: needs a cloud driver; filled in by the driver issues. */
import { notAvailable } from '../errors.js';
import type { CommandContext, ManifestOptions } from './context.js';

export async function deployCommand(_opts: ManifestOptions & Record<string, unknown>, _ctx: CommandContext): Promise<void> {
  throw notAvailable('`fnx deploy`');
}
