/**
 * The commander program. It only translates argv into typed requests, calls the command
 * functions (the programmatic API, src/index.ts) and prints their results (output.ts); both load
 * lazily so `fnx --help` and `fnx validate` stay fast and load no cloud SDK.
 */
import { Command, Option } from 'commander';
import { providerModules, providerNames } from '../registry.js';
import { ExitCode, FnxError } from '../errors.js';
import type { ProviderPlan } from '../driver.js';
import type { ManifestOptions, Session } from '../session.js';
import { STAGE_NAME } from '../manifest/stages.js';
import { TRIGGER_KINDS } from '../manifest/model.js';

export type Runner = (session: Session) => Promise<void>;

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
    // `fnx --version` is fnx's; after a command name, `--version V` is that command's (invoke, logs).
    .enablePositionalOptions()
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
      set(o.json, async (session) => {
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
          session,
        );
      }),
    );

  withManifestOptions(program.command('validate').description('check the manifest against the schema and provider rules')).action(
    (o: RawManifestOpts) =>
      set(o.json, async (session) => {
        const [{ validate }, { showValidate }] = await Promise.all([import('../commands/validate.js'), import('./output.js')]);
        showValidate(await validate(manifestOptions(o, env), session), session.reporter, session.cwd);
      }),
  );

  withManifestOptions(program.command('package').description('build deterministic zip artifacts into .fnx/build/<stage>/'))
    .option('-f, --function <name...>', 'only these functions')
    .option('--no-cache', 'ignore the packaging cache')
    .option('--strict', 'fail (exit 2, before any upload) instead of warning when a function\'s zip is over its package.budget')
    .action((o: RawManifestOpts & { function?: string[]; cache?: boolean; strict?: boolean }) =>
      set(o.json, async (session) => {
        const [{ packageProject }, { showPackage }] = await Promise.all([import('../commands/package.js'), import('./output.js')]);
        showPackage(await packageProject({ ...manifestOptions(o, env), functions: o.function ?? [], cache: o.cache !== false, strict: Boolean(o.strict) }, session), session.reporter, session.cwd);
      }),
    );

  withManifestOptions(program.command('plan').description('show what deploy would change'))
    .option('-f, --function <name...>', 'only these functions')
    .option('-p, --provider <name...>', 'only these providers')
    .action((o: RawManifestOpts & { function?: string[]; provider?: string[] }) =>
      set(o.json, async (session) => {
        const [{ plan }, { showPlan }] = await Promise.all([import('../commands/plan.js'), import('./output.js')]);
        showPlan(await plan({ ...manifestOptions(o, env), functions: o.function ?? [], providers: o.provider ?? [] }, session), session.reporter, session.cwd);
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
    .option('--strict', 'fail (exit 2, before any upload) instead of warning when a function\'s zip is over its package.budget')
    .action(
      (o: RawManifestOpts & { function?: string[]; provider?: string[]; dryRun?: boolean; wait?: boolean; keepOnInterrupt?: boolean; releaseRolledBack?: boolean; concurrency: number; strict?: boolean }) =>
        set(o.json, async (session) => {
          const [{ deploy }, { showDeploy, showDeployPlan }] = await Promise.all([import('../commands/deploy.js'), import('./output.js')]);
          const dryRun = Boolean(o.dryRun);
          const result = await deploy(
            {
              ...manifestOptions(o, env),
              functions: o.function ?? [],
              providers: o.provider ?? [],
              dryRun,
              wait: o.wait !== false,
              keepOnInterrupt: Boolean(o.keepOnInterrupt),
              releaseRolledBack: Boolean(o.releaseRolledBack),
              concurrency: o.concurrency,
              strict: Boolean(o.strict),
              onPlan: (planned) => showDeployPlan(planned, dryRun, session.reporter),
            },
            session,
          );
          showDeploy(result, session.reporter);
        }),
    );

  withManifestOptions(program.command('rollback').description('move traffic back to the previous release (or abort one in progress)'))
    .option('-f, --function <name...>', 'only these functions')
    .option('-p, --provider <name...>', 'only these providers')
    .option('--to <version>', 'roll back to this version instead of the previous release')
    .action((o: RawManifestOpts & { function?: string[]; provider?: string[]; to?: string }) =>
      set(o.json, async (session) => {
        const [{ rollback }, { showRollback }] = await Promise.all([import('../commands/rollback.js'), import('./output.js')]);
        showRollback(await rollback({ ...manifestOptions(o, env), functions: o.function ?? [], providers: o.provider ?? [], ...(o.to ? { to: o.to } : {}) }, session), session.reporter);
      }),
    );

  withManifestOptions(program.command('promote').description('finish a canary/linear release in progress'))
    .option('-f, --function <name...>', 'only these functions')
    .option('-p, --provider <name...>', 'only these providers')
    .option('--now', 'go to 100% at once, skipping the remaining waits and health gates')
    .option('--keep-on-interrupt', 'on Ctrl-C during a traffic shift, leave the weights as they are')
    .action((o: RawManifestOpts & { function?: string[]; provider?: string[]; now?: boolean; keepOnInterrupt?: boolean }) =>
      set(o.json, async (session) => {
        const [{ promote }, { showPromote }] = await Promise.all([import('../commands/promote.js'), import('./output.js')]);
        const request = { ...manifestOptions(o, env), functions: o.function ?? [], providers: o.provider ?? [], now: Boolean(o.now), keepOnInterrupt: Boolean(o.keepOnInterrupt) };
        showPromote(await promote(request, session), session.reporter);
      }),
    );

  withManifestOptions(program.command('status').description('show what is deployed: versions, traffic, releases, triggers, URLs'))
    .option('-p, --provider <name...>', 'only these providers')
    .action((o: RawManifestOpts & { provider?: string[] }) =>
      set(o.json, async (session) => {
        const [{ status }, { showStatus }] = await Promise.all([import('../commands/status.js'), import('./output.js')]);
        showStatus(await status({ ...manifestOptions(o, env), providers: o.provider ?? [] }, session), session.reporter);
      }),
    );

  withManifestOptions(program.command('invoke').description('run a function once: deployed (default) or --local, with a sample event or your data'))
    .argument('<function>', 'function name in fnx.yaml')
    .option('-p, --provider <name>', 'provider to invoke (needed when the function is deployed to several)')
    .addOption(new Option('-e, --event <kind>', 'send a sample neutral event of this trigger kind (--data overrides its fields)').choices([...TRIGGER_KINDS]))
    .option('-d, --data <json>', 'the payload, or with --event the fields to override (JSON)')
    .option('--data-file <file>', 'read the data from a JSON file; - reads stdin')
    .option('--version <version>', 'invoke this published version instead of the live pointer')
    .option('-l, --local', 'run the handler on this machine (no cloud call)')
    .option('--resolve-secrets', 'with --local: fill secrets from same-named variables of this shell instead of their references')
    .action((name: string, o: RawManifestOpts & { provider?: string; event?: string; data?: string; dataFile?: string; version?: string; local?: boolean; resolveSecrets?: boolean }) =>
      set(o.json, async (session) => {
        const [{ invoke }, { showInvoke }, { readText }] = await Promise.all([import('../commands/invoke.js'), import('./output.js'), import('../events/data.js')]);
        const request = {
          ...manifestOptions(o, env),
          function: name,
          ...(o.provider !== undefined ? { provider: o.provider } : {}),
          ...(o.event !== undefined ? { event: o.event } : {}),
          ...(o.data !== undefined ? { data: o.data } : {}),
          ...(o.dataFile !== undefined ? { dataFile: o.dataFile } : {}),
          ...(o.version !== undefined ? { version: o.version } : {}),
          local: Boolean(o.local),
          resolveSecrets: Boolean(o.resolveSecrets),
          readStdin: () => readText(process.stdin),
        };
        showInvoke(await invoke(request, session), session.reporter);
      }),
    );

  withManifestOptions(program.command('logs').description('show a function\'s log lines (version and request id per line); --tail follows until Ctrl-C'))
    .argument('<function>', 'function name from fnx.yaml')
    .option('-p, --provider <name>', 'the provider to read from (needed when the function is on several)')
    .option('--since <time>', 'lines from this long ago (30s, 10m, 2h, 1d) or from an ISO 8601 time', '10m')
    .option('--tail', 'keep following new lines until Ctrl-C (exit 130, the normal way to stop it)')
    .option('--filter <text>', 'only lines containing this text (case-sensitive)')
    .option('--version <version>', 'only lines written by this version')
    .action((fn: string, o: RawManifestOpts & { provider?: string; since: string; tail?: boolean; filter?: string; version?: string }) =>
      set(o.json, async (session) => {
        const [{ logs }, { logsPrinter }] = await Promise.all([import('../commands/logs.js'), import('./logs-output.js')]);
        const tail = Boolean(o.tail);
        const printer = logsPrinter(session.reporter, tail);
        const request = { ...manifestOptions(o, env), function: fn, since: o.since, tail, onLine: printer.onLine };
        printer.done(await logs({ ...request, ...(o.provider ? { provider: o.provider } : {}), ...(o.filter !== undefined ? { filter: o.filter } : {}), ...(o.version !== undefined ? { version: o.version } : {}) }, session));
      }),
    );

  withManifestOptions(program.command('dev').description('serve the http triggers locally, a fresh run of the handler per request'))
    .option('--port <port>', 'port to listen on (0: any free port)', '3000')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action((o: RawManifestOpts & { port: string; host: string }) =>
      set(o.json, async (session) => {
        const [{ dev }, { showDevListening, showDevStopped }] = await Promise.all([import('../commands/dev.js'), import('./output.js')]);
        showDevStopped(await dev({ ...manifestOptions(o, env), port: o.port, host: o.host, onListening: (info) => showDevListening(info, session.reporter) }, session), session.reporter);
      }),
    );

  withManifestOptions(program.command('remove').description('delete everything fnx created for a stage'))
    .option('-p, --provider <name...>', 'only these providers')
    .option('-y, --yes', 'do not ask for confirmation (required in CI)')
    .action((o: RawManifestOpts & { provider?: string[]; yes?: boolean }) =>
      set(o.json, async (session) => {
        const [{ remove }, { showRemove, showRemovePlan }] = await Promise.all([import('../commands/remove.js'), import('./output.js')]);
        const onPlan = (plans: readonly ProviderPlan[], heading: string) => showRemovePlan(plans, heading, session.reporter);
        showRemove(await remove({ ...manifestOptions(o, env), providers: o.provider ?? [], yes: Boolean(o.yes), onPlan }, session), session.reporter);
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
