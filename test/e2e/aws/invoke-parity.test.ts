/**
 * Parity: `fnx invoke --local` and the deployed function (the AWS emulator runs the deployed
 * zip's handler) answer the same for the same sample event, Node and Python. Needs the emulator
 * that executes code (issue 14's runtime work): against a placeholder answer this fails.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fnx } from './world.js';
import { deployedWorld } from './invoke-world.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('parity: --local and deployed invoke answer the same', () => {
  const world = deployedWorld();
  const cases = [
    { fn: 'api', data: '{"path":"/items/7?color=red","method":"POST","body":{"n":1}}', logs: 'api got POST /items/7' },
    ...(hasPython ? [{ fn: 'py', data: '{"path":"/py/9?a=1&a=2","method":"POST","body":"plain"}', logs: 'py got /py/9' }] : []),
  ];
  it.each(cases)('$fn', async ({ fn, data, logs }) => {
    const [aws, dir] = [world.aws(), world.dir()];
    const local = await fnx(aws, dir, ['invoke', fn, '--stage', 'dev', '--local', '--event', 'http', '--data', data, '--json']);
    const deployed = await fnx(aws, dir, ['invoke', fn, '--stage', 'dev', '--event', 'http', '--data', data, '--json']);
    expect(local.code, local.stdout + local.stderr).toBe(0);
    expect(deployed.code, deployed.stdout + deployed.stderr).toBe(0);
    const l = JSON.parse(local.stdout);
    const d = JSON.parse(deployed.stdout);
    expect(l.logs.join('\n')).toContain(logs);
    expect(JSON.parse(l.payload.body)).toMatchObject({ greeting: 'hello' });
    expect(d.payload).toEqual(l.payload);
    // The deployed run's log tail has what the handler wrote.
    expect(d.logs.join('\n')).toContain(logs);
  });
});
