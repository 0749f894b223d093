/**
 * End to end: what a new user runs first. The node-queue template deploys against a
 * queue created the way its README says; `--dry-run` says that nothing was changed; the region is
 * the manifest's, whatever AWS_REGION says.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { createQueue, fnx, startWorld } from './world.js';

const tempDirs: string[] = [];
afterAll(() => Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true }))));

async function init(args: string[]): Promise<{ dir: string; stdout: string }> {
  const cwd = await mkdtemp(join(tmpdir(), 'fnx-first-'));
  tempDirs.push(cwd);
  const r = await runFnx(['init', ...args, '--yes'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return { dir: join(cwd, args[0]!), stdout: r.stdout };
}

describe('aws: first steps', () => {
  let aws: AwsEmulator;
  beforeAll(async () => {
    aws = await startWorld();
  });
  afterAll(() => aws?.close());

  describe('the node-queue template', () => {
    /** Creates the queue with the attributes of the README's `aws sqs create-queue` command. */
    async function createQueueAsReadmeSays(dir: string): Promise<string> {
      const readme = await readFile(join(dir, 'README.md'), 'utf8');
      const m = /aws sqs create-queue --queue-name (\S+)(?: --attributes (\S+))?/.exec(readme);
      expect(m, 'the README says how to create the queue').not.toBeNull();
      const attributes = Object.fromEntries((m![2] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
      await createQueue(aws, m![1]!, attributes);
      return m![1]!;
    }

    it('deploys against a queue created the way its README says, and against one with the default visibility timeout', async () => {
      for (const [name, readme] of [['jobs-a', true], ['jobs-b', false]] as const) {
        const { dir } = await init([name, '--template', 'node-queue']);
        const queue = readme ? await createQueueAsReadmeSays(dir) : `${name}-jobs`;
        if (!readme) await createQueue(aws, queue);
        const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
        expect(r.code, r.stderr).toBe(0);
        const status = await fnx(aws, dir, ['status', '--stage', 'dev']);
        expect(status.stdout).toContain(`triggers: queue ${queue} (batch 10)`);
        expect(status.stdout).not.toContain('not deployed');
      }
    });
  });

  it('deploy --dry-run says that nothing was changed, and changes nothing', async () => {
    const { dir } = await init(['dry']);
    aws.clearCalls();
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dry run: nothing was changed. Run without --dry-run to apply this plan to dry-dev.');
    expect(aws.writeCalls()).toEqual([]);
    const json = await fnx(aws, dir, ['deploy', '--stage', 'dev', '--dry-run', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, dryRun: true, changed: false });
  });

  it('the region is the manifest\'s: AWS_REGION does not move a deploy elsewhere', async () => {
    const { dir } = await init(['region']);
    const r = await fnx(aws, dir, ['plan', '--stage', 'dev'], { env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('aws · us-east-1 (account');
    expect(r.stdout).not.toContain('eu-west-1');
  });
});
