/**
 * Human and JSON renderings of plans, deploy summaries and status. Never prints secret values, nor
 * values that came from input variables (a FieldChange then holds only the reference).
 */
import type { DeployResult } from '../commands/deploy.js';
import type { FieldChange, FunctionStatus, PlanAction, ProviderPlan, ReleaseRecord } from '../driver.js';
import { ROLLBACK_STRATEGY } from '../release/history.js';
import { nextDeployOf } from '../release/rolled-back.js';
import type { LeaseHolder } from '../lease/record.js';
import { describeHolder } from '../lease/stage-lease.js';

const SYMBOL: Record<PlanAction['op'], string> = { create: '+', update: '~', delete: '-', 'no-change': '=' };

export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly noChange: number;
}

export function countActions(actions: readonly PlanAction[]): PlanCounts {
  return {
    create: actions.filter((a) => a.op === 'create').length,
    update: actions.filter((a) => a.op === 'update').length,
    delete: actions.filter((a) => a.op === 'delete').length,
    noChange: actions.filter((a) => a.op === 'no-change').length,
  };
}

export function hasChanges(plan: ProviderPlan): boolean {
  return plan.actions.some((a) => a.op !== 'no-change');
}

function value(v: unknown): string {
  if (v === undefined || v === null || v === '') return '(none)';
  if (typeof v === 'string') return v;
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatChange(c: FieldChange): string {
  if (c.masked) return `${c.field}: (secret reference changed, value masked)`;
  if (c.reference !== undefined) return `${c.field}: ${c.reference} (${c.change ?? 'changed'})`;
  if (c.change === 'removed') return `${c.field}: (removed)`;
  if (c.change !== undefined && c.from === undefined && c.to === undefined) return `${c.field}: (${c.change})`;
  return `${c.field}: ${value(c.from)} -> ${value(c.to)}`;
}

/** The plan as a table: one line per changed resource, field changes indented, unchanged counted. */
export function formatPlan(plan: ProviderPlan, heading: string): string {
  const lines = [`${plan.provider} · ${plan.target} · ${heading}`];
  const width = Math.max(8, ...plan.actions.map((a) => a.resource.length));
  for (const a of plan.actions) {
    if (a.op === 'no-change') continue;
    lines.push(`  ${SYMBOL[a.op]} ${a.op.padEnd(9)} ${a.resource.padEnd(width)}  ${a.name}${a.summary ? `  (${a.summary})` : ''}`);
    for (const c of a.changes ?? []) lines.push(`        ${formatChange(c)}`);
  }
  // Unchanged resources: one line per function (or for the stage) naming them.
  const unchanged = new Map<string, string[]>();
  for (const a of plan.actions) {
    if (a.op !== 'no-change') continue;
    const key = a.function ?? '(stage)';
    unchanged.set(key, [...(unchanged.get(key) ?? []), a.resource]);
  }
  for (const [fn, resources] of unchanged) {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r, (counts.get(r) ?? 0) + 1);
    const list = [...counts].map(([r, n]) => (n > 1 ? `${n} ${r}` : r)).join(', ');
    lines.push(`  ${SYMBOL['no-change']} ${'no change'.padEnd(9)} ${fn.padEnd(width)}  ${list}`);
  }
  const n = countActions(plan.actions);
  lines.push(`  Plan: ${n.create} to create, ${n.update} to update, ${n.delete} to delete, ${n.noChange} unchanged.`);
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

/** The plan for --json: actions and notes (the driver-private detail stays internal). */
export function planJson(plan: ProviderPlan) {
  return { provider: plan.provider, target: plan.target, summary: countActions(plan.actions), actions: plan.actions, notes: plan.notes };
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

/**
 * What the pointer's release record says beyond the weights: a release in progress (and how to
 * finish or abort it), a rolled-back release and why, or a move made by `fnx rollback`.
 */
function releaseLine(r: ReleaseRecord | undefined, stage: string): string | undefined {
  if (!r) return undefined;
  if (r.status === 'in-progress') {
    const at = r.steps[r.step];
    return `release in progress: ${r.version} at ${at ?? '?'}% (step ${r.step + 1}/${r.steps.length}, ${r.strategy}); finish with \`fnx promote --stage ${stage}\`, abort with \`fnx rollback --stage ${stage}\``;
  }
  if (r.status === 'rolled-back') return `last release rolled back: ${r.version} -> ${r.previous ?? 'previous version'} (${r.strategy}, ${r.time}): ${r.reason ?? 'no reason recorded'}`;
  if (r.strategy === ROLLBACK_STRATEGY) return `moved here by fnx rollback (${r.time})${r.reason ? `: ${r.reason}` : ''}`;
  return undefined;
}

export function formatStatus(provider: string, target: string, statuses: readonly FunctionStatus[], stage: string, lease?: { holder: LeaseHolder; expires: string }): string {
  const changing = lease ? `  changing now: ${describeHolder(lease.holder)} (its lease runs until ${lease.expires})` : undefined;
  if (!statuses.length) return [`${provider}: nothing deployed.`, ...(changing ? [changing] : [])].join('\n');
  const lines = [`${provider} · ${target}`, ...(changing ? [changing] : [])];
  for (const s of statuses) {
    const t = s.traffic;
    const pointer = t.primary ? (t.candidate && t.weight > 0 ? `live -> ${t.primary} (${Math.round((1 - t.weight) * 100)}%), ${t.candidate} (${Math.round(t.weight * 100)}%)` : `live -> ${t.primary}`) : 'no traffic pointer (not released)';
    const release = releaseLine(t.release, stage);
    lines.push(`  ${s.function}: ${pointer}${t.release && !release ? ` [${t.release.status}, ${t.release.strategy}]` : ''}`);
    if (release) lines.push(`    ${release}`);
    if (s.triggers.length) lines.push(`    triggers: ${s.triggers.join('; ')}`);
    if (s.notDeployed?.length) {
      lines.push(`    not deployed: ${s.notDeployed.join('; ')} (in fnx.yaml, but no deploy created ${s.notDeployed.length === 1 ? 'it' : 'them'}: the last one failed or has not run since); fix the error, then run \`fnx deploy --stage ${stage}\``);
    }
    for (const u of s.urls) lines.push(`    url: ${u}`);
    // Version ids are opaque (a number, a deployment id, a revision name): the column fits the longest.
    const width = Math.max(0, ...s.releases.map((r) => r.version.length));
    for (const r of s.releases) {
      const next = nextDeployOf(r);
      lines.push(`    version ${r.version.padEnd(width)} ${r.status.padEnd(11)} ${r.time}${r.commit ? `  commit ${r.commit.slice(0, 12)}` : ''}  deploy ${r.deployId}${next ? `  (${next})` : ''}`);
    }
  }
  return lines.join('\n');
}

/** The deploy result for --json (without `ok`), also the details of a rolled-back deploy's error. */
export function deployJson(r: DeployResult): Record<string, unknown> {
  const skipped = r.skipped.length ? { skipped: r.skipped } : {};
  if (r.dryRun) return { dryRun: true, changed: false, deployId: r.deploy.id, service: r.service, stage: r.stage, providers: r.plans.map(planJson), ...skipped };
  return {
    deployId: r.deploy.id,
    commit: r.deploy.commit,
    time: r.deploy.time,
    service: r.service,
    stage: r.stage,
    providers: r.providers.map((p) => ({
      provider: p.provider,
      target: p.target,
      plan: planJson(p.plan),
      writes: p.apply.writes,
      uploadedBytes: p.apply.uploadedBytes,
      published: p.apply.published,
      outcomes: p.outcomes,
      urls: p.apply.urls ?? {},
    })),
    ...skipped,
  };
}

/** The deploy summary: a heading line, then a table with one row per released function. */
export function formatDeploy(r: DeployResult): [string, string] {
  const rows: string[][] = [['function', 'provider', 'version', 'previous', 'status', 'urls']];
  for (const p of r.providers) {
    for (const o of p.outcomes) rows.push([o.function, p.provider, o.version, o.previous ?? '-', o.status, (p.apply.urls?.[o.function] ?? []).join(' ')]);
  }
  return [`Deploy ${r.deploy.id} of ${r.service}-${r.stage}${r.deploy.commit ? ` (commit ${r.deploy.commit.slice(0, 12)})` : ''}:`, table(rows)];
}
