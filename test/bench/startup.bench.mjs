#!/usr/bin/env node
// Start-up benchmark: `fnx validate` on a generated 50-function manifest vs `node -e 0`, both run
// RUNS times in this script; prints the medians and their ratio. Target: validate median <= 150 ms.
// The first validate after fnx.yaml changes parses the YAML (cached in .fnx/cache/); the
// benchmark reports that cold case separately. Needs the built CLI (npm run build).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_MS = 150;
const bin = fileURLToPath(new URL('../../bin/fnx.js', import.meta.url));

export function manifest50() {
  const lines = [
    'service: bench',
    'providers:',
    '  aws: { region: us-east-1 }',
    '  gcp: { project: bench-project, region: europe-west1 }',
    'defaults:',
    '  runtime: nodejs22',
    '  memory: 512',
    '  environment: { LOG_LEVEL: info, STAGE: "${stage}" }',
    '  layers: [deps]',
    'stages:',
    '  dev: {}',
    '  prod:',
    '    defaults: { memory: 1024, release: { strategy: canary, percent: 10, wait: 5m } }',
    'layers:',
    '  deps: { from: package.json }',
    'functions:',
  ];
  for (let i = 0; i < 50; i++) {
    lines.push(
      `  fn${i}:`,
      `    handler: src/fn${i}.handler`,
      `    timeout: ${10 + (i % 20)}`,
      '    environment: { TABLE: "${self:service}-${stage}-t' + i + '" }',
      '    triggers:',
      i % 3 === 0 ? `      - http: { method: GET, path: "/fn${i}/{id}" }` : i % 3 === 1 ? `      - schedule: { cron: "${i % 60} 2 * * MON-FRI" }` : `      - queue: { name: q${i}, batchSize: 5 }`,
      '    release:',
      '      strategy: linear',
      '      step: 25',
      '      interval: 1m',
      '      health: { alarms: [a' + i + '], errorRate: 1% }',
    );
  }
  return `${lines.join('\n')}\n`;
}

function time(args, cwd) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 2000)}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'fnx-bench-'));
try {
  writeFileSync(join(dir, 'fnx.yaml'), manifest50());
  // The project files validate checks: each handler's file and export, the layer's package.json.
  writeFileSync(join(dir, 'package.json'), '{ "name": "bench", "version": "1.0.0", "type": "module" }\n');
  mkdirSync(join(dir, 'src'));
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, 'src', `fn${i}.js`), 'export async function handler() { return { statusCode: 200 }; }\n');
  time([bin, 'validate'], dir); // warm the file cache
  const node = [];
  const validate = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(time(['-e', '0'], dir));
    validate.push(time([bin, 'validate'], dir));
  }
  const cold = [];
  for (let i = 0; i < Math.min(RUNS, 7); i++) {
    rmSync(join(dir, '.fnx'), { recursive: true, force: true });
    cold.push(time([bin, 'validate'], dir));
  }
  const mv = median(validate);
  const mn = median(node);
  console.log(`fnx validate (50 functions): median ${mv.toFixed(1)} ms over ${RUNS} runs (min ${Math.min(...validate).toFixed(1)}, max ${Math.max(...validate).toFixed(1)})`);
  console.log(`  without the parse cache:   median ${median(cold).toFixed(1)} ms over ${cold.length} runs (first run after fnx.yaml changed)`);
  console.log(`node -e 0:                   median ${mn.toFixed(1)} ms over ${RUNS} runs`);
  console.log(`ratio: ${(mv / mn).toFixed(2)}x node start-up; target <= ${TARGET_MS} ms: ${mv <= TARGET_MS ? 'met' : 'NOT met'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
