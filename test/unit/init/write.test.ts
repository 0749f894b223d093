import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FnxError } from '../../../src/errors.js';
import { checkTarget, writeProject } from '../../../src/init/write.js';
import { listFiles, read, tempDir } from './helpers.js';

// A file and a directory of the same name: writing fails midway, after `a` is written.
const broken = [
  { path: 'a', content: 'first' },
  { path: 'a/b', content: 'second' },
];

describe('writeProject', () => {
  it('writes into a new directory, creating parents', () => {
    const dir = join(tempDir(), 'x', 'y');
    writeProject(dir, 'y', [{ path: 'src/h.js', content: 'ok' }, { path: 'fnx.yaml', content: 'service: y' }], false);
    expect(listFiles(dir)).toEqual(['fnx.yaml', 'src/h.js']);
  });

  it('leaves nothing behind when writing a new directory fails midway', () => {
    const parent = tempDir();
    const err = (() => {
      try {
        writeProject(join(parent, 'proj'), 'proj', broken, false);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FnxError);
    expect((err as FnxError).message).toContain('Nothing was written');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('leaves an existing directory untouched when writing fails midway', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    expect(() => writeProject(dir, 'proj', broken, true)).toThrow(/Nothing was written/);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    expect(read(dir, 'keep.txt')).toBe('mine');
  });
});

describe('checkTarget', () => {
  it('treats a directory holding only .git as empty', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.git'));
    expect(checkTarget(dir, 'd', [{ path: 'fnx.yaml', content: '' }], false)).toEqual({ exists: true, overwritten: [] });
  });

  it('reports what --force would overwrite', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fnx.yaml'), 'old');
    writeFileSync(join(dir, 'other.txt'), 'old');
    const check = checkTarget(dir, 'd', [{ path: 'fnx.yaml', content: '' }, { path: 'src/h.js', content: '' }], true);
    expect(check.overwritten).toEqual(['fnx.yaml']);
  });

  it('refuses when a template file would replace a directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'fnx.yaml'));
    expect(() => checkTarget(dir, 'd', [{ path: 'fnx.yaml', content: '' }], true)).toThrow(/is a directory/);
    expect(existsSync(join(dir, 'fnx.yaml'))).toBe(true);
  });
});
