/**
 * fnx's programmatic API: the functions the CLI runs, returning data instead of printing it.
 * Each takes a request (the command's options) and a Session (src/session.ts): build the real
 * one with createSession, or pass your own (fake drivers, a reporter of your own, a clock).
 * Errors are FnxError with `code`, `hint` and the CLI's `exitCode`; a release rolled back by a
 * gate is a result whose `failure` holds that error (exit 3), not an exception.
 */
export { deploy, type DeployRequest, type DeployResult } from './commands/deploy.js';
export { plan, type PlanRequest, type PlanResult } from './commands/plan.js';
export { promote, type PromoteRequest, type PromoteResult } from './commands/promote.js';
export { rollback, type RollbackCommandResult, type RollbackRequest, type RollbackResult } from './commands/rollback.js';
export { status, type StatusRequest, type StatusResult } from './commands/status.js';
export { remove, type ProviderRemoval, type RemoveRequest, type RemoveResult } from './commands/remove.js';
export { packageProject, type PackageRequest, type PackageResult } from './commands/package.js';
export { validate, type ValidateResult } from './commands/validate.js';
export { invoke, type InvokeCommandResult, type InvokeRequest } from './commands/invoke.js';
export { dev, type DevListening, type DevRequest, type DevResult } from './commands/dev.js';
export { sampleEvent, type SampleOptions } from './events/samples.js';
export type * from './events/types.js';
export type { Planned, ProviderDeploy, ProviderRun } from './deploy/pipeline.js';
export { createSession, type DriverSelection, type ManifestOptions, type ManifestRequest, type Session, type SessionInit, type Target, type Targets } from './session.js';
export { CloudError, ExitCode, FnxError, InterruptedError } from './errors.js';
export type { Reporter, Step } from './report/reporter.js';
export type { Clock } from './release/clock.js';
