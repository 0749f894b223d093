/**
 * What the CLI prints for each command's result: text lines (reporter.print) and the one --json
 * document (reporter.data). The commands return data and never format it; a result that carries
 * a `failure` (a release rolled back, exit 3) is printed, then its error is thrown for main.ts to
 * report and exit with.
 */
import { relative } from 'node:path';
import { ExitCode, FnxError } from '../errors.js';
import type { DeployResult } from '../commands/deploy.js';
import type { DevListening, DevResult } from '../commands/dev.js';
import type { InvokeCommandResult } from '../commands/invoke.js';
import type { PackageResult } from '../commands/package.js';
import type { PlanResult } from '../commands/plan.js';
import type { PromoteResult } from '../commands/promote.js';
import type { RemoveResult } from '../commands/remove.js';
import type { RollbackCommandResult } from '../commands/rollback.js';
import type { StatusResult } from '../commands/status.js';
import type { ValidateResult } from '../commands/validate.js';
import type { Planned } from '../deploy/pipeline.js';
import type { ProviderPlan } from '../driver.js';
import { deployJson, formatDeploy, formatPlan, formatStatus, hasChanges, planJson } from '../deploy/format.js';
import { providerNames } from '../registry.js';
import { formatBytes } from '../report/bytes.js';
import { GLYPH, relativeTo } from '../report/format.js';
import { plural } from '../report/plural.js';
import type { Reporter } from '../report/reporter.js';
import { sizeReport, type SizeRow } from '../package/size-report.js';

function skippedJson(skipped: readonly string[]) {
  return skipped.length ? { skipped } : {};
}

export function showValidate(r: ValidateResult, reporter: Reporter, cwd: string): void {
  const m = r.manifest;
  // The --json result. Secrets appear only as the names of the variables they fill.
  reporter.data({
    ok: true,
    file: m.file,
    service: m.service,
    stage: m.stage,
    providers: Object.keys(m.providers),
    functions: m.functions.map((f) => ({
      name: f.name,
      handler: f.handler,
      runtime: f.runtime,
      memory: f.memory,
      timeout: f.timeout,
      architecture: f.architecture,
      providers: f.providers,
      layers: f.layers,
      triggers: f.triggers.map((t) => t.kind),
      release: { strategy: f.release.strategy, steps: f.release.steps, intervalSeconds: f.release.intervalSeconds },
      environment: Object.keys(f.environment),
      secrets: Object.keys(f.secrets),
    })),
    errors: [],
    warnings: r.warnings.map((w) => w.toJSON()),
  });
  const used = new Set(m.functions.flatMap((f) => f.providers));
  const providers = providerNames().filter((p) => used.has(p));
  reporter.print(
    `${GLYPH.ok} ${relativeTo(cwd, m.file)} is valid: service ${m.service}, stage ${m.stage}, ${plural(m.functions.length, 'function')}, providers ${providers.join(', ') || 'none'}`,
  );
}

export function showPackage(r: PackageResult, reporter: Reporter, cwd: string): void {
  const { warnings, previous, ...set } = r;
  const rows = sizeReport(set.artifacts, previous);
  reporter.data({ ok: true, ...set, artifacts: rows, warnings: warnings.map((w: FnxError) => w.toJSON()) });
  for (const line of formatSizeReport(rows, cwd)) reporter.print(line);
}

/** Two lines per archive: sizes, file count and path; unzipped size, largest contributors and the change. */
function formatSizeReport(rows: readonly SizeRow[], cwd: string): string[] {
  return rows.flatMap((a) => {
    const largest = (a.largest ?? []).map((c) => `${c.name} ${formatBytes(c.bytes)}`).join(', ');
    return [
      `${a.type === 'layer' ? 'layer   ' : 'function'} ${a.name.padEnd(20)} ${a.providers.join(',').padEnd(14)} ${formatBytes(a.size).padStart(9)}  ${String(a.files).padStart(6)} ${a.files === 1 ? 'file ' : 'files'}  ${relative(cwd, a.path)}`,
      `         ${formatBytes(a.unzippedSize)} unzipped${largest ? `; largest: ${largest}` : ''}; ${sizeChange(a)}`,
    ];
  });
}

/** An archive against what is deployed when the row has it, else the previous build: "new", "unchanged" or "+1.2 KB (was 3.0 KB)". */
function sizeChange(a: SizeRow): string {
  const [base, where, none] = a.deployed !== undefined ? [a.deployed, 'against what is deployed', 'not deployed yet'] : [a.previous, 'since the last build', 'new since the last build'];
  if (!base) return none;
  if (base.sha256 === a.sha256) return a.deployed !== undefined ? 'unchanged from what is deployed' : 'unchanged since the last build';
  const d = a.size - base.size;
  return `${d < 0 ? '-' : '+'}${formatBytes(Math.abs(d))} ${where} (was ${formatBytes(base.size)})`;
}

export function showPlan(r: PlanResult, reporter: Reporter, cwd: string): void {
  for (const plan of r.plans) {
    reporter.print(formatPlan(plan, `${r.service}-${r.stage}`));
    const rows = r.sizes[plan.provider] ?? [];
    if (rows.length) reporter.print([`${plan.provider} archives:`, ...formatSizeReport(rows, cwd)].join('\n'));
  }
  reporter.data({ ok: true, version: 1, service: r.service, stage: r.stage, providers: r.plans.map((p) => ({ ...planJson(p), artifacts: r.sizes[p.provider] ?? [] })), ...skippedJson(r.skipped) });
}

