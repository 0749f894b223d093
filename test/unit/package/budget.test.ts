// Runs the built CLI: `npm run build` first (npm test does it).
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, makeProject } from './helpers.js';

afterAll(cleanupProjects);

const yaml = (budget: string) => `service: shop
providers:
  aws: { region: us-east-1 }
functions:
  api:
    handler: src/api.handler
    package:
      trace: false
      budget: ${budget}
  small:
    handler: src/small.handler
    package: { include: ["src/small.js"], trace: false }
`;

function project(budget: string): string {
  return makeProject({
    'fnx.yaml': yaml(budget),
    'package.json': JSON.stringify({ name: 'shop', dependencies: { big: '1', '@s/tiny': '1' } }),
    'node_modules/big/package.json': JSON.stringify({ name: 'big' }),
    'node_modules/big/data.js': 'x'.repeat(40_000),
    'node_modules/@s/tiny/package.json': JSON.stringify({ name: '@s/tiny' }),
    'src/api.js': 'export const handler = async () => 1;\n',
    'src/small.js': 'export const handler = async () => 2;\n',
  });
}

describe('fnx package: size report and package.budget', () => {
  it('reports sizes, the largest contributors and the change since the last build, in text and --json', async () => {
    const root = project('{ unzipped: 1MB }');
    const r = await runFnx(['package'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {9}[\d.]+ KB unzipped; largest: node_modules\/big 39\.1 KB, src 76 B, package\.json \d+ B, node_modules\/@s\/tiny \d+ B; new since the last build$/m);
    const again = await runFnx(['package', '--json'], { cwd: root });
    expect(again.code, again.stderr).toBe(0);
    const api = JSON.parse(again.stdout).artifacts.find((a: { name: string }) => a.name === 'api');
    expect(api).toMatchObject({ files: 6, largest: [expect.objectContaining({ name: 'node_modules/big', files: 2 }), { name: 'src', bytes: 76, files: 2 }, expect.objectContaining({ name: 'package.json' }), expect.objectContaining({ name: 'node_modules/@s/tiny' })] });
    expect(api.unzippedSize).toBeGreaterThan(40_000);
    expect(api.previous).toEqual({ size: api.size, unzippedSize: api.unzippedSize, sha256: api.sha256 });
    expect(JSON.parse(again.stdout).warnings).toEqual([]);
    const text = await runFnx(['package'], { cwd: root });
    expect(text.stdout).toContain('unchanged since the last build');
  });

  it('an archive over its budget is a warning naming the function, sizes and contributors; --strict makes it exit 2 (also deploy)', async () => {
    const root = project('{ unzipped: 20KB, zipped: "100 B" }');
    const r = await runFnx(['package'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: fnx\.yaml:9:7: \[E_PACKAGE_BUDGET\] Function "api" \(aws\) is [\d.]+ KB unzipped, over its budget of 20\.0 KB and [\d.]+ (K?B) zipped, over its budget of 100 B \(package\.budget\)\./);
    expect(r.stderr).toContain('Its largest contributors: node_modules/big 39.1 KB');
    expect(r.stderr).not.toContain('"small"');

    const strict = await runFnx(['package', '--strict'], { cwd: root });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('error [E_PACKAGE_BUDGET] Function "api"');

    // deploy packages before its first cloud call: the endpoint never hears from it.
    let connections = 0;
    const endpoint = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const port = (endpoint.address() as AddressInfo).port;
    try {
      const d = await runFnx(['deploy', '--strict'], { cwd: root, env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' } });
      expect(d.code, d.stderr).toBe(2);
      expect(d.stderr).toContain('[E_PACKAGE_BUDGET]');
      expect(connections).toBe(0);
    } finally {
      endpoint.close();
    }
  });

  it('a budget that is not a size is a manifest error at its position', async () => {
    const root = project('{ unzipped: 50 megabytes }');
    const r = await runFnx(['package'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:9:27: error [E_SCHEMA_PATTERN] functions.api.package.budget.unzipped is not valid');
    expect(r.stderr).toContain('Write a size as bytes (52428800) or "50MB", "512 KB", "1.5GB".');
    expect(existsSync(join(root, '.fnx/build'))).toBe(false);
  });
});
