/**
 * The valid manifests the fuzzer mutates: every `fnx init` template (placeholders filled in as
 * init fills them) and the README's manifest example, each with the project files it names
 * (handler modules, a package.json with one production dependency for `from: package.json`
 * layers), so that each seed passes `validate` and `package` unmutated.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface Seed {
  readonly name: string;
  readonly text: string;
  /** Project files by relative path. */
  readonly files: Readonly<Record<string, string>>;
  readonly stages: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** The repository root, from test/fuzz (vitest) or dist/test/fuzz (the long runner). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'templates')) || !existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (templates/)');
    dir = up;
  }
  return dir;
}

const PROVIDERS = '  aws:\n    region: us-east-1';

export function loadSeeds(root = repoRoot()): Seed[] {
  const seeds: Seed[] = [];
  for (const t of readdirSync(join(root, 'templates')).sort()) {
    const file = join(root, 'templates', t, 'fnx.yaml');
    if (!existsSync(file)) continue;
    const meta = JSON.parse(readFileSync(join(root, 'templates', t, 'template.json'), 'utf8')) as { runtime: string };
    const text = readFileSync(file, 'utf8').replaceAll('{{service}}', 'demo').replaceAll('{{providers}}', PROVIDERS).replaceAll('{{runtime}}', meta.runtime);
    seeds.push(seed(`template ${t}`, text, {}));
  }
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```yaml\n(# yaml-language-server[^\n]*\nservice: orders\n[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README: the manifest example was not found');
  seeds.push(seed('README example', block[1]!, { AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000' }));
  return seeds;
}

type Doc = { defaults?: { runtime?: string }; stages?: Record<string, unknown>; layers?: Record<string, { from?: string; path?: string }>; functions?: Record<string, { handler?: string; runtime?: string }> };

function seed(name: string, text: string, env: Record<string, string>): Seed {
  const doc = parse(text) as Doc;
  const files: Record<string, string> = {};
  for (const fn of Object.values(doc.functions ?? {})) {
    const handler = fn.handler ?? '';
    const dot = handler.lastIndexOf('.');
    const [path, exported] = [handler.slice(0, dot), handler.slice(dot + 1)];
    const runtime = fn.runtime ?? doc.defaults?.runtime ?? 'nodejs22';
    if (runtime.startsWith('python')) files[`${path}.py`] = `def ${exported}(event, context):\n    return {"statusCode": 200}\n`;
    else files[`${path}.js`] = `export async function ${exported}(event) {\n  return { statusCode: 200 };\n}\n`;
  }
  files['package.json'] = JSON.stringify({ name: 'fuzz-project', version: '1.0.0', type: 'module', dependencies: { tiny: '1.0.0' } });
  files['node_modules/tiny/package.json'] = JSON.stringify({ name: 'tiny', version: '1.0.0', main: 'index.js' });
  files['node_modules/tiny/index.js'] = 'module.exports = 1;\n';
  for (const layer of Object.values(doc.layers ?? {})) if (layer.path) files[`${layer.path}/index.js`] = 'module.exports = 1;\n';
  return { name, text, files, stages: Object.keys(doc.stages ?? {}), env };
}
