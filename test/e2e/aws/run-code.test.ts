/**
 * End to end: deployed code runs in the AWS emulator. The driver's invoke returns the handler's
 * result, the version that ran and the log tail (and a thrown error with its message); `fnx logs`
 * shows the lines the handler wrote, with version and request id, `--since` / `--filter` /
 * `--version` narrow them, bad options fail before any cloud call, and `--tail` follows new lines
 * until Ctrl-C (exit 130). Needs `npm run build` first.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../../providers/aws/index.js';
import { loadManifest } from '../../../src/manifest/index.js';
import type { ProviderDriver, ResolvedManifest } from '../../../src/driver.js';
import { runFnx, type CliResult, type RunOptions } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const MANIFEST = `service: run
providers:
  aws: { region: us-east-1 }
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /hello }
`;

const HANDLER = `export const handler = async (event) => {
  console.log('handling', event.rawPath ?? JSON.stringify(event));
  if (event.fail) throw new Error('payment declined: ' + event.fail);
  return { statusCode: 200, body: 'hello from ' + process.env.AWS_LAMBDA_FUNCTION_VERSION };
};
`;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('aws: the deployed code runs; fnx logs shows what it wrote', () => {
  let aws: AwsEmulator;
  let project: string;
  let manifest: ResolvedManifest;
  let driver: ProviderDriver;
  const fnx = (args: string[], options: RunOptions = {}): Promise<CliResult> => runFnx([...args, '--stage', 'dev'], { cwd: project, env: aws.env(), timeoutMs: 60_000, ...options });

  beforeAll(async () => {
    aws = await startAwsEmulator({ asyncDelayMs: 10 });
    project = await mkdtemp(join(tmpdir(), 'fnx-run-code-'));
    await mkdir(join(project, 'src'));
    await writeFile(join(project, 'fnx.yaml'), MANIFEST);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'run', type: 'module' }));
    await writeFile(join(project, 'src/api.js'), HANDLER);
    const deployed = await fnx(['deploy']);
    expect(deployed.code, deployed.stderr).toBe(0);
    manifest = await loadManifest({ cwd: project, stage: 'dev', vars: {}, env: {} });
    driver = createDriver(manifest, aws.env());
  }, 120_000);

  afterAll(async () => {
    await aws?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('invoke returns the handler result, the version that ran and its log tail; a thrown error comes back with its message', async () => {
    const ok = await driver.invoke({ function: 'api', manifest, payload: { rawPath: '/from-test' } });
    expect(ok).toMatchObject({ ok: true, payload: { statusCode: 200, body: 'hello from 1' }, version: '1' });
    expect(ok.logTail).toEqual([
      expect.stringMatching(new RegExp(`^START RequestId: ${UUID} Version: 1$`)),
      expect.stringMatching(new RegExp(`^\\S+Z\\t${UUID}\\tINFO\\thandling /from-test$`)),
      expect.stringMatching(/^END RequestId: /),
      expect.stringMatching(/^REPORT RequestId: .*\tDuration: /),
    ]);
    const failed = await driver.invoke({ function: 'api', manifest, payload: { fail: 'card expired' } });
    expect(failed).toMatchObject({ ok: false, error: 'payment declined: card expired', version: '1', payload: { errorType: 'Error', errorMessage: 'payment declined: card expired' } });
    expect(failed.logTail?.join('\n')).toContain('\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"payment declined: card expired"');
    const http = await driver.invoke({ function: 'api', manifest, payload: null, event: { kind: 'http', value: { version: '2.0', routeKey: 'GET /hello', rawPath: '/hello', rawQueryString: '', headers: {}, requestContext: { http: { method: 'GET', path: '/hello', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fnx' }, requestId: 'r', timeEpoch: 0 }, isBase64Encoded: false } } });
    expect(http).toMatchObject({ ok: true, payload: { body: 'hello from 1' } });
  });

  it('fnx logs shows the handler lines with version and request id; --filter and --version narrow them; --json is one document', async () => {
    await driver.invoke({ function: 'api', manifest, payload: { rawPath: '/for-logs' } });
    const r = await fnx(['logs', 'api', '--since', '10m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^\\S+Z \\[1\\] ${UUID} INFO handling /for-logs$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^\\S+Z \\[1\\] (${UUID}) START RequestId: \\1 Version: 1$`, 'm'));
    const filtered = await fnx(['logs', 'api', '--filter', 'payment declined']);
    expect(filtered.code).toBe(0);
    expect(filtered.stdout.trim().split('\n')).toEqual([expect.stringContaining('ERROR Invoke Error \t{"errorType":"Error","errorMessage":"payment declined: card expired"')]);
    const none = await fnx(['logs', 'api', '--version', '7']);
    expect([none.code, none.stdout]).toEqual([0, '']);
    expect(none.stderr).toContain('no log lines from api (aws) since');
    const json = await fnx(['logs', 'api', '--json', '--filter', '/for-logs']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, function: 'api', stage: 'dev', provider: 'aws', lines: [{ version: '1', requestId: expect.stringMatching(new RegExp(`^${UUID}$`)), message: 'INFO handling /for-logs' }] });
  });

  it('a bad --since or an unknown provider fails with exit 2 before any cloud call', async () => {
    aws.clearCalls();
    const bad = await fnx(['logs', 'api', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[E_USAGE_SINCE] --since "yesterday" is neither a duration nor an ISO 8601 time. Nothing was read.');
    const future = await fnx(['logs', 'api', '--since', '2999-01-01T00:00:00Z']);
    expect([future.code, future.stderr]).toEqual([2, expect.stringContaining('is in the future')]);
    const provider = await fnx(['logs', 'api', '--provider', 'gcp']);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain('[E_USAGE_PROVIDER]');
    expect(aws.calls).toEqual([]);
  });

  it('--tail prints lines written while it follows and stops on Ctrl-C with exit 130', async () => {
    let invoked = false;
    const r = await fnx(['logs', 'api', '--tail', '--since', '1m', '--filter', 'handling'], {
      onStdout: (out, interrupt) => {
        if (!invoked && out.includes('handling')) {
          invoked = true;
          void driver.invoke({ function: 'api', manifest, payload: { rawPath: '/while-tailing' } });
        }
        if (out.includes('handling /while-tailing')) interrupt();
      },
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(new RegExp(`^\\S+Z \\[1\\] ${UUID} INFO handling /while-tailing$`, 'm'));
    expect(r.stderr).toContain('SIGINT received');
  });
});
