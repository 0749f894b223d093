// Self-signed CA and a server certificate for 127.0.0.1, made with the system `openssl` at start
// (node:crypto cannot issue X.509 certificates). Both live in a temp dir removed by close().
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmulatorCertificates {
  dir: string;
  /** PEM of the CA (for NODE_EXTRA_CA_CERTS). */
  caCertPath: string;
  caPem: string;
  /** Server certificate (subjectAltName IP:127.0.0.1, DNS:localhost) signed by the CA, and its key. */
  certPem: string;
  keyPem: string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeCertificates(): EmulatorCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'fnx-azure-emu-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3', '-subj', '/CN=fnx Azure emulator test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(join(dir, 'server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem',
    '-days', '3', '-sha256', '-extfile', 'server.ext'], dir);
  const caCertPath = join(dir, 'ca.pem');
  return {
    dir,
    caCertPath,
    caPem: readFileSync(caCertPath, 'utf8'),
    certPem: readFileSync(join(dir, 'server.pem'), 'utf8'),
    keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
