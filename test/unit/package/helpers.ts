/** Temp projects, hand-built resolved manifests and a zip reader (yauzl) for packaging tests. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';
import type { ProviderName, ResolvedFunction, ResolvedLayer, ResolvedManifest } from '../../../src/manifest/model.js';

export type FileSpec = string | Buffer | { link: string } | { content: string | Buffer; mode: number };

const made: string[] = [];

/** Creates a temp folder with `files` (posix paths); removed by cleanupProjects(). */
export function makeProject(files: Record<string, FileSpec>, base?: string): string {
  const root = base ?? realpathSync(mkdtempSync(join(tmpdir(), 'fnx-pkg-')));
  if (!base) made.push(root);
  for (const [rel, spec] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(abs, spec);
    else if ('link' in spec) symlinkSync(spec.link, abs);
    else {
      writeFileSync(abs, spec.content);
      chmodSync(abs, spec.mode);
    }
  }
  return root;
}

export function cleanupProjects(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export { fn } from '../../fakes/manifest.js';

export function manifest(
  rootDir: string,
  functions: ResolvedFunction[],
  opts: { layers?: Record<string, Omit<ResolvedLayer, 'name'>>; providers?: ProviderName[]; stage?: string } = {},
): ResolvedManifest {
  const providers = opts.providers ?? ['aws', 'azure', 'gcp'];
  return {
    file: join(rootDir, 'fnx.yaml'),
    rootDir,
    service: 'svc',
    stage: opts.stage ?? 'dev',
    providers: {
      ...(providers.includes('aws') ? { aws: { region: 'us-east-1', tags: {} } } : {}),
      ...(providers.includes('azure') ? { azure: { subscriptionId: 's', resourceGroup: 'rg', location: 'westeurope', plan: 'flex' as const, tags: {} } } : {}),
      ...(providers.includes('gcp') ? { gcp: { project: 'p', region: 'europe-west1', tags: {} } } : {}),
    },
    layers: Object.fromEntries(Object.entries(opts.layers ?? {}).map(([name, l]) => [name, { name, ...l }])),
    functions: [...functions].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

export interface ZipEntryRead {
  name: string;
  mode: number;
  madeBy: number;
  data: Buffer;
  compressionMethod: number;
  dosDate: number;
  dosTime: number;
  extraFields: number;
}

/** Reads every entry of a zip (yauzl validates CRCs and sizes while reading). */
export function readZip(path: string): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: ZipEntryRead[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push({
              name: entry.fileName,
              mode: (entry.externalFileAttributes >>> 16) & 0o7777,
              madeBy: entry.versionMadeBy >> 8,
              data: Buffer.concat(chunks),
              compressionMethod: entry.compressionMethod,
              dosDate: entry.lastModFileDate,
              dosTime: entry.lastModFileTime,
              extraFields: entry.extraFields.length,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Names in a zip, in archive order. */
export async function zipNames(path: string): Promise<string[]> {
  return (await readZip(path)).map((e) => e.name);
}
