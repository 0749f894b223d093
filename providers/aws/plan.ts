/**
 * plan(): pure comparison of the desired state (desired.ts) with what inspect() read (state.ts).
 * Produces field-level changes per resource; secret-bearing fields are masked. apply() executes
 * exactly these actions with the data in the driver-private detail below, and reads nothing else
 * but the artifacts' bytes: a plan computed once is what is applied.
 */
import { type FieldChange, formatBytes, type PlanAction, type PlanOp, type PlanRequest, type ProviderPlan, referenceOf, type ResolvedManifest } from '../../src/driver.js';
import { awsFunctions, desiredFunction, desiredLayers, type DesiredFunction, type DesiredLayer, type FunctionConfig, type Target } from './desired.js';
import { versionDescription } from './metadata.js';
import { missingBucket, missingStreamSource, missingTopic, streamDisabled } from './missing-source.js';
import { isStreamSource, settingsChanges, sourceOfMapping } from './stream.js';
import { apiName, arn } from './names.js';
import { deploymentBucketOf, type DeploymentBucket } from './deployment-bucket.js';
import { canonicalPolicy, type PolicyDocument } from './policy.js';
import { type AwsDeployed, type DeployedFunction } from './state.js';

/** What apply() needs beyond the actions: read state, desired state and decisions. JSON only, no secret values. */
export interface AwsPlanDetail {
  readonly accountId: string;
  readonly region: string;
  readonly service: string;
  readonly stage: string;
  readonly deployed: AwsDeployed;
  /** Where archives too large to send inline go; `create`: fnx creates it when missing (not one fnx.yaml names). */
  readonly bucket: DeploymentBucket;
  /** Layers to publish. */
  readonly publishLayers: readonly DesiredLayer[];
  /** Per manifest function in scope. */
  readonly functions: Readonly<Record<string, PlannedFunction>>;
  /** Deployed functions no longer in the manifest (deleted by apply). */
  readonly orphans: readonly string[];
  /** Whether the stage's HTTP API must exist after apply (undefined: leave it as it is). */
  readonly api?: 'keep' | 'create' | 'delete';
}

export interface PlannedFunction {
  readonly name: string;
  readonly exists: boolean;
  /** What apply writes; `layer:<name>` placeholders in its layers stand for the versions of publishLayers. */
  readonly desired: DesiredFunction;
  /** Description of the version apply publishes (deploy metadata and release strategy). */
  readonly description: string;
  /** A new version will be published. */
  readonly publish: boolean;
  /**
   * Version to release when nothing is published: the newest version (it matches the manifest).
   * When it is not the live one, the release engine decides by its history whether to release it.
   */
  readonly candidate?: string;
}

