/**
 * The commander program. It only translates argv into typed option objects and calls the
 * command functions, which load lazily so `fnx --help` and `fnx validate` stay fast and load no
 * cloud SDK.
 */
import { Command, Option } from 'commander';
import { providerModules, providerNames } from '../../providers/index.js';
import { ExitCode, FnxError } from '../errors.js';
import type { CommandContext, ManifestOptions } from '../commands/context.js';
import { STAGE_NAME } from '../manifest/stages.js';

export type Runner = (ctx: CommandContext) => Promise<void>;

/** Parsed command: what to run, and whether --json was asked (to pick the reporter). */
export interface ParsedCommand {
  readonly json: boolean;
  readonly run: Runner;
}

const DEFAULT_STAGE = 'dev';

/** A usage error commander has already printed to stderr: only its exit code (and --json form) is left to report. */
export class PrintedUsageError extends FnxError {
  constructor(message: string) {
    super('E_USAGE', message, { exitCode: ExitCode.usage, hint: 'Run `fnx --help` (or `fnx <command> --help`) for usage.' });
  }
}

function collectVar(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new FnxError('E_USAGE_VAR', `--var expects NAME=VALUE, got "${value}"`, {
      hint: 'Example: --var domain=example.com, then use ${opt:domain} in fnx.yaml.',
      exitCode: ExitCode.usage,
    });
  }
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new FnxError('E_USAGE_NUMBER', `expected a positive integer, got "${value}"`, { exitCode: ExitCode.usage });
  }
  return n;
}

interface RawManifestOpts {
  config?: string;
  stage?: string;
  var?: Record<string, string>;
  json?: boolean;
}

/** --stage, else FNX_STAGE (unset or empty: not set), else the default. A bad FNX_STAGE is named as such (exit 2). */
function stageOption(raw: RawManifestOpts, env: NodeJS.ProcessEnv): string {
  if (raw.stage !== undefined) return raw.stage;
  const fromEnv = env.FNX_STAGE?.trim();
  if (!fromEnv) return DEFAULT_STAGE;
  if (!STAGE_NAME.test(fromEnv)) {
    throw new FnxError('E_USAGE_FNX_STAGE', `FNX_STAGE="${env.FNX_STAGE}" is not a valid stage name. Nothing was changed.`, {
      hint: 'Stage names have 1-16 lower case letters, digits and dashes, starting with a letter (e.g. dev, prod, pr-42): fix FNX_STAGE, unset it, or pass --stage.',
      exitCode: ExitCode.usage,
    });
  }
  return fromEnv;
}

function manifestOptions(raw: RawManifestOpts, env: NodeJS.ProcessEnv): ManifestOptions {
  return {
    ...(raw.config ? { config: raw.config } : {}),
    stage: stageOption(raw, env),
    vars: raw.var ?? {},
    json: Boolean(raw.json),
  };
}

function withManifestOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <path>', 'manifest file (default: ./fnx.yaml)')
    .option('-s, --stage <stage>', `stage to use (default: $FNX_STAGE or "${DEFAULT_STAGE}")`)
    .option('--var <name=value>', 'value for ${opt:name} (repeatable)', collectVar)
    .option('--json', 'print one machine-readable JSON document on stdout');
}

/**
 * Parses argv. Resolves with the command to run, or with undefined when commander already
 * handled the request (help, version).
 */
