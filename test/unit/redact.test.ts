/** Credentials never appear in output: which values are secret, and how every written line is cleaned. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FnxError } from '../../src/errors.js';
import { createReporter, reporterOptionsFromEnv } from '../../src/report/create.js';
import { credentialSecrets, redactor } from '../../src/report/redact.js';

const KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('credential redaction', () => {
  it('collects credential variables and the secret fields of credential files, skipping values too short to be real', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fnx-redact-')), 'sa.json');
    writeFileSync(file, JSON.stringify({ type: 'service_account', private_key_id: 'abcdef0123456789', private_key: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n-----END PRIVATE KEY-----\n', client_email: 'a@b.iam' }));
    const secrets = credentialSecrets([{ secretVariables: ['S1', 'S2', 'S3'], fileVariables: ['F'] }], { S1: KEY, S2: 'test', F: file });
    expect(secrets).toContain(KEY);
    expect(secrets).toContain('abcdef0123456789');
    expect(secrets).toContain('MIIEvQIBADANBgkqhkiG9w0BAQEF');
    expect(secrets).not.toContain('test');
    expect(secrets).not.toContain('a@b.iam');
  });

  it('a credentials variable naming a named pipe or a device is skipped at once, not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnx-redact-'));
    const fifo = join(dir, 'key.json');
    execFileSync('mkfifo', [fifo]);
    // Nothing ever writes to the FIFO, so reading it would block: run it in a child with a deadline.
    const built = new URL('../../dist/src/report/redact.js', import.meta.url).href;
    const script = `const { credentialSecrets } = await import(${JSON.stringify(built)}); console.log(JSON.stringify(credentialSecrets([{ secretVariables: [], fileVariables: ['F', 'G'] }], { F: ${JSON.stringify(fifo)}, G: '/dev/zero' })));`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' }).trim()).toBe('[]');
  });

  it('every reporter output (text, JSON, annotations, errors) has the secrets replaced', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (out += d.toString()));
    const env = { AWS_SECRET_ACCESS_KEY: KEY, GITHUB_ACTIONS: 'true', CI: 'true' };
    for (const json of [false, true]) {
      const reporter = await createReporter(reporterOptionsFromEnv(json, { stdout, stderr }, env));
      reporter.print(`plain ${KEY}`);
      reporter.info(`info ${KEY}`);
      reporter.warn(`warn ${KEY}`);
      reporter.step(`step ${KEY}`).succeed();
      reporter.data({ value: KEY });
      reporter.error(new FnxError('E_X', `failed with ${KEY}`, { hint: `hint ${KEY}` }));
    }
    expect(out).toContain('[redacted]');
    // Under GitHub Actions the key is announced once per reporter, on its own `::add-mask::` line.
    expect(out.split('\n').filter((l) => l === `::add-mask::${KEY}`)).toHaveLength(2);
    out = out.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('wJalrXUtnFEMI');
  });

  it('without credentials in the environment nothing is rewritten', () => {
    expect(redactor([])).toBeUndefined();
    expect(redactor([KEY])!(`a ${JSON.stringify(KEY)} b`)).toBe('a "[redacted]" b');
  });
});
