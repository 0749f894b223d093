import { notAvailable } from '../errors.js';
import type { CommandContext } from './context.js';
export async function initCommand(_opts: Record<string, unknown>, _ctx: CommandContext): Promise<void> {
  throw notAvailable('`fnx init`');
}
