/**
 * Where resolved settings came from input variables (ResolvedFunction.variables), and the limits on
 * what variables may build.
 */
import { describe, expect, it } from 'vitest';
import { check, codes } from './fixtures.js';

const head = 'service: orders\nproviders: { aws: { region: us-east-1 } }\n';

describe('variable references of resolved functions', () => {
  it('records the text as written for values fed by ${env:...} and ${opt:...}, by field, and nothing for literals or ${stage}', async () => {
    const r = await check(
      `${head}defaults:\n  environment: { SHARED: "\${env:SHARED}", STAGE: "\${stage}" }\n  memory: "\${opt:memory}"\nfunctions:\n  api:\n    handler: src/api.handler\n    environment: { API_KEY: "\${env:MY_API_KEY}", URL: "https://\${opt:host}/x", PLAIN: a }\n    tags: { owner: "\${env:OWNER, nobody}" }\n    triggers:\n      - queue: { name: "jobs-\${env:QUEUE}" }\n`,
      { env: { SHARED: 's', MY_API_KEY: 'k', QUEUE: 'q' }, vars: { memory: '512', host: 'h' } },
    );
    expect(r.errors).toEqual([]);
    const fn = r.manifest!.functions[0]!;
    expect(fn.environment.API_KEY).toBe('k');
    expect(fn.variables).toEqual({
      'environment.SHARED': '${env:SHARED}',
      'environment.API_KEY': '${env:MY_API_KEY}',
      'environment.URL': 'https://${opt:host}/x',
      memory: '${opt:memory}',
      'tags.owner': '${env:OWNER, nobody}',
      'triggers.0.queue.name': 'jobs-${env:QUEUE}',
    });
  });

  it('follows ${self:...} copies of variable-fed values, and a function value overriding a default drops the default reference', async () => {
    const r = await check(
      `${head}defaults:\n  environment: { TOKEN: "\${env:TOKEN}", LEVEL: "\${env:LEVEL}" }\nfunctions:\n  api:\n    handler: src/api.handler\n    environment: { LEVEL: info, COPY: "\${self:defaults.environment.TOKEN}" }\n  worker:\n    handler: src/worker.run\n    environment: "\${self:defaults.environment}"\n`,
      { env: { TOKEN: 't', LEVEL: 'debug' } },
    );
    expect(r.errors).toEqual([]);
    const [api, worker] = r.manifest!.functions;
    expect(api!.variables).toEqual({ 'environment.TOKEN': '${env:TOKEN}', 'environment.COPY': '${self:defaults.environment.TOKEN}' });
    expect(worker!.variables).toEqual({ 'environment.TOKEN': '${self:defaults.environment}', 'environment.LEVEL': '${self:defaults.environment}' });
  });

  it('a manifest without input variables has no references', async () => {
    const r = await check(`${head}functions:\n  api: { handler: src/api.handler, environment: { S: "\${stage}" } }\n`);
    expect(r.manifest!.functions[0]!.variables).toBeUndefined();
  });
});

describe('limits on what variables build', () => {
  it('stops strings that repeat variables past 100000 characters, at the value', async () => {
    const rows = ['      A: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"'];
    for (const [prev, name] of ['AB', 'BC', 'CD', 'DE', 'EF', 'FG', 'GH', 'HI', 'IJ', 'JK', 'KL', 'LM']) {
      rows.push(`      ${name}: "${Array(4).fill(`\${self:functions.api.environment.${prev}}`).join('')}"`);
    }
    const r = await check(`${head}functions:\n  api:\n    handler: src/api.handler\n    environment:\n${rows.join('\n')}\n`);
    expect(r.manifest).toBeUndefined();
    expect(codes(r.errors.filter((e) => e.code === 'E_VAR_TOO_LARGE'))).toEqual(['E_VAR_TOO_LARGE 12:10']);
    expect(r.errors.find((e) => e.code === 'E_VAR_TOO_LARGE')!.message).toContain('longer than 100000 characters');
  });

  it('stops ${self:...} copies of copies past 10000 values', async () => {
    const rows = ['  a: [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg']) rows.push(`  ${name}: [${Array(9).fill(`"\${self:functions.api.tags.${prev}}"`).join(', ')}]`);
    const r = await check(`${head}functions:\n  api:\n    handler: src/api.handler\n    tags:\n${rows.join('\n').replace(/^ {2}/gm, '      ')}\n`);
    expect(r.manifest).toBeUndefined();
    const tooLarge = r.errors.filter((e) => e.code === 'E_VAR_TOO_LARGE');
    expect(tooLarge).toHaveLength(1);
    expect(tooLarge[0]!.message).toContain('copies more than 10000 values');
  });
});
