/**
 * Start-up hygiene: `fnx validate` and `fnx --help` load no cloud SDK (a module resolve hook
 * records every file the built CLI loads; a bundle chunk counts as every source module esbuild's
 * metafile says it holds), and the generated files match the schema.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fnxBin, repoRoot } from '../../helpers/cli.js';
import { fixturesDir, project, tempDir } from './fixtures.js';

const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.FNX_MODULE_TRACE, r.url + '\\n');
  return r;
}
`;
const REGISTER = `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`;
const CLOUD_SDK = /\/node_modules\/(@aws-sdk|@smithy|@azure|@google-cloud|google-gax)\//;

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** Replaces each loaded bundle chunk by the URLs of the source modules bundled into it. */
function withBundledModules(urls: string[]): string[] {
  const meta = JSON.parse(readFileSync(join(repoRoot, 'dist/bundle-meta.json'), 'utf8')) as Metafile;
  return urls.flatMap((url) => {
    const output = url.startsWith('file:') ? meta.outputs[relative(repoRoot, fileURLToPath(url))] : undefined;
    return output ? [url, ...Object.keys(output.inputs).map((input) => pathToFileURL(join(repoRoot, input)).href)] : [url];
  });
}

/** Runs the built CLI with the resolve hook; returns every module URL it loaded, bundled or not. */
function modulesLoadedBy(args: string[], cwd: string): { urls: string[]; status: number | null } {
  const dir = tempDir();
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'register.mjs'), REGISTER);
  const trace = join(dir, 'trace.txt');
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), fnxBin, ...args], {
    cwd,
    env: { ...process.env, FNX_MODULE_TRACE: trace, CI: 'true' },
    encoding: 'utf8',
  });
  return { urls: withBundledModules(readFileSync(trace, 'utf8').split('\n').filter(Boolean)), status: r.status };
}

describe('start-up loads no cloud SDK', () => {
  it('fnx validate', () => {
    const cwd = project(readFileSync(join(fixturesDir, 'good', 'full.yaml'), 'utf8'));
    const { urls, status } = modulesLoadedBy(['validate'], cwd);
    expect(status).toBe(0);
    expect(urls.some((u) => u.endsWith('/dist/src/manifest/index.js'))).toBe(true);
    expect(urls.some((u) => u.endsWith('/dist/src/commands/validate.js'))).toBe(true);
    expect(urls.filter((u) => u.endsWith('/dist/providers/aws/index.js'))).toEqual([]);
    expect(urls.filter((u) => CLOUD_SDK.test(u))).toEqual([]);
    expect(urls.filter((u) => /\/node_modules\/ajv\/dist\/(ajv|core)\.js$/.test(u))).toEqual([]);
  });

  it('fnx --help', () => {
    const { urls, status } = modulesLoadedBy(['--help'], tempDir());
    expect(status).toBe(0);
    expect(urls.some((u) => u.endsWith('/dist/src/cli/program.js'))).toBe(true);
    expect(urls.filter((u) => CLOUD_SDK.test(u))).toEqual([]);
  });
});

describe('generated files', () => {
  it('src/manifest/schema.generated.ts and schema-validator.generated.ts match schemas/fnx.schema.json', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/gen-types.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
