import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx } from './../helpers/cli.js';

describe('manifest warnings reach every command that reads the manifest', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fnx-warn-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src/handler.js'), 'export const handler = async () => ({ statusCode: 200 });\n');
    await writeFile(
      join(dir, 'fnx.yaml'),
      'service: warn\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  api:\n    handler: src/handler.handler\nstages:\n  prod:\n    defaults: { memory: 1024 }\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a stage typo on `fnx package` is flagged with a did-you-mean, and packaging goes on', async () => {
    const r = await runFnx(['package', '--stage', 'prdo'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[W_STAGE_NO_OVERRIDES] Stage `prdo` has no entry under `stages`');
    expect(r.stderr).toContain('did you mean `prod`?');
  });

  it('with --json the warning stays off stdout, which holds one JSON document', async () => {
    const r = await runFnx(['package', '--stage', 'prdo', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, stage: 'prdo' });
  });
});
