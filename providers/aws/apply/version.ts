/**
 * Publishing: PublishVersion conditional on the CodeSha256 fnx uploaded and on the RevisionId read
 * after the last update (a concurrent deploy makes it fail with 412, nothing live changed), with a
 * Description carrying the deploy metadata. The alias `live` is created only on the first deploy,
 * pointing at the first published version; later deploys leave it for the release step.
 */
import { CreateAliasCommand, GetAliasCommand, GetFunctionConfigurationCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { CloudError, type PublishedVersion } from '../../../src/driver.js';
import type { DesiredFunction } from '../desired.js';
import { ALIAS } from '../names.js';
import type { PlannedFunction } from '../plan.js';
import type { DeployedFunction } from '../state.js';
import { kindOf, type ApplyContext } from './context.js';
import { isTransient } from '../retry.js';
import { waitFor } from './wait.js';

export function concurrentChange(fn: string, cause?: unknown): CloudError {
  return new CloudError('aws', 'precondition', `another deploy changed ${fn} concurrently; nothing was changed by this run`, {
    hint: 'Let the other deploy finish, check `fnx status`, then run `fnx deploy` again.',
    cause,
  });
}

async function publish(ctx: ApplyContext, d: DesiredFunction, description: string): Promise<string> {
  const { aws } = ctx;
  await waitFor(aws, d.name, 'updated');
  const latest = await aws.call('GetFunctionConfiguration', () => aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: d.name })), { resource: d.name });
  if (latest.CodeSha256 !== d.code.sha256Base64) throw concurrentChange(d.name);
  try {
    const out = await aws.call(
      'PublishVersion',
      () => aws.lambda.send(new PublishVersionCommand({ FunctionName: d.name, CodeSha256: d.code.sha256Base64, RevisionId: latest.RevisionId, Description: description })),
      { resource: d.name },
    );
    const version = out.Version ?? '';
    if (out.State !== 'Active') await waitFor(aws, d.name, 'version', version);
    return version;
  } catch (err) {
    if (kindOf(err) === 'precondition') throw concurrentChange(d.name, err);
    throw err;
  }
}

/** Publishes (when planned) and creates the alias on first deploy; resolves what the release step needs. */
export async function applyVersion(ctx: ApplyContext, planned: PlannedFunction, d: DesiredFunction, cur: DeployedFunction | undefined): Promise<PublishedVersion | undefined> {
  const { aws } = ctx;
  let candidate = planned.candidate;
  if (planned.publish || !candidate) {
    if (ctx.signal.aborted) return undefined;
    candidate = planned.publish ? await publish(ctx, d, planned.description) : (cur?.versions[cur.versions.length - 1]?.version ?? (await publish(ctx, d, planned.description)));
  }
  const existing = !planned.publish && candidate !== cur?.alias?.version;
  if (cur?.alias) return { function: d.fn, previous: cur.alias.version, candidate, revision: cur.alias.revision, ...(existing ? { existing } : {}) };
  if (ctx.signal.aborted) return undefined;
  try {
    const alias = await aws.call('CreateAlias', () => aws.lambda.send(new CreateAliasCommand({ FunctionName: d.name, Name: ALIAS, FunctionVersion: candidate })), {
      resource: d.name,
      retryable: isTransient,
    });
    return { function: d.fn, candidate, revision: alias.RevisionId ?? '' };
  } catch (err) {
    if (kindOf(err) !== 'conflict') throw err;
    const alias = await aws.call('GetAlias', () => aws.lambda.send(new GetAliasCommand({ FunctionName: d.name, Name: ALIAS })), { resource: d.name });
    return { function: d.fn, previous: alias.FunctionVersion ?? candidate, candidate, revision: alias.RevisionId ?? '' };
  }
}
