/**
 * `fnx init [DIR]`: scaffold a project from a template. Asks questions only in an interactive
 * session without --yes; otherwise missing choices take their defaults (node-http, aws).
 */
import { basename, join, relative, resolve } from 'node:path';
import { deployableExample, deployableProviders, driverAvailable, inlineSnippet } from '../registry.js';
import { ExitCode, FnxError } from '../errors.js';
import type { ProviderName } from '../manifest/model.js';
import { findPackage } from '../init/packageRoot.js';
import { askMissing } from '../init/prompt.js';
import { defaultProviders, parseProviders } from '../init/providers.js';
import { scaffold, type ScaffoldResult } from '../init/scaffold.js';
import { normaliseServiceName } from '../init/serviceName.js';
import { DEFAULT_TEMPLATE, findTemplate, listTemplates, type TemplateInfo } from '../init/templates.js';
import { checkTarget } from '../init/write.js';
import { plural } from '../report/plural.js';
import type { CommandContext } from './context.js';

export interface InitOptions {
  readonly dir: string;
  readonly template?: string;
  readonly providers?: readonly string[];
  readonly name?: string;
  readonly yes: boolean;
  readonly force: boolean;
  readonly list: boolean;
  readonly json: boolean;
}

const FALLBACK_SERVICE = 'my-service';

export async function initCommand(opts: InitOptions, ctx: CommandContext): Promise<ScaffoldResult | undefined> {
  const pkg = findPackage(import.meta.url);
  const templatesDir = join(pkg.root, 'templates');
  const templates = listTemplates(templatesDir);

  if (opts.list) {
    printList(templates, ctx);
    return undefined;
  }

  // Check everything given on the command line before asking anything.
  if (opts.template !== undefined) findTemplate(templatesDir, opts.template);
  let providers: readonly ProviderName[] | undefined = opts.providers !== undefined ? parseProviders(opts.providers) : undefined;
  const dir = resolve(ctx.cwd, opts.dir);
  const displayDir = relative(ctx.cwd, dir) === '' ? `the current directory (${dir})` : `directory ${opts.dir}`;
  checkTarget(dir, displayDir, [], opts.force);
  const service = serviceName(opts.name, dir, ctx);

  let template = opts.template;
  if (ctx.interactive && !opts.yes && (template === undefined || providers === undefined)) {
    const answers = await askMissing(
      { input: process.stdin, output: process.stderr, signal: ctx.signal },
      templates,
      { ...(template !== undefined ? { template } : {}), ...(providers !== undefined ? { providers } : {}) },
      { template: DEFAULT_TEMPLATE, providers: defaultProviders() },
    );
    template = answers.template;
    providers = answers.providers;
  }

  const result = scaffold({
    dir,
    displayDir,
    templatesDir,
    template: template ?? DEFAULT_TEMPLATE,
    providers: providers ?? defaultProviders(),
    service,
    force: opts.force,
    fnxVersion: pkg.version,
  });
  report(result, opts.dir, ctx);
  return result;
}

function serviceName(name: string | undefined, dir: string, ctx: CommandContext): string {
  const raw = name ?? basename(dir);
  const normalised = normaliseServiceName(raw);
  if (normalised === '' && name !== undefined) {
    throw new FnxError('E_INIT_NAME', `"${name}" cannot be turned into a service name.`, {
      hint: 'A service name starts with a letter and holds lower-case letters, digits and "-" (at most 40), e.g. --name orders.',
      exitCode: ExitCode.usage,
    });
  }
  const service = normalised === '' ? FALLBACK_SERVICE : normalised;
  if (service !== raw) ctx.reporter.info(`Service name: ${service} (from "${raw}"; names match ^[a-z][a-z0-9-]{0,39}$).`);
  return service;
}

function printList(templates: readonly TemplateInfo[], ctx: CommandContext): void {
  ctx.reporter.data({ ok: true, templates: templates.map((t) => ({ ...t, default: t.name === DEFAULT_TEMPLATE })) });
  const width = Math.max(...templates.map((t) => t.name.length));
  ctx.reporter.print(
    templates.map((t) => `${t.name.padEnd(width)}  ${t.description} (${t.runtime})${t.name === DEFAULT_TEMPLATE ? ' [default]' : ''}`).join('\n'),
  );
}

function report(result: ScaffoldResult, typedDir: string, ctx: CommandContext): void {
  ctx.reporter.data({
    ok: true,
    dir: result.dir,
    service: result.service,
    template: result.template.name,
    providers: result.providers,
    files: result.files,
    overwritten: result.overwritten,
  });
  const here = relative(ctx.cwd, result.dir) === '';
  const named = basename(result.dir) === result.service ? '' : ` (service ${result.service})`;
  const what = here ? `service ${result.service} in the current directory` : `${shellQuote(typedDir.replace(/\/?$/, '/'))}${named}`;
  const overwritten = new Set(result.overwritten);
  const lines = [
    `Created ${what} from template ${result.template.name} (providers: ${result.providers.join(', ')}):`,
    ...result.files.map((f) => `  ${f}${overwritten.has(f) ? '  (overwritten)' : ''}`),
  ];
  if (overwritten.size > 0) lines.push(`Overwrote ${plural(overwritten.size, 'existing file')} because of --force; no other file was touched.`);
  const deployable = result.providers.filter(driverAvailable);
  const later = result.providers.filter((p) => !driverAvailable(p));
  lines.push('', 'Next steps:');
  if (!here) lines.push(`  cd ${shellQuote(typedDir)}`);
  lines.push(`  ${result.template.setup}`, '  npx fnx validate', '  npx fnx package');
  if (deployable.length) lines.push('  npx fnx deploy --stage dev');
  if (later.length) lines.push('', deployNote(later, deployable));
  ctx.reporter.print(lines.join('\n'));
}

/** What `fnx deploy` will do with providers that have no driver in this version of fnx. */
function deployNote(later: readonly ProviderName[], deployable: readonly ProviderName[]): string {
  const list = later.join(' and ');
  const only = deployableProviders().join(', ');
  const example = deployableExample();
  if (deployable.length) {
    return `Note: this version of fnx deploys to ${only} only. \`fnx deploy\`, \`status\` and \`remove\` work on the ${deployable.join(', ')} part and say that they skipped ${list}.`;
  }
  return [
    `Note: this version of fnx deploys to ${only} only; it has no ${list} driver yet, so \`fnx deploy\` refuses this project.`,
    `  \`fnx validate\` and \`fnx package\` work now.${example ? ` To deploy, add \`${inlineSnippet(example)}\` under \`providers:\` in fnx.yaml.` : ''}`,
  ].join('\n');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
