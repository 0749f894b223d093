// Test helpers for the emulator's own tests: fake clock, tiny valid zip files.

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public time = Date.UTC(2026, 10, 24, 10, 0, 0)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A valid empty zip archive whose comment makes its SHA-256 unique per `tag`. */
export function zipOf(tag: string): Buffer {
  const comment = Buffer.from(tag, 'utf8');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([eocd, comment]);
}

/** Environment the SDK clients pick up: endpoint of the emulator and fake credentials. */
export function useEmulatorEnv(env: Record<string, string>): void {
  Object.assign(process.env, env);
  delete process.env.AWS_PROFILE;
}
