import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { writeZip, type ZipEntry } from '../../../src/package/zip-writer.js';
import yauzl from 'yauzl';
import { readZip } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fnx-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type MemEntry = ZipEntry & { data: Buffer };

function entry(name: string, content: string | Buffer, mode = 0o644, deflate = true): MemEntry {
  const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const data = deflate ? deflateRawSync(raw) : raw;
  return { name, mode, crc: crc32(raw), size: raw.length, csize: data.length, method: deflate ? 8 : 0, data };
}

/** Entry names from the central directory only (fast for huge archives). */
function centralNames(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const copy = (e: MemEntry, sink: (c: Buffer) => void) => sink(e.data);

describe('zip writer', () => {
  it('writes sorted entries with fixed timestamps, Unix modes and no extra fields, readable by yauzl', async () => {
    const path = join(dir, 'a.zip');
    const r = writeZip(path, [entry('b.js', 'bbb'.repeat(100)), entry('a/run.sh', '#!/bin/sh\necho hi\n', 0o755), entry('a/x.bin', Buffer.from([1, 2, 3]), 0o644, false), entry('é.txt', 'accent')], copy);
    const read = await readZip(path);
    expect(read.map((e) => e.name)).toEqual(['a/run.sh', 'a/x.bin', 'b.js', 'é.txt']);
    expect(read.map((e) => e.mode)).toEqual([0o755, 0o644, 0o644, 0o644]);
    expect(read.every((e) => e.madeBy === 3 && e.extraFields === 0)).toBe(true);
    expect(read.every((e) => e.dosDate === 0x21 && e.dosTime === 0)).toBe(true);
    expect(read[0]!.data.toString()).toBe('#!/bin/sh\necho hi\n');
    expect(read[1]!.compressionMethod).toBe(0);
    expect(read[2]!.data.toString()).toBe('bbb'.repeat(100));
    const bytes = readFileSync(path);
    expect(r.size).toBe(bytes.length);
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(r.sha256Base64).toBe(createHash('sha256').update(bytes).digest('base64'));
    expect(r.files).toBe(4);
    expect(r.unzippedSize).toBe(300 + 18 + 3 + 6);
  });

  it('produces identical bytes whatever the input order', () => {
    const es = [entry('z', 'z'), entry('m/n', 'n'), entry('a', 'a')];
    const a = writeZip(join(dir, 'o1.zip'), es, copy);
    const b = writeZip(join(dir, 'o2.zip'), [...es].reverse(), copy);
    expect(a.sha256).toBe(b.sha256);
  });

  it('writes Zip64 records when forced and when there are more than 65535 entries', async () => {
    const forced = join(dir, 'z64.zip');
    writeZip(forced, [entry('a.txt', 'hello'), entry('b.txt', 'world')], copy, { forceZip64: true });
    const read = await readZip(forced);
    expect(read.map((e) => e.data.toString())).toEqual(['hello', 'world']);
    expect(readFileSync(forced).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);

    const many: MemEntry[] = [];
    const one = entry('x', 'x', 0o644, false);
    for (let i = 0; i < 70_000; i++) many.push({ ...one, name: `f/${String(i).padStart(5, '0')}` });
    const big = join(dir, 'many.zip');
    const r = writeZip(big, many, copy);
    expect(r.files).toBe(70_000);
    const names = await centralNames(big);
    expect(names.length).toBe(70_000);
    expect(names[69_999]).toBe('f/69999');
  });

  it('refuses an entry whose data does not match its declared size and leaves no file', () => {
    const bad = { ...entry('a', 'abc'), csize: 99 };
    const path = join(dir, 'bad.zip');
    expect(() => writeZip(path, [bad], copy)).toThrow(/expected 99 bytes/);
    expect(() => readFileSync(path)).toThrow();
  });
});
