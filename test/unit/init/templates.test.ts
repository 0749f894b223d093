import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFnx, repoRoot } from '../../helpers/cli.js';
import { findPackageRoot } from '../../../src/init/packageRoot.js';
import { TEMPLATES } from './helpers.js';

const templatesDir = join(repoRoot, 'templates');

describe('templates', () => {
  it('`fnx init --list` advertises exactly the templates in templates/, the four required ones included', async () => {
    const r = await runFnx(['init', '--list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const listed = (JSON.parse(r.stdout) as { templates: { name: string; description: string; runtime: string }[] }).templates;
    const names = listed.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining([...TEMPLATES]));
    const onDisk = readdirSync(templatesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(names).toEqual(onDisk);
    for (const t of listed) {
      expect(t.description, t.name).not.toBe('');
      expect(existsSync(join(templatesDir, t.name, 'fnx.yaml')), t.name).toBe(true);
      expect(existsSync(join(templatesDir, t.name, 'template.json')), t.name).toBe(true);
    }
  });

  it('`fnx init --list` prints one line per template', async () => {
    const r = await runFnx(['init', '--list']);
    expect(r.code).toBe(0);
    for (const t of TEMPLATES) expect(r.stdout).toMatch(new RegExp(`^${t}\\s+\\S`, 'm'));
    expect(r.stdout).toMatch(/^node-http .*\[default\]$/m);
  });

  it.each(TEMPLATES)('%s: fnx.yaml starts with the $schema line, and the template has its project files', (t) => {
    const yaml = readFileSync(join(templatesDir, t, 'fnx.yaml'), 'utf8');
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/fnx-cli/schemas/fnx.schema.json');
    for (const f of ['.fnxignore', '_gitignore', 'README.md']) expect(existsSync(join(templatesDir, t, f)), f).toBe(true);
    const handler = t.startsWith('python') ? 'src/handler.py' : 'src/handler.js';
    expect(existsSync(join(templatesDir, t, handler))).toBe(true);
    if (t.startsWith('node')) {
      const pkg = JSON.parse(readFileSync(join(templatesDir, t, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg.dependencies ?? {}).toEqual({});
    }
  });

  it('the schema the $schema line points at ships with the package', () => {
    expect(existsSync(join(repoRoot, 'schemas', 'fnx.schema.json'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; files: string[] };
    expect(pkg.name).toBe('fnx-cli');
    expect(pkg.files).toEqual(expect.arrayContaining(['schemas', 'templates']));
  });

  it('findPackageRoot outside any fnx-cli package is a clear error naming where it looked (plain path or file URL)', () => {
    expect(() => findPackageRoot('/tmp/nowhere/x.js')).toThrow('Cannot find the fnx-cli package root above /tmp/nowhere/x.js');
    expect(() => findPackageRoot('file:///tmp/nowhere/x.js')).toThrow('Cannot find the fnx-cli package root above /tmp/nowhere/x.js');
  });

  it('findPackageRoot finds the fnx-cli root from the source and from the build', () => {
    expect(findPackageRoot(new URL('../../../src/init/packageRoot.ts', import.meta.url))).toBe(repoRoot.replace(/\/$/, ''));
    expect(findPackageRoot(join(repoRoot, 'dist', 'src', 'commands', 'init.js'))).toBe(repoRoot.replace(/\/$/, ''));
  });
});
