/** What the README promises about output and the AWS region is what fnx does. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runFnx } from '../helpers/cli.js';
import { cleanupProjects, makeProject } from './package/helpers.js';

afterAll(cleanupProjects);

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8').replace(/\s+/g, ' ');

describe('README claims', () => {
  it('--json: one document on stdout and nothing on stderr, warnings included in the document', async () => {
    expect(readme).not.toContain('progress on stderr');
    expect(readme).toContain('nothing else is printed: no progress and no warnings on stderr');
    const root = makeProject({
      'fnx.yaml': 'service: py\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n  api:\n    handler: src/handler.handler\n    runtime: python3.12\n    package: { budget: { unzipped: 10 } }\n',
      'src/handler.py': 'def handler(event, context):\n    return 1\n',
    });
    const r = await runFnx(['package', '--json'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).warnings).toEqual([expect.objectContaining({ code: 'E_PACKAGE_BUDGET' })]);
  });

  it('the region is the manifest\'s; AWS_REGION is not named as a source of it', () => {
    expect(readme).not.toMatch(/Credentials, region and endpoint come from/);
    expect(readme).toContain('The region does not: it is always the manifest\'s (`providers.aws.region`, required); `AWS_REGION` is ignored');
  });
});
