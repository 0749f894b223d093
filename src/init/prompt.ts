/**
 * The interactive questions of `fnx init`. Only called when the session is interactive (TTY,
 * not CI) and --yes is not given; input ending early or Ctrl-C never leaves init waiting.
 */
import { createInterface, type Interface } from 'node:readline';
import { providerNames } from '../registry.js';
import { ExitCode, FnxError, InterruptedError } from '../errors.js';
import type { ProviderName } from '../manifest/model.js';
import { parseProviders } from './providers.js';
import type { TemplateInfo } from './templates.js';

export interface PromptIO {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly signal?: AbortSignal;
}

export interface Answers {
  readonly template: string;
  readonly providers: readonly ProviderName[];
}

const MAX_ATTEMPTS = 3;

/**
 * Asks for whatever is still undefined: the template (by number or name) and the providers
 * (comma-separated). An empty answer takes the default shown in brackets.
 */
export async function askMissing(
  io: PromptIO,
  templates: readonly TemplateInfo[],
  current: { template?: string; providers?: readonly ProviderName[] },
  defaults: { template: string; providers: readonly ProviderName[] },
): Promise<Answers> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: Boolean((io.input as { isTTY?: boolean }).isTTY) });
  const lines = new LineQueue(rl, io.signal);
  try {
    const template = current.template ?? (await askTemplate(lines, io, templates, defaults.template));
    const providers = current.providers ?? (await askProviders(lines, io, defaults.providers));
    return { template, providers };
  } finally {
    rl.close();
  }
}

async function askTemplate(lines: LineQueue, io: PromptIO, templates: readonly TemplateInfo[], fallback: string): Promise<string> {
  const defaultIndex = Math.max(0, templates.findIndex((t) => t.name === fallback));
  const width = Math.max(...templates.map((t) => t.name.length));
  io.output.write('Templates:\n');
  templates.forEach((t, i) => io.output.write(`  ${i + 1}) ${t.name.padEnd(width)}  ${t.description}\n`));
  for (let attempt = 1; ; attempt += 1) {
    const answer = (await lines.ask(io.output, `Template [${defaultIndex + 1}]: `)).trim();
    if (answer === '') return templates[defaultIndex]!.name;
    const byNumber = /^\d+$/.test(answer) ? templates[Number(answer) - 1] : undefined;
    const chosen = byNumber ?? templates.find((t) => t.name === answer);
    if (chosen) return chosen.name;
    if (attempt >= MAX_ATTEMPTS) {
      throw new FnxError('E_INIT_TEMPLATE', `Unknown template "${answer}".`, {
        hint: `Valid templates: ${templates.map((t) => t.name).join(', ')}.`,
        exitCode: ExitCode.usage,
      });
    }
    io.output.write(`Please answer a number from 1 to ${templates.length} or a template name.\n`);
  }
}

async function askProviders(lines: LineQueue, io: PromptIO, fallback: readonly ProviderName[]): Promise<ProviderName[]> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = (await lines.ask(io.output, `Providers, comma-separated (${providerNames().join(', ')}) [${fallback.join(',')}]: `)).trim();
    if (answer === '') return [...fallback];
    try {
      return parseProviders(answer.split(','));
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !(err instanceof FnxError)) throw err;
      io.output.write(`${err.message} ${err.hint ?? ''}\n`);
    }
  }
}

/**
 * Lines typed (or piped) in, kept in order so answers given ahead of their question are not lost.
 * `ask` rejects instead of hanging when the input ends or the command is interrupted.
 */
class LineQueue {
  private readonly buffered: string[] = [];
  private waiting: { resolve(line: string): void; reject(err: unknown): void } | undefined;
  private ended = false;
  private interrupted = false;

  constructor(rl: Interface, private readonly signal: AbortSignal | undefined) {
    rl.on('line', (line) => {
      if (this.waiting) this.settle().resolve(line);
      else this.buffered.push(line);
    });
    rl.on('close', () => {
      this.ended = true;
      this.waiting?.reject(inputEnded());
      this.waiting = undefined;
    });
    // On a TTY readline takes Ctrl-C itself (raw mode) instead of the process getting SIGINT.
    rl.on('SIGINT', () => this.interrupt());
    signal?.addEventListener('abort', () => this.interrupt(), { once: true });
  }

  ask(output: NodeJS.WritableStream, question: string): Promise<string> {
    output.write(question);
    const next = this.buffered.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.interrupted || this.signal?.aborted) return Promise.reject(interrupted());
    if (this.ended) return Promise.reject(inputEnded());
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  private interrupt(): void {
    this.interrupted = true;
    if (this.waiting) this.settle().reject(interrupted());
  }

  private settle() {
    const w = this.waiting!;
    this.waiting = undefined;
    return w;
  }
}

function interrupted(): InterruptedError {
  return new InterruptedError('Interrupted: nothing was written.', { hint: 'Run `fnx init` again when you are ready.' });
}

function inputEnded(): FnxError {
  return new FnxError('E_INIT_INPUT', 'Input ended before init got its answers.', {
    hint: 'Pass --template and --provider (and --yes) to run without questions.',
    exitCode: ExitCode.usage,
  });
}
