/**
 * topic triggers: an SNS subscription (protocol lambda) of the alias, with an invoke permission.
 * The topic is checked before the permission is added, so a missing topic leaves nothing behind.
 */
import { GetTopicAttributesCommand, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { DesiredFunction } from '../../desired.js';
import { missingTopic } from '../../missing-source.js';
import { statementId } from '../../names.js';
import { changes, type ApplyContext } from '../context.js';
import { allow, revoke } from './permission.js';

export async function applyTopics(ctx: ApplyContext, d: DesiredFunction): Promise<void> {
  const { aws } = ctx;
  for (const t of d.triggers) {
    if (t.kind !== 'topic' || !changes(ctx, `trigger:${d.fn}:${t.key}`)) continue;
    const topic = await aws.find('GetTopicAttributes', () => aws.sns.send(new GetTopicAttributesCommand({ TopicArn: t.topicArn })), { resource: t.topicArn });
    if (!topic) throw missingTopic(d.fn, t.topicArn);
    await allow(ctx, d.name, t.statementId, 'sns.amazonaws.com', t.topicArn);
    await aws.call('Subscribe', () => aws.sns.send(new SubscribeCommand({ TopicArn: t.topicArn, Protocol: 'lambda', Endpoint: d.aliasArn, ReturnSubscriptionArn: true })), { resource: t.topicArn });
  }
  const cur = ctx.detail.deployed.functions[d.fn];
  for (const s of cur?.subscriptions ?? []) {
    if (changes(ctx, `trigger:${d.fn}:topic:${s.topicArn}`)?.op !== 'delete') continue;
    await aws.find('Unsubscribe', () => aws.sns.send(new UnsubscribeCommand({ SubscriptionArn: s.subscriptionArn })), { resource: s.topicArn });
    await revoke(ctx, d.name, statementId.topic(s.topicArn));
  }
}