function act(id: string, op: PlanOp, resource: string, name: string, fn?: string, changes?: FieldChange[], summary?: string): PlanAction {
  return { id, op, resource, name, ...(fn ? { function: fn } : {}), ...(changes && changes.length ? { changes } : {}), ...(summary ? { summary } : {}) };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A change of `field`: both values, or (when the new value came from an input variable) the
 * reference it came from and no value at all.
 */
function change(field: string, from: unknown, to: unknown, variables: Readonly<Record<string, string>>): FieldChange {
  const reference = referenceOf({ variables }, field);
  if (reference !== undefined) return { field, reference, change: from === undefined ? 'added' : to === undefined ? 'removed' : 'changed' };
  return { field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/**
 * Field-level differences of two configurations; environment per key, secret keys masked,
 * variable-fed values as references, removed environment entries without their deployed value.
 */
export function configChanges(from: FunctionConfig, to: FunctionConfig, secretKeys: readonly string[], variables: Readonly<Record<string, string>> = {}): FieldChange[] {
  const changes: FieldChange[] = [];
  const scalar: (keyof FunctionConfig)[] = ['Runtime', 'Handler', 'MemorySize', 'Timeout', 'Role', 'TracingMode', 'DeadLetterArn'];
  const labels: Partial<Record<keyof FunctionConfig, string>> = {
    Runtime: 'runtime',
    Handler: 'handler',
    MemorySize: 'memory',
    Timeout: 'timeout',
    Role: 'role',
    TracingMode: 'tracing',
    DeadLetterArn: 'deadLetter',
    Layers: 'layers',
    SubnetIds: 'network.subnets',
    SecurityGroupIds: 'network.securityGroups',
  };
  for (const k of scalar) if (!same(from[k], to[k])) changes.push(change(labels[k] ?? k, from[k] || undefined, to[k] || undefined, variables));
  for (const k of ['Layers', 'SubnetIds', 'SecurityGroupIds'] as const) if (!same(from[k], to[k])) changes.push(change(labels[k] ?? k, from[k], to[k], variables));
  const keys = [...new Set([...Object.keys(from.Environment), ...Object.keys(to.Environment)])].sort();
  for (const k of keys) {
    const a = from.Environment[k];
    const b = to.Environment[k];
    if (a === b) continue;
    if (secretKeys.includes(k) || /secret|password|token/i.test(k)) changes.push({ field: `environment.${k}`, masked: true });
    else if (b === undefined) changes.push({ field: `environment.${k}`, change: 'removed' });
    else changes.push(change(`environment.${k}`, a, b, variables));
  }
  return changes;
}

interface Statement {
  readonly Sid?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

/** Statement-level differences of the inline policy; statements naming secrets are masked. */
function policyChanges(from: string | undefined, to: PolicyDocument): FieldChange[] {
  const parse = (text: string | undefined): Statement[] => {
    try {
      return text ? ((JSON.parse(text) as { Statement?: Statement[] }).Statement ?? []) : [];
    } catch {
      return [];
    }
  };
  const before = new Map(parse(from).map((st) => [st.Sid ?? '', st]));
  const after = new Map(to.Statement.map((st) => [st.Sid, st as Statement]));
  const out: FieldChange[] = [];
  for (const sid of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(sid);
    const b = after.get(sid);
    if (a && b && canonicalPolicy(a) === canonicalPolicy(b)) continue;
    if (sid === 'Secrets' || sid === 'Parameters') out.push({ field: `policy.${sid}`, masked: true });
    else out.push({ field: `policy.${sid}`, ...(a ? { from: a.Resource } : {}), ...(b ? { to: b.Resource } : {}) });
  }
  return out.length ? out : [{ field: 'policy', from: 'differs', to: 'generated' }];
}

function tagChanges(from: Readonly<Record<string, string>>, to: Readonly<Record<string, string>>, variables: Readonly<Record<string, string>>): FieldChange[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.filter((k) => from[k] !== to[k]).map((k) => change(`tags.${k}`, from[k], to[k], variables));
}

/** The trigger actions of one function: what `d`'s triggers need beyond what `cur` has, and what to delete. */
export function triggerActions(d: Pick<DesiredFunction, 'fn' | 'aliasArn' | 'triggers'>, cur: DeployedFunction | undefined, deployed: AwsDeployed): PlanAction[] {
  const out: PlanAction[] = [];
  const id = (key: string) => `trigger:${d.fn}:${key}`;
  const statements = new Set(cur?.statements.map((s) => s.sid) ?? []);
  const integration = deployed.api?.integrations.find((i) => i.uri === d.aliasArn);
  const routes = integration ? (deployed.api?.routes ?? []).filter((r) => r.target === `integrations/${integration.id}`) : [];
  const wanted = new Set(d.triggers.map((t) => t.key));
  for (const t of d.triggers) {
    const resource = `trigger:${t.kind}`;
    switch (t.kind) {
      case 'http': {
        const route = routes.find((r) => r.key === t.routeKey);
        if (!route || !statements.has('fnx-http')) out.push(act(id(t.key), route ? 'update' : 'create', resource, t.routeKey, d.fn, undefined, route ? 'add invoke permission' : 'route on the stage HTTP API'));
        else if (route.authorization !== t.authorization) out.push(act(id(t.key), 'update', resource, t.routeKey, d.fn, [{ field: 'auth', from: route.authorization, to: t.authorization }]));
        else out.push(act(id(t.key), 'no-change', resource, t.routeKey, d.fn));
        break;
      }
      case 'schedule': {
        const rule = cur?.rules.find((r) => r.name === t.rule);
        if (!rule || !statements.has(t.statementId) || !rule.targetArn) out.push(act(id(t.key), rule ? 'update' : 'create', resource, t.rule, d.fn, undefined, t.expression));
        else if (rule.enabled !== t.enabled) out.push(act(id(t.key), 'update', resource, t.rule, d.fn, [{ field: 'enabled', from: rule.enabled, to: t.enabled }]));
        else out.push(act(id(t.key), 'no-change', resource, t.rule, d.fn, undefined, t.expression));
        break;
      }
      case 'queue': {
        const m = cur?.mappings.find((x) => x.sourceArn === t.queueArn);
        if (!m) out.push(act(id(t.key), 'create', resource, t.queueArn, d.fn, undefined, `event source mapping, batch ${t.batchSize}`));
        else if (m.batchSize !== t.batchSize || m.reportFailures !== t.reportFailures) {
          const fields = [
            ...(m.batchSize !== t.batchSize ? [{ field: 'batchSize', from: m.batchSize, to: t.batchSize }] : []),
            ...(m.reportFailures !== t.reportFailures ? [{ field: 'reportBatchItemFailures', from: m.reportFailures, to: t.reportFailures }] : []),
          ];
          out.push(act(id(t.key), 'update', resource, t.queueArn, d.fn, fields));
        }
        else out.push(act(id(t.key), 'no-change', resource, t.queueArn, d.fn));
        break;
      }
      case 'storage': {
        const n = cur?.notifications.find((x) => x.id === t.id);
        const ok = n && statements.has(t.statementId);
        out.push(act(id(t.key), ok ? 'no-change' : n ? 'update' : 'create', resource, t.bucket, d.fn, undefined, `${t.events.join(',')}${t.prefix ? ` prefix ${t.prefix}` : ''}${t.suffix ? ` suffix ${t.suffix}` : ''}`));
        break;
      }
      case 'topic': {
        const s = cur?.subscriptions.find((x) => x.topicArn === t.topicArn);
        const ok = s && statements.has(t.statementId);
        out.push(act(id(t.key), ok ? 'no-change' : s ? 'update' : 'create', resource, t.topicArn, d.fn));
        break;
      }
      case 'stream': {
        const m = cur?.mappings.find((x) => x.stream && sourceOfMapping(x.sourceArn) === t.sourceArn);
        const position = t.start.startingPosition + (t.start.timestamp ? ` ${t.start.timestamp}` : '');
        if (!m?.stream) {
          out.push(act(id(t.key), 'create', resource, t.sourceArn, d.fn, undefined, `event source mapping, batch ${t.settings.batchSize}, from ${position}${t.settings.onFailure ? `, failed batches to ${t.settings.onFailure}` : ''}`));
          break;
        }
        const fields = settingsChanges(m.stream, t.settings).map((c) => ({ field: c.field, ...(c.from !== undefined ? { from: c.from } : {}), ...(c.to !== undefined ? { to: c.to } : {}) }));
        const moved = m.stream.startingPosition !== t.start.startingPosition || (m.stream.timestamp ?? '') !== (t.start.timestamp ?? '');
        const note = moved ? `reading started at ${m.stream.startingPosition}${m.stream.timestamp ? ` ${m.stream.timestamp}` : ''}: startingPosition applies only when the trigger is created (remove the trigger, deploy, and add it again to start over)` : undefined;
        out.push(act(id(t.key), fields.length ? 'update' : 'no-change', resource, t.sourceArn, d.fn, fields, note));
        break;
      }
    }
  }
  if (cur) {
    for (const r of routes) {
      const key = `http:${r.key}`;
      if (!wanted.has(key)) out.push(act(id(key), 'delete', 'trigger:http', r.key, d.fn));
    }
    for (const r of cur.rules) {
      const key = `schedule:${r.expression}`;
      if (!wanted.has(key) || !d.triggers.some((t) => t.kind === 'schedule' && t.rule === r.name)) out.push(act(id(key), 'delete', 'trigger:schedule', r.name, d.fn));
    }
    for (const m of cur.mappings) {
      const stream = isStreamSource(m.sourceArn);
      const key = stream ? `stream:${sourceOfMapping(m.sourceArn)}` : `queue:${m.sourceArn}`;
      if (!wanted.has(key)) out.push(act(id(key), 'delete', stream ? 'trigger:stream' : 'trigger:queue', stream ? sourceOfMapping(m.sourceArn) : m.sourceArn, d.fn));
    }
    for (const n of cur.notifications) {
      if (!d.triggers.some((t) => t.kind === 'storage' && t.id === n.id)) out.push(act(id(`storage:${n.id}`), 'delete', 'trigger:storage', n.bucket, d.fn));
    }
    for (const s of cur.subscriptions) {
      const key = `topic:${s.topicArn}`;
      if (!wanted.has(key)) out.push(act(id(key), 'delete', 'trigger:topic', s.topicArn, d.fn));
    }
  }
  return out;
}

function functionActions(d: DesiredFunction, cur: DeployedFunction | undefined, deployed: AwsDeployed, placeholderLayers: boolean, description: string): { actions: PlanAction[]; planned: PlannedFunction } {
  const a: PlanAction[] = [];
  const fn = d.fn;
  if (d.role) {
    const policy = canonicalPolicy(d.role.policy);
    const sids = d.role.policy.Statement.map((s) => s.Sid).join(', ');
    if (!cur?.role) a.push(act(`role:${fn}`, 'create', 'role', d.role.name, fn, undefined, `least privilege: ${sids}`));
    else if (cur.role.policy !== policy) a.push(act(`role:${fn}`, 'update', 'role', d.role.name, fn, policyChanges(cur.role.policy, d.role.policy), `statements: ${sids}`));
    else a.push(act(`role:${fn}`, 'no-change', 'role', d.role.name, fn));
  }
  if (!cur?.logGroup) a.push(act(`loggroup:${fn}`, 'create', 'log-group', d.logGroup.name, fn, undefined, d.logGroup.retention ? `retention ${d.logGroup.retention} days` : 'retention: never expire'));
  else if (cur.logGroup.retention !== d.logGroup.retention) a.push(act(`loggroup:${fn}`, 'update', 'log-group', d.logGroup.name, fn, [change('logRetention', cur.logGroup.retention, d.logGroup.retention, d.variables)]));
  else a.push(act(`loggroup:${fn}`, 'no-change', 'log-group', d.logGroup.name, fn));

  let publish: boolean;
  if (!cur) {
    const shown = (field: string, v: unknown) => referenceOf(d, field) ?? String(v);
    a.push(act(`function:${fn}`, 'create', 'function', d.name, fn, undefined, `upload ${formatBytes(d.code.size)}, ${shown('runtime', d.config.Runtime)}, ${shown('memory', d.config.MemorySize)} MB, ${shown('architecture', d.architecture)}`));
    publish = true;
  } else {
    const codeChanges: FieldChange[] = [];
    if (cur.codeSha256 !== d.code.sha256Base64) codeChanges.push({ field: 'codeSha256', from: cur.codeSha256, to: d.code.sha256Base64 });
    if (cur.architecture !== d.architecture) codeChanges.push(change('architecture', cur.architecture, d.architecture, d.variables));
    a.push(codeChanges.length ? act(`code:${fn}`, 'update', 'code', d.name, fn, codeChanges, `upload ${formatBytes(d.code.size)}`) : act(`code:${fn}`, 'no-change', 'code', d.name, fn));
    const configDiff = configChanges(cur.config, d.config, d.secretKeys, d.variables);
    a.push(configDiff.length ? act(`config:${fn}`, 'update', 'config', d.name, fn, configDiff) : act(`config:${fn}`, 'no-change', 'config', d.name, fn));
    const tags = tagChanges(cur.tags, d.tags, d.variables);
    if (tags.length) a.push(act(`tags:${fn}`, 'update', 'tags', d.name, fn, tags));
    const latest = cur.versions[cur.versions.length - 1];
    publish = codeChanges.length > 0 || configDiff.length > 0 || placeholderLayers || !latest || latest.fingerprint !== cur.latestFingerprint;
  }
  const latest = cur?.versions[cur.versions.length - 1]?.version;
  const candidate = !publish && cur?.alias ? (latest ?? cur.alias.version) : undefined;
  a.push(
    publish
      ? act(`version:${fn}`, 'create', 'version', d.name, fn, undefined, 'publish a new version; traffic moves in the release step')
      : act(
          `version:${fn}`,
          'no-change',
          'version',
          d.name,
          fn,
          undefined,
          candidate && candidate !== cur?.alias?.version
            ? `already published version ${candidate} is not live: released unless a failed gate or hook, or \`fnx rollback\`, rolled it back (then exit 3; see --release-rolled-back)`
            : undefined,
        ),
  );
  if (!cur?.alias) a.push(act(`alias:${fn}`, 'create', 'alias', `${d.name}:live`, fn, undefined, 'points at the first published version'));
  else a.push(act(`alias:${fn}`, 'no-change', 'alias', `${d.name}:live`, fn, undefined, `live -> ${cur.alias.version}`));

  if (d.reserved !== cur?.reserved) {
    const op: PlanOp = d.reserved === undefined ? 'delete' : cur?.reserved === undefined ? 'create' : 'update';
    a.push(act(`concurrency:${fn}`, op, 'concurrency', d.name, fn, [change('concurrency.max', cur?.reserved, d.reserved, d.variables)]));
  }
  if (d.provisioned !== cur?.provisioned) {
    const op: PlanOp = d.provisioned === undefined ? 'delete' : cur?.provisioned === undefined ? 'create' : 'update';
    a.push(act(`provisioned:${fn}`, op, 'provisioned-concurrency', `${d.name}:live`, fn, [change('concurrency.warm', cur?.provisioned, d.provisioned, d.variables)]));
  }
  a.push(...triggerActions(d, cur, deployed));
  return { actions: a, planned: { name: d.name, exists: Boolean(cur), desired: d, description, publish, ...(candidate ? { candidate } : {}) } };
}

/** A storage or topic trigger on a bucket or topic that does not exist stops the plan: fnx never creates them. */
function checkSources(d: DesiredFunction, deployed: AwsDeployed): void {
  checkStreams(d, deployed);
  const missing = deployed.missingSources;
  if (!missing) return;
  for (const t of d.triggers) {
    if (t.kind === 'storage' && missing.buckets.includes(t.bucket)) throw missingBucket(d.fn, t.bucket, { beforeChanges: true });
    if (t.kind === 'topic' && missing.topics.includes(t.topicArn)) throw missingTopic(d.fn, t.topicArn, { beforeChanges: true });
  }
}

/** A stream trigger on a table or data stream that does not exist, or a table without a stream, stops the plan. */
function checkStreams(d: DesiredFunction, deployed: AwsDeployed): void {
  for (const t of d.triggers) {
    if (t.kind !== 'stream') continue;
    const found = deployed.streamSources?.[t.sourceArn];
    if (!found || found.state === 'missing') throw missingStreamSource(d.fn, t.source, t.sourceArn, { beforeChanges: true });
    if (found.state === 'disabled') throw streamDisabled(d.fn, t.sourceArn, { beforeChanges: true });
  }
}

export function target(deployed: AwsDeployed): Target {
  const streams = Object.entries(deployed.streamSources ?? {}).flatMap(([source, s]) => (s.state === 'ok' ? [[source, s.streamArn] as const] : []));
  return { region: deployed.region, accountId: deployed.accountId, ...(streams.length ? { streams: Object.fromEntries(streams) } : {}) };
}

export function planDeploy(req: PlanRequest): ProviderPlan {
  const deployed = req.deployed.detail as AwsDeployed;
  const manifest: ResolvedManifest = req.manifest;
  const t = target(deployed);
  const actions: PlanAction[] = [];
  const all = awsFunctions(manifest);
  const inScope = all.filter((f) => !req.only?.length || req.only.includes(f.name));

  const layers = desiredLayers(manifest, inScope, req.artifacts);
  const layerArns: Record<string, string> = {};
  const publishLayers: DesiredLayer[] = [];
  for (const l of layers) {
    const cur = deployed.layers[l.layer]?.latest;
    if (cur && cur.sha256 === l.code.sha256) {
      layerArns[l.layer] = cur.arn;
      actions.push(act(`layer:${l.layer}`, 'no-change', 'layer', l.name, undefined, undefined, `version ${cur.version}`));
    } else {
      publishLayers.push(l);
      actions.push(
        act(`layer:${l.layer}`, cur ? 'update' : 'create', 'layer', l.name, undefined, cur ? [{ field: 'sha256', from: cur.sha256, to: l.code.sha256 }] : undefined, `publish a new layer version (${formatBytes(l.code.size)})`),
      );
    }
  }

  const wantsApi = all.some((f) => f.triggers.some((tr) => tr.kind === 'http'));
  let api: AwsPlanDetail['api'];
  const apiLabel = apiName(manifest.service, manifest.stage);
  if (wantsApi) {
    api = deployed.api && deployed.api.hasDefaultStage ? 'keep' : 'create';
    actions.push(act('api', deployed.api ? (deployed.api.hasDefaultStage ? 'no-change' : 'update') : 'create', 'http-api', apiLabel, undefined, undefined, deployed.api ? deployed.api.endpoint : 'HTTP API with a $default stage'));
  } else if (deployed.api && !req.only?.length) {
    api = 'delete';
    actions.push(act('api', 'delete', 'http-api', apiLabel, undefined, undefined, 'no http trigger left'));
  }

  const functions: Record<string, PlannedFunction> = {};
  for (const f of inScope) {
    const d = desiredFunction(manifest, f, req.artifacts, t, layerArns);
    checkSources(d, deployed);
    const placeholders = d.config.Layers.some((l) => l.startsWith('layer:'));
    const { actions: fa, planned } = functionActions(d, deployed.functions[f.name], deployed, placeholders, versionDescription(req.deploy, f.release.strategy));
    actions.push(...fa);
    functions[f.name] = planned;
  }

  // Functions outside --function are reported as they are and never touched.
  for (const f of all) {
    const cur = deployed.functions[f.name];
    if (inScope.includes(f) || !cur) continue;
    actions.push(act(`function:${f.name}`, 'no-change', 'function', cur.name, f.name, undefined, 'not selected (--function): left as it is'));
  }

  const orphans: string[] = [];
  if (!req.only?.length) {
    const names = new Set(all.map((f) => f.name));
    for (const [fn, cur] of Object.entries(deployed.functions)) {
      if (names.has(fn)) continue;
      orphans.push(fn);
      actions.push(act(`function:${fn}`, 'delete', 'function', cur.name, fn, undefined, 'no longer in fnx.yaml: function, role, triggers and log group are deleted'));
    }
  }

  const detail: AwsPlanDetail = {
    accountId: deployed.accountId,
    region: deployed.region,
    service: manifest.service,
    stage: manifest.stage,
    deployed,
    bucket: deploymentBucketOf(manifest, deployed.accountId, deployed.region),
    publishLayers,
    functions,
    orphans,
    ...(api ? { api } : {}),
  };
  return {
    provider: 'aws',
    target: `${deployed.region} (account ${deployed.accountId})`,
    actions,
    notes: planNotes(manifest, t),
    detail,
  };
}

function planNotes(manifest: ResolvedManifest, t: Target): string[] {
  const notes: string[] = [];
  const fns = awsFunctions(manifest);
  if (fns.some((f) => Object.keys(f.secrets).length > 0)) {
    notes.push('secrets: each NAME is passed as the environment variable NAME_SECRET_ARN holding the Secrets Manager (or SSM) ARN; the role may read exactly those ARNs. Values are never read by fnx.');
  }
  if (fns.some((f) => f.triggers.some((tr) => tr.kind === 'http'))) notes.push(`http triggers are routes of one HTTP API (${apiName(manifest.service, manifest.stage)}), all invoking the alias "live".`);
  if (fns.some((f) => f.concurrency.warm)) notes.push('concurrency.warm is provisioned concurrency on the alias "live".');
  void t;
  void arn;
  return notes;
}
