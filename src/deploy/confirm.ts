/** A yes/no question on the terminal (stdin/stderr). Only called when the session is interactive. */
import { createInterface } from 'node:readline/promises';

export async function confirm(question: string, signal: AbortSignal): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
