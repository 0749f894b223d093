/**
 * Template rendering: plain `{{name}}` substitution, no template engine. Every placeholder in a
 * template must have a value; an unknown one is an fnx bug, reported as such.
 */
import { FnxError } from '../errors.js';

export type TemplateValues = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g;

export function render(text: string, values: TemplateValues, file: string): string {
  return text.replace(PLACEHOLDER, (match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new FnxError('E_INTERNAL', `Template file ${file} uses an unknown placeholder ${match}`, {
        hint: 'This is a bug in the fnx template: report it.',
      });
    }
    return value;
  });
}
