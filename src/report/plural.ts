/** Counted nouns for messages: `plural(1, 'file')` is "1 file", `plural(3, 'file')` "3 files". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
