/**
 * inspect(): reads everything fnx owns for one service+stage. Read-only. Resources are found by
 * fnx's names and confirmed by their fnx:service / fnx:stage tags; untagged resources are ignored.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  GetFunctionCommand,
  GetPolicyCommand,
  GetProvisionedConcurrencyConfigCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListLayerVersionsCommand,
  ListLayersCommand,
  ListVersionsByFunctionCommand,
  type AliasConfiguration,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { GetRoleCommand, GetRolePolicyCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { ListRulesCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetApisCommand, GetIntegrationsCommand, GetRoutesCommand, GetStagesCommand } from '@aws-sdk/client-apigatewayv2';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import pLimit from 'p-limit';
import { ExitCode, FnxError, type ResolvedManifest } from '../../src/driver.js';
import { awsConfig } from './config.js';
import type { AwsClients } from './clients.js';
import { awsFunctions } from './desired.js';
import { readStreamSources, streamMappingOf } from './inspect-streams.js';
import { isStreamSource } from './stream.js';
import { layerDescriptionHash } from './layer-meta.js';
import { parseRolledBack, ROLLED_BACK_TAG } from './metadata.js';
import { ALIAS, INLINE_POLICY, TAG_FUNCTION, apiName, arn, functionName, isOwned, layerName, logGroupName, roleName, stagePrefix } from './names.js';
import { canonicalPolicy, parsePolicyDocument } from './policy.js';
import { findAlias } from './traffic.js';
import { configOf, fingerprintOf, type AwsDeployed, type DeployedAlias, type DeployedApi, type DeployedFunction, type DeployedLayer, type DeployedRule, type DeployedVersion } from './state.js';

export async function accountId(aws: AwsClients, manifest: ResolvedManifest): Promise<string> {
  const id = await aws.call('GetCallerIdentity', () => aws.sts.send(new GetCallerIdentityCommand({})));
  const account = id.Account ?? '';
  const expected = awsConfig(manifest)?.accountId;
  if (expected && expected !== account) {
    throw new FnxError('E_AWS_ACCOUNT', `The AWS credentials in use belong to account ${account}, but fnx.yaml says providers.aws.accountId: ${expected}.`, {
      hint: 'Switch credentials (AWS_PROFILE) to the right account, or fix providers.aws.accountId.',
      exitCode: ExitCode.usage,
    });
  }
  return account;
}

/** Names of Lambda functions that may belong to the stage: the manifest's plus any with the stage prefix. */
async function candidateNames(aws: AwsClients, manifest: ResolvedManifest): Promise<string[]> {
  const names = new Set(awsFunctions(manifest).map((f) => functionName(manifest.service, manifest.stage, f.name)));
  const prefix = stagePrefix(manifest.service, manifest.stage).slice(0, 50);
  let marker: string | undefined;
  do {
    const page = await aws.call('ListFunctions', () => aws.lambda.send(new ListFunctionsCommand({ Marker: marker, MaxItems: 50 })));
    for (const f of page.Functions ?? []) if (f.FunctionName?.startsWith(prefix)) names.add(f.FunctionName);
    marker = page.NextMarker;
  } while (marker);
  return [...names].sort();
}

