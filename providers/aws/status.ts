/** status(): per deployed function the alias target and weights, recent releases, triggers and URLs. */
import type { FunctionStatus } from '../../src/driver.js';
import { releaseHistory } from './history.js';
import { parseReleaseDescription } from './metadata.js';
import { arn, arnName } from './names.js';
import type { AwsDeployed } from './state.js';

export function stageStatus(deployed: AwsDeployed): FunctionStatus[] {
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
        ...f.mappings.map((m) => `queue ${arnName(m.sourceArn)} (batch ${m.batchSize})`),
        ...f.notifications.map((n) => `storage ${n.bucket} ${n.events.join(',')}${n.prefix ? ` ${n.prefix}*` : ''}${n.suffix ? ` *${n.suffix}` : ''}`),
        ...f.subscriptions.map((s) => `topic ${arnName(s.topicArn)}`),
      ];
      const urls = deployed.api ? routes.map((r) => `${deployed.api!.endpoint}${r.key.split(' ')[1] ?? ''}`) : [];
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
      };
    });
}
