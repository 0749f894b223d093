/**
 * Failure classes the manifest fuzzer (test/fuzz) found, each fixed: every one now ends in a
 * positioned manifest error (exit 2) or is read correctly, never a RangeError, E_INTERNAL, a
 * problem without a position, or a result that differs between a fresh and a cached parse.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageProject } from '../../../src/commands/package.js';
import { FnxError, FnxErrorList } from '../../../src/errors.js';
import { checkManifest } from '../../../src/manifest/index.js';
import { createSession } from '../../../src/session.js';
import { MemoryReporter } from '../../fakes/memory-reporter.js';
import { check, codes, project, tempDir } from './fixtures.js';

const head = 'service: shop\nproviders:\n  aws:\n    region: us-east-1\n';
const api = 'functions:\n  api:\n    handler: src/api.handler\n';

/** Checks `text` twice in one folder (the second run may read the parse cache) and returns both results. */
async function twice(text: string, stage = 'dev') {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), text);
  const run = () => checkManifest({ cwd, stage, vars: {}, env: {} });
  return [await run(), await run()] as const;
}

function chain(n: number): string {
  const lines = Array.from({ length: n }, (_, i) => `    V${i}: \${self:functions.api.environment.V${i + 1}}`);
  return `${head}${api}    environment:\n${lines.join('\n')}\n    V${n}: end\n`.replace(`    V${n}: end`, `      V${n}: end`).replace(/^ {4}V/gm, '      V');
}

describe('variables that would overflow the stack', () => {
  it('a chain of 1,000 `${self:}` references is one positioned E_VAR_TOO_DEEP', async () => {
    const [r] = await twice(chain(1000));
    const deep = r.errors.filter((e) => e.code.startsWith('E_VAR'));
    // The 101st reference of the chain, which starts at line 9.
    expect(codes(deep)).toEqual(['E_VAR_TOO_DEEP 109:13']);
    expect(deep[0]!.message).toContain('chain of `${self:...}` references');
    expect(r.errors.every((e) => e.location)).toBe(true);
  });

  it('a chain of 50 references resolves', async () => {
    const r = await check(chain(50));
    expect(r.errors).toEqual([]);
    expect(r.manifest!.functions[0]!.environment.V0).toBe('end');
  });

  it('5,000 nested defaults are one positioned E_VAR_TOO_DEEP; 5 resolve', async () => {
    const deep = (n: number) => `${head}${api}    environment:\n      A: "${'${env:X, '.repeat(n)}d${'}'.repeat(n)}"\n`;
    const r = await check(deep(5000));
    expect(codes(r.errors.filter((e) => e.code === 'E_VAR_TOO_DEEP'))).toEqual(['E_VAR_TOO_DEEP 9:191']);
    const ok = await check(deep(5));
    expect(ok.errors).toEqual([]);
    expect(ok.manifest!.functions[0]!.environment.A).toBe('d');
  });

  it('2,000 strings each repeating a 50,000-character value stop at a positioned E_VAR_TOO_LARGE', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => `      S${i}: "p-\${self:service}-\${self:functions.api.tags.big}"`).join('\n');
    const r = await check(`${head}${api}    tags:\n      big: ${'y'.repeat(50_000)}\n    environment:\n${many}\n`);
    const large = r.errors.filter((e) => e.code === 'E_VAR_TOO_LARGE');
    expect(large).toHaveLength(1);
    expect(large[0]!.message).toContain('more than 2000000 characters in all');
    expect(large[0]!.location!.line).toBeGreaterThan(10);
  });
});

