/** `fnx validate` on stream triggers: the neutral rules, the schema's limits, and providers that do not run them yet. */
import { describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { project } from './fixtures.js';

const manifest = (providers: string, trigger: string, only = '') =>
  `service: s\nproviders:\n${providers}functions:\n  changes:\n    handler: src/c.handler\n${only}    triggers:\n      - stream: ${trigger}\n`;
const AWS = '  aws: { region: us-east-1 }\n';

describe('stream triggers at validate', () => {
  it('a valid DynamoDB and Kinesis trigger pass on AWS', async () => {
    const r = await runFnx(['validate'], { cwd: project(manifest(AWS, '{ source: kinesis, stream: clicks, startingPosition: atTimestamp, timestamp: "2026-01-31T12:00:00Z", filter: [{ data: { kind: [click] } }], onFailure: { topic: failed } }')) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each([
    ['azure', '  azure: { resourceGroup: rg, location: westeurope }\n', 'Event Hubs trigger, Cosmos DB change feed'],
    ['gcp', '  gcp: { project: my-project, region: europe-west1 }\n', 'Eventarc'],
  ])('a function that deploys to %s is refused with its position: stream is AWS-only for now (exit 2)', async (name, block, mechanism) => {
    const r = await runFnx(['validate'], { cwd: project(manifest(AWS + block, '{ source: dynamodb, table: orders }')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`fnx.yaml:9:9: error [E_PROVIDER_TRIGGER] \`stream\` triggers are \`aws\`-only for now: fnx cannot deploy them to ${name} yet (function \`changes\`).`);
    expect(r.stderr).toContain(`hint: fnx will run them on ${name} through ${mechanism}`);
    expect(r.stderr).toContain('Restrict the function with `providers: [aws]`');
    const only = await runFnx(['validate'], { cwd: project(manifest(AWS + block, '{ source: dynamodb, table: orders }', '    providers: [aws]\n')) });
    expect(only.code, only.stderr).toBe(0);
  });

  it('the source names the table or stream that fits it, and timestamp goes with atTimestamp only', async () => {
    const wrong = await runFnx(['validate'], { cwd: project(manifest(AWS, '{ source: dynamodb, stream: orders }')) });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/fnx\.yaml:8:\d+: error \[E_STREAM_SOURCE\] A stream trigger with `source: dynamodb` names its table with `table:`, not `stream:`\./);
    const none = await runFnx(['validate'], { cwd: project(manifest(AWS, '{ source: kinesis }')) });
    expect(none.stderr).toContain('error [E_STREAM_SOURCE] A stream trigger with `source: kinesis` needs `stream:`');
    const noTime = await runFnx(['validate'], { cwd: project(manifest(AWS, '{ source: kinesis, stream: s, startingPosition: atTimestamp }')) });
    expect(noTime.stderr).toMatch(/fnx\.yaml:8:\d+: error \[E_STREAM_TIMESTAMP\] `startingPosition: atTimestamp` needs `timestamp:`/);
    const stray = await runFnx(['validate'], { cwd: project(manifest(AWS, '{ source: kinesis, stream: s, timestamp: "2026-01-31T12:00:00Z" }')) });
    expect(stray.stderr).toContain('error [E_STREAM_TIMESTAMP] `timestamp` is only read with `startingPosition: atTimestamp`.');
  });

  it('refuses more than 5 filter patterns, a pattern that is not an object, and values out of range, each positioned', async () => {
    const six = Array.from({ length: 6 }, (_, i) => `{ n: [${i}] }`).join(', ');
    const r = await runFnx(['validate'], { cwd: project(manifest(AWS, `{ source: kinesis, stream: s, filter: [${six}] }`)) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fnx\.yaml:8:\d+: error \[E_SCHEMA_[A-Z]+\] functions\.changes\.triggers\[0\]\.stream\.filter/);
    const scalar = await runFnx(['validate'], { cwd: project(manifest(AWS, '{ source: kinesis, stream: s, filter: [click] }')) });
    expect(scalar.stderr).toMatch(/error \[E_SCHEMA_TYPE\] functions\.changes\.triggers\[0\]\.stream\.filter\[0\]/);
    const big = await runFnx(['validate'], { cwd: project(manifest(AWS, '{ source: dynamodb, table: t, batchSize: 10001, batchWindow: 301, maxRetries: -2 }')) });
    expect(big.stderr).toContain('stream.batchSize must be at most 10000, got 10001.');
    expect(big.stderr).toContain('stream.batchWindow must be at most 300, got 301.');
    expect(big.stderr).toContain('stream.maxRetries must be at least -1, got -2.');
  });
});
