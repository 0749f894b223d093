/**
 * What a user sees when Google Cloud says no: a failed build (its own message, nothing released),
 * missing or broken credentials and endpoint settings (one clear error before any change), and a
 * configuration-only change of code that was rolled back (not released silently).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { fnx, newProject, shopFiles, startWorld } from './world.js';

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

const serving = (service: string) => emu.currentSplit(service).filter((e) => e.percent > 0);

describe('gcp failures', () => {
  it('a failed build exits 1 with the build\'s own message and leaves traffic where it was', async () => {
    const dir = await newProject(shopFiles());
    expect((await fnx(emu, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const before = serving('shop-dev-api');
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "v2" });\n');
    emu.failNextBuild('npm ERR! missing script: gcp-build', 'shop-dev-api');
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm ERR! missing script: gcp-build');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(serving('shop-dev-api')).toEqual(before);
    // The next deploy builds the same code again (the function is FAILED, not up to date) and releases it.
    const again = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    const now = serving('shop-dev-api');
    expect(now).toHaveLength(1);
    expect(now[0]!.revision).not.toBe(before[0]!.revision);
  });

  it('credentials: a key file that does not exist, and an endpoint that is not a URL, stop before any call (exit 2)', async () => {
    const dir = await newProject(shopFiles());
    emu.clearCalls();
    const missing = await fnx(emu, dir, ['deploy', '--stage', 'dev'], { env: { GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/key.json' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('[E_GCP_CREDENTIALS] GOOGLE_APPLICATION_CREDENTIALS names /nonexistent/key.json, which does not exist.');
    const endpoint = await fnx(emu, dir, ['deploy', '--stage', 'dev'], { env: { FNX_GCP_ENDPOINT: 'not a url' } });
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr).toContain('[E_GCP_ENDPOINT] FNX_GCP_ENDPOINT is not a URL: not a url');
    expect(emu.calls.filter((c) => c.api !== 'oauth')).toEqual([]);
  });

  it('a key the cloud does not accept is one credentials error naming what fnx looked at', async () => {
    const dir = await newProject(shopFiles());
    const bad = join(dir, 'other-key.json');
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(bad, JSON.stringify({ type: 'service_account', project_id: 'fnx-e2e', private_key_id: 'x', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), client_email: 'someone@fnx-e2e.iam.gserviceaccount.com', token_uri: `${emu.url}/token` }));
    const r = await fnx(emu, dir, ['plan', '--stage', 'dev'], { env: { GOOGLE_APPLICATION_CREDENTIALS: bad } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error [E_GCP_CREDENTIALS] Google Cloud did not accept the credentials for ListFunctions');
    expect(r.stderr).toContain(`hint: fnx used the first of: GOOGLE_APPLICATION_CREDENTIALS (${bad})`);
    expect(r.stderr.match(/error \[/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('after a rollback, a configuration-only change builds the rolled-back code again and does not release it', async () => {
    emu.reset();
    const dir = await newProject(shopFiles());
    expect((await fnx(emu, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    await writeFile(join(dir, 'src/api.js'), 'export const handler = async () => ({ statusCode: 200, body: "bad" });\n');
    expect((await fnx(emu, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const rb = await fnx(emu, dir, ['rollback', '--stage', 'dev', '--function', 'api']);
    expect(rb.code, rb.stderr + rb.stdout).toBe(0);
    const back = serving('shop-dev-api');
    const manifest = join(dir, 'fnx.yaml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('GREETING: hello', 'GREETING: bonjour'));
    const r = await fnx(emu, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr + r.stdout).toBe(3);
    expect(r.stderr + r.stdout).toContain('rolled back');
    expect(serving('shop-dev-api')).toEqual(back);
  });
});