/** Every version of a function, $LATEST included, all pages. */
export async function listVersions(aws: AwsClients, name: string): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await aws.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name, Marker: marker, MaxItems: 50 }));
    all.push(...(page.Versions ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}

/** The published versions (not $LATEST), oldest first. */
export function versionsOf(versions: readonly FunctionConfiguration[]): DeployedVersion[] {
  return versions
    .filter((v) => v.Version && v.Version !== '$LATEST')
    .map((v) => ({
      version: v.Version!,
      description: v.Description ?? '',
      fingerprint: fingerprintOf(v),
      codeSha256: v.CodeSha256 ?? '',
      ...(v.LastModified ? { lastModified: v.LastModified } : {}),
    }))
    .sort((a, b) => Number(a.version) - Number(b.version));
}

export function aliasOf(alias: AliasConfiguration): DeployedAlias {
  return {
    version: alias.FunctionVersion ?? '',
    weights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
    revision: alias.RevisionId ?? '',
    description: alias.Description ?? '',
  };
}

interface RawStatement {
  Sid?: string;
  Principal?: string | { Service?: string };
  Condition?: Record<string, Record<string, string>>;
}

async function readStatements(aws: AwsClients, name: string) {
  const policy = await aws.lambda.send(new GetPolicyCommand({ FunctionName: name, Qualifier: ALIAS }));
  if (!policy?.Policy) return [];
  const doc = JSON.parse(policy.Policy) as { Statement?: RawStatement[] };
  return (doc.Statement ?? []).map((s) => {
    const sourceArn = s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnEquals?.['AWS:SourceArn'];
    return {
      sid: s.Sid ?? '',
      principal: typeof s.Principal === 'string' ? s.Principal : (s.Principal?.Service ?? ''),
      ...(sourceArn ? { sourceArn } : {}),
    };
  });
}

async function readFunction(aws: AwsClients, manifest: ResolvedManifest, region: string, account: string, name: string, logGroups: ReadonlyMap<string, number | undefined>): Promise<DeployedFunction | undefined> {
  const aliasArn = arn.alias(region, account, name);
  const guess = awsFunctions(manifest).find((f) => functionName(manifest.service, manifest.stage, f.name) === name)?.name;
  // Everything is read at once (reads only); ownership is checked before anything is used.
  const [got, versions, alias, statements, mappings, provisioned, guessedRole] = await Promise.all([
    aws.find('GetFunction', () => aws.lambda.send(new GetFunctionCommand({ FunctionName: name })), { resource: name }),
    aws.find('ListVersionsByFunction', () => listVersions(aws, name), { resource: name }),
    findAlias(aws, name),
    aws.find('GetPolicy', () => readStatements(aws, name), { resource: name }),
    aws.find('ListEventSourceMappings', () => aws.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: aliasArn })), { resource: name }),
    aws.find('GetProvisionedConcurrencyConfig', () => aws.lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: ALIAS })), { resource: name }),
    guess ? readRole(aws, manifest, roleName(manifest.service, manifest.stage, guess)) : Promise.resolve(undefined),
  ]);
  if (!got?.Configuration || !isOwned(got.Tags, manifest.service, manifest.stage)) return undefined;
  const fn = got.Tags?.[TAG_FUNCTION] ?? name;
  const c = got.Configuration;
  const role = fn === guess ? guessedRole : await readRole(aws, manifest, roleName(manifest.service, manifest.stage, fn));
  const logGroup = logGroups.has(logGroupName(name)) ? { retention: logGroups.get(logGroupName(name)) } : undefined;
  const latest = (versions ?? []).find((v) => v.Version === '$LATEST') ?? c;
  return {
    fn,
    name,
    arn: c.FunctionArn ?? arn.function(region, account, name),
    config: configOf(c),
    architecture: c.Architectures?.[0] ?? 'x86_64',
    codeSha256: c.CodeSha256 ?? '',
    ...(c.CodeSize !== undefined ? { codeSize: c.CodeSize } : {}),
    revision: c.RevisionId ?? '',
    latestFingerprint: fingerprintOf(latest),
    tags: Object.fromEntries(Object.entries(got.Tags ?? {}).filter(([k]) => k !== ROLLED_BACK_TAG)),
    rolledBack: parseRolledBack(got.Tags?.[ROLLED_BACK_TAG]),
    ...(got.Concurrency?.ReservedConcurrentExecutions !== undefined ? { reserved: got.Concurrency.ReservedConcurrentExecutions } : {}),
    ...(alias ? { alias: aliasOf(alias) } : {}),
    ...(provisioned?.RequestedProvisionedConcurrentExecutions ? { provisioned: provisioned.RequestedProvisionedConcurrentExecutions } : {}),
    versions: versionsOf(versions ?? []),
    statements: statements ?? [],
    mappings: (mappings?.EventSourceMappings ?? []).map((m) => ({
      uuid: m.UUID ?? '',
      sourceArn: m.EventSourceArn ?? '',
      batchSize: m.BatchSize ?? 10,
      reportFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      state: m.State ?? '',
      ...(isStreamSource(m.EventSourceArn ?? '') ? { stream: streamMappingOf(m) } : {}),
    })),
    rules: [],
    notifications: [],
    subscriptions: [],
    ...(logGroup ? { logGroup: logGroup.retention ? { retention: logGroup.retention } : {} } : {}),
    ...(role ? { role } : {}),
  };
}

