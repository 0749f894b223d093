/**
 * The alias `live` as a traffic pointer: traffic() reads it, shift() writes primary + one weighted
 * version conditionally on its RevisionId, recording the release in the alias Description. A shift
 * that rolls traffic back (a 'rolled-back' record, or a move by `fnx rollback`) also records the
 * version left, with the cause and time, in the function's fnx:rolled-back tag, so history() still
 * knows every version rolled back from and why; a shift that makes a listed version live again
 * removes it.
 */
import { GetAliasCommand, ListTagsCommand, TagResourceCommand, UntagResourceCommand, UpdateAliasCommand, type AliasConfiguration } from '@aws-sdk/client-lambda';
import { CloudError, type HistoryRequest, messageOf, type ReleaseRecord, type ResolvedManifest, ROLLBACK_STRATEGY, type ShiftRequest, type TrafficState } from '../../src/driver.js';
import type { AwsClients } from './clients.js';
import { parseReleaseDescription, parseRolledBack, releaseDescription, ROLLED_BACK_TAG, rolledBackTag, type RolledBackEntry } from './metadata.js';
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

/** The unqualified function ARN (tags live on the function) of an alias ARN. */
export function functionArnOf(alias: AliasConfiguration | undefined): string | undefined {
  return alias?.AliasArn?.replace(new RegExp(`:${ALIAS}$`), '');
}

/** Entries of the function's fnx:rolled-back tag, oldest first. */
export async function readRolledBack(aws: AwsClients, name: string, functionArn: string | undefined): Promise<RolledBackEntry[]> {
  if (!functionArn) return [];
  const out = await aws.find('ListTags', () => aws.lambda.send(new ListTagsCommand({ Resource: functionArn })), { resource: name });
  return parseRolledBack(out?.Tags?.[ROLLED_BACK_TAG]);
}

/**
 * After a shift recording `release` with `primary` serving: adds the version traffic left (the
 * rolled-back candidate with the record's cause, or the version `fnx rollback` moved away from,
 * cause 'rollback') to the tag, and removes `primary` (serving again). Shifts that neither roll
 * back nor finish a release (weighted steps), and shifts that change nothing in the list, write nothing.
 */
async function recordRolledBack(aws: AwsClients, name: string, functionArn: string | undefined, release: ReleaseRecord, primary: string): Promise<void> {
  if (!functionArn) return;
  const left: RolledBackEntry | undefined =
    release.strategy === ROLLBACK_STRATEGY && release.previous
      ? { version: release.previous, cause: 'rollback', time: release.time }
      : release.status === 'rolled-back'
        ? { version: release.version, ...(release.cause ? { cause: release.cause } : {}), time: release.time }
        : undefined;
  if (!left && release.status !== 'live') return;
  const current = await readRolledBack(aws, name, functionArn);
  const before = rolledBackTag(current);
  const next = rolledBackTag([...current.filter((e) => e.version !== primary), ...(left && left.version !== primary ? [left] : [])]);
  if (next === before) return;
  if (next) await aws.call('TagResource', () => aws.lambda.send(new TagResourceCommand({ Resource: functionArn, Tags: { [ROLLED_BACK_TAG]: next } })), { resource: name });
  else await aws.call('UntagResource', () => aws.lambda.send(new UntagResourceCommand({ Resource: functionArn, TagKeys: [ROLLED_BACK_TAG] })), { resource: name });
}

/**
 * Moves the alias; then, best effort, the fnx:rolled-back tag. Traffic has already moved when the
 * tag is written, so a failed tag write is reported as a notice and never fails the shift.
 */
export async function shiftTraffic(aws: AwsClients, req: ShiftRequest): Promise<TrafficState> {
  const state = await moveAlias(aws, req);
  const name = cloudName(req.manifest, req.function.name);
  try {
    await recordRolledBack(aws, name, state.arn, req.release, req.primary);
  } catch (err) {
    aws.notice?.(`aws: ${req.function.name}: traffic moved to ${req.primary}, but the ${ROLLED_BACK_TAG} tag on ${name} could not be updated (${messageOf(err)}); a later rollback may offer a rolled-back version again, and a later deploy may not know why it was rolled back.`);
  }
  return state.traffic;
}

async function moveAlias(aws: AwsClients, req: ShiftRequest): Promise<{ traffic: TrafficState; arn: string | undefined }> {
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
    return { traffic: trafficOf(fn, out), arn: functionArnOf(out) };
  } catch (err) {
    if ((err as { kind?: string }).kind !== 'precondition') throw err;
    // A retried request whose first attempt already applied looks like a conflict: check before failing.
    const now = await findAlias(aws, name);
    if (now && now.FunctionVersion === req.primary && now.Description === description && JSON.stringify(now.RoutingConfig?.AdditionalVersionWeights ?? {}) === JSON.stringify(weights)) {
      return { traffic: trafficOf(fn, now), arn: functionArnOf(now) };
    }
    throw new CloudError('aws', 'precondition', `another deploy changed ${fn} concurrently; nothing was changed by this run`, {
      hint: 'Another fnx run moved the alias "live" since this one read it. Check `fnx status`, then run the command again.',
      cause: err,
      details: { function: fn, alias: `${name}:${ALIAS}` },
    });
  }
}
