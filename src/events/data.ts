/**
 * The event data of `fnx invoke` and `fnx dev`'s manual triggers: `--data JSON`, `--data-file F`,
 * or `--data-file -` for stdin (stdin is read only when asked: a CI job's stdin is often an open
 * pipe nobody writes to). Invalid JSON is an error naming where it came from and the parser's
 * position (exit 2).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, FnxError, messageOf } from '../errors.js';

export interface DataOptions {
  readonly data?: string;
  readonly dataFile?: string;
}

export interface EventData {
  readonly value: unknown;
  /** Where it came from, for messages: `--data`, `--data-file event.json`, `stdin`. */
  readonly source: string;
}

/** The parsed data, or undefined when none was given. */
export async function readEventData(opts: DataOptions, cwd: string, readStdin: () => Promise<string>): Promise<EventData | undefined> {
  if (opts.data !== undefined && opts.dataFile !== undefined) {
    throw new FnxError('E_USAGE_DATA', '--data and --data-file were both given.', { hint: 'Pass the event one way: --data JSON, --data-file FILE, or --data-file - for stdin.', exitCode: ExitCode.usage });
  }
  if (opts.data !== undefined) return { value: parseJson(opts.data, '--data'), source: '--data' };
  if (opts.dataFile === undefined) return undefined;
  if (opts.dataFile === '-') return { value: parseJson(await readStdin(), 'stdin (--data-file -)'), source: 'stdin' };
  const file = resolve(cwd, opts.dataFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FnxError('E_USAGE_DATA', `--data-file ${opts.dataFile}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? messageOf(err))}).`, {
      hint: 'Point --data-file at a JSON file (or use - for stdin).',
      exitCode: ExitCode.usage,
    });
  }
  return { value: parseJson(text, `--data-file ${opts.dataFile}`), source: `--data-file ${opts.dataFile}` };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's message names the position ("... in JSON at position 7 (line 1 column 8)").
    const message = messageOf(err);
    const where = /position \d+/.test(message) ? message : `${message} at position ${text.length} (the end)`;
    throw new FnxError('E_USAGE_DATA', `${source} is not valid JSON: ${text.trim() === '' ? 'it is empty' : where}.`, {
      hint: `Write a JSON value, e.g. --data '{"path":"/health"}' (quote it for your shell).`,
      exitCode: ExitCode.usage,
    });
  }
}

/** All of a stream, as UTF-8 text (stdin for `--data-file -`). */
export async function readText(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
