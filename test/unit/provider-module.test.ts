/**
 * A provider module that lives under test/ (test/fakes/fake-provider) and is registered through
 * the registry hook: init writes its snippet, the manifest checks run its rules, runtimes and
 * limits, the resolver applies its defaults, and a deploy goes through its driver. No core file
 * names it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_PROVIDERS, deployableProviders, driverAvailable, loadDriver, providerNames, unavailableError, useProviders } from '../../providers/index.js';
import { ExitCode, FnxError, FnxErrorList } from '../../src/errors.js';
import { parseProviders, providersBlock } from '../../src/init/providers.js';
import { loadManifestFile } from '../../src/manifest/load.js';
import { checkProviderRules } from '../../src/manifest/provider-rules.js';
import { toResolvedManifest } from '../../src/manifest/resolve.js';
import { checkSemantics } from '../../src/manifest/semantic.js';
import { mergeStage } from '../../src/manifest/stages.js';
import { resolveVariables } from '../../src/manifest/variables.js';
import { checkLimits, packageArtifacts } from '../../src/package/index.js';
import { releaseAll } from '../../src/release/index.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeCloud } from '../fakes/fake-driver.js';
import { FAKE, fakeProvider } from '../fakes/fake-provider/index.js';
import { MemoryReporter } from '../fakes/memory-reporter.js';
import { repoRoot } from '../helpers/cli.js';
import { project } from './manifest/fixtures.js';

/** Every manifest check but the schema (whose providers block lists the shipped clouds). */
async function check(text: string) {
  const dir = project(text);
  const file = join(dir, 'fnx.yaml');
  const loaded = await loadManifestFile(file);
  const { locator } = loaded;
  const vars = resolveVariables(mergeStage(loaded.doc!, 'dev', locator), { stage: 'dev', vars: {}, env: {}, locator });
  const semantic = checkSemantics(vars.doc, locator);
  const manifest = toResolvedManifest(vars.doc, { file, rootDir: dir, stage: 'dev', locator });
  return { dir, semantic, manifest, rules: checkProviderRules(manifest, locator) };
}

const yaml = (fn: string) => `service: shop\nproviders:\n  fake: {}\nfunctions:\n  api:\n    handler: src/api.handler\n${fn}`;

let cloud: FakeCloud;
let restore: (() => void) | undefined;
beforeEach(() => {
  cloud = new FakeCloud();
  restore = useProviders([...BUILT_IN_PROVIDERS, fakeProvider(cloud)]);
});
afterEach(() => restore?.());

