/** `fnx remove` answered "no" at the terminal prompt: exit 1 (as a declined `terraform destroy`), nothing deleted. */
import { describe, expect, it } from 'vitest';
import { remove } from '../../src/commands/remove.js';
import { ExitCode, FnxError } from '../../src/errors.js';
import { FakeCloud } from '../fakes/fake-driver.js';
import { fakeSession } from '../fakes/fake-session.js';
import { fn, manifest } from '../fakes/manifest.js';

const m = manifest([fn('api')]);

describe('fnx remove declined at the prompt', () => {
  it('exits 1 with E_REMOVE_DECLINED and deletes nothing', async () => {
    const cloud = new FakeCloud();
    cloud.seed('api', ['1']);
    const session = fakeSession({ manifest: m, drivers: cloud, interactive: true, answers: [false] });
    const err = await remove({ stage: m.stage, vars: {}, providers: [], yes: false }, session).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FnxError);
    expect(err).toMatchObject({ code: 'E_REMOVE_DECLINED', exitCode: ExitCode.failed });
    expect((err as FnxError).message).toContain('nothing was removed');
    expect(session.questions).toHaveLength(1);
    expect(cloud.pointers.has('api')).toBe(true);
  });
});
