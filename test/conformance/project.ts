/**
 * The conformance suite's service as a real temp project: `fnx.yaml` with two functions (`api`
 * with one http trigger, `worker` with none), loaded through the manifest pipeline and packaged
 * into real zips by packageArtifacts, so every driver sees what `fnx deploy` would hand it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/index.js';
import type { ResolvedManifest } from '../../src/manifest/model.js';
import { packageArtifacts, type ArtifactSet } from '../../src/package/index.js';

export const SERVICE = 'conf';

export interface ConformanceProject {
  readonly dir: string;
  readonly manifest: ResolvedManifest;
  /** Packages the project with `api`'s code at `revision` (worker's code never changes). */
  artifacts(revision: number): Promise<ArtifactSet>;
  cleanup(): Promise<void>;
}

/** `providers` is the manifest's providers block, e.g. `aws: { region: us-east-1 }`. */
/** `workerTriggers` are YAML list items for `worker` (default: none), e.g. `      - stream: { ... }\n`. */
export async function conformanceProject(providers: string, stage: string, env: NodeJS.ProcessEnv = {}, workerTriggers = ''): Promise<ConformanceProject> {
  const dir = await mkdtemp(join(tmpdir(), 'fnx-conformance-'));
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'fnx.yaml'),
    `service: ${SERVICE}
providers:
  ${providers}
defaults:
  runtime: nodejs22
functions:
  api:
    handler: src/api.handler
    package: { include: ["src/api.js"] }
    triggers:
      - http: { method: GET, path: /hello }
  worker:
    handler: src/worker.handler
    package: { include: ["src/worker.js"] }
${workerTriggers ? `    triggers:\n${workerTriggers}` : ''}`,
  );
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: SERVICE, version: '1.0.0', type: 'module' }));
  await writeFile(join(dir, 'src/worker.js'), 'export const handler = async () => ({ done: true });\n');
  const manifest = await loadManifest({ cwd: dir, stage, vars: {}, env });
  return {
    dir,
    manifest,
    async artifacts(revision) {
      await writeFile(join(dir, 'src/api.js'), `export const handler = async () => ({ statusCode: 200, body: 'revision ${revision}' });\n`);
      return packageArtifacts(manifest, { cache: false });
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
