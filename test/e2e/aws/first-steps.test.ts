/**
 * End to end: what a new user runs first. Projects scaffolded by `fnx init` for providers without
 * a driver yet (azure) get next steps that work; cloud commands do the AWS part of a
 * multi-provider project and say what they skipped; the node-queue template deploys against a
 * queue created the way its README says; `--dry-run` says that nothing was changed; the region is
 * the manifest's, whatever AWS_REGION says.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { createQueue, fnx, startWorld } from './world.js';

const SKIPPED = 'warning: skipping azure: this version of fnx has no driver for it yet, so this command covers only aws.';

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

  describe('a project for aws and azure', () => {
    let dir: string;
    const run = (args: string[]) => fnx(aws, dir, [...args, '--stage', 'dev']);

    beforeAll(async () => {
      const project = await init(['multi', '--provider', 'aws,azure']);
      dir = project.dir;
      expect(project.stdout).toContain('  npx fnx deploy --stage dev');
      expect(project.stdout).toContain('Note: this version of fnx deploys to aws, gcp only. `fnx deploy`, `status` and `remove` work on the aws part and say that they skipped azure.');
    });

    it('deploy, status, plan, promote, rollback and remove do the aws part and say what they skipped (exit 0)', async () => {
      const deploy = await run(['deploy']);
      expect(deploy.code, deploy.stderr).toBe(0);
      expect(deploy.stderr).toContain(SKIPPED);
      expect(aws.state.lambda.functions.get('multi-dev-api')?.aliases.get('live')?.functionVersion).toBe('1');

      const status = await run(['status']);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stderr).toContain(SKIPPED);
      expect(status.stdout).toContain('aws · multi-dev\n  api: live -> 1');
      const json = await run(['status', '--json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, providers: [{ provider: 'aws' }], skipped: ['azure'] });

      const plan = await run(['plan']);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stderr).toContain(SKIPPED);

      await writeFile(join(dir, 'src/handler.js'), (await readFile(join(dir, 'src/handler.js'), 'utf8')) + '\n// v2\n');
      expect((await run(['deploy'])).code).toBe(0);
      const promote = await run(['promote']);
      expect(promote.code, promote.stderr).toBe(0);
      expect(promote.stderr).toContain(SKIPPED);
      expect(promote.stdout).toContain('Nothing to promote');
      const rollback = await run(['rollback']);
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(rollback.stderr).toContain(SKIPPED);
      expect(rollback.stdout).toContain('api (aws): 2 -> 1');

      const remove = await run(['remove', '--yes']);
      expect(remove.code, remove.stderr).toBe(0);
      expect(remove.stderr).toContain(SKIPPED);
      expect(aws.state.lambda.functions.has('multi-dev-api')).toBe(false);
    });

    it.each(['deploy', 'plan', 'status', 'remove', 'promote', 'rollback'])('%s --provider azure exits 2 naming the missing driver, before any cloud call', async (command) => {
      aws.clearCalls();
      const r = await run([command, '--provider', 'azure', ...(command === 'remove' ? ['--yes'] : [])]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error [E_PROVIDER_UNAVAILABLE] This version of fnx has no azure driver yet: it deploys to aws, gcp only.');
      expect(r.stderr).toContain('hint: Leave out --provider to work on the aws part (fnx says what it skipped), or pass `--provider aws`.');
      expect(aws.calls).toEqual([]);
    });
  });

  describe('a project for azure only', () => {
    let made: { dir: string; stdout: string };
    beforeAll(async () => {
      made = await init(['az', '--provider', 'azure']);
    });

    it('init says plainly that deploy needs aws for now, and lists only next steps that work', () => {
      const steps = made.stdout.slice(made.stdout.indexOf('Next steps:')).split('\n').map((l) => l.trim());
      expect(steps.slice(0, 5)).toEqual(['Next steps:', 'cd az', 'npm install', 'npx fnx validate', 'npx fnx package']);
      expect(made.stdout).not.toContain('npx fnx deploy');
      expect(made.stdout).toContain('Note: this version of fnx deploys to aws, gcp only; it has no azure driver yet, so `fnx deploy` refuses this project.');
      expect(made.stdout).toContain('To deploy, add `aws: { region: us-east-1 }` under `providers:` in fnx.yaml.');
    });

    it('deploy exits 2 with a hint that works, before packaging or any cloud call; the hinted fix deploys', async () => {
      aws.clearCalls();
      const r = await fnx(aws, made.dir, ['deploy', '--stage', 'dev']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error [E_PROVIDER_UNAVAILABLE] This version of fnx has no azure driver yet: it deploys to aws, gcp only.');
      expect(r.stderr).toContain('hint: To deploy now, add `aws: { region: us-east-1 }` under `providers:` in fnx.yaml');
      expect(r.stderr).not.toContain('--provider aws');
      expect(aws.calls).toEqual([]);
      expect(existsSync(join(made.dir, '.fnx/build'))).toBe(false);

      const aws2 = await fnx(aws, made.dir, ['deploy', '--stage', 'dev', '--provider', 'aws']);
      expect(aws2.code).toBe(2);
      expect(aws2.stderr).toContain('[E_USAGE_PROVIDER] Provider not configured for any function: aws.');
      expect(aws2.stderr).toContain('To use aws, add `aws:` under `providers:` in fnx.yaml');

      const manifest = await readFile(join(made.dir, 'fnx.yaml'), 'utf8');
      await writeFile(join(made.dir, 'fnx.yaml'), manifest.replace('providers:\n', 'providers:\n  aws: { region: us-east-1 }\n'));
      const fixed = await fnx(aws, made.dir, ['deploy', '--stage', 'dev']);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stderr).toContain('warning: skipping azure: this version of fnx has no driver for it yet, so this command covers only aws.');
    });
  });

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
