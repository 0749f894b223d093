/**
 * End to end: repeated `fnx rollback` on AWS, each from a fresh directory (no .fnx/), so every
 * target comes from what AWS holds. Each rollback goes to the release before the live one and
 * never back to a version traffic was rolled back from (docs/release.md, `fnx rollback`), even
 * when that version's number is below the live one. Needs `npm run build` first.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx, type CliResult } from '../../helpers/cli.js';
import { startAwsEmulator, type AwsEmulator } from '../../emulators/aws/index.js';

const FN = 'rbapp-prod-api';

const MANIFEST = `service: rbapp
providers:
  aws: { region: us-east-1 }
functions:
  api:
    handler: src/api.handler
`;

describe('repeated rollbacks against the AWS emulator', () => {
  let aws: AwsEmulator;
  let project: string;
  let codeRevision = 0;
  const dirs: string[] = [];

  const fnx = (args: string[], cwd = project): Promise<CliResult> => runFnx([...args, '--stage', 'prod'], { cwd, env: aws.env(), timeoutMs: 60_000 });
  const live = () => aws.state.lambda.functions.get(FN)?.aliases.get('live')?.functionVersion;

  /** Publishes and releases a new version (all-at-once); returns it. */
  async function release(): Promise<string | undefined> {
    await writeFile(join(project, 'src/api.js'), `export const handler = async () => ({ statusCode: 200, body: 'v${++codeRevision}' });\n`);
    const r = await fnx(['deploy']);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    return live();
  }

  /** `fnx rollback` from a directory holding only the manifest and code; returns [from, to]. */
  async function rollback(): Promise<[string, string]> {
    const dir = await mkdtemp(join(tmpdir(), 'fnx-fresh-'));
    dirs.push(dir);
    await cp(join(project, 'fnx.yaml'), join(dir, 'fnx.yaml'));
    await cp(join(project, 'src'), join(dir, 'src'), { recursive: true });
    const r = await fnx(['rollback', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { functions: { from: string; to: string }[] };
    expect(out.functions[0]?.to).toBe(live());
    return [out.functions[0]?.from ?? '', out.functions[0]?.to ?? ''];
  }

  beforeAll(async () => {
    aws = await startAwsEmulator({ asyncDelayMs: 10 });
    project = await mkdtemp(join(tmpdir(), 'fnx-rollbacks-'));
    await writeFile(join(project, 'fnx.yaml'), MANIFEST);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'rbapp', version: '1.0.0', type: 'module' }));
    await mkdir(join(project, 'src'), { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await aws?.close();
    for (const d of [project, ...dirs]) if (d) await rm(d, { recursive: true, force: true });
  });

  it('four releases, then three rollbacks in a row step back 4 -> 3 -> 2 -> 1; after releasing 5, rollback returns to 1', async () => {
    for (const v of ['1', '2', '3', '4']) expect(await release()).toBe(v);
    expect(await rollback()).toEqual(['4', '3']);
    expect(await rollback()).toEqual(['3', '2']);
    expect(await rollback()).toEqual(['2', '1']);
    expect(await release()).toBe('5');
    expect(await rollback()).toEqual(['5', '1']);
  }, 120_000);

  it('a version rolled back from stays skipped after newer releases: 7 -> 6 -> 1, never back to 2..5', async () => {
    // State: 1 live; 2, 3, 4 and 5 were rolled back from. Releasing 6 and 7 puts them all below the live version.
    expect(await release()).toBe('6');
    expect(await release()).toBe('7');
    expect(await rollback()).toEqual(['7', '6']);
    expect(await rollback()).toEqual(['6', '1']);
    // What survives in AWS: the versions rolled back from, oldest first, on the function itself.
    expect(aws.state.lambda.functions.get(FN)?.tags['fnx:rolled-back']).toMatch(/^4:r:\w+ 3:r:\w+ 2:r:\w+ 5:r:\w+ 7:r:\w+ 6:r:\w+$/);
  }, 120_000);

  it('a deploy with nothing changed after rollbacks writes nothing, does not release a version rolled back from, and exits 3 saying so', async () => {
    expect(live()).toBe('1');
    aws.clearCalls();
    const r = await fnx(['deploy']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/api \(aws\): 7 was rolled back at \S+ \(`fnx rollback` moved traffic back\); 1 is live/);
    expect(aws.writeCalls()).toEqual([]);
    expect(live()).toBe('1');
  }, 60_000);

  it('when the fnx:rolled-back tag cannot be written, the rollback still succeeds (traffic moved) and says the tag was not updated', async () => {
    expect(await release()).toBe('8');
    aws.setFaults({ rate: 1, kinds: ['error500'], operations: ['TagResource', 'UntagResource'] });
    try {
      const dir = await mkdtemp(join(tmpdir(), 'fnx-fresh-'));
      dirs.push(dir);
      await cp(join(project, 'fnx.yaml'), join(dir, 'fnx.yaml'));
      const r = await fnx(['rollback'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(live()).toBe('1');
      expect(r.stderr).toContain('traffic moved to 1, but the fnx:rolled-back tag on rbapp-prod-api could not be updated');
    } finally {
      aws.setFaults(undefined);
    }
  }, 60_000);
});