/** Log groups of the stage's functions (one paginated call for all of them): name -> retention days. */
async function readLogGroups(aws: AwsClients, manifest: ResolvedManifest): Promise<Map<string, number | undefined>> {
  const groups = new Map<string, number | undefined>();
  let token: string | undefined;
  do {
    const page = await aws.call('DescribeLogGroups', () => aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName(stagePrefix(manifest.service, manifest.stage)), nextToken: token })));
    for (const g of page.logGroups ?? []) if (g.logGroupName) groups.set(g.logGroupName, g.retentionInDays);
    token = page.nextToken;
  } while (token);
  return groups;
}

async function readRole(aws: AwsClients, manifest: ResolvedManifest, name: string): Promise<DeployedFunction['role']> {
  const role = await aws.find('GetRole', () => aws.iam.send(new GetRoleCommand({ RoleName: name })), { resource: name });
  if (!role?.Role) return undefined;
  let tags = role.Role.Tags;
  if (!tags?.length) tags = (await aws.call('ListRoleTags', () => aws.iam.send(new ListRoleTagsCommand({ RoleName: name })), { resource: name })).Tags;
  const tagMap = Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  if (!isOwned(tagMap, manifest.service, manifest.stage)) return undefined;
  const policy = await aws.find('GetRolePolicy', () => aws.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: INLINE_POLICY })), { resource: name });
  const doc = parsePolicyDocument(policy?.PolicyDocument);
  return { name, arn: role.Role.Arn ?? '', ...(doc ? { policy: canonicalPolicy(doc) } : {}) };
}

async function readRules(aws: AwsClients, manifest: ResolvedManifest): Promise<DeployedRule[]> {
  const rules: DeployedRule[] = [];
  let token: string | undefined;
  const prefix = stagePrefix(manifest.service, manifest.stage).slice(0, 50);
  const found: { Name?: string; Arn?: string; ScheduleExpression?: string; State?: string }[] = [];
  do {
    const page = await aws.call('ListRules', () => aws.events.send(new ListRulesCommand({ NamePrefix: prefix, NextToken: token })));
    found.push(...(page.Rules ?? []));
    token = page.NextToken;
  } while (token);
  for (const r of found) {
    if (!r.Name || !r.Arn) continue;
    const tags = await aws.call('ListTagsForResource', () => aws.events.send(new ListTagsForResourceCommand({ ResourceARN: r.Arn })), { resource: r.Name });
    const tagMap = Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    if (!isOwned(tagMap, manifest.service, manifest.stage)) continue;
    const targets = await aws.call('ListTargetsByRule', () => aws.events.send(new ListTargetsByRuleCommand({ Rule: r.Name })), { resource: r.Name });
    const fnxTarget = (targets.Targets ?? []).find((t) => t.Id === 'fnx');
    rules.push({
      name: r.Name,
      arn: r.Arn,
      expression: r.ScheduleExpression ?? '',
      enabled: r.State !== 'DISABLED',
      targetIds: (targets.Targets ?? []).map((t) => t.Id ?? ''),
      ...(fnxTarget?.Arn ? { targetArn: fnxTarget.Arn } : {}),
    });
  }
  return rules;
}

