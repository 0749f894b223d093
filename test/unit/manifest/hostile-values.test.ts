/**
 * Manifest values an outside fuzzing run broke fnx with: each now ends in a positioned manifest
 * error (exit 2) or is read correctly, the same on the first run and on a run from the parse
 * cache. Through the built CLI, as a user runs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { tempDir } from './fixtures.js';

const head = 'service: shop\nproviders:\n  aws:\n    region: us-east-1\nstages:\n  dev: {}\nfunctions:\n  api:\n    handler: src/api.handler\n';

function project(text: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/api.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
  writeFileSync(join(dir, 'fnx.yaml'), text);
  return dir;
}

/** Validates twice (the second run may read the parse cache) and returns both results. */
async function validateTwice(text: string, args: string[] = []) {
  const cwd = project(text);
  const first = await runFnx(['validate', ...args], { cwd });
  const second = await runFnx(['validate', ...args], { cwd });
  return { first, second };
}

describe('prototype names', () => {
  it.each([
    ['${opt:toString}', 'E_VAR_MISSING', 'Option `toString` was not passed'],
    ['${opt:hasOwnProperty}', 'E_VAR_MISSING', 'Option `hasOwnProperty` was not passed'],
    ['${env:constructor}', 'E_VAR_MISSING', 'Environment variable `constructor` is not set'],
  ])('%s is an unset variable, not one of Object’s methods', async (ref, code, message) => {
    const { first, second } = await validateTwice(`${head}    environment:\n      A: ${ref}\n`);
    for (const r of [first, second]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`fnx.yaml:11:10: error [${code}] ${message}`);
      expect(r.stderr).not.toContain('E_INTERNAL');
      expect(r.stderr).not.toContain('[native code]');
    }
  });

  it('a `__proto__` key is an error at its position, on every run', async () => {
    const { first, second } = await validateTwice(head.replace('  dev: {}\n', '  dev:\n    __proto__: { x: 1 }\n'));
    for (const r of [first, second]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('fnx.yaml:7:5: error [E_YAML_KEY] The key `__proto__` is not allowed.');
    }
  });

  it('`layers: [constructor]` names an undefined layer', async () => {
    const { first } = await validateTwice(`${head}    layers: [constructor]\n`);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('fnx.yaml:10:14: error [E_LAYER_UNKNOWN] Layer `constructor` is not defined under `layers`.');
  });
});

describe('the parse cache gives what a fresh parse gives', () => {
  it.each([
    ['    memory: .inf\n', 'functions.api.memory must be a whole number, got Infinity.'],
    ['    memory: 1e400\n', 'functions.api.memory must be a whole number, got Infinity.'],
    ['    timeout: .nan\n', 'functions.api.timeout must be a whole number, got NaN.'],
    ['    environment:\n      A: !!timestamp 2001-12-14\n', 'functions.api.environment.A must be a string'],
  ])('%j fails the same way twice', async (extra, message) => {
    const { first, second } = await validateTwice(head + extra);
    expect(first.code).toBe(2);
    expect(second.code).toBe(2);
    expect(first.stderr).toContain(message);
    expect(second.stderr).toBe(first.stderr);
  });
});

describe('numbers', () => {
  it.each([['0x400'], ['Infinity'], ['0b10000000000']])('--var memory=%s is not a decimal number, and the value is not printed', async (value) => {
    const { first } = await validateTwice(`${head}    memory: \${opt:memory}\n`, ['--var', `memory=${value}`]);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('fnx.yaml:10:13: error [E_SCHEMA_TYPE] functions.api.memory must be a decimal number; the value its variable gave is not.');
    expect(first.stderr).not.toContain(value);
  });

  it('--var memory=1024 is read as 1024', async () => {
    const { first } = await validateTwice(`${head}    memory: \${opt:memory}\n`, ['--var', 'memory=1024']);
    expect(first.code).toBe(0);
  });

  it('a quoted "0x400" written in the file is named', async () => {
    const { first } = await validateTwice(`${head}    memory: "0x400"\n`);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('functions.api.memory must be a decimal number, got `0x400`.');
  });
});

describe('text and files', () => {
  it('control characters in a key are shown escaped, never sent to the terminal raw', async () => {
    const { first } = await validateTwice(`${head}    environment:\n      A\u001b[31mB\u0007: x\n`);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('Invalid name `A\\x1B[31mB\\x07`');
    expect(first.stderr.includes('\u0007') || first.stderr.includes('\u001b')).toBe(false);
  });

  it('a file with lone CR line breaks is read line by line', async () => {
    const { first } = await validateTwice(`${head}    memory: 5\n`.replace(/\n/g, '\r'));
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('fnx.yaml:10:13: error [E_SCHEMA_RANGE] functions.api.memory must be at least 128, got 5.');
  });

  it('-c on a named pipe or a device is refused at once', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const pipe = await runFnx(['validate', '-c', fifo], { cwd: dir, timeoutMs: 10_000 });
    expect(pipe.code).toBe(2);
    expect(pipe.stderr).toContain(`error [E_MANIFEST_READ] Cannot read the manifest ${fifo}: it is a named pipe (FIFO).`);
    const zero = await runFnx(['validate', '-c', '/dev/zero'], { cwd: dir, timeoutMs: 10_000 });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('Cannot read the manifest /dev/zero: it is a character device.');
  });

  it('-c on a file over 4 MiB is refused without reading it all', async () => {
    const cwd = project(head);
    writeFileSync(join(cwd, 'big.yaml'), `${head}# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    const r = await runFnx(['validate', '-c', join(cwd, 'big.yaml')], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[E_MANIFEST_TOO_LARGE]');
  });
});
