// In-memory state of every emulated resource. Stored resources are proto3 JSON (camelCase,
// numeric enums) exactly as answered on the wire.

export type Json = Record<string, unknown>;

export interface Upload {
  bucket: string;
  object: string;
  token: string;
  data?: Buffer;
}

export interface FunctionRecord {
  /** Full name projects/P/locations/L/functions/ID. */
  name: string;
  /** The Function resource as last deployed (output-only fields filled on read). */
  resource: Json;
  /** Operation in flight on this function (create/update/delete), if any. */
  operation?: string;
  createTime: number;
  updateTime: number;
}

/** Traffic target as stored: numeric type 1 LATEST, 2 REVISION. */
export interface TrafficTarget {
  type: number;
  revision?: string;
  percent: number;
  tag?: string;
}

export interface IamBinding {
  role: string;
  members: string[];
}

export interface ServiceRecord {
  /** Full name projects/P/locations/L/services/S. */
  name: string;
  uid: string;
  generation: number;
  etag: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  description: string;
  traffic: TrafficTarget[];
  /** Short revision names, oldest first. */
  revisions: string[];
  createTime: number;
  updateTime: number;
  /** Function full name when the service backs a function. */
  functionName?: string;
  /** Operation in flight that will change this service. */
  operation?: string;
  iam: { version: number; etag: string; bindings: IamBinding[] };
  template: Json;
}

export interface RevisionRecord {
  /** Full name projects/P/locations/L/services/S/revisions/R. */
  name: string;
  short: string;
  service: string;
  uid: string;
  generation: number;
  createTime: number;
  /** Function config snapshot the revision was built from. */
  config: Json;
}

export interface OperationRecord {
  name: string;
  api: 'functions' | 'run';
  /** GET polls left before done. */
  pollsLeft: number;
  /** Emulator-clock time (ms) at which the operation completes on its own, polled or not. */
  dueAt: number;
  done: boolean;
  metadata: Json;
  response?: Json;
  error?: { code: number; message: string; details: unknown[] };
  /** Applies the effect; returns the response or throws a GcpError that becomes the operation error. */
  finish: () => Json;
  /** Ends the operation without its effect (an injected failure): releases what it held. */
  abandon?: () => void;
}

export interface JobRecord {
  name: string;
  resource: Json;
}

export interface AlertPolicyRecord {
  name: string;
  displayName: string;
  state: 'OPEN' | 'CLOSED';
  openTime?: number;
  closeTime?: number;
}

/** A Secret Manager secret's metadata (no versions are emulated). */
export interface SecretRecord {
  /** The secret id (the last segment of projects/P/secrets/ID). */
  id: string;
  /** The Secret as written (replication, labels, annotations, ...), without name, createTime and etag. */
  resource: Json;
  createTime: number;
  /** Quoted, new on every write. */
  etag: string;
}

export interface RequestPoint {
  service: string;
  revision: string;
  time: number;
  codeClass: '2xx' | '4xx' | '5xx';
  count: number;
}

export interface GcpState {
  uploads: Map<string, Upload>;
  functions: Map<string, FunctionRecord>;
  services: Map<string, ServiceRecord>;
  revisions: Map<string, RevisionRecord>;
  operations: Map<string, OperationRecord>;
  jobs: Map<string, JobRecord>;
  alertPolicies: Map<string, AlertPolicyRecord>;
  /** By secret id. */
  secrets: Map<string, SecretRecord>;
  requests: RequestPoint[];
}

export function emptyState(): GcpState {
  return {
    uploads: new Map(),
    functions: new Map(),
    services: new Map(),
    revisions: new Map(),
    operations: new Map(),
    jobs: new Map(),
    alertPolicies: new Map(),
    secrets: new Map(),
    requests: [],
  };
}
