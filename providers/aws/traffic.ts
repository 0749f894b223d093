/**
 * The alias `live` as a traffic pointer: traffic() reads it, shift() writes primary + one weighted
 * version conditionally on its RevisionId, recording the release in the alias Description.
 */
import { GetAliasCommand, UpdateAliasCommand, type AliasConfiguration } from '@aws-sdk/client-lambda';
import type { HistoryRequest, ShiftRequest, TrafficState } from '../../src/driver.js';
import { CloudError } from '../../src/errors.js';
import type { ResolvedManifest } from '../../src/manifest/model.js';
import type { AwsClients } from './clients.js';
import { parseReleaseDescription, releaseDescription } from './metadata.js';
import { ALIAS, functionName } from './names.js';

export function cloudName(manifest: ResolvedManifest, fn: string): string {
  return functionName(manifest.service, manifest.stage, fn);
}

export function trafficOf(fn: string, alias: AliasConfiguration | undefined): TrafficState {
  if (!alias) return { function: fn, weight: 0, revision: '' };
  const [candidate, weight] = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})[0] ?? [];
  const release = parseReleaseDescription(alias.Description);
  return {
    function: fn,
    ...(alias.FunctionVersion ? { primary: alias.FunctionVersion } : {}),
    ...(candidate ? { candidate } : {}),
    weight: weight ?? 0,
    revision: alias.RevisionId ?? '',
    ...(release ? { release } : {}),
  };
}

/** The alias `live` of the Lambda function `name`, or undefined when it (or the function) does not exist. */
export function findAlias(aws: AwsClients, name: string): Promise<AliasConfiguration | undefined> {
  return aws.find('GetAlias', () => aws.lambda.send(new GetAliasCommand({ FunctionName: name, Name: ALIAS })), { resource: name });
}

export async function readTraffic(aws: AwsClients, req: HistoryRequest): Promise<TrafficState> {
  const name = cloudName(req.manifest, req.function);
  const alias = await findAlias(aws, name);
  return trafficOf(req.function, alias);
}

export async function shiftTraffic(aws: AwsClients, req: ShiftRequest): Promise<TrafficState> {
  const fn = req.function.name;
  const name = cloudName(req.manifest, fn);
  const weights = req.candidate && req.weight > 0 && req.candidate !== req.primary ? { [req.candidate]: Math.min(1, Math.round(req.weight * 10_000) / 10_000) } : {};
  const description = releaseDescription(req.release);
  try {
    const out = await aws.call(
      'UpdateAlias',
      () =>
        aws.lambda.send(
          new UpdateAliasCommand({ FunctionName: name, Name: ALIAS, FunctionVersion: req.primary, RoutingConfig: { AdditionalVersionWeights: weights }, RevisionId: req.revision, Description: description }),
        ),
      { resource: name },
    );
    return trafficOf(fn, out);
  } catch (err) {
    if ((err as { kind?: string }).kind !== 'precondition') throw err;
    // A retried request whose first attempt already applied looks like a conflict: check before failing.
    const now = await findAlias(aws, name);
    if (now && now.FunctionVersion === req.primary && now.Description === description && JSON.stringify(now.RoutingConfig?.AdditionalVersionWeights ?? {}) === JSON.stringify(weights)) {
      return trafficOf(fn, now);
    }
    throw new CloudError('aws', 'precondition', `another deploy changed ${fn} concurrently; nothing was changed by this run`, {
      hint: 'Another fnx run moved the alias "live" since this one read it. Check `fnx status`, then run the command again.',
      cause: err,
      details: { function: fn, alias: `${name}:${ALIAS}` },
    });
  }
}
