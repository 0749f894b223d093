/** Pure parts of the AWS driver: names, schedule mapping, IAM policy generation, error translation, metadata. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CloudError, ExitCode, FnxError } from '../../../src/errors.js';
import { checkAwsEnvironment } from '../../../providers/aws/environment.js';
import { errorKind, translateError } from '../../../providers/aws/errors.js';
import { releaseHistory } from '../../../providers/aws/history.js';
import { parseReleaseDescription, parseRolledBack, parseVersionDescription, releaseDescription, rolledBackTag, versionDescription } from '../../../providers/aws/metadata.js';
import { fitName, functionName, roleName, ruleName } from '../../../providers/aws/names.js';
import { executionPolicy } from '../../../providers/aws/policy.js';
import { backoffMs, withRetry } from '../../../providers/aws/retry.js';
import { cronExpression, rateExpression } from '../../../providers/aws/schedule.js';

const sdkError = (name: string, status: number, message = 'boom') => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('names', () => {
  it('names functions <service>-<stage>-<function> and keeps long names within 64 characters, distinct', () => {
    expect(functionName('orders', 'prod', 'createOrder')).toBe('orders-prod-createOrder');
    const long1 = functionName('a'.repeat(30), 'staging', `${'f'.repeat(40)}1`);
    const long2 = functionName('a'.repeat(30), 'staging', `${'f'.repeat(40)}2`);
    expect(long1).toHaveLength(64);
    expect(long1).not.toBe(long2);
    expect(long1.startsWith('a'.repeat(30))).toBe(true);
    expect(roleName('orders', 'prod', 'x'.repeat(64)).length).toBeLessThanOrEqual(64);
    expect(ruleName(long1, 'rate(5 minutes)').length).toBeLessThanOrEqual(64);
    expect(fitName('short', 64)).toBe('short');
  });
});

describe('schedule expressions', () => {
  it('maps 5-field cron to EventBridge with the ? rules and day-of-week numbering', () => {
    expect(cronExpression('0 2 * * *')).toBe('cron(0 2 * * ? *)');
    expect(cronExpression('*/15 * * * *')).toBe('cron(*/15 * * * ? *)');
    expect(cronExpression('0 9 * * 1-5')).toBe('cron(0 9 ? * 2-6 *)');
    expect(cronExpression('0 0 * * 0,6,7')).toBe('cron(0 0 ? * 1,7 *)');
    expect(cronExpression('0 0 * * SUN')).toBe('cron(0 0 ? * SUN *)');
    expect(cronExpression('0 0 * * 5-7')).toBe('cron(0 0 ? * 6-7,1 *)');
    expect(cronExpression('0 0 * * 0-7')).toBe('cron(0 0 ? * 1-7 *)');
    expect(cronExpression('0 0 * * 1-7/2')).toBe('cron(0 0 ? * 2,4,6,1 *)');
    expect(cronExpression('0 0 * * 1-6')).toBe('cron(0 0 ? * 2-7 *)');
    expect(cronExpression('30 4 1 * *')).toBe('cron(30 4 1 * ? *)');
    expect(() => cronExpression('0 0 1 * 1')).toThrow(/both day-of-month and day-of-week/);
    expect(() => cronExpression('0 0 * *')).toThrow(FnxError);
  });
  it('maps rates to whole minutes, hours or days', () => {
    expect(rateExpression(60)).toBe('rate(1 minute)');
    expect(rateExpression(300)).toBe('rate(5 minutes)');
    expect(rateExpression(7200)).toBe('rate(2 hours)');
    expect(rateExpression(86400)).toBe('rate(1 day)');
    expect(() => rateExpression(90)).toThrow(/whole number of minutes/);
  });
});

