/**
 * What a user installs with fnx-cli: every runtime dependency in package.json is imported by
 * runtime code (src/ or providers/), so nothing only the tests, scripts or benchmarks use is
 * installed into every project.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !/\.test\.[^.]+$/.test(e.name) ? [path] : [];
  });
}

/** Package names a module imports: `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`. */
function importedPackages(text: string): Set<string> {
  const specs = [
    ...text.matchAll(/(?:^|;)\s*(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/(?:^|;)\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  const out = new Set<string>();
  for (const spec of specs) {
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    out.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return out;
}

describe('runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const imported = new Set(['src', 'providers'].flatMap((d) => sourceFiles(join(repoRoot, d))).flatMap((f) => [...importedPackages(readFileSync(f, 'utf8'))]));

  it('are each imported by runtime code in src/ or providers/', () => {
    const unused = Object.keys(pkg.dependencies).filter((d) => !imported.has(d));
    expect(unused, `only tests, scripts or benchmarks use these: move them to devDependencies`).toEqual([]);
  });

  it('include every package runtime code imports', () => {
    const declared = new Set(Object.keys(pkg.dependencies));
    expect([...imported].filter((d) => !declared.has(d)).sort()).toEqual([]);
  });

  it('as installed: `npm ls --omit=dev` is consistent and its top level is exactly what runtime code imports', () => {
    // Under `npm test`, npm_execpath is the npm running the tests; otherwise the npm on PATH.
    const npm = process.env.npm_execpath;
    const args = ['ls', '--omit=dev', '--parseable', '--depth=0'];
    const r = npm && /\.c?js$/.test(npm) ? spawnSync(process.execPath, [npm, ...args], { cwd: repoRoot, encoding: 'utf8' }) : spawnSync('npm', args, { cwd: repoRoot, encoding: 'utf8' });
    // Non-zero for a missing, invalid or extraneous package.
    expect(r.status, r.stderr).toBe(0);
    const top = r.stdout
      .split('\n')
      .filter((l) => l.trim() && l !== repoRoot.replace(/[\\/]$/, ''))
      .map((l) => relative(join(repoRoot, 'node_modules'), l).split(sep).join('/'))
      .sort();
    expect(top).toEqual([...imported].sort());
  });

  it('leave archiver (benchmark) and the SQS client (tests) to devDependencies', () => {
    expect(pkg.dependencies).not.toHaveProperty('archiver');
    expect(pkg.dependencies).not.toHaveProperty('@aws-sdk/client-sqs');
    expect(pkg.devDependencies).toHaveProperty('archiver');
    expect(pkg.devDependencies).toHaveProperty('@aws-sdk/client-sqs');
  });
});
