/**
 * apply(): executes a plan. Order: layers, the HTTP API, then each function (bounded concurrency):
 * role -> log group -> function code/config -> publish -> alias (first deploy only) -> concurrency
 * -> triggers; then orphans are deleted. On Ctrl-C nothing new starts, in-flight steps finish, and
 * InterruptedError is thrown; an alias is only ever created on a published version. Everything it
 * writes comes from the plan's data (AwsPlanDetail); the manifest is not read, the artifact set
 * only for the bytes of the archives the plan names.
 */
import pLimit from 'p-limit';
import { type ApplyRequest, type ApplyResult, firstError, InterruptedError, type PublishedVersion, WorkProgress } from '../../../src/driver.js';
import type { AwsClients } from '../clients.js';
import type { DesiredFunction } from '../desired.js';
import { statementId } from '../names.js';
import type { AwsPlanDetail } from '../plan.js';
import { removeFunction } from '../remove.js';
import { KeyedLock, type ApplyContext } from './context.js';
import { applyFunction } from './function.js';
import { publishLayer } from './layers.js';
import { applyRole } from './role.js';
import { archiveOf } from './upload.js';
import { applyConcurrency, applyLogGroup } from './settings.js';
import { applyHttp, deleteApi, ensureApi } from './triggers/http.js';
import { applyQueues } from './triggers/queue.js';
import { applySchedules } from './triggers/schedule.js';
import { applyStorage } from './triggers/storage.js';
import { applyStreams } from './triggers/stream.js';
import { applyTopics } from './triggers/topic.js';
import { applyVersion } from './version.js';

/** `d` with the ARNs of the layer versions this apply published in place of their `layer:<name>` placeholders. */
function withLayers(d: DesiredFunction, layerArns: Readonly<Record<string, string>>): DesiredFunction {
  const layers = d.config.Layers.map((l) => (l.startsWith('layer:') ? (layerArns[l.slice('layer:'.length)] ?? l) : l));
  return { ...d, config: { ...d.config, Layers: layers } };
}

export async function applyPlan(aws: AwsClients, req: ApplyRequest): Promise<ApplyResult> {
  const detail = req.plan.detail as AwsPlanDetail;
  const writesBefore = aws.writes;
  const bytesBefore = aws.uploadedBytes;
  const ctx: ApplyContext = {
    aws,
    artifacts: req.artifacts,
    detail,
    actions: new Map(req.plan.actions.map((a) => [a.id, a])),
    signal: req.signal,
    reporter: req.reporter,
    locks: new KeyedLock(),
  };
  const limit = pLimit(Math.max(1, req.concurrency));
  const errors: unknown[] = [];
  const guard = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    if (req.signal.aborted || errors.length) return undefined;
    try {
      return await work();
    } catch (err) {
      errors.push(err);
      return undefined;
    }
  };
  const inScope = Object.entries(detail.functions);
  // Every archive the plan names is the one it was made with, before the first write.
  for (const code of [...detail.publishLayers.map((l) => l.code), ...inScope.map(([, p]) => p.desired.code)]) archiveOf(req.artifacts, code);

  // Layers first: functions attach their new version ARNs.
  const layerArns: Record<string, string> = {};
  const layers = detail.publishLayers;
  const changing = new Set(inScope.map(([fn]) => fn).filter((fn) => req.plan.actions.some((a) => a.function === fn && a.op !== 'no-change')));
  const progress = new WorkProgress(req.reporter, layers.length + changing.size + detail.orphans.length, 'aws');
  await Promise.all(
    layers.map((l) =>
      limit(() =>
        guard(async () => {
          progress.start(l.name);
          try {
            layerArns[l.layer] = await publishLayer(ctx, l);
          } catch (err) {
            progress.end(l.name, `layer ${l.name}: failed`, false);
            throw err;
          }
          progress.end(l.name, `layer ${l.name}: published version ${layerArns[l.layer]?.split(':').pop() ?? ''}`);
        }),
      ),
    ),
  );
  await guard(() => ensureApi(ctx));

  const published: PublishedVersion[] = [];
  await Promise.all(
    inScope.map(([fn, plan]) =>
      limit(() =>
        guard(async () => {
          const d = withLayers(plan.desired, layerArns);
          const cur = detail.deployed.functions[fn];
          const planned = changing.has(fn);
          if (planned) progress.start(d.name);
          try {
            await applyRole(ctx, d);
            await applyLogGroup(ctx, d);
            if (ctx.signal.aborted) return;
            await applyFunction(ctx, d, cur, d.config.Layers);
            if (ctx.signal.aborted) return;
            const version = await applyVersion(ctx, plan, d, cur);
            if (!version) return;
            await applyConcurrency(ctx, d);
            await applyHttp(ctx, d);
            await applySchedules(ctx, d, statementId.schedule);
            await applyQueues(ctx, d);
            await applyStreams(ctx, d);
            await applyStorage(ctx, d);
            await applyTopics(ctx, d);
            published.push(version);
            if (planned) progress.end(d.name, `${d.name}: ${version.previous === version.candidate ? `version ${version.candidate} (unchanged)` : version.existing ? `version ${version.candidate} (published earlier, not live)` : `version ${version.candidate} published`}`);
          } catch (err) {
            if (planned) progress.end(d.name, `${d.name}: failed`, false);
            throw err;
          }
        }),
      ),
    ),
  );
  await Promise.all(
    detail.orphans.map((fn) =>
      limit(() =>
        guard(async () => {
          const cur = detail.deployed.functions[fn];
          if (!cur) return;
          progress.start(cur.name);
          await removeFunction(ctx, cur);
          progress.end(cur.name, `${cur.name}: deleted (no longer in fnx.yaml)`);
        }),
      ),
    ),
  );
  await guard(() => deleteApi(ctx));
  progress.close();

  if (errors.length) throw firstError(errors);
  if (req.signal.aborted) throw new InterruptedError('Interrupted: in-flight AWS calls finished; no alias points at an unpublished version.');
  published.sort((a, b) => a.function.localeCompare(b.function));
  const urls: Record<string, string[]> = {};
  const endpoint = ctx.api?.endpoint;
  if (endpoint) {
    for (const [fn, { desired }] of inScope) {
      const paths = desired.triggers.flatMap((t) => (t.kind === 'http' ? [`${endpoint}${t.path}`] : []));
      if (paths.length) urls[fn] = paths;
    }
  }
  return { provider: 'aws', published, writes: aws.writes - writesBefore, uploadedBytes: aws.uploadedBytes - bytesBefore, urls };
}