describe('execution policy', () => {
  const base = { logGroupArn: 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f', queueArns: [], secretArns: [], tracing: false, vpc: false };
  it('grants only the function log group by default', () => {
    expect(executionPolicy(base).Statement).toEqual([
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*'] },
    ]);
  });
  it('adds exactly what triggers and settings need', () => {
    const p = executionPolicy({
      ...base,
      queueArns: ['arn:aws:sqs:us-east-1:1:q'],
      deadLetterArn: 'arn:aws:sns:us-east-1:1:dlq',
      secretArns: ['arn:aws:secretsmanager:us-east-1:1:secret:db', 'arn:aws:ssm:us-east-1:1:parameter/x'],
      tracing: true,
      vpc: true,
    });
    const bySid = Object.fromEntries(p.Statement.map((s) => [s.Sid, s]));
    expect(bySid.QueueTriggers?.Resource).toEqual(['arn:aws:sqs:us-east-1:1:q']);
    expect(bySid.QueueTriggers?.Action).toContain('sqs:ReceiveMessage');
    expect(bySid.DeadLetter).toMatchObject({ Action: ['sns:Publish'], Resource: ['arn:aws:sns:us-east-1:1:dlq'] });
    expect(bySid.Secrets?.Resource).toEqual(['arn:aws:secretsmanager:us-east-1:1:secret:db', 'arn:aws:secretsmanager:us-east-1:1:secret:db-??????']);
    expect(bySid.Parameters?.Resource).toEqual(['arn:aws:ssm:us-east-1:1:parameter/x']);
    expect(bySid.Tracing).toBeDefined();
    expect(bySid.Network).toBeDefined();
  });
});

describe('error translation', () => {
  it('maps SDK exceptions to CloudError kinds', () => {
    expect(errorKind(sdkError('TooManyRequestsException', 429))).toBe('throttled');
    expect(errorKind(sdkError('ResourceConflictException', 409))).toBe('conflict');
    expect(errorKind(sdkError('PreconditionFailedException', 412))).toBe('precondition');
    expect(errorKind(sdkError('ResourceNotFoundException', 404))).toBe('not-found');
    expect(errorKind(sdkError('NoSuchEntity', 404))).toBe('not-found');
    expect(errorKind(sdkError('AccessDeniedException', 403))).toBe('unauthorized');
    expect(errorKind(sdkError('InvalidParameterValueException', 400))).toBe('invalid');
    expect(errorKind(sdkError('ServiceException', 500))).toBe('unavailable');
    expect(errorKind(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('unavailable');
    expect(errorKind(sdkError('SomethingNew', 503))).toBe('unavailable');
  });
  it('names the operation and resource; preconditions exit 4; credentials get their own error', () => {
    const e = translateError(sdkError('PreconditionFailedException', 412, 'revision mismatch'), 'UpdateAlias', 'orders-prod-api');
    expect(e).toBeInstanceOf(CloudError);
    expect(e.message).toBe('AWS UpdateAlias (orders-prod-api) failed: PreconditionFailedException: revision mismatch');
    expect(e.exitCode).toBe(ExitCode.conflict);
    const c = translateError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'GetCallerIdentity');
    expect(c.code).toBe('E_AWS_CREDENTIALS');
    expect(c.hint).toContain('AWS_PROFILE');
  });
});

describe('environment checks and endpoint errors', () => {
  const withHome = (config: string) => {
    const home = mkdtempSync(join(tmpdir(), 'fnx-aws-home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), config);
    return home;
  };

  it('accepts http(s) endpoint overrides and existing profiles; ignores overrides the SDK is told to ignore', () => {
    const home = withHome('[profile dev]\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\n');
    expect(() => checkAwsEnvironment(undefined, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_S3: 'https://s3.example.com', AWS_PROFILE: 'dev', HOME: home })).not.toThrow();
    expect(() => checkAwsEnvironment(undefined, { AWS_ENDPOINT_URL: 'notaurl', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', HOME: home })).not.toThrow();
    expect(() => checkAwsEnvironment(undefined, { AWS_PROFILE: 'corp', HOME: home })).toThrow(/AWS_PROFILE=corp names an AWS profile that does not exist/);
  });

  it('names providers.aws.profile when the manifest picks the profile', () => {
    const home = withHome('[default]\n');
    let err: FnxError | undefined;
    try {
      checkAwsEnvironment({ region: 'us-east-1', profile: 'prod', tags: {} }, { AWS_PROFILE: 'default', HOME: home });
    } catch (e) {
      err = e as FnxError;
    }
    expect(err?.code).toBe('E_AWS_PROFILE');
    expect(err?.exitCode).toBe(ExitCode.usage);
    expect(err?.message).toContain('providers.aws.profile in the manifest (`prod`) names an AWS profile that does not exist');
    expect(err?.hint).toContain('Profiles found: default.');
    expect(err?.hint).toContain('remove providers.aws.profile from the manifest');
  });

  it('translates a response that is not AWS into E_AWS_NOT_AWS, without SDK text', () => {
    const err = Object.assign(new Error('Unexpected token \'<\'\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'), {
      name: 'SyntaxError',
      $metadata: { httpStatusCode: 404 },
      $response: { statusCode: 404, headers: { 'content-type': 'text/html; charset=utf-8' } },
    });
    const e = translateError(err, 'ListFunctions', undefined, 'AWS_ENDPOINT_URL=http://127.0.0.1:8080');
    expect(e.code).toBe('E_AWS_NOT_AWS');
    expect(e.message).toBe('The server at AWS_ENDPOINT_URL=http://127.0.0.1:8080 is not an AWS endpoint: it answered ListFunctions with HTTP 404, text/html, which is not an AWS response.');
    expect(`${e.message} ${e.hint}`).not.toMatch(/\$response|Deserialization/);
    expect(translateError(err, 'ListFunctions').message).toBe('Something other than AWS answered ListFunctions with HTTP 404, text/html, which is not an AWS response.');
  });

  it('names the profile in a credentials error', () => {
    const c = translateError(Object.assign(new Error('Could not resolve credentials using profile: [dev]'), { name: 'CredentialsProviderError' }), 'GetCallerIdentity', undefined, undefined, { profile: 'dev', profileFrom: 'AWS_PROFILE' });
    expect(c.message).toBe('The AWS profile named by AWS_PROFILE=dev gave no credentials: fnx could not authenticate to AWS.');
    expect(c.hint).toContain('aws sso login --profile dev');
  });
});

describe('retry', () => {
  it('retries conflicts and throttling, never preconditions, and gives up after the bounded attempts', async () => {
    const options = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
    let n = 0;
    await expect(withRetry(async () => (++n < 3 ? Promise.reject(sdkError('ResourceConflictException', 409)) : 'ok'), options)).resolves.toBe('ok');
    expect(n).toBe(3);
    n = 0;
    await expect(withRetry(async () => (++n, Promise.reject(sdkError('PreconditionFailedException', 412))), options)).rejects.toThrow();
    expect(n).toBe(1);
    n = 0;
    await expect(withRetry(async () => (++n, Promise.reject(sdkError('ThrottlingException', 400))), options)).rejects.toThrow();
    expect(n).toBe(4);
  });
  it('waits out IAM propagation (role not yet assumable, policy not yet seen by Lambda) longer than other errors', async () => {
    const options = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, propagationAttempts: 6 };
    for (const message of [
      'The role defined for the function cannot be assumed by Lambda.',
      'The provided execution role does not have permissions to call SendMessage on SQS',
      'The function execution role does not have permissions to call ReceiveMessage on SQS',
    ]) {
      let n = 0;
      await expect(withRetry(async () => (++n < 5 ? Promise.reject(sdkError('InvalidParameterValueException', 400, message)) : 'ok'), options)).resolves.toBe('ok');
      expect(n).toBe(5);
    }
    let n = 0;
    await expect(withRetry(async () => (++n, Promise.reject(sdkError('InvalidParameterValueException', 400, 'Timeout must be at most 900'))), options)).rejects.toThrow();
    expect(n).toBe(1);
  });
  it('backs off exponentially with jitter, capped', () => {
    const o = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(0, o, () => 0)).toBe(50);
    expect(backoffMs(0, o, () => 1)).toBe(100);
    expect(backoffMs(3, o, () => 1)).toBe(800);
    expect(backoffMs(9, o, () => 1)).toBe(1000);
  });
});

describe('metadata in descriptions', () => {
  it('round-trips version and release records within 256 characters', () => {
    const v = versionDescription({ id: 'abc123', time: '2026-11-24T10:00:00.000Z', commit: 'a'.repeat(40) });
    expect(v.length).toBeLessThanOrEqual(256);
    expect(parseVersionDescription(v)).toEqual({ deployId: 'abc123', time: '2026-11-24T10:00:00.000Z', commit: 'a'.repeat(40) });
    expect(parseVersionDescription('hand-written')).toBeUndefined();
    const record = { deployId: 'abc123', version: '7', previous: '6', status: 'in-progress' as const, strategy: 'linear', step: 2, steps: Array.from({ length: 100 }, (_, i) => i + 1), time: '2026-11-24T10:00:00.000Z', commit: 'b'.repeat(40), reason: 'x'.repeat(500) };
    const text = releaseDescription(record);
    expect(text.length).toBeLessThanOrEqual(256);
    const back = parseReleaseDescription(text)!;
    expect({ ...back, reason: undefined }).toEqual({ ...record, reason: undefined });
    expect(back.reason?.length).toBeGreaterThan(10);
  });

  it('the fnx:rolled-back tag keeps each version once with its cause and time, newest last, and drops the oldest beyond 256 characters', () => {
    const t = '2026-11-24T10:00:00.000Z';
    expect(rolledBackTag([{ version: '4', cause: 'failed', time: t }, { version: '3' }, { version: '4', cause: 'interrupted', time: t }, { version: '7', cause: 'rollback', time: t }])).toBe('3 4:i:tp03s0 7:r:tp03s0');
    expect(parseRolledBack('3 4:i:tp03s0 7:r:tp03s0')).toEqual([{ version: '3' }, { version: '4', cause: 'interrupted', time: t }, { version: '7', cause: 'rollback', time: t }]);
    const many = rolledBackTag(Array.from({ length: 200 }, (_, i) => ({ version: String(1000 + i), cause: 'failed' as const, time: t })));
    expect(many.length).toBeLessThanOrEqual(256);
    expect(many.endsWith('1199:f:tp03s0')).toBe(true);
    expect(parseRolledBack(many)).toHaveLength(18);
    expect(parseRolledBack(undefined)).toEqual([]);
    expect(parseRolledBack('3 x 7')).toEqual([{ version: '3' }, { version: '7' }]);
  });

  it('history: versions in the fnx:rolled-back tag are rolled back with their cause, newer ones never released are unreleased', () => {
    const v = (version: string) => ({ version, description: versionDescription({ id: `d${version}`, time: '2026-11-24T10:00:00.000Z' }, 'canary'), fingerprint: '', codeSha256: '' });
    const alias = { version: '5', weights: {}, revision: 'r', description: '' };
    const history = releaseHistory(['1', '2', '3', '4', '5', '6', '7'].map(v), alias, [{ version: '3', cause: 'failed', time: '2026-11-25T10:00:00.000Z' }, { version: '6' }]);
    expect(history.map((r) => [r.version, r.status, r.cause])).toEqual([
      ['7', 'unreleased', undefined],
      ['6', 'rolled-back', undefined],
      ['5', 'live', undefined],
      ['4', 'superseded', undefined],
      ['3', 'rolled-back', 'failed'],
      ['2', 'superseded', undefined],
      ['1', 'superseded', undefined],
    ]);
    expect(history.find((r) => r.version === '3')?.time).toBe('2026-11-25T10:00:00.000Z');
    expect(history.every((r) => r.strategy === 'canary')).toBe(true);
  });

  it('history: the version `fnx rollback` moved away from is rolled back (cause rollback) even when the tag could not be written', () => {
    const v = (version: string) => ({ version, description: versionDescription({ id: `d${version}`, time: '2026-11-24T10:00:00.000Z' }), fingerprint: '', codeSha256: '' });
    const alias = { version: '2', weights: {}, revision: 'r', description: JSON.stringify({ fnx: 1, d: 'r', v: '2', p: '3', s: 1, st: 'rollback', i: 0, ss: '100', t: 'T2' }) };
    const history = releaseHistory(['1', '2', '3'].map(v), alias, []);
    expect(history.map((r) => [r.version, r.status, r.cause, r.time])).toEqual([
      ['3', 'rolled-back', 'rollback', 'T2'],
      ['2', 'live', undefined, 'T2'],
      ['1', 'superseded', undefined, '2026-11-24T10:00:00.000Z'],
    ]);
    expect(history[2]?.strategy).toBe('unknown');
  });

  it('the alias record keeps the rollback cause', () => {
    const record = { deployId: 'd', version: '7', previous: '6', status: 'rolled-back' as const, strategy: 'canary', step: 0, steps: [10, 100], time: 'T', reason: 'alarm x in ALARM state', cause: 'failed' as const };
    expect(parseReleaseDescription(releaseDescription(record))).toEqual(record);
  });
});
