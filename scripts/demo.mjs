#!/usr/bin/env node
// The README's main job, on this machine only: start the AWS, Azure and Google Cloud emulators on
// 127.0.0.1, scaffold one project for all three with `fnx init`, validate, package, deploy, show
// status, call the AWS function over its API route (the emulator runs the deployed code) and show
// its logs, change the code, deploy again with a canary release (Azure's Flex plan: all at once,
// by the template's fallback), roll back, and show status again; then deploy code that throws
// while sending it requests, and watch the canary's error-rate gate roll it back. Needs
// `npm run build` first.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const emulatorModule = join(root, 'dist/test/emulators/aws/index.js');
const gcpEmulatorModule = join(root, 'dist/test/emulators/gcp/index.js');
const azureModule = join(root, 'dist/test/emulators/azure/index.js');
if (![emulatorModule, gcpEmulatorModule, azureModule].every((m) => existsSync(m))) {
  console.error('demo: the project is not built. Run `npm ci && npm run build` first.');
  process.exit(2);
}
const { startAwsEmulator } = await import(emulatorModule);
const { startGcpEmulator } = await import(gcpEmulatorModule);
const { startAzureEmulator } = await import(azureModule);
const emulator = await startAwsEmulator({ asyncDelayMs: 200 });
const gcp = await startGcpEmulator({ projectId: 'fnx-demo' });
const azure = await startAzureEmulator();
const work = mkdtempSync(join(tmpdir(), 'fnx-demo-'));
const project = join(work, 'demo');
const env = {
  ...process.env,
  // The Azure emulator's ARM endpoint, token authority, service principal, subscription and CA.
  ...azure.env(),
  AWS_ENDPOINT_URL: emulator.url,
  AWS_ACCESS_KEY_ID: 'demo',
  AWS_SECRET_ACCESS_KEY: 'demo',
  AWS_REGION: 'us-east-1',
  // FNX_GCP_ENDPOINT, GOOGLE_APPLICATION_CREDENTIALS (a key the emulator made), GOOGLE_CLOUD_PROJECT.
  ...gcp.env(),
  // Scales release waits (canary 5m -> 0.3 s) so the demo finishes in seconds.
  FNX_TIME_SCALE: '0.001',
};

// Asynchronous on purpose: the emulator runs in this process and must keep answering.
function fnx(args, cwd = project) {
  console.log(`\n$ fnx ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/fnx.js'), ...args], { cwd, env, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** GET the AWS stage's API route `path` (the emulator serves API Gateway under /_apigw/<api id>/). */
function awsUrl(stage, path) {
  const api = [...emulator.state.apigateway.apis.values()].find((a) => a.name.endsWith(`-${stage}`));
  return `${emulator.url}/_apigw/${api.apiId}${path}`;
}

async function show(stage, path) {
  const url = awsUrl(stage, path);
  const res = await fetch(url);
  console.log(`\n$ curl ${url}\n${res.status} ${await res.text()}`);
}

/** Runs `fnx deploy` while sending requests to the API route until it exits, as live traffic would. */
async function deployUnderTraffic(args, path) {
  const url = awsUrl('prod', path);
  const running = fnx(args);
  let done = false;
  void running.then(() => (done = true));
  const statuses = new Map();
  const client = async () => {
    while (!done) {
      const status = (await fetch(url)).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all([client(), client()]);
  console.log(`demo: sent ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests to GET ${path} during the release: ${[...statuses].map(([s, n]) => `${n} answered ${s}`).join(', ')}`);
  return running;
}

function must(code, what) {
  if (code !== 0) {
    console.error(`\ndemo: ${what} failed with exit code ${code}`);
    process.exitCode = 1;
    throw new Error(what);
  }
}

try {
  console.log(`AWS emulator on ${emulator.url}, Azure emulator on ${azure.armUrl}, Google Cloud emulator on ${gcp.url}; project in ${project}`);
  must(await fnx(['init', 'demo', '--template', 'node-http', '--provider', 'aws,azure,gcp', '--yes'], work), 'init');
  must(await fnx(['validate', '--stage', 'dev']), 'validate');
  must(await fnx(['package', '--stage', 'dev']), 'package');
  must(await fnx(['deploy', '--stage', 'dev']), 'first deploy');
  must(await fnx(['status', '--stage', 'dev']), 'status');
  await show('dev', '/hello?name=demo');
  must(await fnx(['logs', 'api', '--stage', 'dev', '--provider', 'aws', '--since', '5m']), 'logs');

  const handler = join(project, 'src/handler.js');
  writeFileSync(handler, readFileSync(handler, 'utf8').replace(/Hello/g, 'Hello again'));
  const manifest = join(project, 'fnx.yaml');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8') + '\n# demo: canary for the second release\n',
  );
  must(await fnx(['deploy', '--stage', 'prod']), 'deploy to prod');
  writeFileSync(handler, readFileSync(handler, 'utf8').replace(/Hello again/g, 'Hello, canary'));
  must(await fnx(['deploy', '--stage', 'prod']), 'canary deploy to prod');
  must(await fnx(['status', '--stage', 'prod']), 'status');
  must(await fnx(['rollback', '--stage', 'prod']), 'rollback');
  must(await fnx(['status', '--stage', 'prod']), 'status after rollback');

  // A release whose code throws on /hello: the canary holds 3 s (FNX_TIME_SCALE 0.01 for this
  // deploy) while the demo sends requests; the candidate's share fail for real, the error-rate
  // gate sees them and moves traffic back (exit 3).
  writeFileSync(handler, readFileSync(handler, 'utf8').replace("const name = ", "throw new Error('database unreachable');\n  const name = "));
  env.FNX_TIME_SCALE = '0.01';
  const broken = await deployUnderTraffic(['deploy', '--stage', 'prod', '--provider', 'aws'], '/hello');
  env.FNX_TIME_SCALE = '0.001';
  if (broken !== 3) must(1, `the broken canary should have been rolled back (exit 3), got exit ${broken}`);
  console.log('demo: the broken canary was rolled back by its error-rate gate (exit 3), as expected.');
  await show('prod', '/hello');
  must(await fnx(['logs', 'api', '--stage', 'prod', '--provider', 'aws', '--since', '5m', '--filter', 'database unreachable']), 'logs of the failed invocations');
  console.log(`\ndemo: done. ${emulator.writeCalls().length} write calls reached the AWS emulator, ${azure.writeCalls().length} the Azure one, ${gcp.writeCalls().length} the Google Cloud one.`);
} catch {
  // must() already reported; fall through to clean up.
} finally {
  await emulator.close();
  await gcp.close();
  await azure.close();
  rmSync(work, { recursive: true, force: true });
}