describe('YAML nesting that would overflow the parser', () => {
  it.each([
    ['flow lists', `${head}${api}    environment: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, 'E_YAML_DEPTH 8:214'],
    ['compact block lists', `${head}${api}    environment:\n      ${'- '.repeat(3000)}1\n`, 'E_YAML_DEPTH 9:399'],
    ['ever deeper indentation', `${head}custom:\n${Array.from({ length: 500 }, (_, i) => `${' '.repeat(i + 2)}k:`).join('\n')} 1\n`, 'E_YAML_DEPTH 205:202'],
  ])('%s: E_YAML_DEPTH at the same place on every run', async (_name, text, expected) => {
    const [first, second] = await twice(text);
    expect(codes(first.errors)).toEqual([expected]);
    expect(codes(second.errors)).toEqual([expected]);
  });

  it('64 levels of flow nesting are still read (and rejected by the schema, not the parser)', async () => {
    const r = await check(`${head}${api}    environment: { A: ${'['.repeat(60)}${']'.repeat(60)} }\n`);
    expect(r.errors.map((e) => e.code)).not.toContain('E_YAML_DEPTH');
  });
});

describe('aliases', () => {
  it('an alias names the last anchor of that name before it (resolved in one pass)', async () => {
    const r = await check(`${head}a: &m 128\nb: &m 256\n${api}    memory: *m\n`.replace('a: &m', 'x-a: &m').replace('b: &m', 'x-b: &m'));
    // Unknown keys x-a / x-b are reported, the memory is the second anchor's.
    expect(r.errors.map((e) => e.code)).toEqual(['E_SCHEMA_UNKNOWN_KEY', 'E_SCHEMA_UNKNOWN_KEY']);
    const ok = await check(`${head}defaults:\n  memory: &m 128\n  timeout: &m 30\n${api}    memory: 256\n    timeout: *m\n`);
    expect(ok.errors).toEqual([]);
    expect(ok.manifest!.functions[0]!.timeout).toBe(30);
  });
});

describe('stages', () => {
  it('2,000 stages validate, and an unknown key in the last one is still found', async () => {
    const stages = Array.from({ length: 2000 }, (_, i) => `  s${i}: { defaults: { memory: ${256 + (i % 4) * 128} } }`);
    stages.push('  last: { defaults: { memroy: 512 } }');
    const r = await check(`${head}${api}stages:\n${stages.join('\n')}\n`, { stage: 's7' });
    expect(codes(r.errors)).toEqual(['E_SCHEMA_UNKNOWN_KEY 2009:23']);
    expect(r.errors[0]!.hint).toContain('did you mean `memory`?');
  });
});

describe('long words', () => {
  it('a 1,000-character unknown key is reported without a suggestion', async () => {
    const r = await check(`${head}${api}    ${'x'.repeat(1000)}: 1\n`);
    expect(codes(r.errors)).toEqual(['E_SCHEMA_UNKNOWN_KEY 8:5']);
    expect(r.errors[0]!.hint).toMatch(/^Allowed keys:/);
  });
});

describe('package globs', () => {
  it('a 70,000-character glob is a positioned schema error, not a SyntaxError from the glob matcher at package time', async () => {
    const r = await check(`${head}${api}    package:\n      exclude:\n        - ${'$'.repeat(70_000)}\n`);
    expect(codes(r.errors)).toEqual(['E_SCHEMA_RANGE 10:11']);
    expect(r.errors[0]!.message).toBe('functions.api.package.exclude[0] is longer than 1024 characters.');
  });
});

describe('package strategy', () => {
  it('`bundle` on a Python function is refused at its position; inherited from defaults it is ignored', async () => {
    const r = await check(`${head}${api}    runtime: python3.12\n    package: { bundle: esbuild }\n`);
    expect(codes(r.errors)).toEqual(['E_PACKAGE_BUNDLE_RUNTIME 9:24']);
    expect(r.errors[0]!.message).toBe('Function `api` runs python3.12: `package.bundle` bundles Node.js code only.');
    const inherited = await check(`${head}defaults:\n  package: { bundle: esbuild }\n${api}    runtime: python3.12\n`);
    expect(inherited.errors).toEqual([]);
  });
});

describe('function names', () => {
  it('`Api` and `api` are refused at validate time, naming both positions', async () => {
    const r = await check(`${head}${api}  Api:\n    handler: src/api.handler\n`);
    expect(codes(r.errors)).toEqual(['E_FUNCTION_NAME_CASE 8:3']);
    expect(r.errors[0]!.message).toBe('Functions `api` (line 6, column 3) and `Api` differ only in upper and lower case.');
  });
});

describe('package-time errors about manifest values have the value’s position', () => {
  async function packageError(text: string, setup: (cwd: string) => void): Promise<FnxError> {
    const cwd = project(text);
    setup(cwd);
    const session = createSession({ reporter: new MemoryReporter(), signal: new AbortController().signal, cwd, env: {}, interactive: false });
    const err = await packageProject({ stage: 'dev', vars: {} }, session).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FnxError);
    return err instanceof FnxErrorList ? err.errors[0]! : (err as FnxError);
  }
  const withLayer = (layer: string) => `${head}layers:\n  deps: ${layer}\n${api}    layers: [deps]\n`;

  it('a layer folder outside the project: E_PACKAGE_ESCAPE at `path:`', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'x.js'), '1');
    const e = await packageError(withLayer(`{ path: ${outside} }`), () => {});
    expect(e.code).toBe('E_PACKAGE_ESCAPE');
    expect(e.location).toMatchObject({ line: 6, column: 17 });
  });

  it('a package.json outside the project: E_PACKAGE_ESCAPE at `from:`', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'package.json'), '{}');
    const e = await packageError(withLayer(`{ from: ${outside}/package.json }`), () => {});
    expect(e.code).toBe('E_PACKAGE_ESCAPE');
    expect(e.location).toMatchObject({ line: 6, column: 17 });
  });

  it('a package.json that is not JSON: E_PACKAGE_JSON at `from:`', async () => {
    const e = await packageError(withLayer('{ from: deps/package.json }'), (cwd) => {
      mkdirSync(join(cwd, 'deps'), { recursive: true });
      writeFileSync(join(cwd, 'deps/package.json'), '{ not json');
    });
    expect(e.code).toBe('E_PACKAGE_JSON');
    expect(e.location).toMatchObject({ line: 6, column: 17 });
  });
});