export async function parseArgs(argv: readonly string[], version: string, env: NodeJS.ProcessEnv): Promise<ParsedCommand | undefined> {
  let parsed: ParsedCommand | undefined;
  const set = (json: boolean | undefined, run: Runner) => {
    parsed = { json: Boolean(json), run };
  };

  const program = new Command('fnx')
    .description(`Deploy serverless functions to ${providerModules().map((m) => m.title).join(', ').replace(/, ([^,]*)$/, ' and $1')} from one manifest.`)
    .version(version, '-v, --version')
    .showHelpAfterError('(run `fnx --help` for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program
    .command('init')
    .description('scaffold a new project from a template')
    .argument('[dir]', 'directory to create (default: the current directory)')
    .option('-t, --template <name>', 'template: node-http, node-queue, node-schedule, python-http')
    .option('-p, --provider <list>', `comma-separated providers: ${providerNames().join(',')}`)
    .option('-n, --name <service>', 'service name (default: the directory name)')
    .option('-y, --yes', 'accept defaults, never prompt')
    .option('-f, --force', 'write into a non-empty directory')
    .option('--list', 'list the templates and exit')
    .option('--json', 'print a machine-readable result')
    .action((dir: string | undefined, o: { template?: string; provider?: string; name?: string; yes?: boolean; force?: boolean; list?: boolean; json?: boolean }) =>
      set(o.json, async (ctx) => {
        const { initCommand } = await import('../commands/init.js');
        await initCommand(
          {
            dir: dir ?? '.',
            ...(o.template ? { template: o.template } : {}),
            ...(o.provider ? { providers: o.provider.split(',').map((p) => p.trim()).filter(Boolean) } : {}),
            ...(o.name ? { name: o.name } : {}),
            yes: Boolean(o.yes),
            force: Boolean(o.force),
            list: Boolean(o.list),
            json: Boolean(o.json),
          },
          ctx,
        );
      }),
    );

  withManifestOptions(program.command('validate').description('check the manifest against the schema and provider rules')).action(
    (o: RawManifestOpts) =>
      set(o.json, async (ctx) => {
        const { validateCommand } = await import('../commands/validate.js');
        await validateCommand(manifestOptions(o, env), ctx);
      }),
  );

  withManifestOptions(program.command('package').description('build deterministic zip artifacts into .fnx/build/<stage>/'))
    .option('-f, --function <name...>', 'only these functions')
    .option('--no-cache', 'ignore the packaging cache')
    .option('--strict', 'fail (exit 2) instead of warning when a Python function\'s dependencies are not in its package')
    .action((o: RawManifestOpts & { function?: string[]; cache?: boolean; strict?: boolean }) =>
      set(o.json, async (ctx) => {
        const { packageCommand } = await import('../commands/package.js');
        await packageCommand({ ...manifestOptions(o, env), functions: o.function ?? [], cache: o.cache !== false, strict: Boolean(o.strict) }, ctx);
      }),
    );

  withManifestOptions(program.command('plan').description('show what deploy would change'))
    .option('-f, --function <name...>', 'only these functions')
    .option('-p, --provider <name...>', 'only these providers')
    .action((o: RawManifestOpts & { function?: string[]; provider?: string[] }) =>
      set(o.json, async (ctx) => {
        const { planCommand } = await import('../commands/plan.js');
        await planCommand({ ...manifestOptions(o, env), functions: o.function ?? [], providers: o.provider ?? [] }, ctx);
      }),
    );

  withManifestOptions(program.command('deploy').description('package, plan, apply and release'))
    .option('-f, --function <name...>', 'only these functions')
    .option('-p, --provider <name...>', 'only these providers')
    .option('--dry-run', 'stop after printing the plan')
    .option('--no-wait', 'start a canary/linear release and exit; finish it with `fnx promote`')
    .option('--keep-on-interrupt', 'on Ctrl-C during a traffic shift, leave the weights as they are')
    .option('--release-rolled-back', 'release the manifest\'s version even if a failed gate or hook, or `fnx rollback`, rolled it back before')
    .addOption(new Option('--concurrency <n>', 'functions deployed in parallel').default(8).argParser(positiveInt))
    .option('--strict', 'fail (exit 2) instead of warning when a Python function\'s dependencies are not in its package')
    .action(
      (o: RawManifestOpts & { function?: string[]; provider?: string[]; dryRun?: boolean; wait?: boolean; keepOnInterrupt?: boolean; releaseRolledBack?: boolean; concurrency: number; strict?: boolean }) =>
        set(o.json, async (ctx) => {
          const { deployCommand } = await import('../commands/deploy.js');
          await deployCommand(
            {
              ...manifestOptions(o, env),
              functions: o.function ?? [],
              providers: o.provider ?? [],
              dryRun: Boolean(o.dryRun),
              wait: o.wait !== false,
              keepOnInterrupt: Boolean(o.keepOnInterrupt),
              releaseRolledBack: Boolean(o.releaseRolledBack),
              concurrency: o.concurrency,
              strict: Boolean(o.strict),
            },
            ctx,
          );
        }),
    );

  withManifestOptions(program.command('rollback').description('move traffic back to the previous release (or abort one in progress)'))
    .option('-f, --function <name...>', 'only these functions')
    .option('-p, --provider <name...>', 'only these providers')
    .option('--to <version>', 'roll back to this version instead of the previous release')
    .action((o: RawManifestOpts & { function?: string[]; provider?: string[]; to?: string }) =>
      set(o.json, async (ctx) => {
        const { rollbackCommand } = await import('../commands/rollback.js');
        await rollbackCommand({ ...manifestOptions(o, env), functions: o.function ?? [], providers: o.provider ?? [], ...(o.to ? { to: o.to } : {}) }, ctx);
      }),
    );

  withManifestOptions(program.command('promote').description('finish a canary/linear release in progress'))
    .option('-f, --function <name...>', 'only these functions')
    .option('-p, --provider <name...>', 'only these providers')
    .option('--now', 'go to 100% at once, skipping the remaining waits and health gates')
    .option('--keep-on-interrupt', 'on Ctrl-C during a traffic shift, leave the weights as they are')
    .action((o: RawManifestOpts & { function?: string[]; provider?: string[]; now?: boolean; keepOnInterrupt?: boolean }) =>
      set(o.json, async (ctx) => {
        const { promoteCommand } = await import('../commands/promote.js');
        await promoteCommand(
          { ...manifestOptions(o, env), functions: o.function ?? [], providers: o.provider ?? [], now: Boolean(o.now), keepOnInterrupt: Boolean(o.keepOnInterrupt) },
          ctx,
        );
      }),
    );

  withManifestOptions(program.command('status').description('show what is deployed: versions, traffic, releases, triggers, URLs'))
    .option('-p, --provider <name...>', 'only these providers')
    .action((o: RawManifestOpts & { provider?: string[] }) =>
      set(o.json, async (ctx) => {
        const { statusCommand } = await import('../commands/status.js');
        await statusCommand({ ...manifestOptions(o, env), providers: o.provider ?? [] }, ctx);
      }),
    );

  withManifestOptions(program.command('remove').description('delete everything fnx created for a stage'))
    .option('-p, --provider <name...>', 'only these providers')
    .option('-y, --yes', 'do not ask for confirmation (required in CI)')
    .action((o: RawManifestOpts & { provider?: string[]; yes?: boolean }) =>
      set(o.json, async (ctx) => {
        const { removeCommand } = await import('../commands/remove.js');
        await removeCommand({ ...manifestOptions(o, env), providers: o.provider ?? [], yes: Boolean(o.yes) }, ctx);
      }),
    );

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (err) {
    if (err instanceof FnxError) throw err;
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return undefined;
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // commander already printed the message; only the exit code is ours.
      throw new PrintedUsageError((e.message ?? 'invalid usage').replace(/^error: /, ''));
    }
    throw err;
  }
  if (!parsed && argv.length === 0) {
    program.outputHelp();
    return undefined;
  }
  return parsed;
}
