// Test helpers for the emulator's own tests: SDK clients wired to the emulator, tiny zip packages.
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { StorageManagementClient } from '@azure/arm-storage';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { AzureEmulator } from './index.js';

/** Trust the emulator's CA in this process (child processes use NODE_EXTRA_CA_CERTS from env()). */
export function trustEmulatorCa(emu: AzureEmulator): void {
  setDefaultCACertificates([...getCACertificates('default'), emu.caPem]);
}

/** A credential from the emulator's token endpoint, exactly as fnx builds one from the environment. */
export function credentialFor(emu: AzureEmulator): ClientSecretCredential {
  return new ClientSecretCredential(emu.tenantId, emu.clientId, emu.clientSecret, { authorityHost: emu.armUrl, disableInstanceDiscovery: true });
}

export interface Clients {
  web: WebSiteManagementClient;
  storage: StorageManagementClient;
  resources: ResourceManagementClient;
}

export function clientsFor(emu: AzureEmulator): Clients {
  const cred = credentialFor(emu);
  const options = { endpoint: emu.armUrl, retryOptions: { maxRetries: 0 } };
  return {
    web: new WebSiteManagementClient(cred, emu.subscriptionId, options),
    storage: new StorageManagementClient(cred, emu.subscriptionId, options),
    resources: new ResourceManagementClient(cred, emu.subscriptionId, options),
  };
}

/** A valid empty zip archive whose comment makes its SHA-256 unique per `tag`. */
export function zipOf(tag: string): Buffer {
  const comment = Buffer.from(tag, 'utf8');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([eocd, comment]);
}

/** A clock the test moves by hand (option `clock`): nothing settles until it moves. */
export class FakeClock {
  constructor(public time = Date.UTC(2026, 11, 2, 10, 0, 0)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Poll fast: the SDK's default LRO interval is 2 s. */
export const FAST = { updateIntervalInMs: 10 } as const;
