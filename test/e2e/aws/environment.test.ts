/**
 * End to end: endpoint and profile settings from the environment are checked before the first AWS
 * call, and a server that is not AWS is named as such. Each error names the variable and its value
 * and says what to do; none leaks SDK text. Needs `npm run build` first.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { runFnx } from '../../helpers/cli.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

describe('aws: environment settings', () => {
  let aws: AwsEmulator;
  let dir: string;
  let home: string;

  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject(shopFiles());
    home = await mkdtemp(join(tmpdir(), 'fnx-home-'));
    await mkdir(join(home, '.aws'));
    await writeFile(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n\n[profile dev]\nregion = us-east-1\n\n[profile empty]\nregion = us-east-1\n');
    await writeFile(join(home, '.aws', 'credentials'), '[ci]\naws_access_key_id = x\naws_secret_access_key = y\n');
  });
  afterAll(() => aws?.close());

  it.each([
    ['AWS_ENDPOINT_URL', 'notaurl'],
    ['AWS_ENDPOINT_URL', 'localhost:4566'],
    ['AWS_ENDPOINT_URL_LAMBDA', 'lambda.local'],
  ])('%s=%s is a usage error (exit 2) naming the variable and value, before any AWS call', async (name, value) => {
    aws.clearCalls();
    for (const command of ['status', 'deploy']) {
      const r = await fnx(aws, dir, [command, '--stage', 'dev'], { env: { [name]: value } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error [E_AWS_ENDPOINT] ${name}=${value} is not an http(s) URL`);
      expect(r.stderr).toContain(`hint: Set ${name} to the full URL of an AWS-compatible endpoint, scheme included`);
      expect(r.stderr).not.toContain('TypeError');
      expect(r.stderr).not.toContain('check the manifest values');
    }
    expect(aws.calls).toEqual([]);
  });

  it('AWS_PROFILE naming no profile is a usage error listing the profiles found, before any AWS call', async () => {
    aws.clearCalls();
    const r = await fnx(aws, dir, ['status', '--stage', 'dev'], { env: { AWS_PROFILE: 'nope', HOME: home } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error [E_AWS_PROFILE] AWS_PROFILE=nope names an AWS profile that does not exist: it is not in ${join(home, '.aws', 'config')} or ${join(home, '.aws', 'credentials')}.`);
    expect(r.stderr).toContain('hint: Profiles found: ci, default, dev, empty. Use one of them, create it with `aws configure --profile nope`');
    expect(r.stderr).not.toContain('No AWS credentials found');
    expect(aws.calls).toEqual([]);
  });

  it('a profile that exists but gives no credentials is named in the credentials error', async () => {
    const r = await fnx(aws, dir, ['status', '--stage', 'dev'], { env: { AWS_PROFILE: 'empty', HOME: home } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('error [E_AWS_CREDENTIALS] The AWS profile named by AWS_PROFILE=empty gave no credentials');
    expect(r.stderr).toContain('aws sso login --profile empty');
  });

  it('a server that is not AWS at the endpoint is named as such, with what it answered, and not retried by fnx', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>my web app</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const r = await runFnx(['status', '--stage', 'dev'], {
        cwd: dir,
        env: { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`error \\[E_AWS_NOT_AWS\\] The server at AWS_ENDPOINT_URL=${endpoint} is not an AWS endpoint: it answered \\w+ with HTTP 503, text/html, which is not an AWS response\\.`));
      expect(r.stderr).toContain('hint: Point AWS_ENDPOINT_URL at an AWS-compatible endpoint');
      // A 503 from AWS is retried; from a server that is not AWS it is not.
      expect(r.stderr).not.toMatch(/\$response|Deserialization|retrying/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
