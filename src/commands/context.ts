/** What `fnx init` (which reads no manifest and talks to no cloud) takes from the session. */
import type { Session } from '../session.js';

export type CommandContext = Pick<Session, 'reporter' | 'signal' | 'cwd' | 'env' | 'interactive'>;
