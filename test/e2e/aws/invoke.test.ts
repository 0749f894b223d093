/**
 * `fnx invoke` against the AWS emulator: the deployed function gets the sample neutral event
 * (through the `live` alias, or --version), its answer is printed, a function error exits 1 with
 * its message, and input errors exit 2 before any call (invoke-parity.test.ts compares with --local).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { deployedWorld } from './invoke-world.js';
import { fnx } from './world.js';

describe('fnx invoke (deployed, AWS)', () => {
  const world = deployedWorld();
  let aws: AwsEmulator;
  let dir: string;
  beforeAll(() => {
    aws = world.aws();
    dir = world.dir();
  });

  it('sends the sample http event to the live alias and prints the answer', async () => {
    const seen: { version: string; qualifier: string; payload: unknown }[] = [];
    aws.setInvokeHandler((_fn, version, payload, ctx) => {
      seen.push({ version, qualifier: ctx.qualifier, payload });
      return { statusCode: 200, body: JSON.stringify({ echoed: (payload as { rawPath: string }).rawPath }) };
    });
    {
      const r = await fnx(aws, dir, ['invoke', 'api', '--stage', 'dev', '--event', 'http', '--data', '{"path":"/health"}']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ statusCode: 200, body: '{"echoed":"/health"}' });
      expect(r.stderr).toMatch(/^api \(aws.*\): ok/m);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.qualifier).toBe('live');
      expect(seen[0]!.payload).toMatchObject({ version: '2.0', routeKey: 'GET /health', rawPath: '/health', requestContext: { http: { method: 'GET', path: '/health' } } });

      const v = await fnx(aws, dir, ['invoke', 'api', '--stage', 'dev', '--version', '1', '--data', '{"raw":true}', '--json']);
      expect(v.code, v.stdout).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, provider: 'aws', function: 'api' });
      expect(seen[1]).toMatchObject({ qualifier: '1', payload: { raw: true } });
    }
  });

  it('a function error exits 1 with its message', async () => {
    aws.setInvokeHandler(() => {
      throw new Error('database unreachable');
    });
    const r = await fnx(aws, dir, ['invoke', 'api', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('function "api" returned an error: database unreachable');
  });

  it.each([
    [['invoke', 'nope', '--stage', 'dev'], /Unknown function: nope/],
    [['invoke', 'api', '--stage', 'dev', '--provider', 'gcp'], /--provider gcp: function "api" is not deployed to it/],
    [['invoke', 'api', '--stage', 'dev', '--event', 'http', '--data', '{"method":1}'], /field "method" must be a string/],
    [['invoke', 'api', '--stage', 'dev', '--data', '{'], /--data is not valid JSON/],
  ])('%j exits 2 before any cloud call', async (args, message) => {
    aws.clearCalls();
    const r = await fnx(aws, dir, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(aws.calls).toHaveLength(0);
  });

  it('a stage that is not deployed is a clear error', async () => {
    const r = await fnx(aws, dir, ['invoke', 'api', '--stage', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('function "api" is not deployed to stage prod on aws');
  });
});
