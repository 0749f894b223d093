/**
 * Reading fnx.yaml: encodings, merge keys and aliases, as the manifest pipeline sees them (the
 * positioned messages for common YAML mistakes are bad fixtures, see positions.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifest } from '../../../src/manifest/index.js';
import { firstInvalidByte } from '../../../src/manifest/encoding.js';
import { check, codes, tempDir } from './fixtures.js';

async function checkBytes(bytes: Buffer) {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fnx.yaml'), bytes);
  return checkManifest({ cwd, stage: 'dev', vars: {}, env: {} });
}

const MANIFEST = 'service: orders\nproviders: { aws: { region: us-east-1 } }\nfunctions:\n  api:\n    handler: src/api.handler\n    environment: { GREETING: "caf\u00e9" }\n';

describe('encodings', () => {
  it('accepts UTF-8 with and without a byte order mark', async () => {
    const plain = await checkBytes(Buffer.from(MANIFEST, 'utf8'));
    const bom = await checkBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MANIFEST, 'utf8')]));
    for (const r of [plain, bom]) {
      expect(r.errors).toEqual([]);
      expect(r.manifest!.service).toBe('orders');
      expect(r.manifest!.functions[0]!.environment.GREETING).toBe('caf\u00e9');
    }
  });

  it.each([
    ['UTF-16 with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MANIFEST, 'utf16le')]), 'UTF-16 (little-endian)'],
    ['UTF-16 big-endian with a byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(MANIFEST, 'utf16le').swap16()]), 'UTF-16 (big-endian)'],
    ['UTF-16 without a byte order mark', Buffer.from(MANIFEST, 'utf16le'), 'UTF-16 (little-endian)'],
  ])('refuses %s at 1:1', async (_name, bytes, encoding) => {
    const r = await checkBytes(bytes);
    expect(codes(r.errors)).toEqual(['E_MANIFEST_ENCODING 1:1']);
    expect(r.errors[0]!.message).toBe(`fnx.yaml must be UTF-8, but it is ${encoding}.`);
    expect(r.errors[0]!.exitCode).toBe(2);
  });

  it('refuses a byte that is not UTF-8 (a Latin-1 é in a value) at its line and column, instead of deploying U+FFFD', async () => {
    const latin1 = Buffer.from(MANIFEST, 'latin1');
    const r = await checkBytes(latin1);
    expect(codes(r.errors)).toEqual(['E_MANIFEST_ENCODING 6:34']);
    expect(r.errors[0]!.message).toBe('fnx.yaml must be UTF-8: byte 0xE9 here is not valid UTF-8.');
    expect(r.errors[0]!.hint).toContain('save it as UTF-8');
    expect(r.manifest).toBeUndefined();
  });

  it('counts columns after multi-byte characters as the rest of fnx does (one per character)', async () => {
    const bytes = Buffer.concat([Buffer.from('service: orders\nx: "\u00fc\u00fc', 'utf8'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    const r = await checkBytes(bytes);
    expect(codes(r.errors)).toEqual(['E_MANIFEST_ENCODING 2:7']);
  });

  it.each([
    ['valid text', [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['a truncated sequence', [0x61, 0xe2, 0x82], 1],
    ['an overlong encoding', [0xe0, 0x80, 0xaf], 0],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['0xC0', [0x41, 0xc0, 0xaf], 1],
  ])('firstInvalidByte: %s', (_name, bytes, expected) => {
    expect(firstInvalidByte(Uint8Array.from(bytes as number[]))).toBe(expected);
  });
});

describe('merge keys (YAML 1.1 `<<`)', () => {
  const base = 'service: orders\nproviders: { aws: { region: us-east-1 } }\n';

  it('merges a mapping, keeps the keys the mapping sets itself, and earlier sources win over later ones', async () => {
    const ok = await check(
      `${base}defaults:\n  environment: &env { LOG_LEVEL: info, REGION: eu }\n  tags: &more { LOG_LEVEL: warn, EXTRA: "1" }\nfunctions:\n  api:\n    handler: src/api.handler\n    environment:\n      <<: [*env, *more]\n      REGION: us\n`,
    );
    expect(ok.errors).toEqual([]);
    expect(ok.manifest!.functions[0]!.environment).toEqual({ LOG_LEVEL: 'info', REGION: 'us', EXTRA: '1' });
  });

  it('merges function settings from an anchored function, and problems in merged values point where they are written', async () => {
    const r = await check(`${base}functions:\n  api: &common\n    handler: src/api.handler\n    memory: 100000\n  worker:\n    <<: *common\n    handler: src/worker.run\n`);
    expect(codes(r.errors)).toEqual(['E_SCHEMA_RANGE 6:13', 'E_SCHEMA_RANGE 6:13']);
    const ok = await check(`${base}functions:\n  api: &common\n    handler: src/api.handler\n    memory: 1024\n  worker:\n    <<: *common\n    handler: src/worker.run\n`);
    expect(ok.errors).toEqual([]);
    expect(ok.manifest!.functions.map((f) => [f.name, f.handler, f.memory])).toEqual([
      ['api', 'src/api.handler', 1024],
      ['worker', 'src/worker.run', 1024],
    ]);
  });

  it('a quoted "<<" is an ordinary key', async () => {
    const r = await check(`${base}functions:\n  api:\n    handler: src/api.handler\n    "<<": 1\n`);
    expect(codes(r.errors)).toEqual(['E_SCHEMA_UNKNOWN_KEY 6:5']);
  });

  it('refuses a merge value that is not a mapping, at the value', async () => {
    const r = await check(`${base}functions:\n  api:\n    handler: src/api.handler\n    <<: 5\n`);
    expect(codes(r.errors)).toEqual(['E_YAML_MERGE 6:9']);
    expect(r.errors[0]!.message).toContain('takes an alias of a mapping or a list of them');
  });
});

describe('aliases', () => {
  it('expands an alias with the positions of the anchored value', async () => {
    const r = await check('service: orders\nproviders: { aws: &aws { region: nowhere-1 } }\nfunctions:\n  api: { handler: src/api.handler }\nstages:\n  dev: {}\n  prod:\n    providers: { aws: *aws }\n');
    expect(codes(r.errors)).toEqual(['E_SCHEMA_PATTERN 2:34']);
  });

  it('stops a billion-laughs document at the alias that crosses the limit, with no data left to validate', async () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi', 'ij']) rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    const r = await check(`service: orders\n${rows.join('\n')}\n`);
    expect(codes(r.errors)).toEqual(['E_YAML_ALIAS 6:8']);
    expect(r.errors[0]!.message).toContain('`*d` expands to more than 10000 values');
  });
});