async function readApi(aws: AwsClients, manifest: ResolvedManifest): Promise<DeployedApi | undefined> {
  const name = apiName(manifest.service, manifest.stage);
  let token: string | undefined;
  let found: { ApiId?: string; ApiEndpoint?: string; Tags?: Record<string, string> } | undefined;
  do {
    const page = await aws.call('GetApis', () => aws.apigw.send(new GetApisCommand({ NextToken: token })));
    found = (page.Items ?? []).find((a) => a.Name === name && isOwned(a.Tags, manifest.service, manifest.stage));
    token = found ? undefined : page.NextToken;
  } while (token);
  if (!found?.ApiId) return undefined;
  const id = found.ApiId;
  const [integrations, routes, stages] = await Promise.all([
    aws.call('GetIntegrations', () => aws.apigw.send(new GetIntegrationsCommand({ ApiId: id })), { resource: name }),
    aws.call('GetRoutes', () => aws.apigw.send(new GetRoutesCommand({ ApiId: id })), { resource: name }),
    aws.call('GetStages', () => aws.apigw.send(new GetStagesCommand({ ApiId: id })), { resource: name }),
  ]);
  return {
    id,
    endpoint: found.ApiEndpoint ?? '',
    hasDefaultStage: (stages.Items ?? []).some((s) => s.StageName === '$default'),
    integrations: (integrations.Items ?? []).map((i) => ({ id: i.IntegrationId ?? '', uri: i.IntegrationUri ?? '' })),
    routes: (routes.Items ?? []).map((r) => ({ id: r.RouteId ?? '', key: r.RouteKey ?? '', target: r.Target ?? '', authorization: r.AuthorizationType ?? 'NONE' })),
  };
}

/** Manifest names of layers published for this stage, found by the name prefix. */
async function stageLayers(aws: AwsClients, manifest: ResolvedManifest): Promise<string[]> {
  const prefix = stagePrefix(manifest.service, manifest.stage);
  const found: string[] = [];
  let marker: string | undefined;
  do {
    const page = await aws.call('ListLayers', () => aws.lambda.send(new ListLayersCommand({ Marker: marker })));
    for (const l of page.Layers ?? []) {
      if (l.LayerName?.startsWith(prefix) && layerDescriptionHash(l.LatestMatchingVersion?.Description) !== undefined) found.push(l.LayerName.slice(prefix.length));
    }
    marker = page.NextMarker;
  } while (marker);
  return found;
}

async function readLayer(aws: AwsClients, layer: string, name: string): Promise<DeployedLayer> {
  const versions: { arn: string; version: number; description: string }[] = [];
  let marker: string | undefined;
  do {
    const page = await aws.call('ListLayerVersions', () => aws.lambda.send(new ListLayerVersionsCommand({ LayerName: name, Marker: marker })), { resource: name });
    for (const v of page.LayerVersions ?? []) versions.push({ arn: v.LayerVersionArn ?? '', version: v.Version ?? 0, description: v.Description ?? '' });
    marker = page.NextMarker;
  } while (marker);
  const ours = versions.filter((v) => layerDescriptionHash(v.description) !== undefined).sort((a, b) => b.version - a.version);
  const latest = ours[0];
  return {
    layer,
    name,
    ...(latest ? { latest: { arn: latest.arn, version: latest.version, sha256: layerDescriptionHash(latest.description)! } } : {}),
    versions: ours.map((v) => v.version),
  };
}

/** Bucket names and topic ARNs to look at: the manifest's plus those the functions' permissions name. */
function eventSources(manifest: ResolvedManifest, functions: readonly DeployedFunction[], region: string, account: string) {
  const buckets = new Set<string>();
  const topics = new Set<string>();
  for (const f of awsFunctions(manifest)) {
    for (const t of f.triggers) {
      if (t.kind === 'storage') buckets.add(t.bucket);
      if (t.kind === 'topic') topics.add(t.name.startsWith('arn:') ? t.name : arn.topic(region, account, t.name));
    }
  }
  for (const f of functions) {
    for (const s of f.statements) {
      if (s.principal === 's3.amazonaws.com' && s.sourceArn) buckets.add(s.sourceArn.replace('arn:aws:s3:::', ''));
      if (s.principal === 'sns.amazonaws.com' && s.sourceArn) topics.add(s.sourceArn);
    }
  }
  return { buckets: [...buckets].sort(), topics: [...topics].sort() };
}

