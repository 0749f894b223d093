/** Positional reads that do not stop short. */
import { readSync } from 'node:fs';

/** Reads up to `len` bytes of `fd` at `position` into `buf`; returns fewer only at end of file. */
export function readFully(fd: number, buf: Buffer, len: number, position: number): number {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
