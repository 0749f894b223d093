/** The AWS driver takes endpoints and keys from the env it is given, not from process.env. */
import { describe, expect, it } from 'vitest';
import { awsSettings } from '../../../providers/aws/clients.js';

describe('aws settings from the command env', () => {
  it('endpoint overrides per service and static keys come from env', () => {
    const s = awsSettings({ region: 'eu-west-1', tags: {} }, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' });
    expect(s.endpoints).toMatchObject({ lambda: 'http://127.0.0.1:4566', s3: 'http://127.0.0.1:9000', logs: 'http://127.0.0.1:4566' });
    expect(s.staticCredentials).toEqual({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(s.region).toBe('eu-west-1');
  });

  it('a named profile wins over static keys, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS drops the overrides', () => {
    const s = awsSettings(undefined, { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' });
    expect(s.profile).toBe('dev');
    expect(s.staticCredentials).toBeUndefined();
    expect(s.endpoints).toEqual({});
  });
});
