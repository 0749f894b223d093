/**
 * Builds the Reporter for the current process: interactive (ora), plain (CI, pipes) or JSON.
 * Everything it writes passes through the credentials redactor (redact.ts); under GitHub Actions
 * credentials and values from the environment and `--var` are announced with `::add-mask::`.
 */
import { capabilities } from '../registry.js';
import type { FnxError } from '../errors.js';
import { GLYPH, formatError, githubAnnotations, palette } from './format.js';
import { addMaskLines, credentialSecrets, redactHeaders, redactor } from './redact.js';
import type { OutputStreams, Reporter, ReporterOptions, Step } from './reporter.js';

export function reporterOptionsFromEnv(json: boolean, streams: OutputStreams, env = process.env): ReporterOptions {
  const tty = Boolean(streams.stderr.isTTY) && env.CI !== 'true' && env.TERM !== 'dumb';
  const secrets = credentialSecrets(Object.values(capabilities).flatMap((c) => (c.credentials ? [c.credentials] : [])), env);
  const redact = redactor(secrets);
  return {
    json,
    interactive: tty && !json,
    color: tty && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0',
    githubAnnotations: env.GITHUB_ACTIONS === 'true',
    streams,
    ...(redact ? { redact } : {}),
    ...(secrets.length ? { secrets } : {}),
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
  private readonly masked = new Set<string>();

  constructor(
    private readonly options: ReporterOptions,
    private readonly ora: OraFactory | undefined,
  ) {
    this.json = options.json;
    this.interactive = options.interactive;
    this.p = palette(options.color);
    if (options.secrets) this.mask(options.secrets);
  }

  mask(values: Iterable<string>): void {
    if (!this.options.githubAnnotations) return;
    let text = '';
    for (const line of addMaskLines(values)) {
      if (this.masked.has(line)) continue;
      this.masked.add(line);
      text += line;
    }
    // Written as is: the redactor would hide the very value GitHub must learn.
    if (text) this.annotations.write(text);
  }

  /** GitHub reads workflow commands from stdout and stderr; with --json stdout holds only the document. */
  private get annotations(): NodeJS.WritableStream {
    return this.json ? this.options.streams.stderr : this.options.streams.stdout;
  }

  private clean(text: string): string {
    return redactHeaders(this.options.redact ? this.options.redact(text) : text);
  }

  private write(stream: NodeJS.WritableStream, text: string): void {
    stream.write(this.clean(text));
  }

  info(message: string): void {
    if (!this.json) this.write(this.options.streams.stderr, `${message}\n`);
  }

  warn(message: string): void {
    if (!this.json) this.write(this.options.streams.stderr, `${this.p.yellow('warning:')} ${message}\n`);
    if (this.options.githubAnnotations) this.write(this.annotations, `::warning::${message.replace(/\n/g, '%0A')}\n`);
  }

  step(title: string): Step {
    if (this.json) return { update() {}, succeed() {}, fail() {} };
    if (this.ora) {
      const spinner = this.ora({ text: this.clean(title), stream: this.options.streams.stderr }).start();
      return {
        update: (text) => (spinner.text = this.clean(text)),
        succeed: (text) => spinner.stopAndPersist({ symbol: this.p.green(GLYPH.ok), text: this.clean(text ?? title) }),
        fail: (text) => spinner.stopAndPersist({ symbol: this.p.red(GLYPH.fail), text: this.clean(text ?? title) }),
      };
    }
    const err = this.options.streams.stderr;
    return {
      update() {},
      succeed: (text) => this.write(err, `${this.p.green(GLYPH.ok)} ${text ?? title}\n`),
      fail: (text) => this.write(err, `${this.p.red(GLYPH.fail)} ${text ?? title}\n`),
    };
  }

  print(text: string): void {
    if (!this.json) this.write(this.options.streams.stdout, text.endsWith('\n') ? text : `${text}\n`);
  }

  data(value: unknown): void {
    if (this.json) this.write(this.options.streams.stdout, `${JSON.stringify(value, null, 2)}\n`);
  }

  error(err: FnxError): void {
    if (this.options.githubAnnotations) {
      for (const line of githubAnnotations(err)) this.write(this.annotations, `${line}\n`);
    }
    if (this.json) {
      this.write(this.options.streams.stdout, `${JSON.stringify({ ok: false, error: err.toJSON() }, null, 2)}\n`);
      return;
    }
    this.write(this.options.streams.stderr, `${formatError(err, this.p)}\n`);
  }
}
