/**
 * `fnx plan` on GCP after an edit: a file no handler reaches changes nothing; editing one handler
 * updates exactly the functions that use it, each showing its code change as the sha256 prefixes
 * of the deployed and the new archive.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcpEmulator } from '../../emulators/gcp/index.js';
import { fnx, newProject, shopFiles, startWorld, writeProject } from './world.js';

let emu: GcpEmulator;
beforeAll(async () => {
  emu = await startWorld();
});
afterAll(async () => {
  await emu?.close();
});

const sha = (dir: string, fn: string) => createHash('sha256').update(readFileSync(join(dir, '.fnx/build/dev/functions', `${fn}.zip`))).digest('hex').slice(0, 12);

describe('gcp plan after an edit', () => {
  it('names the code change of exactly the functions whose archive changed', { timeout: 120_000 }, async () => {
    const dir = await newProject(shopFiles());
    expect((await fnx(emu, dir, ['deploy', '--stage', 'dev'])).code).toBe(0);
    const before = sha(dir, 'worker');

    await writeProject(dir, { 'NOTES.md': 'not reached by any handler\n' });
    const unrelated = await fnx(emu, dir, ['plan', '--stage', 'dev']);
    expect(unrelated.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 4 unchanged.');

    await writeProject(dir, { 'src/worker.js': 'export const handler = async () => ({ changed: 1 });\n' });
    const edited = await fnx(emu, dir, ['plan', '--stage', 'dev']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('Plan: 0 to create, 3 to update, 0 to delete, 1 unchanged.');
    expect(edited.stdout).toContain(`code: sha256 ${before} -> sha256 ${sha(dir, 'worker')}`);
    expect(edited.stdout).not.toContain('(none)');
  });
});
