// What the per-API modules need from the emulator (implemented by Emulator in emulator.ts).
import type { GcpState, OperationRecord, ServiceRecord, TrafficTarget } from './state.js';
import type { BuildHook, TrafficCause } from './types.js';

export interface Ctx {
  readonly projectId: string;
  readonly projectNumber: string;
  readonly url: string;
  readonly state: GcpState;
  readonly operationPolls: number;
  buildHook: BuildHook | undefined;
  now(): number;
  /** A fresh id (uuid-like, deterministic per emulator). */
  id(): string;
  /** Three lowercase letters for revision names (deterministic). */
  suffix(): string;
  /** Register a long-running operation; returns its wire form (done: false). */
  startOperation(op: Omit<OperationRecord, 'pollsLeft' | 'done' | 'dueAt'>): OperationRecord;
  /** Replace a service's traffic spec and log the resolved split if it changed. */
  setTraffic(service: ServiceRecord, traffic: TrafficTarget[], cause: TrafficCause): void;
  /** Log the resolved split of a service if it differs from the last logged one (e.g. a LATEST entry moved). */
  noteTraffic(service: ServiceRecord, cause: TrafficCause): void;
}
