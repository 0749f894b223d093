import { notAvailable } from '../errors.js';
import type { CommandContext, ManifestOptions } from './context.js';
export async function packageCommand(_opts: ManifestOptions & { functions: string[]; cache: boolean }, _ctx: CommandContext): Promise<void> {
  throw notAvailable('`fnx package`');
}
