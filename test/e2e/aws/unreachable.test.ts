/**
 * The built CLI against an endpoint override where nothing listens: one progress line when the
 * driver starts retrying (CI logs are not silent for the whole retry budget), and a final hint
 * naming the override. Needs `npm run build` first.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { newProject, shopFiles } from './world.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('aws: endpoint override that does not answer', () => {
  it.each([['status'], ['rollback']])('%s prints one retry line, then fails (exit 1) with a hint naming AWS_ENDPOINT_URL', async (command) => {
    const dir = await newProject(shopFiles());
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const r = await runFnx([command, '--stage', 'dev'], {
      cwd: dir,
      timeoutMs: 60_000,
      env: { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(r.code, r.stderr).toBe(1);
    const retryLines = r.stderr.split('\n').filter((l) => l.includes('retrying'));
    expect(retryLines).toEqual([`aws: endpoint AWS_ENDPOINT_URL=${endpoint} unreachable or unavailable, retrying (attempt 2/10)...`]);
    expect(r.stderr).toContain('[E_CLOUD_UNAVAILABLE]');
    expect(r.stderr).toContain(`hint: Nothing usable answered at AWS_ENDPOINT_URL=${endpoint}`);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
