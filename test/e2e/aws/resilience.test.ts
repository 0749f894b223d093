/**
 * End to end under adversity: injected faults, two deploys racing, Ctrl-C in the middle of a
 * deploy, missing credentials, artifacts above the direct-upload limit. Needs `npm run build`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { runFnx } from '../../helpers/cli.js';
import { fnx, newProject, shopFiles, snapshot, startWorld } from './world.js';

let worlds: AwsEmulator[] = [];
afterEach(async () => {
  await Promise.all(worlds.map((w) => w.close()));
  worlds = [];
});
async function world(opts: Parameters<typeof startWorld>[0] = {}) {
  const w = await startWorld(opts);
  worlds.push(w);
  return w;
}

const deploy = (aws: AwsEmulator, dir: string, extra: string[] = [], opts: Parameters<typeof fnx>[3] = {}) => fnx(aws, dir, ['deploy', '--stage', 'dev', ...extra], opts);

describe('aws: resilience', () => {
  it('a deploy under 20% injected faults converges to the same end state as one without faults', async () => {
    const clean = await world();
    const cleanDir = await newProject(shopFiles());
    expect((await deploy(clean, cleanDir)).code).toBe(0);

    const faulty = await world({ faults: { rate: 0.2, slowMs: 50, seed: 7 } });
    const dir = await newProject(shopFiles());
    const r = await deploy(faulty, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(faulty.calls.filter((c) => c.fault).length).toBeGreaterThan(5);
    faulty.setFaults(undefined);
    expect(snapshot(faulty)).toEqual(snapshot(clean));

    faulty.clearCalls();
    expect((await deploy(faulty, dir)).code).toBe(0);
    expect(faulty.writeCalls()).toEqual([]);
  });

  it('two concurrent deploys: the second finds the stage lease held, exits 4 having written nothing, and the alias serves the first one\'s version', async () => {
    const aws = await world({ asyncDelayMs: 1500 });
    const a = await newProject(shopFiles());
    expect((await deploy(aws, a)).code).toBe(0);
    const b = await newProject(shopFiles());
    await writeFile(join(a, 'src/api.js'), 'export const handler = async () => "A";\n');
    await writeFile(join(b, 'src/api.js'), 'export const handler = async () => "B";\n');

    // B starts while A is mid-apply: A's code update is held InProgress until B has ended.
    aws.clearCalls();
    const first = deploy(aws, a, ['--function', 'api']);
    while (aws.callsTo('lambda', 'UpdateFunctionCode').length === 0) await new Promise((r) => setTimeout(r, 20));
    const latest = aws.state.lambda.functions.get('shop-dev-api')!.latest;
    latest.updateReadyAt = Number.MAX_SAFE_INTEGER;
    const writesOfA = aws.writeCalls().length;
    const rb = await deploy(aws, b, ['--function', 'api']);
    expect(rb.code, rb.stderr).toBe(4);
    expect(rb.stderr).toContain('E_STAGE_LOCKED');
    expect(rb.stderr).toMatch(/Another run is changing shop-dev on aws concurrently: `fnx deploy` on \S+ \(pid \d+\)/);
    expect(rb.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(aws.writeCalls().length).toBe(writesOfA);
    latest.updateReadyAt = aws.now() + 1500;
    const ra = await first;
    expect(ra.code, ra.stderr).toBe(0);

    const fn = aws.state.lambda.functions.get('shop-dev-api')!;
    const alias = fn.aliases.get('live')!;
    const served = fn.versions.get(alias.functionVersion)!;
    expect(alias.routingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    expect(served.code.zip.includes(Buffer.from('"A"'))).toBe(true);
  });

  it('Ctrl-C mid-deploy exits 130, leaves no alias on an unpublished version, and the next deploy converges', async () => {
    const aws = await world({ asyncDelayMs: 150 });
    const manifest = `service: shop
providers:
  aws: { region: us-east-1 }
functions:
${['a', 'b', 'c', 'd', 'e'].map((n) => `  ${n}:\n    handler: src/${n}.handler\n    package: { include: ["src/${n}.js"] }\n`).join('')}`;
    const files = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((n) => [`src/${n}.js`, `export const handler = async () => "${n}";\n`]));
    const dir = await newProject({ 'fnx.yaml': manifest, ...files });
    const r = await deploy(aws, dir, ['--concurrency', '1'], { interruptWhen: /shop-dev-a: version 1 published/ });
    if (process.env.FNX_TEST_VERBOSE) console.log(r.stderr);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/Interrupted/);
    const fns = [...aws.state.lambda.functions.values()].filter((f) => f.name.startsWith('shop-dev-') && f.name !== 'shop-dev-legacy');
    expect(fns.length).toBeLessThan(5);
    for (const f of fns) {
      const alias = f.aliases.get('live');
      if (alias) expect(f.versions.has(alias.functionVersion)).toBe(true);
    }

    const again = await deploy(aws, dir);
    expect(again.code, again.stderr).toBe(0);
    for (const n of ['a', 'b', 'c', 'd', 'e']) expect(aws.state.lambda.functions.get(`shop-dev-${n}`)?.aliases.get('live')?.functionVersion).toBe('1');
    aws.clearCalls();
    expect((await deploy(aws, dir)).code).toBe(0);
    expect(aws.writeCalls()).toEqual([]);
  });

  it('Ctrl-C while AWS keeps failing (retries pending) exits 130 at once instead of retrying on', async () => {
    const aws = await world({ faults: { rate: 1, kinds: ['error500'], services: ['sts'] } });
    const dir = await newProject(shopFiles());
    aws.clearCalls();
    const r = await fnx(aws, dir, ['plan', '--stage', 'dev'], { interruptWhen: /Packaged/ });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('[E_INTERRUPTED]');
    expect(r.stderr).not.toContain('E_CLOUD_UNAVAILABLE');
    expect(aws.writeCalls()).toEqual([]);
  });

  it('rollback and promote refuse to touch another account than providers.aws.accountId (exit 2, alias unchanged)', async () => {
    const aws = await world();
    const dir = await newProject(shopFiles());
    expect((await deploy(aws, dir)).code).toBe(0);
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    expect((await deploy(aws, dir)).code).toBe(0);
    const manifest = shopFiles()['fnx.yaml']!.replace('aws: { region: us-east-1 }', 'aws: { region: us-east-1, accountId: "123456789012" }');
    await writeFile(join(dir, 'fnx.yaml'), manifest);
    aws.clearCalls();
    for (const args of [['rollback'], ['rollback', '--to', '1'], ['promote', '--now']]) {
      const r = await fnx(aws, dir, [...args, '--stage', 'dev']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('[E_AWS_ACCOUNT]');
    }
    expect(aws.writeCalls()).toEqual([]);
    expect(aws.state.lambda.functions.get('shop-dev-api')?.aliases.get('live')?.functionVersion).toBe('2');
  });

  it('missing credentials give one clear error, not an SDK stack trace', async () => {
    const aws = await world();
    const dir = await newProject(shopFiles());
    const home = await newProject({ '.keep': '' });
    const r = await runFnx(['plan', '--stage', 'dev'], {
      cwd: dir,
      env: { AWS_ENDPOINT_URL: aws.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_EC2_METADATA_DISABLED: 'true', AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined, AWS_WEB_IDENTITY_TOKEN_FILE: undefined },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No AWS credentials found');
    expect(r.stderr).toContain('AWS_PROFILE');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+|CredentialsProviderError/);
    expect(aws.callsTo('sts')).toEqual([]);
  });

  it('artifacts above the direct-upload limit go through the tagged S3 deployment bucket', async () => {
    const aws = await world();
    const dir = await newProject(shopFiles());
    const r = await deploy(aws, dir, [], { env: { FNX_AWS_DIRECT_UPLOAD_BYTES: '100' } });
    expect(r.code, r.stderr).toBe(0);
    const bucket = aws.state.s3.buckets.get(`fnx-deploy-${aws.accountId}-us-east-1`)!;
    expect(bucket.tags).toEqual({ 'fnx:deployment-bucket': 'true' });
    expect([...bucket.objects.keys()].sort()).toEqual([
      'fnx-lease/shop-dev.json',
      expect.stringMatching(/^shop\/dev\/api\/[0-9a-f]{64}\.zip$/),
      expect.stringMatching(/^shop\/dev\/layers\/shared\/[0-9a-f]{64}\.zip$/),
      expect.stringMatching(/^shop\/dev\/worker\/[0-9a-f]{64}\.zip$/),
    ]);
    const create = aws.callsTo('lambda', 'CreateFunction').filter((c) => c.input.FunctionName === 'shop-dev-api');
    expect((create[0]!.input.Code as { S3Bucket?: string }).S3Bucket).toBe(`fnx-deploy-${aws.accountId}-us-east-1`);
    expect(aws.state.lambda.functions.get('shop-dev-api')!.aliases.get('live')?.functionVersion).toBe('1');
  });
});
