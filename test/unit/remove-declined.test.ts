/** `fnx remove` answered "no" at the terminal prompt: exit 1 (as a declined `terraform destroy`), nothing deleted. */
import { describe, expect, it, vi } from 'vitest';
import { removeCommand } from '../../src/commands/remove.js';
import { ExitCode, FnxError } from '../../src/errors.js';
import { FakeCloud, FakeDriver } from '../fakes/fake-driver.js';
import { fn, manifest } from '../fakes/manifest.js';
import { MemoryReporter } from '../fakes/memory-reporter.js';

const cloud = new FakeCloud();
const m = manifest([fn('api')]);

vi.mock('../../src/deploy/confirm.js', () => ({ confirm: async () => false }));
vi.mock('../../src/deploy/targets.js', async (original) => ({
  ...(await original<typeof import('../../src/deploy/targets.js')>()),
  loadForCommand: async () => m,
  loadTargets: async () => [{ name: 'aws', driver: new FakeDriver(cloud) }],
}));

describe('fnx remove declined at the prompt', () => {
  it('exits 1 with E_REMOVE_DECLINED and deletes nothing', async () => {
    cloud.seed('api', ['1']);
    const reporter = new MemoryReporter(false);
    const ctx = { reporter, signal: new AbortController().signal, cwd: '/p', env: {}, interactive: true };
    const err = await removeCommand({ stage: m.stage, vars: {}, json: false, providers: [], yes: false }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FnxError);
    expect(err).toMatchObject({ code: 'E_REMOVE_DECLINED', exitCode: ExitCode.failed });
    expect((err as FnxError).message).toContain('nothing was removed');
    expect(cloud.pointers.has('api')).toBe(true);
  });
});
