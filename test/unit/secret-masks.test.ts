/**
 * Secret hygiene of the reporter: `::add-mask::` under GitHub Actions (once per value, before
 * anything else, never redacted itself), and secret-bearing headers removed from every line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FnxError } from '../../src/errors.js';
import { createReporter, reporterOptionsFromEnv } from '../../src/report/create.js';
import { addMaskLines, redactHeaders } from '../../src/report/redact.js';

const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN/abc+def==';

function streams() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const seen = { stdout: '', stderr: '', all: '' };
  stdout.on('data', (d: Buffer) => ((seen.stdout += d.toString()), (seen.all += d.toString())));
  stderr.on('data', (d: Buffer) => ((seen.stderr += d.toString()), (seen.all += d.toString())));
  return { io: { stdout, stderr }, seen };
}

describe('::add-mask:: under GitHub Actions', () => {
  it('announces credentials first, then each value once, on stdout (stderr with --json)', async () => {
    for (const json of [false, true]) {
      const { io, seen } = streams();
      const reporter = await createReporter(reporterOptionsFromEnv(json, io, { AWS_SESSION_TOKEN: TOKEN, GITHUB_ACTIONS: 'true', CI: 'true' }));
      reporter.mask!(['value-from-env-1', 'value-from-env-1', 'abc']);
      reporter.mask!(['value-from-env-1']);
      reporter.print('value-from-env-1 printed');
      reporter.data({ ok: true });
      const lines = (json ? seen.stderr : seen.stdout).split('\n');
      expect(lines.slice(0, 2)).toEqual([`::add-mask::${TOKEN}`, '::add-mask::value-from-env-1']);
      expect(seen.all.split('::add-mask::')).toHaveLength(3);
      if (json) expect(JSON.parse(seen.stdout)).toEqual({ ok: true });
    }
  });

  it('masks the secret fields of a Google service-account key file, line by line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fnx-mask-')), 'sa.json');
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    writeFileSync(file, JSON.stringify({ type: 'service_account', private_key_id: 'f00dfeed0123456789', private_key: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n` }));
    const { io, seen } = streams();
    await createReporter(reporterOptionsFromEnv(false, io, { GOOGLE_APPLICATION_CREDENTIALS: file, GITHUB_ACTIONS: 'true', CI: 'true' }));
    const masks = seen.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toContain(`::add-mask::${body}`);
    expect(masks).toContain('::add-mask::f00dfeed0123456789');
  });

  it('writes nothing without GITHUB_ACTIONS=true', async () => {
    const { io, seen } = streams();
    const reporter = await createReporter(reporterOptionsFromEnv(false, io, { AWS_SESSION_TOKEN: TOKEN, CI: 'true' }));
    reporter.mask!(['value-from-env-1']);
    reporter.info('x');
    expect(seen.all).toBe('x\n');
  });

  it('masks each line of a multi-line value, escapes % and skips values under 4 characters', () => {
    expect(addMaskLines(['line-one\nline-two', '50%off', 'ab', ' spaced-value '])).toEqual([
      '::add-mask::line-one\n',
      '::add-mask::line-two\n',
      '::add-mask::50%25off\n',
      '::add-mask::spaced-value\n',
    ]);
  });
});

describe('secret-bearing headers', () => {
  it('removes Authorization, session tokens, API keys, cookies and signed-URL parameters from every line', async () => {
    const dump = [
      'authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abcdef0123',
      `"x-amz-security-token": "${TOKEN}"`,
      "{ 'x-api-key': 'k-123456789', Cookie: 'session=s3cr3t' }",
      'GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAEXAMPLE%2F2026&X-Amz-Signature=deadbeef&X-Amz-Security-Token=tok123 HTTP/1.1',
      'x-functions-key=fk-abcdefgh',
    ].join('\n');
    const out = redactHeaders(dump);
    for (const secret of ['AKIAEXAMPLE', 'abcdef0123', TOKEN, 'k-123456789', 's3cr3t', 'deadbeef', 'tok123', 'fk-abcdefgh']) expect(out).not.toContain(secret);
    expect(out).toContain('authorization: [redacted]');
    expect(out).toContain('X-Amz-Signature=[redacted]');
    expect(redactHeaders('no secrets here: memory 256')).toBe('no secrets here: memory 256');

    const { io, seen } = streams();
    const reporter = await createReporter(reporterOptionsFromEnv(false, io, { CI: 'true' }));
    reporter.error(new FnxError('E_X', `request failed: ${dump}`));
    expect(seen.all).toContain('[redacted]');
    expect(seen.all).not.toContain('deadbeef');
  });
});
