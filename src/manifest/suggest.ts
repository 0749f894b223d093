/** "Did you mean ...?" suggestions by edit distance. */

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Longest word that gets a suggestion. */
const MAX_WORD = 200;

/** The closest candidate within a small edit distance (case-insensitive), or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  // Names are short; a long word (a mistyped value pasted as a key) is compared with nothing,
  // which keeps this cheap for any input.
  if (word.length > MAX_WORD) return undefined;
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    // The distance is at least the difference in length.
    if (Math.abs(c.length - w.length) >= bestDistance) continue;
    const d = c.toLowerCase() === w ? 0 : levenshtein(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean \`memory\`?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}

export function listOf(values: readonly unknown[]): string {
  return values.map((v) => `\`${String(v)}\``).join(', ');
}
