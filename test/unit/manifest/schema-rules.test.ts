/**
 * Every schema rule with a good and a bad example. Each case is a function body (YAML under
 * `functions.f`) or a whole-manifest tweak; good must validate, bad must fail with the code.
 */
import { describe, expect, it } from 'vitest';
import { check } from './fixtures.js';
import schema from '../../../schemas/fnx.schema.json' with { type: 'json' };

const AWS = 'aws: { region: us-east-1 }';

/** A manifest with one function `f` whose body is `fn` (indented by the helper). */
function manifest(fn: string, top = '', providers = AWS): string {
  const body = fn
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  const handler = /^handler:/m.test(fn.trim()) ? '' : '    handler: src/f.handler\n';
  return `service: svc\nproviders:\n  ${providers}\n${top}functions:\n  f:\n${handler}${body}\n  other:\n    handler: src/o.handler\n`;
}

interface Case {
  rule: string;
  good: string;
  bad: string;
  code: string;
}

const fn = (rule: string, good: string, bad: string, code: string): Case => ({ rule, good: manifest(good), bad: manifest(bad), code });
const top = (rule: string, good: string, bad: string, code: string, providers = AWS): Case => ({
  rule,
  good: manifest('', good, providers),
  bad: manifest('', bad, providers),
  code,
});
const prov = (rule: string, good: string, bad: string, code: string): Case => ({ rule, good: manifest('', '', good), bad: manifest('', '', bad), code });
const whole = (rule: string, good: string, bad: string, code: string): Case => ({ rule, good, bad, code });