/** `checkedAccount` resolves the account id checked against providers.aws.accountId (the driver passes its memoised check, so one run asks STS once). */
export async function inspectStage(aws: AwsClients, manifest: ResolvedManifest, concurrency: number, checkedAccount: Promise<string> = accountId(aws, manifest)): Promise<AwsDeployed> {
  const region = aws.settings.region;
  const account = await checkedAccount;
  const limit = pLimit(Math.max(1, concurrency));
  const [names, logGroups] = await Promise.all([candidateNames(aws, manifest), readLogGroups(aws, manifest)]);
  const layerNames = [...new Set([...awsFunctions(manifest).flatMap((f) => f.layers), ...(await stageLayers(aws, manifest))])].sort();
  const [read, rules, api, layers, streamSources] = await Promise.all([
    Promise.all(names.map((n) => limit(() => readFunction(aws, manifest, region, account, n, logGroups)))),
    readRules(aws, manifest),
    readApi(aws, manifest),
    Promise.all(layerNames.map((l) => limit(() => readLayer(aws, l, layerName(manifest.service, manifest.stage, l))))),
    readStreamSources(aws, manifest, { region, accountId: account }, limit),
  ]);
  const owned = read.filter((f): f is DeployedFunction => f !== undefined);
  const { buckets, topics } = eventSources(manifest, owned, region, account);
  const byAlias = new Map(owned.map((f) => [arn.alias(region, account, f.name), f]));
  const notifications = new Map<string, DeployedFunction['notifications'][number][]>();
  const subscriptions = new Map<string, DeployedFunction['subscriptions'][number][]>();
  const missingBuckets: string[] = [];
  const missingTopics: string[] = [];
  await Promise.all([
    ...buckets.map((bucket) =>
      limit(async () => {
        const conf = await aws.find('GetBucketNotificationConfiguration', () => aws.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })), { resource: bucket });
        if (!conf) missingBuckets.push(bucket);
        for (const c of conf?.LambdaFunctionConfigurations ?? []) {
          const target = byAlias.get(c.LambdaFunctionArn ?? '');
          if (!target || !c.Id?.startsWith('fnx-')) continue;
          const rules = c.Filter?.Key?.FilterRules ?? [];
          const prefix = rules.find((r) => r.Name?.toLowerCase() === 'prefix')?.Value;
          const suffix = rules.find((r) => r.Name?.toLowerCase() === 'suffix')?.Value;
          const list = notifications.get(target.name) ?? [];
          list.push({ bucket, id: c.Id, functionArn: c.LambdaFunctionArn ?? '', events: [...(c.Events ?? [])].sort(), ...(prefix ? { prefix } : {}), ...(suffix ? { suffix } : {}) });
          notifications.set(target.name, list);
        }
      }),
    ),
    ...topics.map((topicArn) =>
      limit(async () => {
        let token: string | undefined;
        do {
          const page = await aws.find('ListSubscriptionsByTopic', () => aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token })), { resource: topicArn });
          if (!page && token === undefined) missingTopics.push(topicArn);
          for (const s of page?.Subscriptions ?? []) {
            const target = byAlias.get(s.Endpoint ?? '');
            if (!target || s.Protocol !== 'lambda' || !s.SubscriptionArn || s.SubscriptionArn === 'PendingConfirmation') continue;
            const list = subscriptions.get(target.name) ?? [];
            list.push({ topicArn, subscriptionArn: s.SubscriptionArn });
            subscriptions.set(target.name, list);
          }
          token = page?.NextToken;
        } while (token);
      }),
    ),
  ]);
  const functions: Record<string, DeployedFunction> = {};
  for (const f of owned) {
    const aliasArn = arn.alias(region, account, f.name);
    functions[f.fn] = {
      ...f,
      rules: rules.filter((r) => r.targetArn === aliasArn),
      notifications: notifications.get(f.name) ?? [],
      subscriptions: subscriptions.get(f.name) ?? [],
    };
  }
  return {
    accountId: account,
    region,
    functions,
    layers: Object.fromEntries(layers.map((l) => [l.layer, l])),
    ...(api ? { api } : {}),
    ...(missingBuckets.length || missingTopics.length ? { missingSources: { buckets: missingBuckets.sort(), topics: missingTopics.sort() } } : {}),
    ...(streamSources ? { streamSources } : {}),
  };
}
