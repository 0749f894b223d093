// env() reaches the emulator from a child process with the unmodified SDK (NODE_EXTRA_CA_CERTS,
// AZURE_AUTHORITY_HOST, DefaultAzureCredential), and the CLI (dist/, needs `npm run build`).
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ResourceManagementClient } from '@azure/arm-resources';
import { ClientSecretCredential } from '@azure/identity';
import { startAzureEmulator } from './index.js';

const CHILD = `
const { DefaultAzureCredential } = require('@azure/identity');
const { ResourceManagementClient } = require('@azure/arm-resources');
(async () => {
  const credential = new DefaultAzureCredential({ disableInstanceDiscovery: true });
  const client = new ResourceManagementClient(credential, process.env.AZURE_SUBSCRIPTION_ID, { endpoint: process.env.AZURE_RESOURCE_MANAGER_ENDPOINT });
  const rg = await client.resourceGroups.createOrUpdate('from-child', { location: 'westeurope' });
  console.log('created ' + rg.name);
})().catch((e) => { console.log('failed ' + e.message); process.exit(1); });
`;

describe('env() for a child process', () => {
  it('DefaultAzureCredential (environment) and an ARM client reach the emulator with no code for it', async () => {
    const emu = await startAzureEmulator();
    try {
      // Async on purpose: a synchronous spawn would block this process, where the emulator runs.
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD], { cwd: resolve('.'), env: { ...process.env, ...emu.env() }, encoding: 'utf8', timeout: 25_000 });
      expect(stdout.trim()).toBe('created from-child');
      expect(emu.state.resourceGroups.has('from-child')).toBe(true);
      expect(emu.calls.map((c) => `${c.service} ${c.operation}`)).toEqual(['login OpenIdConfiguration', 'login Token', 'arm ResourceGroups_CreateOrUpdate']);
    } finally {
      await emu.close();
    }
  });
});

describe('CLI', () => {
  it('prints its URL and env, serves SDK calls and stops on SIGTERM (removing its certificates)', async () => {
    const main = resolve('dist/test/emulators/azure/main.js');
    expect(existsSync(main), 'run `npm run build` first').toBe(true);
    const child = spawn(process.execPath, [main, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const env = await new Promise<Record<string, string>>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/NODE_EXTRA_CA_CERTS=.+\n/.test(out)) ok(Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
      });
      child.on('exit', (code) => fail(new Error(`exited ${code}`)));
    });
    expect(env.AZURE_RESOURCE_MANAGER_ENDPOINT).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    setDefaultCACertificates([...getCACertificates('default'), readFileSync(env.NODE_EXTRA_CA_CERTS!, 'utf8')]);
    const cred = new ClientSecretCredential(env.AZURE_TENANT_ID!, env.AZURE_CLIENT_ID!, env.AZURE_CLIENT_SECRET!, { authorityHost: env.AZURE_AUTHORITY_HOST!, disableInstanceDiscovery: true });
    const client = new ResourceManagementClient(cred, env.AZURE_SUBSCRIPTION_ID!, { endpoint: env.AZURE_RESOURCE_MANAGER_ENDPOINT! });
    expect((await client.resourceGroups.createOrUpdate('cli', { location: 'westeurope' })).name).toBe('cli');
    const code = await new Promise<number | null>((ok) => {
      child.on('exit', (c) => ok(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(existsSync(env.NODE_EXTRA_CA_CERTS!)).toBe(false);
  });
});
