import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx } from './../helpers/cli.js';

describe('manifest warnings and stage errors reach every command that reads the manifest', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fnx-warn-'));
    await mkdir(join(dir, 'src'));
    await mkdir(join(dir, 'layers/spare'), { recursive: true });
    await writeFile(join(dir, 'src/handler.js'), 'export const handler = async () => ({ statusCode: 200 });\n');
    await writeFile(
      join(dir, 'fnx.yaml'),
      'service: warn\nproviders:\n  aws: { region: us-east-1 }\nlayers:\n  spare: { path: layers/spare }\nfunctions:\n  api:\n    handler: src/handler.handler\nstages:\n  dev: {}\n  prod:\n    defaults: { memory: 1024 }\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a warning on `fnx package` is printed, and packaging goes on', async () => {
    const r = await runFnx(['package', '--stage', 'prod'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[W_LAYER_UNUSED] Layer `spare` is not used by any function.');
  });

  it('with --json the warning stays off stdout, which holds one JSON document', async () => {
    const r = await runFnx(['package', '--stage', 'prod', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, stage: 'prod' });
  });

  it('a stage typo is a usage error on `fnx package` and `fnx status`, before any packaging or cloud call', async () => {
    for (const command of ['package', 'status']) {
      const r = await runFnx([command, '--stage', 'prdo'], { cwd: dir, env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('fnx.yaml:9:1: error [E_STAGE_UNDECLARED] Stage `prdo` is not declared under `stages` (declared: `dev`, `prod`).');
      expect(r.stderr).toContain('did you mean `prod`? Or, to add stage `prdo`, declare it under `stages`: `prdo: {}`.');
    }
  });
});
