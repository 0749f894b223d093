/** `fnx status` text: what the pointer's release record means for the user, and what to do next. */
import { describe, expect, it } from 'vitest';
import type { FunctionStatus, ReleaseRecord } from '../../src/driver.js';
import { formatStatus } from '../../src/deploy/format.js';

const record = (over: Partial<ReleaseRecord>): ReleaseRecord => ({ deployId: 'd-2', version: '2', previous: '1', status: 'live', strategy: 'canary', step: 1, steps: [10, 100], time: '2026-01-01T00:00:00.000Z', ...over });

function status(traffic: Partial<FunctionStatus['traffic']>): FunctionStatus {
  return { function: 'api', traffic: { function: 'api', primary: '1', weight: 0, revision: 'r', ...traffic }, releases: [], triggers: [], urls: [] };
}

describe('formatStatus', () => {
  it('a release in progress: weights, step, and how to finish or abort it', () => {
    const out = formatStatus('aws', 'shop-prod', [status({ candidate: '2', weight: 0.1, release: record({ status: 'in-progress', step: 0 }) })], 'prod');
    expect(out.split('\n').slice(1, 3)).toEqual([
      '  api: live -> 1 (90%), 2 (10%)',
      '    release in progress: 2 at 10% (step 1/2, canary); finish with `fnx promote --stage prod`, abort with `fnx rollback --stage prod`',
    ]);
  });

  it('an automatic rollback: the rolled-back release and its reason', () => {
    const out = formatStatus('aws', 'shop-prod', [status({ release: record({ status: 'rolled-back', step: 0, reason: 'alarm orders-5xx in ALARM state' }) })], 'prod');
    expect(out.split('\n').slice(1, 3)).toEqual([
      '  api: live -> 1',
      '    last release rolled back: 2 -> 1 (canary, 2026-01-01T00:00:00.000Z): alarm orders-5xx in ALARM state',
    ]);
  });

  it('after fnx rollback: says the pointer was moved back, and from where', () => {
    const out = formatStatus('aws', 'shop-prod', [status({ release: record({ version: '1', previous: '2', strategy: 'rollback', step: 0, steps: [100], reason: 'rolled back from 2' }) })], 'prod');
    expect(out.split('\n').slice(1, 3)).toEqual(['  api: live -> 1', '    moved here by fnx rollback (2026-01-01T00:00:00.000Z): rolled back from 2']);
  });

  it('a normal live release keeps the short form', () => {
    const out = formatStatus('aws', 'shop-prod', [status({ primary: '2', release: record({}) })], 'prod');
    expect(out.split('\n')[1]).toBe('  api: live -> 2 [live, canary]');
  });
});

describe('formatStatus with opaque version ids', () => {
  const releases = (...versions: string[]): ReleaseRecord[] => versions.map((v, i) => record({ version: v, status: i === 0 ? 'live' : 'superseded', deployId: `d-${i}` }));

  it('the version column fits the longest id of the function, whatever its shape', () => {
    const s: FunctionStatus = { ...status({ primary: '20260501t1002-4f1c' }), releases: releases('20260501t1002-4f1c', 'r7', '20260401t0900-0a2b') };
    const lines = formatStatus('azure', 'orders-prod', [s], 'prod').split('\n').filter((l) => l.startsWith('    version'));
    expect(lines.map((l) => l.slice(0, 44))).toEqual([
      '    version 20260501t1002-4f1c live        2',
      '    version r7                 superseded  2',
      '    version 20260401t0900-0a2b superseded  2',
    ]);
  });

  it('a function without a traffic pointer says it is not released (no cloud word)', () => {
    const s: FunctionStatus = { function: 'api', traffic: { function: 'api', weight: 0, revision: '' }, releases: [], triggers: [], urls: [] };
    expect(formatStatus('aws', 'shop-prod', [s], 'prod').split('\n')[1]).toBe('  api: no traffic pointer (not released)');
  });
});
