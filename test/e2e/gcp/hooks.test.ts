/**
 * Release hooks on Google Cloud through the built CLI and the emulator: the hook function is
 * private (no public http trigger), so fnx must call its URL with an ID token whose audience is
 * that URL, as Cloud Run demands; an OAuth access token would get 403 and fail the release.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator, RevisionRequest } from '../../emulators/gcp/index.js';
import { PROJECT, fnx, newProject, startWorld } from './world.js';

const files = {
  'fnx.yaml': `service: hooks
providers:
  gcp: { project: ${PROJECT}, region: europe-west1 }
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /hello, auth: none }
    release:
      hooks: { preTraffic: smoke }
  smoke:
    handler: src/smoke.handler
`,
  'package.json': '{ "name": "hooks", "type": "module" }\n',
  'src/api.js': 'export const handler = async () => ({ statusCode: 200, body: "v1" });\n',
  'src/smoke.js': 'export const handler = async () => ({ ok: true });\n',
};

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

describe('gcp release hooks', () => {
  it('preTraffic calls the private hook function with an ID token for its URL, and the release goes on', async () => {
    const dir = await newProject(files);
    const first = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const seen: RevisionRequest[] = [];
    emu.setRevisionHandler((req) => {
      if (req.service === 'hooks-dev-smoke') seen.push(req);
      return { status: 200, body: { ok: true } };
    });
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body.toString('utf8'))).toMatchObject({ hook: 'preTraffic', function: 'api' });
    // The token endpoint minted it for the hook's URL (a target_audience assertion).
    expect(emu.calls.some((c) => c.api === 'oauth' && c.path === '/token')).toBe(true);
  });
});
