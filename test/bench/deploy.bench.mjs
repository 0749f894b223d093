#!/usr/bin/env node
// Deploy benchmark: 50 functions to the local AWS emulator (dist/test/emulators/aws), first deploy
// vs an unchanged redeploy, each run as a user would (the built CLI in a child process).
// Prints wall times, their ratio, write calls and bytes uploaded. Needs `npm run build`.
// Target: unchanged redeploy <= 0.1x the first deploy, 0 bytes uploaded, 0 write calls.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { startAwsEmulator } = await import(join(root, 'dist/test/emulators/aws/index.js'));
const FUNCTIONS = Number(process.env.FNX_BENCH_FUNCTIONS ?? 50);
const ASYNC_DELAY_MS = Number(process.env.FNX_BENCH_ASYNC_DELAY_MS ?? 1000);

function fnx(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(root, 'bin/fnx.js'), ...args], { cwd, env: { ...process.env, ...env, CI: 'true', NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

const dir = await mkdtemp(join(tmpdir(), 'fnx-bench-deploy-'));
const names = Array.from({ length: FUNCTIONS }, (_, i) => `fn${String(i).padStart(2, '0')}`);
let manifest = 'service: bench\nproviders:\n  aws: { region: us-east-1 }\nfunctions:\n';
await mkdir(join(dir, 'src'), { recursive: true });
for (const n of names) {
  manifest += `  ${n}:\n    handler: src/${n}.handler\n    package: { include: ["src/${n}.js"] }\n    triggers:\n      - http: { method: GET, path: /${n} }\n`;
  await writeFile(join(dir, 'src', `${n}.js`), `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(n + ' '.repeat(2000))} });\n`);
}
await writeFile(join(dir, 'fnx.yaml'), manifest);

const aws = await startAwsEmulator({ asyncDelayMs: ASYNC_DELAY_MS });
const env = { ...aws.env(), AWS_EC2_METADATA_DISABLED: 'true' };
const results = [];
try {
  for (const label of ['first deploy', 'unchanged redeploy']) {
    aws.clearCalls();
    const r = await fnx(['deploy', '--stage', 'prod', '--json'], dir, env);
    if (r.code !== 0) throw new Error(`${label} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
    const out = JSON.parse(r.stdout);
    const uploaded = out.providers.reduce((n, p) => n + p.uploadedBytes, 0);
    results.push({ label, ms: r.ms, calls: aws.calls.length, writes: aws.writeCalls().length, uploaded });
  }
} finally {
  await aws.close();
  await rm(dir, { recursive: true, force: true });
}

console.log(`deploy of ${FUNCTIONS} functions (each with an http route) to the AWS emulator, asyncDelayMs ${ASYNC_DELAY_MS} (time Lambda takes to settle a create/update)`);
for (const r of results) console.log(`  ${r.label.padEnd(20)} ${(r.ms / 1000).toFixed(2).padStart(6)} s   ${String(r.calls).padStart(5)} calls   ${String(r.writes).padStart(4)} writes   ${r.uploaded} bytes uploaded`);
const [first, again] = results;
const ratio = again.ms / first.ms;
console.log(`  unchanged / first = ${ratio.toFixed(3)}x (target <= 0.1x), uploaded on redeploy: ${again.uploaded} bytes (target 0), writes on redeploy: ${again.writes} (target 0)`);
process.exitCode = again.uploaded === 0 && again.writes === 0 ? 0 : 1;
