import { notAvailable } from '../errors.js';
import type { CommandContext, ManifestOptions } from './context.js';
export async function validateCommand(_opts: ManifestOptions, _ctx: CommandContext): Promise<void> {
  throw notAvailable('`fnx validate`');
}
