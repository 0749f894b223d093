/** The neutral event shapes handlers receive (see types.ts and docs/events.md). */
export type * from './types.js';
