/**
 * `fnx validate` (the built CLI) on manifests that used to hang, mislead or pass: an alias bomb,
 * an unclosed quote, files that are not UTF-8, merge keys, and the parse cache in `.fnx/cache`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { fixturesDir, tempDir } from './fixtures.js';

function project(content: string | Buffer): string {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), content);
  // The handlers the manifests below name, so validate's handler checks pass.
  mkdirSync(join(cwd, 'src'));
  writeFileSync(join(cwd, 'src', 'f.js'), 'export async function handler() {}\n');
  writeFileSync(join(cwd, 'src', 'api.js'), 'export async function handler() {}\n');
  writeFileSync(join(cwd, 'src', 'worker.js'), 'export async function run() {}\n');
  return cwd;
}

const bad = (name: string) => readFileSync(join(fixturesDir, 'bad', name), 'utf8');

describe('fnx validate reading fnx.yaml', () => {
  it('answers an alias bomb with exit 2 and the alias position, the same on every run (nothing cached)', async () => {
    const cwd = project(bad('yaml-alias-bomb.yaml'));
    for (let run = 0; run < 2; run++) {
      const r = await runFnx(['validate'], { cwd, timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('fnx.yaml:9:10: error [E_YAML_ALIAS] The alias `*d` expands to more than 10000 values');
    }
    expect(existsSync(join(cwd, '.fnx', 'cache'))).toBe(false);
  });

  it('points an unclosed quote at the opening quote, also in GitHub annotations', async () => {
    const cwd = project(bad('yaml-unclosed-double-quote.yaml'));
    const r = await runFnx(['validate'], { cwd, env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:11:14: error [E_YAML_SYNTAX] Unclosed quote: the value that starts with `"` here has no closing `"`');
    expect(r.stdout).toContain('::error file=fnx.yaml,line=11,col=14,title=E_YAML_SYNTAX::Unclosed quote');
  });

  it('refuses a UTF-16 file with exit 2 and says it must be UTF-8', async () => {
    const text = 'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: src/f.handler } }\n';
    const r = await runFnx(['validate'], { cwd: project(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:1:1: error [E_MANIFEST_ENCODING] fnx.yaml must be UTF-8, but it is UTF-16 (little-endian).');
  });

  it('a cached parse never turns a file that is not UTF-8 into a pass', async () => {
    // U+FFFD typed into the file is valid UTF-8; the byte 0xFF in its place is not, though both
    // decode to the same text.
    const text = (value: string) => `service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: src/f.handler, environment: { A: "${value}" } } }\n`;
    const cwd = project(text('\ufffd'));
    const first = await runFnx(['validate'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(cwd, '.fnx', 'cache'))).toBe(true);
    const [before, after] = text('\ufffd').split('\ufffd');
    writeFileSync(join(cwd, 'fnx.yaml'), Buffer.concat([Buffer.from(before!, 'utf8'), Buffer.from([0xff]), Buffer.from(after!, 'utf8')]));
    const second = await runFnx(['validate'], { cwd });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('fnx.yaml:3:62: error [E_MANIFEST_ENCODING] fnx.yaml must be UTF-8: byte 0xFF here is not valid UTF-8.');
  });

  it('supports merge keys: merged settings are validated and resolved', async () => {
    const cwd = project(
      'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  api: &common\n    handler: src/api.handler\n    memory: 1024\n  worker:\n    <<: *common\n    handler: src/worker.run\n',
    );
    const r = await runFnx(['validate', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { functions: { name: string; handler: string; memory: number }[] };
    expect(out.functions.map((f) => [f.name, f.handler, f.memory])).toEqual([
      ['api', 'src/api.handler', 1024],
      ['worker', 'src/worker.run', 1024],
    ]);
  });
});
