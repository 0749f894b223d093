import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AddPermissionCommand, CreateAliasCommand, CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import {
  AttachRolePolicyCommand, CreateRoleCommand, DeleteConflictException, DeleteRoleCommand, DetachRolePolicyCommand, EntityAlreadyExistsException, GetRoleCommand,
  GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, ListRoleTagsCommand, NoSuchEntityException, PutRolePolicyCommand,
  DeleteRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DeleteRuleCommand, DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand, PutRuleCommand,
  PutTargetsCommand, RemoveTargetsCommand, ResourceNotFoundException as EventsNotFound,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateBucketCommand, GetBucketNotificationConfigurationCommand, GetBucketTaggingCommand, HeadBucketCommand, ListObjectsV2Command, NoSuchBucket,
  PutBucketNotificationConfigurationCommand, PutBucketTaggingCommand, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  ApiGatewayV2Client, ConflictException, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand, DeleteApiCommand, GetApisCommand,
  GetRoutesCommand, GetTagsCommand, NotFoundException, TagResourceCommand, DeleteIntegrationCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CreateTopicCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, NotFoundException as SnsNotFound, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand, InvalidParameterException, PutRetentionPolicyCommand,
  ResourceAlreadyExistsException, ListTagsForResourceCommand as LogsListTags, TagResourceCommand as LogsTagResource,
} from '@aws-sdk/client-cloudwatch-logs';
import { startAwsEmulator, type AwsEmulator } from './index.js';
import { FakeClock, useEmulatorEnv, zipOf } from './helpers.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

let em: AwsEmulator;
const clock = new FakeClock();

beforeAll(async () => {
  em = await startAwsEmulator({ clock, asyncDelayMs: 100 });
  useEmulatorEnv(em.env());
});

afterAll(async () => {
  await em.close();
});

beforeEach(() => em.reset());

/** A function with a published version 1 and alias live, Active. */
async function liveFunction(name: string): Promise<string> {
  const iam = new IAMClient({});
  const lambda = new LambdaClient({});
  const role = await iam.send(new CreateRoleCommand({ RoleName: `${name}-role`, AssumeRolePolicyDocument: TRUST }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: role.Role?.Arn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(name) } }));
  clock.advance(100);
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  clock.advance(100);
  const alias = await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
  return alias.AliasArn ?? '';
}

describe('IAM and STS', () => {
  it('manages roles and their policies with AWS error classes and URL-encoded documents', async () => {
    const iam = new IAMClient({});
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'fnx:stage', Value: 'prod' }] }));
    expect(created.Role?.Arn).toBe('arn:aws:iam::000000000000:role/app');
    await expect(iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }))).rejects.toBeInstanceOf(EntityAlreadyExistsException);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'app' }));
    expect(JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(JSON.parse(TRUST));
    expect(got.Role?.CreateDate).toBeInstanceOf(Date);
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'logs', PolicyDocument: doc }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'app' }))).PolicyNames).toEqual(['logs']);
    expect(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'logs' }))).PolicyDocument ?? '')).toBe(doc);
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app' }))).AttachedPolicies?.[0]?.PolicyName).toBe('AWSLambdaBasicExecutionRole');
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'app' }))).Tags).toEqual([{ Key: 'fnx:stage', Value: 'prod' }]);
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'app' }))).rejects.toBeInstanceOf(DeleteConflictException);
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: Array.from({ length: 110 }, (_, i) => `arn:aws:ssm:us-east-1:000000000000:parameter/p${i}`) }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'big', PolicyDocument: big }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'big', PolicyDocument: big }));
    await expect(iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'big2', PolicyDocument: big }))).rejects.toThrow('Maximum policy size of 10240 bytes exceeded for role app');
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'app', PolicyName: 'big' }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'app', PolicyName: 'logs' }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'app' }));
    await expect(iam.send(new GetRoleCommand({ RoleName: 'app' }))).rejects.toBeInstanceOf(NoSuchEntityException);
  });

  it('refuses a role whose name differs from an existing one only in case, as IAM does', async () => {
    const iam = new IAMClient({});
    await iam.send(new CreateRoleCommand({ RoleName: 'shop-dev-Api-role', AssumeRolePolicyDocument: TRUST }));
    const twin = iam.send(new CreateRoleCommand({ RoleName: 'shop-dev-api-role', AssumeRolePolicyDocument: TRUST }));
    await expect(twin).rejects.toBeInstanceOf(EntityAlreadyExistsException);
    await expect(twin).rejects.toThrow('Role with name shop-dev-api-role already exists.');
  });

  it('answers GetCallerIdentity with the emulated account', async () => {
    const id = await new STSClient({}).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe('000000000000');
  });
});

