/** Builds the Reporter for the current process: interactive (ora), plain (CI, pipes) or JSON. */
import type { FnxError } from '../errors.js';
import { GLYPH, formatError, githubAnnotations, palette } from './format.js';
import type { OutputStreams, Reporter, ReporterOptions, Step } from './reporter.js';

export function reporterOptionsFromEnv(json: boolean, streams: OutputStreams, env = process.env): ReporterOptions {
  const tty = Boolean(streams.stderr.isTTY) && env.CI !== 'true' && env.TERM !== 'dumb';
  return {
    json,
    interactive: tty && !json,
    color: tty && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0',
    githubAnnotations: env.GITHUB_ACTIONS === 'true',
    streams,
  };
}

type OraFactory = (opts: { text: string; stream: NodeJS.WritableStream; color?: false }) => {
  start(): { text: string; stopAndPersist(o: { symbol: string; text: string }): void };
};

export async function createReporter(options: ReporterOptions): Promise<Reporter> {
  // ora is loaded only for interactive sessions: start-up in CI stays lean. A terminal that
  // reports no width makes spinners redraw without end, so it gets plain lines.
  const columns = (options.streams.stderr as { columns?: number }).columns ?? 0;
  const ora = options.interactive && columns > 0 ? ((await import('ora')).default as unknown as OraFactory) : undefined;
  return new StreamReporter(options, ora);
}

class StreamReporter implements Reporter {
  readonly json: boolean;
  readonly interactive: boolean;
  private readonly p;

  constructor(
    private readonly options: ReporterOptions,
    private readonly ora: OraFactory | undefined,
  ) {
    this.json = options.json;
    this.interactive = options.interactive;
    this.p = palette(options.color);
  }

  /** GitHub reads workflow commands from stdout and stderr; with --json stdout holds only the document. */
  private get annotations(): NodeJS.WritableStream {
    return this.json ? this.options.streams.stderr : this.options.streams.stdout;
  }

  info(message: string): void {
    if (!this.json) this.options.streams.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    if (!this.json) this.options.streams.stderr.write(`${this.p.yellow('warning:')} ${message}\n`);
    if (this.options.githubAnnotations) this.annotations.write(`::warning::${message.replace(/\n/g, '%0A')}\n`);
  }

  step(title: string): Step {
    if (this.json) return { update() {}, succeed() {}, fail() {} };
    if (this.ora) {
      const spinner = this.ora({ text: title, stream: this.options.streams.stderr }).start();
      return {
        update: (text) => (spinner.text = text),
        succeed: (text) => spinner.stopAndPersist({ symbol: this.p.green(GLYPH.ok), text: text ?? title }),
        fail: (text) => spinner.stopAndPersist({ symbol: this.p.red(GLYPH.fail), text: text ?? title }),
      };
    }
    const err = this.options.streams.stderr;
    return {
      update() {},
      succeed: (text) => err.write(`${this.p.green(GLYPH.ok)} ${text ?? title}\n`),
      fail: (text) => err.write(`${this.p.red(GLYPH.fail)} ${text ?? title}\n`),
    };
  }

  print(text: string): void {
    if (!this.json) this.options.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  data(value: unknown): void {
    if (this.json) this.options.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  error(err: FnxError): void {
    if (this.options.githubAnnotations) {
      for (const line of githubAnnotations(err)) this.annotations.write(`${line}\n`);
    }
    if (this.json) {
      this.options.streams.stdout.write(`${JSON.stringify({ ok: false, error: err.toJSON() }, null, 2)}\n`);
      return;
    }
    this.options.streams.stderr.write(`${formatError(err, this.p)}\n`);
  }
}
