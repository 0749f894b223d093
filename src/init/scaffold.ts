/** The programmatic core of `fnx init`: render a template and write it into a directory. */
import { readFileSync } from 'node:fs';
import type { ProviderName } from '../manifest/model.js';
import { providersBlock } from './providers.js';
import { render } from './render.js';
import { findTemplate, templateFiles, type TemplateInfo } from './templates.js';
import { checkTarget, writeProject, type ProjectFile } from './write.js';

export interface ScaffoldOptions {
  /** Absolute target directory (created if missing). */
  readonly dir: string;
  /** How the directory is named in messages (what the user typed). */
  readonly displayDir: string;
  readonly templatesDir: string;
  readonly template: string;
  readonly providers: readonly ProviderName[];
  /** A valid service name (see normaliseServiceName). */
  readonly service: string;
  readonly force: boolean;
  /** fnx-cli version, for the generated package.json's devDependency. */
  readonly fnxVersion: string;
}

export interface ScaffoldResult {
  readonly dir: string;
  readonly template: TemplateInfo;
  readonly providers: readonly ProviderName[];
  readonly service: string;
  /** Every file written, relative to `dir`. */
  readonly files: readonly string[];
  /** The subset of `files` that replaced existing files (only with force). */
  readonly overwritten: readonly string[];
}

/** Renders every file of template `info` in memory; nothing touches the disk yet. */
function renderTemplate(o: ScaffoldOptions, info: TemplateInfo): ProjectFile[] {
  const values = {
    service: o.service,
    providers: providersBlock(o.providers, o.service),
    runtime: info.runtime,
    template: info.name,
    description: info.description,
    fnxVersion: o.fnxVersion,
  };
  return templateFiles(o.templatesDir, info.name).map((f) => ({
    path: f.path,
    content: render(readFileSync(f.source, 'utf8'), values, `${info.name}/${f.path}`),
  }));
}

/** Checks the target, then writes the rendered project. Throws FnxError (exit 2) before writing anything when refused. */
export function scaffold(o: ScaffoldOptions): ScaffoldResult {
  const info = findTemplate(o.templatesDir, o.template);
  const files = renderTemplate(o, info);
  const target = checkTarget(o.dir, o.displayDir, files, o.force);
  writeProject(o.dir, o.displayDir, files, target.exists);
  return {
    dir: o.dir,
    template: info,
    providers: o.providers,
    service: o.service,
    files: files.map((f) => f.path),
    overwritten: target.overwritten,
  };
}
