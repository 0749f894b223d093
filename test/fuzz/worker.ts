/** The long run's worker thread: runs cases [from, to) of a seed and posts each result. */
import { parentPort, workerData } from 'node:worker_threads';
import { caseAt, loadSeeds } from './cases.js';
import { Projects, runCase, runCaseCli } from './harness.js';

const { seed, from, to, cliEvery, bin } = workerData as { seed: number; from: number; to: number; cliEvery: number; bin: string };
const seeds = loadSeeds();
const projects = new Projects();
try {
  for (let i = from; i < to; i++) {
    const c = caseAt(seeds, seed, i);
    const dir = projects.dir(c.seed);
    // With --expose-gc, each case starts from the live set only (not the garbage of making it),
    // so the RSS the main thread samples while it runs is what the case itself takes.
    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    parentPort!.postMessage({ type: 'start', index: i, mutator: c.mutator, bytes: c.bytes.length, rss: rssBefore });
    const r = cliEvery > 0 && i % cliEvery === 0 ? await runCaseCli(c, dir, bin) : await runCase(c, dir);
    parentPort!.postMessage({ type: 'done', index: i, mutator: c.mutator, seedName: c.seed.name, cli: cliEvery > 0 && i % cliEvery === 0, ...r, rssGrowth: process.memoryUsage().rss - rssBefore, maxRssKb: process.resourceUsage().maxRSS });
  }
} finally {
  projects.dispose();
}
