/**
 * End to end: a function with neutral events deploys with fnx's entry adapter (in the uploaded zip,
 * as Lambda's Handler, with partial batch failures on its queue mapping); `events: native` takes
 * all of that away, and switching between the two is a plain update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnx, newProject, startWorld, writeProject } from './world.js';

const manifest = (events: string) => `service: ev
providers:
  aws: { region: us-east-1 }
functions:
  worker:
    handler: src/w.handler
${events}    triggers:
      - queue: { name: jobs }
`;

function names(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err || !z) return reject(err ?? new Error('no zip'));
      const out: string[] = [];
      z.on('entry', (e: yauzl.Entry) => {
        out.push(e.fileName);
        z.readEntry();
      });
      z.on('end', () => resolve(out));
      z.readEntry();
    });
  });
}

describe('aws: neutral events and events: native', () => {
  let aws: AwsEmulator;
  let dir = '';
  const lambda = () => aws.state.lambda.functions.get('ev-dev-worker')!;
  const mapping = () => [...aws.state.lambda.eventSourceMappings.values()].find((m) => m.functionArn.includes('ev-dev-worker'))!;

  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject({ 'fnx.yaml': manifest('    events: native\n'), 'src/w.js': 'export const handler = async () => ({});\n' });
  });
  afterAll(() => aws?.close());

  it('events: native deploys the handler as is: no adapter, no batch failure reporting', async () => {
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(lambda().latest.config.Handler).toBe('src/w.handler');
    expect(await names(lambda().latest.code.zip)).toEqual(['src/w.js']);
    expect(mapping().functionResponseTypes).toEqual([]);
  });

  it('switching to neutral events plans the new Handler, code and response type, and deploys them', async () => {
    await writeProject(dir, { 'fnx.yaml': manifest('') });
    const plan = await fnx(aws, dir, ['plan', '--stage', 'dev']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/handler: src\/w\.handler -> fnx_entry\/worker\.handler/);
    expect(plan.stdout).toMatch(/reportBatchItemFailures: false -> true/);

    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(lambda().latest.config.Handler).toBe('fnx_entry/worker.handler');
    expect(await names(lambda().latest.code.zip)).toEqual(['fnx_entry/worker.mjs', 'src/w.js']);
    expect(mapping().functionResponseTypes).toEqual(['ReportBatchItemFailures']);

    aws.clearCalls();
    const again = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(again.code, again.stderr).toBe(0);
    expect(aws.writeCalls().map((c) => c.operation)).toEqual([]);
  });
});
