/**
 * The function itself: create it, or update code / configuration / tags only where the plan says
 * so, waiting for Lambda to settle after each change (State Active, LastUpdateStatus Successful).
 * An update that meets ResourceConflictException (another update in progress) waits and retries.
 */
import {
  CreateFunctionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type Architecture,
  type Runtime,
} from '@aws-sdk/client-lambda';
import type { DesiredFunction, FunctionConfig } from '../desired.js';
import type { DeployedFunction } from '../state.js';
import { changes, kindOf, type ApplyContext } from './context.js';
import { isRolePropagation, isTransient } from '../retry.js';
import { codeLocation } from './upload.js';
import { waitFor } from './wait.js';

/** Lambda's configuration arguments for a desired config with resolved layer ARNs. */
export function configInput(c: FunctionConfig, layers: readonly string[]) {
  return {
    Runtime: c.Runtime as Runtime,
    Handler: c.Handler,
    MemorySize: c.MemorySize,
    Timeout: c.Timeout,
    Role: c.Role,
    Environment: { Variables: { ...c.Environment } },
    Layers: [...layers],
    TracingConfig: { Mode: c.TracingMode },
    DeadLetterConfig: { TargetArn: c.DeadLetterArn },
    VpcConfig: { SubnetIds: [...c.SubnetIds], SecurityGroupIds: [...c.SecurityGroupIds] },
  };
}

/** Runs a Lambda function write; on a conflict (update in progress) waits for the function to settle and tries again. */
async function settleAndRetry<T>(ctx: ApplyContext, name: string, write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (kindOf(err) !== 'conflict' || attempt >= 5) throw err;
      await waitFor(ctx.aws, name, 'updated');
    }
  }
}

async function uploadCode(ctx: ApplyContext, d: DesiredFunction) {
  return codeLocation(ctx, d.code);
}

async function updateCode(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const { aws } = ctx;
  const code = await uploadCode(ctx, d);
  await settleAndRetry(ctx, d.name, () =>
    aws.call('UpdateFunctionCode', () => aws.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: d.name, ...code, Architectures: [d.architecture as Architecture], Publish: false })), {
      resource: d.name,
    }),
  );
  await waitFor(aws, d.name, 'updated');
}

async function updateConfig(ctx: ApplyContext, d: DesiredFunction, layers: readonly string[]): Promise<void> {
  const { aws } = ctx;
  await settleAndRetry(ctx, d.name, () =>
    aws.call('UpdateFunctionConfiguration', () => aws.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: d.name, ...configInput(d.config, layers) })), { resource: d.name }),
  );
  await waitFor(aws, d.name, 'updated');
}

async function updateTags(ctx: ApplyContext, d: DesiredFunction, cur: DeployedFunction | undefined): Promise<void> {
  const { aws } = ctx;
  const current = cur?.tags ?? {};
  const stale = Object.keys(current).filter((k) => !(k in d.tags) && !k.startsWith('aws:'));
  if (stale.length) await aws.call('UntagResource', () => aws.lambda.send(new UntagResourceCommand({ Resource: d.arn, TagKeys: stale })), { resource: d.name });
  const changed = Object.fromEntries(Object.entries(d.tags).filter(([k, v]) => current[k] !== v));
  if (Object.keys(changed).length) await aws.call('TagResource', () => aws.lambda.send(new TagResourceCommand({ Resource: d.arn, Tags: changed })), { resource: d.name });
}

/** Creates or updates the function as planned; resolves true when it changed $LATEST. */
export async function applyFunction(ctx: ApplyContext, d: DesiredFunction, cur: DeployedFunction | undefined, layers: readonly string[]): Promise<boolean> {
  const { aws } = ctx;
  if (changes(ctx, `function:${d.fn}`)?.op === 'create') {
    const code = await uploadCode(ctx, d);
    try {
      await aws.call(
        'CreateFunction',
        () =>
          aws.lambda.send(
            new CreateFunctionCommand({
              FunctionName: d.name,
              ...configInput(d.config, layers),
              Code: code,
              Architectures: [d.architecture as Architecture],
              PackageType: 'Zip',
              Publish: false,
              Tags: { ...d.tags },
            }),
          ),
        { resource: d.name, retryable: (err) => isTransient(err) || isRolePropagation(err) },
      );
    } catch (err) {
      if (kindOf(err) !== 'conflict') throw err;
      // Created by an earlier, interrupted run: bring it to the desired state.
      await waitFor(aws, d.name, 'active');
      await updateCode(ctx, d);
      await updateConfig(ctx, d, layers);
      await updateTags(ctx, d, undefined);
      return true;
    }
    await waitFor(aws, d.name, 'active');
    return true;
  }
  let changed = false;
  if (changes(ctx, `code:${d.fn}`)) {
    await updateCode(ctx, d);
    changed = true;
  }
  if (ctx.signal.aborted) return changed;
  if (changes(ctx, `config:${d.fn}`)) {
    await updateConfig(ctx, d, layers);
    changed = true;
  }
  if (changes(ctx, `tags:${d.fn}`)) await updateTags(ctx, d, cur);
  return changed;
}
