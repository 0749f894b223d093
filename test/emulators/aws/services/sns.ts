// SNS (awsQuery): topics, subscriptions, tags.
import { randomUUID } from 'node:crypto';
import { AwsError, XmlMap, formList, formMap, formStructs, parseForm, queryError, queryRes, type HttpReq, type Routed, type ServiceHandler } from '../protocol.js';
import type { Emulator } from '../emulator.js';
import type { SnsTopic } from '../state.js';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);

type Form = Record<string, string>;

function required(form: Form, key: string): string {
  const v = form[key];
  if (v === undefined || v === '') throw new AwsError('InvalidParameter', `Invalid parameter: ${key}`, 400);
  return v;
}

function topicOf(em: Emulator, arn: string): SnsTopic {
  const t = em.state.sns.topics.get(arn);
  if (!t) throw new AwsError('NotFound', 'Topic does not exist', 404);
  return t;
}

function subscriptionOutput(t: SnsTopic, s: { arn: string; protocol: string; endpoint: string }, em: Emulator): Record<string, unknown> {
  return { SubscriptionArn: s.arn, Owner: em.accountId, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: t.arn };
}

function tagsFrom(form: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of formStructs(form, 'Tags')) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

function topicByResource(em: Emulator, arn: string): SnsTopic {
  const t = em.state.sns.topics.get(arn);
  if (!t) throw new AwsError('ResourceNotFound', 'Resource does not exist', 404);
  return t;
}

type Op = (em: Emulator, form: Form) => unknown;

const ops: Record<string, Op> = {
  CreateTopic(em, form) {
    const name = required(form, 'Name');
    if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(name)) throw new AwsError('InvalidParameter', 'Invalid parameter: Topic Name', 400);
    const arn = em.arn('sns', name);
    const existing = em.state.sns.topics.get(arn);
    if (!existing) {
      em.state.sns.topics.set(arn, { arn, name, attributes: formMap(form, 'Attributes'), tags: tagsFrom(form), subscriptions: new Map() });
    }
    return { TopicArn: arn };
  },
  DeleteTopic(em, form) {
    em.state.sns.topics.delete(required(form, 'TopicArn'));
    return undefined;
  },
  ListTopics(em) {
    return { Topics: [...em.state.sns.topics.keys()].map((TopicArn) => ({ TopicArn })) };
  },
  GetTopicAttributes(em, form) {
    const t = topicOf(em, required(form, 'TopicArn'));
    const subs = [...t.subscriptions.values()];
    return {
      Attributes: new XmlMap({
        TopicArn: t.arn,
        Owner: em.accountId,
        DisplayName: '',
        SubscriptionsConfirmed: String(subs.length),
        SubscriptionsPending: '0',
        SubscriptionsDeleted: '0',
        Policy: JSON.stringify({ Version: '2008-10-17', Id: '__default_policy_ID', Statement: [] }),
        ...t.attributes,
      }),
    };
  },
  SetTopicAttributes(em, form) {
    const t = topicOf(em, required(form, 'TopicArn'));
    t.attributes[required(form, 'AttributeName')] = form.AttributeValue ?? '';
    return undefined;
  },
  Subscribe(em, form) {
    const t = topicOf(em, required(form, 'TopicArn'));
    const protocol = required(form, 'Protocol');
    if (!PROTOCOLS.has(protocol)) throw new AwsError('InvalidParameter', `Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`, 400);
    const endpoint = required(form, 'Endpoint');
    if (protocol === 'lambda' && !/^arn:aws[a-z-]*:lambda:/.test(endpoint)) throw new AwsError('InvalidParameter', 'Invalid parameter: Lambda endpoint ARN', 400);
    const existing = [...t.subscriptions.values()].find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (existing) return { SubscriptionArn: existing.arn };
    const arn = `${t.arn}:${randomUUID()}`;
    t.subscriptions.set(arn, { arn, protocol, endpoint, attributes: formMap(form, 'Attributes') });
    return { SubscriptionArn: arn };
  },
  Unsubscribe(em, form) {
    const arn = required(form, 'SubscriptionArn');
    const topic = [...em.state.sns.topics.values()].find((t) => t.subscriptions.has(arn));
    if (!topic) throw new AwsError('NotFound', 'Subscription does not exist', 404);
    topic.subscriptions.delete(arn);
    return undefined;
  },
  ListSubscriptionsByTopic(em, form) {
    const t = topicOf(em, required(form, 'TopicArn'));
    return { Subscriptions: [...t.subscriptions.values()].map((s) => subscriptionOutput(t, s, em)) };
  },
  ListSubscriptions(em) {
    return { Subscriptions: [...em.state.sns.topics.values()].flatMap((t) => [...t.subscriptions.values()].map((s) => subscriptionOutput(t, s, em))) };
  },
  TagResource(em, form) {
    const t = topicByResource(em, required(form, 'ResourceArn'));
    Object.assign(t.tags, tagsFrom(form));
    return {};
  },
  UntagResource(em, form) {
    const t = topicByResource(em, required(form, 'ResourceArn'));
    for (const k of formList(form, 'TagKeys')) delete t.tags[k];
    return {};
  },
  ListTagsForResource(em, form) {
    const t = topicByResource(em, required(form, 'ResourceArn'));
    return { Tags: Object.entries(t.tags).map(([Key, Value]) => ({ Key, Value })) };
  },
};

export function createSnsService(em: Emulator): ServiceHandler {
  return {
    name: 'sns',
    route(req: HttpReq): Routed {
      const form = parseForm(req);
      const action = form.Action ?? '';
      const op = ops[action];
      if (!op) throw new AwsError('InvalidAction', `Could not find operation ${action || '(none)'} for version 2010-03-31`, 400);
      const { Action: _a, Version: _v, ...input } = form;
      return { operation: action, input, execute: () => queryRes(action, XMLNS, op(em, form)) };
    },
    error: (err) => queryError(err, XMLNS),
    throttleError: () => new AwsError('Throttled', 'Rate exceeded', 429),
    internalError: () => new AwsError('InternalError', 'An internal error occurred (injected fault).', 500),
  };
}