const cases: Case[] = [
  whole('service required', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'providers: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'E_SCHEMA_REQUIRED'),
  whole('service pattern', 'service: my-svc-2\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'service: 2svc\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'E_SCHEMA_PATTERN'),
  whole('providers required', 'service: a\nproviders: { gcp: { project: my-project, region: us-central1 } }\nfunctions: { f: { handler: a.b } }\n', 'service: a\nfunctions: { f: { handler: a.b } }\n', 'E_SCHEMA_REQUIRED'),
  whole('providers at least one', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'service: a\nproviders: {}\nfunctions: { f: { handler: a.b } }\n', 'E_SCHEMA_SIZE'),
  whole('providers known names', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'service: a\nproviders: { aws: { region: us-east-1 }, ibm: {} }\nfunctions: { f: { handler: a.b } }\n', 'E_SCHEMA_UNKNOWN_KEY'),
  whole('functions required', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'service: a\nproviders: { aws: { region: us-east-1 } }\n', 'E_SCHEMA_REQUIRED'),
  whole('functions at least one', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b } }\n', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: {}\n', 'E_SCHEMA_SIZE'),
  whole('function name pattern', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: { create-order: { handler: a.b } }\n', 'service: a\nproviders: { aws: { region: us-east-1 } }\nfunctions: { create_order: { handler: a.b } }\n', 'E_SCHEMA_NAME'),
  prov('aws region required', 'aws: { region: eu-west-1, accountId: "012345678901", profile: p, deploymentBucket: my.bucket-1, role: arn:aws:iam::012345678901:role/r }', 'aws: { profile: p }', 'E_SCHEMA_REQUIRED'),
  prov('aws region pattern', 'aws: { region: eu-west-1, accountId: "012345678901", profile: p, deploymentBucket: my.bucket-1, role: arn:aws:iam::012345678901:role/r }', 'aws: { region: US East }', 'E_SCHEMA_PATTERN'),
  prov('aws accountId pattern', 'aws: { region: eu-west-1, accountId: "012345678901", profile: p, deploymentBucket: my.bucket-1, role: arn:aws:iam::012345678901:role/r }', 'aws: { region: us-east-1, accountId: "12345" }', 'E_SCHEMA_PATTERN'),
  prov('aws deploymentBucket pattern', 'aws: { region: eu-west-1, accountId: "012345678901", profile: p, deploymentBucket: my.bucket-1, role: arn:aws:iam::012345678901:role/r }', 'aws: { region: us-east-1, deploymentBucket: Bad_Bucket }', 'E_SCHEMA_PATTERN'),
  prov('azure required keys', 'azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg-1, location: westeurope, plan: premium, storageAccount: store1 }', 'azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, location: westeurope }', 'E_SCHEMA_REQUIRED'),
  prov('azure subscriptionId pattern', 'azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg-1, location: westeurope, plan: premium, storageAccount: store1 }', 'azure: { subscriptionId: abc, resourceGroup: rg, location: westeurope }', 'E_SCHEMA_PATTERN'),
  prov('azure plan enum', 'azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg-1, location: westeurope, plan: premium, storageAccount: store1 }', 'azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: westeurope, plan: dedicated }', 'E_SCHEMA_ENUM'),
  prov('azure storageAccount pattern', 'azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg-1, location: westeurope, plan: premium, storageAccount: store1 }', 'azure: { subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: westeurope, storageAccount: Bad-Name }', 'E_SCHEMA_PATTERN'),
  prov('gcp project pattern', 'gcp: { project: my-project, region: europe-west1, serviceAccount: fn@my-project.iam.gserviceaccount.com }', 'gcp: { project: P, region: europe-west1 }', 'E_SCHEMA_PATTERN'),
  prov('gcp serviceAccount pattern', 'gcp: { project: my-project, region: europe-west1, serviceAccount: fn@my-project.iam.gserviceaccount.com }', 'gcp: { project: my-project, region: europe-west1, serviceAccount: nobody }', 'E_SCHEMA_PATTERN'),
  prov('tags are string maps', 'aws: { region: us-east-1, tags: { a: 1, b: x } }', 'aws: { region: us-east-1, tags: { a: [1] } }', 'E_SCHEMA_TYPE'),
  top('defaults known keys', 'defaults: { memory: 512 }\n', 'defaults: { handler: x.y }\n', 'E_SCHEMA_UNKNOWN_KEY'),
  fn('handler required', '', 'handler: ~', 'E_SCHEMA_TYPE'),
  fn('handler pattern', 'runtime: python3.12', 'handler: src/orders', 'E_SCHEMA_PATTERN'),
  fn('runtime enum', 'runtime: python3.13', 'runtime: java21', 'E_SCHEMA_ENUM'),
  fn('memory integer', 'memory: 1024', 'memory: 1.5', 'E_SCHEMA_TYPE'),
  fn('memory minimum', 'memory: 128', 'memory: 100', 'E_SCHEMA_RANGE'),
  fn('memory maximum', 'memory: 10240', 'memory: 40000', 'E_SCHEMA_RANGE'),
  fn('timeout minimum', 'timeout: 1', 'timeout: 0', 'E_SCHEMA_RANGE'),
  fn('architecture enum', 'architecture: arm64', 'architecture: arm', 'E_SCHEMA_ENUM'),
  fn('environment names', 'environment: { A_1: x }', 'environment: { 1A: x }', 'E_SCHEMA_NAME'),
  fn('environment string values', 'environment: { A: 1, B: true }', 'environment: { A: { nested: 1 } }', 'E_SCHEMA_TYPE'),
  fn('tracing boolean', 'tracing: true', 'tracing: sometimes', 'E_SCHEMA_TYPE'),
  fn('logRetention enum', 'logRetention: 30', 'logRetention: 31', 'E_SCHEMA_ENUM'),
  fn('concurrency keys', 'concurrency: { max: 5 }', 'concurrency: { min: 5 }', 'E_SCHEMA_UNKNOWN_KEY'),
  fn('concurrency max minimum', 'concurrency: { max: 1 }', 'concurrency: { max: 0 }', 'E_SCHEMA_RANGE'),
  fn('deadLetter exactly one', 'deadLetter: { topic: t }', 'deadLetter: {}', 'E_SCHEMA_ONE_OF'),
  fn('network required keys', 'network: { subnets: [s1], securityGroups: [sg] }', 'network: { subnets: [s1] }', 'E_SCHEMA_REQUIRED'),
  fn('network subnets non-empty', 'network: { subnets: [s1], securityGroups: [] }', 'network: { subnets: [], securityGroups: [sg] }', 'E_SCHEMA_SIZE'),
  fn('layers unique', 'layers: []', 'layers: [a, a]', 'E_SCHEMA_DUPLICATE_ITEM'),
  fn('package keys', 'package: { include: ["src/**"], exclude: ["**/*.md"] }', 'package: { files: ["src/**"] }', 'E_SCHEMA_UNKNOWN_KEY'),
  fn('package globs non-empty', 'package: { include: ["**"] }', 'package: { include: [""] }', 'E_SCHEMA_EMPTY'),
  fn('package trace is a boolean', 'package: { trace: false }', 'package: { trace: "no" }', 'E_SCHEMA_TYPE'),
  fn('package bundle enum', 'package: { bundle: esbuild }', 'package: { bundle: webpack }', 'E_SCHEMA_ENUM'),
  fn('package external names packages', 'package: { bundle: esbuild, external: [sharp, "@aws-sdk/*", "pkg/sub"] }', 'package: { external: ["Not A Package"] }', 'E_SCHEMA_PATTERN'),
  fn('package external unique', 'package: { external: [sharp] }', 'package: { external: [sharp, sharp] }', 'E_SCHEMA_DUPLICATE_ITEM'),
  fn('secrets are references', 'secrets: { A: "${secret:a/b}" }', 'secrets: { A: plain }', 'E_SCHEMA_PATTERN'),
  fn('role non-empty', 'role: arn:aws:iam::123456789012:role/x', 'role: ""', 'E_SCHEMA_EMPTY'),
  fn('providers enum', 'providers: [aws]', 'providers: [ibm]', 'E_SCHEMA_ENUM'),
  fn('providers non-empty', 'providers: [aws]', 'providers: []', 'E_SCHEMA_SIZE'),
  fn('providers unique', 'providers: [aws]', 'providers: [aws, aws]', 'E_SCHEMA_DUPLICATE_ITEM'),
  fn('triggers list', 'triggers: []', 'triggers: { http: { path: / } }', 'E_SCHEMA_TYPE'),
  fn('trigger exactly one kind', 'triggers: [{ topic: { name: t } }]', 'triggers: [{}]', 'E_SCHEMA_TRIGGER'),
  fn('http path required', 'triggers: [{ http: { path: / } }]', 'triggers: [{ http: { method: GET } }]', 'E_SCHEMA_REQUIRED'),
  fn('http path pattern', 'triggers: [{ http: { path: "/a/{id}" } }]', 'triggers: [{ http: { path: orders } }]', 'E_SCHEMA_PATTERN'),
  fn('http method enum', 'triggers: [{ http: { path: /a, method: DELETE } }]', 'triggers: [{ http: { path: /a, method: FETCH } }]', 'E_SCHEMA_ENUM'),
  fn('http auth enum', 'triggers: [{ http: { path: /a, auth: iam } }]', 'triggers: [{ http: { path: /a, auth: jwt } }]', 'E_SCHEMA_ENUM'),
  fn('schedule cron or rate', 'triggers: [{ schedule: { rate: 5m } }]', 'triggers: [{ schedule: {} }]', 'E_SCHEMA_ONE_OF'),
  fn('schedule enabled boolean', 'triggers: [{ schedule: { rate: 300, enabled: false } }]', 'triggers: [{ schedule: { rate: 300, enabled: no-way } }]', 'E_SCHEMA_TYPE'),
  fn('duration pattern', 'triggers: [{ schedule: { rate: 1h } }]', 'triggers: [{ schedule: { rate: 1d } }]', 'E_SCHEMA_PATTERN'),
  fn('queue name or arn', 'triggers: [{ queue: { name: q } }]', 'triggers: [{ queue: { name: q, arn: "arn:aws:sqs:us-east-1:123456789012:q" } }]', 'E_SCHEMA_ONE_OF'),
  fn('queue arn pattern', 'triggers: [{ queue: { arn: "arn:aws:sqs:us-east-1:123456789012:q" } }]', 'triggers: [{ queue: { arn: "q" } }]', 'E_SCHEMA_PATTERN'),
  fn('event triggers of a function differ', 'triggers: [{ queue: { name: a } }, { queue: { name: b } }, { schedule: { rate: 5m } }]', 'triggers: [{ queue: { name: a, batchSize: 5 } }, { queue: { batchSize: 5, name: a } }]', 'E_TRIGGER_DUPLICATE'),
  fn('queue batchSize range', 'triggers: [{ queue: { name: q, batchSize: 10000 } }]', 'triggers: [{ queue: { name: q, batchSize: 0 } }]', 'E_SCHEMA_RANGE'),
  fn('storage required', 'triggers: [{ storage: { bucket: b, events: [created] } }]', 'triggers: [{ storage: { bucket: b } }]', 'E_SCHEMA_REQUIRED'),
  fn('storage events enum', 'triggers: [{ storage: { bucket: b, events: [deleted] } }]', 'triggers: [{ storage: { bucket: b, events: [modified] } }]', 'E_SCHEMA_ENUM'),
  fn('storage events non-empty', 'triggers: [{ storage: { bucket: b, events: [created], suffix: .csv } }]', 'triggers: [{ storage: { bucket: b, events: [] } }]', 'E_SCHEMA_SIZE'),
  fn('topic name required', 'triggers: [{ topic: { name: t } }]', 'triggers: [{ topic: {} }]', 'E_SCHEMA_REQUIRED'),
  fn('release strategy enum', 'release: { strategy: all-at-once }', 'release: { strategy: blue-green }', 'E_SCHEMA_ENUM'),
  fn('release percent range', 'release: { strategy: canary, percent: 99, wait: 1m }', 'release: { strategy: canary, percent: 100, wait: 1m }', 'E_SCHEMA_RANGE'),
  fn('release step range', 'release: { strategy: linear, step: 1, interval: 10s }', 'release: { strategy: linear, step: 0, interval: 10s }', 'E_SCHEMA_RANGE'),
  fn('release steps items', 'release: { strategy: linear, steps: [1, 100], interval: 10s }', 'release: { strategy: linear, steps: [0, 100], interval: 10s }', 'E_SCHEMA_RANGE'),
  fn('health keys', 'release: { health: { alarms: [a] } }', 'release: { health: { alarm: a } }', 'E_SCHEMA_UNKNOWN_KEY'),
  fn('health errorRate pattern', 'release: { health: { errorRate: "0.5%" } }', 'release: { health: { errorRate: 1 percent } }', 'E_SCHEMA_PATTERN'),
  fn('health errorRate fraction range', 'release: { health: { errorRate: 0.05 } }', 'release: { health: { errorRate: 5 } }', 'E_SCHEMA_RANGE'),
  fn('health http path or url', 'release: { health: { http: { url: "https://x.example/h" } } }', 'release: { health: { http: { expect: 200 } } }', 'E_SCHEMA_ONE_OF'),
  fn('health http expect range', 'release: { health: { http: { url: "http://x/h", expect: 204 } } }', 'release: { health: { http: { url: "http://x/h", expect: 700 } } }', 'E_SCHEMA_RANGE'),
  fn('health http maxLatency pattern', 'release: { health: { http: { url: "http://x/h", maxLatency: 2s } } }', 'release: { health: { http: { url: "http://x/h", maxLatency: 2m } } }', 'E_SCHEMA_PATTERN'),
  fn('hooks keys', 'release: { hooks: { postTraffic: other } }', 'release: { hooks: { before: other } }', 'E_SCHEMA_UNKNOWN_KEY'),
  top('stages keys', 'stages: { dev: {}, prod: { defaults: { memory: 512 } } }\n', 'stages: { prod: { memory: 512 } }\n', 'E_SCHEMA_UNKNOWN_KEY'),
  top('stage name pattern', 'stages: { dev: {}, pr-42: {} }\n', 'stages: { Prod: {} }\n', 'E_SCHEMA_NAME'),
  top('layer path or from', 'layers: { a: { path: lib } }\n', 'layers: { a: {} }\n', 'E_SCHEMA_ONE_OF'),
  top('layer from is a package.json', 'layers: { a: { from: sub/package.json } }\n', 'layers: { a: { from: sub/requirements.txt } }\n', 'E_SCHEMA_PATTERN'),
];

describe('schema rules: each has a passing and a failing example', () => {
  for (const c of cases) {
    it(c.rule, async () => {
      const good = await check(c.good);
      expect(good.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
      const bad = await check(c.bad);
      expect(bad.errors.map((e) => e.code)).toContain(c.code);
    });
  }
});

describe('the schema itself', () => {
  const objects: [string, Record<string, unknown>][] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}/${i}`));
    else if (node && typeof node === 'object') {
      objects.push([path, node as Record<string, unknown>]);
      for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    }
  };
  walk(schema, '#');

  it('closes every object that lists properties (additionalProperties: false)', () => {
    const open = objects.filter(([p, n]) => n.properties && !p.endsWith('/properties') && n.additionalProperties !== false).map(([p]) => p);
    expect(open).toEqual([]);
  });

  it('describes every property so editors can show help', () => {
    const missing: string[] = [];
    for (const [p, n] of objects) {
      if (!p.endsWith('/properties')) continue;
      for (const [k, v] of Object.entries(n)) {
        const prop = v as Record<string, unknown>;
        if (typeof prop.description !== 'string' && typeof prop.$ref !== 'string') missing.push(`${p}/${k}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
