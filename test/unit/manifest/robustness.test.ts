/** Odd shapes never crash the pipeline: every one ends in positioned manifest errors (exit code 2). */
import { describe, expect, it } from 'vitest';
import { check } from './fixtures.js';

const odd = [
  'service: s\nproviders: [aws]\nfunctions: [f]\n',
  'service: s\nproviders: { aws: null }\nfunctions: { f: null }\n',
  'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b, triggers: [null, 1, "http", { http: null }, { schedule: { cron: 5 } }] } }\n',
  'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b, release: { strategy: canary, steps: abc, health: [1], hooks: 3 } } }\n',
  'service: s\nproviders: { aws: { region: us-east-1 } }\ndefaults: []\nlayers: 7\nstages: { prod: 3, dev: { functions: { f: null } } }\nfunctions: { f: { handler: a.b, layers: x, concurrency: { max: a, warm: b }, providers: aws } }\n',
  'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b, environment: { A: "${", B: "${}", C: "${self:}", D: "${env:}", E: "${stage:x}", F: "${self:a..b}" } } }\n',
  'service: s\nproviders: { aws: { region: us-east-1 } }\nfunctions: { f: { handler: a.b, environment: { A: "${self:functions.f.environment}" } } }\n',
  'service: s\nproviders: { aws: { region: us-east-1 } }\nx: &a { b: *a }\nfunctions: { f: { handler: a.b } }\n',
  '? [a, b]\n: c\nservice: s\n',
  'service: s\n\tproviders: {}\n',
  '--- \nservice: a\n---\nservice: b\n',
  '"just a string"\n',
];

describe('odd manifests', () => {
  it.each(odd.map((t, i) => [i, t]))('#%i ends in manifest errors, not a crash', async (_i, text) => {
    const r = await check(text as string, { stage: 'dev' });
    expect(r.manifest).toBeUndefined();
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(e.code).toMatch(/^E_(SCHEMA|VAR|YAML|MANIFEST|STAGE|LAYER|RELEASE|SCHEDULE|FUNCTION|PROVIDER|CONCURRENCY|HTTP)/);
      expect(e.exitCode).toBe(2);
      expect(e.location?.line).toBeGreaterThan(0);
    }
  });
});