describe('a provider module registered from outside src/', () => {
  it('is known only while registered', () => {
    expect(providerNames()).toEqual(['aws', 'azure', 'gcp', FAKE]);
    restore!();
    restore = undefined;
    expect(providerNames()).toEqual(['aws', 'azure', 'gcp']);
    const err = (() => {
      try {
        parseProviders([FAKE]);
      } catch (e) {
        return e as FnxError;
      }
    })();
    expect(err?.code).toBe('E_INIT_PROVIDER');
    expect(err?.message).toBe('Unknown provider: "fake".');
  });

  it('init accepts its name and writes its snippet', () => {
    expect(parseProviders(['fake', 'aws'])).toEqual(['aws', FAKE]);
    expect(providersBlock(['aws', FAKE], 'shop')).toBe('  aws:\n    region: us-east-1\n  fake:\n    zone: shop-zone');
    expect(() => parseProviders(['nope'])).toThrow(expect.objectContaining({ hint: 'Valid providers: aws, azure, gcp, fake. Example: --provider aws,azure' }));
  });

  it('validate runs its rules at the setting’s position, and the resolver applies its defaults', async () => {
    const r = await check(yaml('    memory: 2048\n'));
    expect(r.semantic.errors).toEqual([]);
    expect(r.manifest.functions[0]!.providers).toEqual([FAKE]);
    expect((r.manifest.providers as Record<string, unknown>)[FAKE]).toEqual({ zone: 'zone-1', tags: {} });
    expect(r.rules.errors.map((e) => [e.code, e.message, e.location?.line, e.location?.column])).toEqual([
      ['E_FAKE_MEMORY', 'Function "api" asks for 2048 MB; the fake cloud gives at most 1024 MB.', 7, 13],
    ]);
  });

  it('its capabilities and runtime dates are checked by the core', async () => {
    const r = await check(yaml('    runtime: nodejs20\n    memory: 8192\n    triggers:\n      - queue: { name: jobs }\n'));
    expect(r.semantic.errors.map((e) => `${e.code} ${e.location?.line}:${e.location?.column} ${e.message}`)).toEqual([
      'E_PROVIDER_RUNTIME_RETIRED 7:14 Runtime `nodejs20` can no longer be deployed to fake since 2026-01-01 (the fake cloud retired it) (function `api`).',
      'E_PROVIDER_MEMORY 8:13 memory 8192 MB is outside the fake range 128-4096 MB (function `api`).',
      'E_PROVIDER_TRIGGER 10:9 fake cannot run `queue` triggers (function `api`).',
    ]);
    expect(r.semantic.errors[0]!.hint).toBe('Use `runtime: nodejs22`, or deploy these functions elsewhere with `providers:`.');
  });

  it('package limits name its title (checked on the files\' sizes, before packaging reads them)', async () => {
    // The handler does not import big.txt: `include` adds it to the traced files.
    const r = await check(yaml('    package: { include: [src/big.txt] }\n'));
    writeFileSync(join(r.dir, 'src/big.txt'), 'x'.repeat(4096));
    let err: unknown;
    try {
      await packageArtifacts(r.manifest, { cache: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FnxError);
    expect(err).not.toBeInstanceOf(FnxErrorList);
    expect((err as FnxError).message).toMatch(/^Function "api" is [\d.]+ KB unzipped; Fake Functions allows at most 1\.0 KB\. Its largest file is src\/big\.txt \(4\.0 KB\)\.$/);
    // checkLimits gives the same verdict on the written artifacts.
    writeFileSync(join(r.dir, 'src/big.txt'), '');
    const artifacts = await packageArtifacts(r.manifest, { cache: false });
    expect(() => checkLimits(r.manifest, { ...artifacts, artifacts: artifacts.artifacts.map((a) => ({ ...a, unzippedSize: 4096 })) })).toThrow(/^Function "api" is 4\.0 KB unzipped; Fake Functions allows at most 1\.0 KB\.$/);
  });

  it('deploys through the driver its load() returns', async () => {
    const r = await check(yaml('    triggers:\n      - http: { method: GET, path: /hello }\n'));
    const artifacts = await packageArtifacts(r.manifest, { cache: false });
    const driver = await loadDriver(FAKE, r.manifest);
    expect(driver.capabilities.name).toBe(FAKE);
    const reporter = new MemoryReporter();
    const signal = new AbortController().signal;
    const deploy = { id: 'dep-1', time: '2026-12-01T00:00:00.000Z' };
    const deployed = await driver.inspect({ manifest: r.manifest, signal, reporter, concurrency: 1 });
    const plan = driver.plan({ manifest: r.manifest, artifacts, deployed, deploy });
    expect(plan.actions.map((a) => `${a.op} ${a.function}`)).toEqual(['create api']);
    const applied = await driver.apply({ manifest: r.manifest, artifacts, plan, deploy, signal, reporter, concurrency: 1 });
    const outcomes = await releaseAll({ driver, manifest: r.manifest, published: applied.published, deploy, reporter, signal, wait: true, keepOnInterrupt: false, clock: new FakeClock() });
    expect(outcomes.map((o) => [o.function, o.status])).toEqual([['api', 'live']]);
    expect(cloud.pointers.get('api')).toMatchObject({ primary: applied.published[0]!.candidate });
  });
});

describe('the built-in providers’ config blocks', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas/fnx.schema.json'), 'utf8')) as {
    definitions: Record<string, { properties?: Record<string, unknown> } & Record<string, unknown>>;
  };

  it('come from their folders: one config.schema.json per registered module, referenced by configSchema', () => {
    const names = BUILT_IN_PROVIDERS.map((m) => m.name);
    expect(Object.keys(schema.definitions.providers!.properties!).sort()).toEqual([...names].sort());
    for (const m of BUILT_IN_PROVIDERS) {
      expect(m.configSchema.$ref).toBe(`#/definitions/${m.name}Provider`);
      expect(schema.definitions[`${m.name}Provider`]).toEqual(JSON.parse(readFileSync(join(repoRoot, 'providers', m.name, 'config.schema.json'), 'utf8')));
    }
  });

  it('fill every place the manifest names a provider', () => {
    const names = BUILT_IN_PROVIDERS.map((m) => m.name).sort();
    const d = schema.definitions as Record<string, { properties: Record<string, { properties?: object; items?: { enum?: string[] } }> }>;
    expect(d.function!.properties.providers!.items!.enum!.slice().sort()).toEqual(names);
    expect(Object.keys(d.stageOverride!.properties.providers!.properties!).sort()).toEqual(names);
    expect(Object.keys(d.release!.properties.fallback!.properties!).sort()).toEqual(names);
  });
});

describe('a registered provider without a driver (no load())', () => {
  it('validates and packages, but is not deployable and its commands exit 2 naming it', async () => {
    const { load: _load, ...driverless } = fakeProvider(cloud);
    restore?.();
    restore = useProviders([...BUILT_IN_PROVIDERS, driverless]);
    const r = await check(yaml(''));
    expect(r.manifest).toBeDefined();
    expect(deployableProviders()).toEqual(['aws', 'azure', 'gcp']);
    expect(driverAvailable(FAKE)).toBe(false);
    const err = unavailableError([FAKE], r.manifest!);
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toBe('This version of fnx has no fake driver yet: it deploys to aws, azure, gcp only.');
  });
});