describe('EventBridge and SQS', () => {
  it('manages schedule rules and targets; a rule with targets cannot be deleted', async () => {
    // ValidationException is not modelled in the SDK (as on AWS): it arrives as a named EventBridgeServiceException.
    const events = new EventBridgeClient({});
    await expect(events.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(5 minute)' }))).rejects.toMatchObject({ name: 'ValidationException' });
    for (const bad of ['rate(1 minutes)', 'cron(0 2 * * *)', 'cron(0 2 * * * *)', 'cron(0 2 ? * ? *)', 'cron(0 2 1 * 1 *)', 'cron(*/60 * * * ? *)', 'cron(0 24 * * ? *)', 'cron(0 2 ? * 0 *)']) {
      await expect(events.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: bad })), bad).rejects.toMatchObject({ name: 'ValidationException' });
    }
    for (const good of ['rate(1 minute)', 'cron(0 2 * * ? *)', 'cron(*/15 * * * ? *)', 'cron(0 9 ? * MON-FRI *)', 'cron(0 9 ? * 2-6 *)', 'cron(0 0 L * ? *)', 'cron(0 0 ? * 6#3 *)', 'cron(0/5 8-17 ? JAN,JUL 1,7 2027)']) {
      await events.send(new PutRuleCommand({ Name: 'good', ScheduleExpression: good }));
    }
    const rule = await events.send(new PutRuleCommand({ Name: 'svc-prod-tick', ScheduleExpression: 'rate(5 minutes)', Tags: [{ Key: 'fnx:service', Value: 'svc' }] }));
    expect(rule.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/svc-prod-tick');
    await events.send(new PutTargetsCommand({ Rule: 'svc-prod-tick', Targets: [{ Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f:live' }] }));
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: 'svc-prod-tick' }))).Targets?.map((t) => t.Id)).toEqual(['fn']);
    await expect(events.send(new DeleteRuleCommand({ Name: 'svc-prod-tick' }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect((await events.send(new ListRulesCommand({ NamePrefix: 'svc-' }))).Rules?.map((r) => r.Name)).toEqual(['svc-prod-tick']);
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: rule.RuleArn }))).Tags).toEqual([{ Key: 'fnx:service', Value: 'svc' }]);
    await events.send(new RemoveTargetsCommand({ Rule: 'svc-prod-tick', Ids: ['fn'] }));
    await events.send(new DeleteRuleCommand({ Name: 'svc-prod-tick' }));
    await expect(events.send(new DescribeRuleCommand({ Name: 'svc-prod-tick' }))).rejects.toBeInstanceOf(EventsNotFound);
  });

  it('creates queues and reports their attributes; a missing queue is QueueDoesNotExist', async () => {
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout'] }));
    expect(attrs.Attributes).toEqual({ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:jobs', VisibilityTimeout: '30' });
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }))).QueueUrl).toBe(QueueUrl);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('S3', () => {
  it('keeps other notifications on read-modify-write and validates Lambda destinations', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'uploads' }));
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'nobucket' }))).rejects.toBeInstanceOf(S3ServiceException);
    await expect(s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'nobucket' }))).rejects.toBeInstanceOf(NoSuchBucket);
    const aliasArn = await liveFunction('thumb');
    const other = { Id: 'someone-else', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:other', Events: ['s3:ObjectRemoved:*' as const] };
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'uploads', NotificationConfiguration: { QueueConfigurations: [other] } }));
    const mine = { Id: 'fnx-thumb', LambdaFunctionArn: aliasArn, Events: ['s3:ObjectCreated:*' as const], Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'images/' }, { Name: 'suffix' as const, Value: '.jpg' }] } } };
    const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'uploads' }));
    const write = () =>
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'uploads', NotificationConfiguration: { QueueConfigurations: current.QueueConfigurations, LambdaFunctionConfigurations: [mine] } }));
    await expect(write()).rejects.toThrow(/Unable to validate the following destination configurations/);
    const lambda = new LambdaClient({});
    await lambda.send(new AddPermissionCommand({ FunctionName: aliasArn, StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads' }));
    await write();
    const after = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'uploads' }));
    expect(after.QueueConfigurations).toEqual([{ Id: 'someone-else', QueueArn: other.QueueArn, Events: ['s3:ObjectRemoved:*'] }]);
    // As S3 does: rule names sent as prefix/suffix come back as Prefix/Suffix, and are accepted back in that form.
    expect(after.LambdaFunctionConfigurations).toEqual([{ ...mine, Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'images/' }, { Name: 'Suffix', Value: '.jpg' }] } } }]);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'uploads', NotificationConfiguration: { QueueConfigurations: after.QueueConfigurations, LambdaFunctionConfigurations: after.LambdaFunctionConfigurations } }));
    const overlapping = { ...mine, Id: 'fnx-thumb-2', Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'images/big/' }] } } };
    await expect(
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'uploads', NotificationConfiguration: { LambdaFunctionConfigurations: [...(after.LambdaFunctionConfigurations ?? []), overlapping] } })),
    ).rejects.toThrow(/overlap/);
  });

  it('stores objects (including streamed ones), lists them and tags buckets', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'svc/fn.zip', Body: body }));
    const { Readable } = await import('node:stream');
    await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'svc/streamed.zip', Body: Readable.from([Buffer.from('abc'), Buffer.from('def')]), ContentLength: 6 }));
    expect(em.state.s3.buckets.get('artifacts')?.objects.get('svc/fn.zip')?.body.equals(body)).toBe(true);
    expect(em.state.s3.buckets.get('artifacts')?.objects.get('svc/streamed.zip')?.body.toString()).toBe('abcdef');
    const list = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'svc/' }));
    expect(list.Contents?.map((o) => [o.Key, o.Size])).toEqual([['svc/fn.zip', body.length], ['svc/streamed.zip', 6]]);
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'artifacts', Tagging: { TagSet: [{ Key: 'fnx:managed', Value: 'true' }] } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: 'artifacts' }))).TagSet).toEqual([{ Key: 'fnx:managed', Value: 'true' }]);
  });
});

