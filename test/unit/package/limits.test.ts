import { describe, expect, it } from 'vitest';
import { FnxError, FnxErrorList } from '../../../src/errors.js';
import type { ProviderName } from '../../../src/manifest/model.js';
import type { Artifact, ArtifactSet } from '../../../src/package/artifact.js';
import { checkLimits, uploadMode } from '../../../src/package/index.js';
import { fn, manifest } from './helpers.js';

const MB = 1024 * 1024;

function art(type: Artifact['type'], name: string, providers: ProviderName[], size: number, unzippedSize: number): Artifact {
  return { type, name, providers, path: `/x/${name}.zip`, size, unzippedSize, files: 1, sha256: 'a', sha256Base64: 'a' };
}
const set = (...artifacts: Artifact[]): ArtifactSet => ({ version: 1, service: 'svc', stage: 'dev', artifacts });

function thrown(f: () => void): FnxError {
  try {
    f();
  } catch (e) {
    return e as FnxError;
  }
  throw new Error('expected an error');
}

describe('checkLimits', () => {
  it('accepts a Lambda zip above 50 MB (it goes through S3) within 250 MB unzipped', () => {
    const m = manifest('/p', [fn('api')]);
    const s = set(art('function', 'api', ['aws'], 60 * MB, 200 * MB));
    expect(() => checkLimits(m, s)).not.toThrow();
    expect(uploadMode(s.artifacts[0]!, 'aws')).toBe('object-storage');
    expect(uploadMode(art('function', 'api', ['aws'], 10 * MB, 20 * MB), 'aws')).toBe('direct');
    expect(uploadMode(s.artifacts[0]!, 'gcp')).toBe('direct');
  });

  it('refuses more than 250 MB unzipped on Lambda counting the layers', () => {
    const m = manifest('/p', [fn('api', { layers: ['deps'] })], { layers: { deps: { kind: 'package', path: '/p/package.json' } } });
    const s = set(art('function', 'api', ['aws'], 10 * MB, 100 * MB), art('layer', 'deps', ['aws'], 40 * MB, 160 * MB));
    const err = thrown(() => checkLimits(m, s));
    expect(err.code).toBe('E_LIMIT_UNZIPPED');
    expect(err.message).toBe('Function "api" is 260.0 MB unzipped including layers (code 100.0 MB, layer deps 160.0 MB); AWS Lambda allows at most 250.0 MB.');
    expect(err.hint).toBeTruthy();
  });

  it('refuses more than 5 layers on Lambda', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const m = manifest('/p', [fn('api', { layers: names })], { layers: Object.fromEntries(names.map((n) => [n, { kind: 'dir' as const, path: `/p/${n}` }])) });
    const err = thrown(() => checkLimits(m, set(art('function', 'api', ['aws'], MB, MB))));
    expect(err.code).toBe('E_LIMIT_LAYERS');
    expect(err.message).toBe('Function "api" uses 6 layers; AWS Lambda allows at most 5.');
  });

  it('uses each provider\'s own limit for merged artifacts and reports every problem', () => {
    const m = manifest('/p', [fn('big', { providers: ['azure', 'gcp'] }), fn('ok', { providers: ['gcp'] })]);
    const s = set(art('function', 'big', ['azure', 'gcp'], 300 * MB, 600 * MB), art('function', 'ok', ['gcp'], MB, 400 * MB));
    const err = thrown(() => checkLimits(m, s));
    expect(err).not.toBeInstanceOf(FnxErrorList);
    expect(err.message).toBe('Function "big" is 600.0 MB unzipped; Google Cloud Functions allows at most 500.0 MB.');
    const huge = set(art('function', 'big', ['azure', 'gcp'], 300 * MB, 1100 * MB));
    const both = thrown(() => checkLimits(manifest('/p', [fn('big', { providers: ['azure', 'gcp'] })]), huge)) as FnxErrorList;
    expect(both).toBeInstanceOf(FnxErrorList);
    expect(both.errors.map((e) => e.message)).toEqual([
      'Function "big" is 1.1 GB unzipped; Azure Functions allows at most 1.0 GB.',
      'Function "big" is 1.1 GB unzipped; Google Cloud Functions allows at most 500.0 MB.',
    ]);
  });
});
