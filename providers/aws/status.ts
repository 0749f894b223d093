/** status(): per deployed function the alias target and weights, recent releases, triggers and URLs. */
import type { FunctionStatus, ResolvedManifest } from '../../src/driver.js';
import { awsFunctions, desiredTriggers } from './desired.js';
import { releaseHistory } from './history.js';
import { parseReleaseDescription } from './metadata.js';
import { arn, arnName } from './names.js';
import { target, triggerActions } from './plan.js';
import { isStreamSource, sourceOfMapping, streamName } from './stream.js';
import type { AwsDeployed, DeployedFunction } from './state.js';

/** How status names a trigger: `queue jobs`, `stream orders`, `topic events`, `storage uploads`, `schedule cron(...)`, `http GET /x`. */
function triggerLabel(resource: string, name: string): string {
  const kind = resource.replace(/^trigger:/, '');
  return `${kind} ${kind === 'queue' || kind === 'topic' ? arnName(name) : kind === 'stream' ? streamName(name) : name}`;
}

/** Triggers of the manifest's function `f` that inspect did not find deployed. */
function notDeployed(manifest: ResolvedManifest, deployed: AwsDeployed, f: DeployedFunction): string[] {
  const fn = awsFunctions(manifest).find((x) => x.name === f.fn);
  if (!fn) return [];
  try {
    const triggers = desiredTriggers(manifest, fn, target(deployed));
    const aliasArn = arn.alias(deployed.region, deployed.accountId, f.name);
    return triggerActions({ fn: f.fn, aliasArn, triggers }, f, deployed)
      .filter((a) => a.op === 'create')
      .map((a) => triggerLabel(a.resource, a.resource === 'trigger:schedule' ? (a.summary ?? a.name) : a.name));
  } catch {
    // A manifest the plan would refuse (reported by plan and deploy) shows no comparison here.
    return [];
  }
}

export function stageStatus(deployed: AwsDeployed, manifest: ResolvedManifest): FunctionStatus[] {
  return Object.values(deployed.functions)
    .sort((a, b) => a.fn.localeCompare(b.fn))
    .map((f) => {
      const aliasArn = arn.alias(deployed.region, deployed.accountId, f.name);
      const integration = deployed.api?.integrations.find((i) => i.uri === aliasArn);
      const routes = integration ? (deployed.api?.routes ?? []).filter((r) => r.target === `integrations/${integration.id}`) : [];
      const [candidate, weight] = Object.entries(f.alias?.weights ?? {})[0] ?? [];
      const releases = releaseHistory(f.versions, f.alias, f.rolledBack).slice(0, 5);
      const record = parseReleaseDescription(f.alias?.description);
      const triggers = [
        ...routes.map((r) => `http ${r.key}${r.authorization === 'AWS_IAM' ? ' (iam)' : ''}`),
        ...f.rules.map((r) => `schedule ${r.expression}${r.enabled ? '' : ' (disabled)'}`),
        ...f.mappings.map((m) => (isStreamSource(m.sourceArn) ? `stream ${streamName(sourceOfMapping(m.sourceArn))} (batch ${m.batchSize})` : `queue ${arnName(m.sourceArn)} (batch ${m.batchSize})`)),
        ...f.notifications.map((n) => `storage ${n.bucket} ${n.events.join(',')}${n.prefix ? ` ${n.prefix}*` : ''}${n.suffix ? ` *${n.suffix}` : ''}`),
        ...f.subscriptions.map((s) => `topic ${arnName(s.topicArn)}`),
      ];
      const urls = deployed.api ? routes.map((r) => `${deployed.api!.endpoint}${r.key.split(' ')[1] ?? ''}`) : [];
      const missing = notDeployed(manifest, deployed, f);
      return {
        function: f.fn,
        traffic: {
          function: f.fn,
          ...(f.alias ? { primary: f.alias.version } : {}),
          ...(candidate ? { candidate } : {}),
          weight: weight ?? 0,
          revision: f.alias?.revision ?? '',
          ...(record ? { release: record } : {}),
        },
        releases,
        triggers,
        urls,
        ...(missing.length ? { notDeployed: missing } : {}),
      };
    });
}