describe('API Gateway v2', () => {
  it('builds an HTTP API whose endpoint invokes the integrated alias once permitted', async () => {
    const api = new ApiGatewayV2Client({});
    const aliasArn = await liveFunction('orders');
    const created = await api.send(new CreateApiCommand({ Name: 'svc-prod', ProtocolType: 'HTTP', Tags: { 'fnx:service': 'svc' } }));
    expect(created.ApiEndpoint).toBe(`${em.url}/_apigw/${created.ApiId}`);
    expect(created.CreatedDate).toBeInstanceOf(Date);
    const apiId = created.ApiId ?? '';
    const integration = await api.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: aliasArn, PayloadFormatVersion: '2.0' }));
    const route = await api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'POST /orders', Target: `integrations/${integration.IntegrationId}` }));
    expect(route.RouteKey).toBe('POST /orders');
    await expect(api.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'POST /orders', Target: `integrations/${integration.IntegrationId}` }))).rejects.toBeInstanceOf(ConflictException);
    await expect(api.send(new DeleteIntegrationCommand({ ApiId: apiId, IntegrationId: integration.IntegrationId }))).rejects.toBeInstanceOf(ConflictException);
    await api.send(new CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
    expect((await api.send(new GetRoutesCommand({ ApiId: apiId }))).Items?.map((r) => r.RouteKey)).toEqual(['POST /orders']);
    const arn = `arn:aws:apigateway:us-east-1::/apis/${apiId}`;
    await api.send(new TagResourceCommand({ ResourceArn: arn, Tags: { 'fnx:stage': 'prod' } }));
    expect((await api.send(new GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ 'fnx:service': 'svc', 'fnx:stage': 'prod' });

    em.setInvokeHandler((fn, version, payload) => ({ statusCode: 201, body: JSON.stringify({ fn, version, path: (payload as { rawPath: string }).rawPath }) }));
    const denied = await fetch(`${created.ApiEndpoint}/orders`, { method: 'POST', body: '{}' });
    expect(denied.status).toBe(500);
    await new LambdaClient({}).send(
      new AddPermissionCommand({ FunctionName: aliasArn, StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: `arn:aws:execute-api:us-east-1:000000000000:${apiId}/*/*` }),
    );
    const ok = await fetch(`${created.ApiEndpoint}/orders`, { method: 'POST', body: '{}' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ fn: 'orders', version: '1', path: '/orders' });
    expect((await fetch(`${created.ApiEndpoint}/nothing`)).status).toBe(404);

    expect((await api.send(new GetApisCommand({}))).Items?.map((a) => a.Name)).toEqual(['svc-prod']);
    await api.send(new DeleteApiCommand({ ApiId: apiId }));
    await expect(api.send(new DeleteApiCommand({ ApiId: apiId }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('SNS, CloudWatch and Logs', () => {
  it('subscribes a Lambda alias to a topic', async () => {
    const sns = new SNSClient({});
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'events' }));
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:events');
    const endpoint = 'arn:aws:lambda:us-east-1:000000000000:function:f:live';
    const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: endpoint, ReturnSubscriptionArn: true }));
    const again = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: endpoint }));
    expect(again.SubscriptionArn).toBe(sub.SubscriptionArn);
    const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(subs.Subscriptions?.map((s) => [s.Protocol, s.Endpoint])).toEqual([['lambda', endpoint]]);
    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes?.SubscriptionsConfirmed).toBe('1');
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub.SubscriptionArn }));
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn: `${TopicArn}-x` }))).rejects.toBeInstanceOf(SnsNotFound);
  });

  it('refuses a topic that does not exist the way SNS does: NotFound (404) "Topic does not exist" on every topic call', async () => {
    const sns = new SNSClient({});
    const TopicArn = 'arn:aws:sns:us-east-1:000000000000:never-created';
    const endpoint = 'arn:aws:lambda:us-east-1:000000000000:function:f:live';
    for (const call of [
      () => sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: endpoint })),
      () => sns.send(new ListSubscriptionsByTopicCommand({ TopicArn })),
      () => sns.send(new GetTopicAttributesCommand({ TopicArn })),
    ]) {
      const err = (await call().catch((e: unknown) => e)) as SnsNotFound;
      expect(err).toBeInstanceOf(SnsNotFound);
      expect([err.message, err.$metadata.httpStatusCode]).toEqual(['Topic does not exist', 404]);
    }
  });

  it('reports alarm states and Lambda metrics under the dimension sets Lambda publishes (alias traffic: Resource=fn:alias + ExecutedVersion, not Resource=fn:version)', async () => {
    const cw = new CloudWatchClient({});
    em.setAlarm('svc-errors', 'ALARM', 'Threshold crossed');
    em.setAlarm('svc-latency', 'OK');
    const alarms = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['svc-errors', 'svc-latency', 'absent'] }));
    expect(alarms.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue])).toEqual([['svc-errors', 'ALARM'], ['svc-latency', 'OK']]);
    const start = clock.now();
    em.recordMetrics('orders', '2', { invocations: 40, errors: 3 }, { alias: 'live' });
    em.recordMetrics('orders', '1', { invocations: 360, errors: 0 }, { alias: 'live' });
    clock.advance(30_000);
    em.recordMetrics('orders', '2', { invocations: 10, errors: 1 }, { alias: 'live' });
    const dims = [{ Name: 'FunctionName', Value: 'orders' }, { Name: 'Resource', Value: 'orders:live' }, { Name: 'ExecutedVersion', Value: '2' }];
    const data = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(start + 60_000),
        MetricDataQueries: ['Errors', 'Invocations'].map((MetricName) => ({ Id: MetricName.toLowerCase(), MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName, Dimensions: dims }, Period: 60, Stat: 'Sum' } })),
      }),
    );
    expect(data.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([['errors', [4]], ['invocations', [50]]]);
    expect(data.MetricDataResults?.[0]?.Timestamps?.[0]).toEqual(new Date(start));
    const stats = await cw.send(
      new GetMetricStatisticsCommand({ Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'orders' }, { Name: 'Resource', Value: 'orders:1' }], StartTime: new Date(start), EndTime: new Date(start + 60_000), Period: 60, Statistics: ['Sum'] }),
    );
    expect(stats.Datapoints?.map((d) => d.Sum)).toEqual([]);
    em.recordMetrics('orders', '1', { invocations: 7, errors: 0 });
    const sumOf = async (Dimensions: { Name: string; Value: string }[]) =>
      (await cw.send(new GetMetricStatisticsCommand({ Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions, StartTime: new Date(start), EndTime: new Date(start + 60_000), Period: 60, Statistics: ['Sum'] }))).Datapoints?.map((d) => d.Sum);
    expect(await sumOf([{ Name: 'FunctionName', Value: 'orders' }, { Name: 'Resource', Value: 'orders:1' }])).toEqual([7]);
    expect(await sumOf([{ Name: 'FunctionName', Value: 'orders' }, { Name: 'Resource', Value: 'orders:live' }])).toEqual([410]);
    expect(await sumOf([{ Name: 'FunctionName', Value: 'orders' }])).toEqual([417]);
    expect(await sumOf([{ Name: 'FunctionName', Value: 'orders' }, { Name: 'ExecutedVersion', Value: '2' }])).toEqual([]);
  });

  it('manages log groups with retention and tags', async () => {
    const logs = new CloudWatchLogsClient({});
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/svc-prod-fn', tags: { 'fnx:service': 'svc' } }));
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/svc-prod-fn' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(logs.send(new PutRetentionPolicyCommand({ logGroupName: '/aws/lambda/svc-prod-fn', retentionInDays: 10 }))).rejects.toBeInstanceOf(InvalidParameterException);
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/aws/lambda/svc-prod-fn', retentionInDays: 14 }));
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/svc-' }));
    expect(groups.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([['/aws/lambda/svc-prod-fn', 14]]);
    const arn = groups.logGroups?.[0]?.logGroupArn ?? '';
    await logs.send(new LogsTagResource({ resourceArn: arn, tags: { 'fnx:stage': 'prod' } }));
    expect((await logs.send(new LogsListTags({ resourceArn: arn }))).tags).toEqual({ 'fnx:service': 'svc', 'fnx:stage': 'prod' });
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/aws/lambda/svc-prod-fn' }));
    expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
  });
});