/** Deploy's plan, shown before anything is applied: each changed provider's plan (every plan on a dry run). */
export function showDeployPlan(planned: Planned, dryRun: boolean, reporter: Reporter): void {
  const heading = `${planned.manifest.service}-${planned.manifest.stage}`;
  for (const run of planned.runs) {
    if (dryRun || hasChanges(run.plan)) reporter.print(formatPlan(run.plan, heading));
    else reporter.info(`${run.target.provider}: no changes to apply`);
  }
}

export function showDeploy(r: DeployResult, reporter: Reporter): void {
  if (r.dryRun) {
    reporter.print(`Dry run: nothing was changed. Run without --dry-run to apply this plan to ${r.service}-${r.stage}.`);
    reporter.data({ ok: true, ...deployJson(r) });
    return;
  }
  for (const text of formatDeploy(r)) reporter.print(text);
  // One JSON document either way: on a rollback it is the error's, carrying this result as details.
  if (r.failure) throw r.failure;
  reporter.data({ ok: true, ...deployJson(r) });
}

export function showRollback(r: RollbackCommandResult, reporter: Reporter): void {
  for (const f of r.functions) {
    const what = f.action === 'aborted' ? `aborted release of ${f.from}, traffic on ${f.to}` : f.action === 'unchanged' ? `${f.to} already live` : `${f.from} -> ${f.to}`;
    reporter.print(`${f.function} (${f.provider}): ${what}`);
  }
  reporter.data({ ok: true, stage: r.stage, functions: r.functions });
}

export function showPromote(r: PromoteResult, reporter: Reporter): void {
  if (r.failure) throw r.failure;
  if (r.promoted.length === 0) {
    reporter.print(`Nothing to promote: no release in progress in stage ${r.stage}.`);
  } else {
    for (const o of r.promoted) reporter.print(`${o.function} (${o.provider}): ${o.version} is live (previous: ${o.previous ?? 'none'})`);
  }
  reporter.data({ ok: true, stage: r.stage, promoted: r.promoted });
}

export function showStatus(r: StatusResult, reporter: Reporter): void {
  for (const p of r.providers) reporter.print(formatStatus(p.provider, `${r.service}-${r.stage}`, p.functions, r.stage, p.lease));
  reporter.data({ ok: true, service: r.service, stage: r.stage, providers: r.providers, ...skippedJson(r.skipped) });
}

/** Remove's plans, shown before the question: each provider's that deletes something. */
export function showRemovePlan(plans: readonly ProviderPlan[], heading: string, reporter: Reporter): void {
  for (const plan of plans) if (plan.actions.length) reporter.print(formatPlan(plan, heading));
}

export function showRemove(r: RemoveResult, reporter: Reporter): void {
  const heading = `${r.service}-${r.stage}`;
  if (r.providers.length === 0) {
    reporter.print(`Nothing to remove for ${heading}.`);
    reporter.data({ ok: true, service: r.service, stage: r.stage, deleted: [], ...skippedJson(r.skipped) });
    return;
  }
  reporter.print(`Removed ${heading}: ${plural(r.deleted.length, 'resource')}.`);
  reporter.data({
    ok: true,
    service: r.service,
    stage: r.stage,
    providers: r.providers.map((p) => ({ provider: p.provider, plan: planJson(p.plan), deleted: p.deleted })),
    ...skippedJson(r.skipped),
  });
}

/**
 * The function's answer on stdout (JSON, so `fnx invoke ... | jq` works), what ran and its logs on
 * stderr. A function error is printed, then thrown (exit 1) with the whole result as its details.
 */
export function showInvoke(r: InvokeCommandResult, reporter: Reporter): void {
  const where = r.local ? `local, ${r.runtime}` : `${r.provider}${r.version ? `, version ${r.version}` : ''}`;
  const measured = r.durationMs !== undefined ? ` in ${r.durationMs} ms${r.peakMemoryBytes !== undefined ? `, peak memory ${formatBytes(r.peakMemoryBytes)}` : ''}` : '';
  reporter.info(`${r.function} (${where}): ${r.ok ? 'ok' : 'error'}${measured}`);
  if (r.logs.length) reporter.info(['logs:', ...r.logs.map((l) => `  ${l}`)].join('\n'));
  if (!r.ok) {
    throw new FnxError('E_FUNCTION_ERROR', `function "${r.function}" returned an error: ${r.error ?? 'unknown error'}`, {
      hint: r.logs.length ? 'Its logs are above.' : `\`fnx logs ${r.function} --stage ${r.stage}\` shows what it wrote.`,
      exitCode: ExitCode.failed,
      details: { ...r },
    });
  }
  reporter.print(JSON.stringify(r.payload, null, 2));
  reporter.data(r);
}

/** `fnx dev` is up: where, and what it serves (stderr; the request lines go to stdout). */
export function showDevListening(info: DevListening, reporter: Reporter): void {
  const lines = [`fnx dev: ${info.service} (stage ${info.stage}) on ${info.url}`];
  for (const r of info.routes) lines.push(`  ${r.route.padEnd(28)} ${r.function}`);
  if (!info.routes.length) lines.push('  (no http triggers in this manifest)');
  for (const t of info.triggers) lines.push(`  POST /_fnx/trigger/${t.function}/${t.kind}  fires ${t.function}'s ${t.kind} trigger`);
  lines.push('Handlers run fresh for every request (edits apply at once); restart after changing fnx.yaml. Ctrl-C stops.');
  reporter.info(lines.join('\n'));
  for (const r of info.shadowed) reporter.warn(`${r.route} of function ${r.function} is also declared by an earlier function, which serves it here.`);
  reporter.data({ ok: true, listening: info });
}

export function showDevStopped(r: DevResult, reporter: Reporter): void {
  reporter.info(`fnx dev stopped after ${plural(r.requests, 'request')}.`);
}
