/** Layers: a new layer version only when the content hash changed; the hash is recorded in its Description. */
import { readFile } from 'node:fs/promises';
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import type { DesiredLayer } from '../desired.js';
import { layerDescription } from '../layer-meta.js';
import { lambdaRuntime, awsFunctions } from '../desired.js';
import type { ApplyContext } from './context.js';
import { codeLocation } from './upload.js';

/** Publishes one layer; resolves its new version ARN. */
export async function publishLayer(ctx: ApplyContext, layer: DesiredLayer): Promise<string> {
  const { aws } = ctx;
  const users = awsFunctions(ctx.manifest).filter((f) => f.layers.includes(layer.layer));
  const runtimes = [...new Set(users.map((f) => lambdaRuntime(f)))].sort();
  const architectures = [...new Set(users.map((f) => f.architecture))].sort();
  const content = await codeLocation(ctx, `layers/${layer.layer}`, layer.artifact, () => readFile(layer.artifact.path));
  const out = await aws.call(
    'PublishLayerVersion',
    () =>
      aws.lambda.send(
        new PublishLayerVersionCommand({
          LayerName: layer.name,
          Description: layerDescription(layer.artifact.sha256),
          Content: content,
          CompatibleRuntimes: runtimes as never,
          CompatibleArchitectures: architectures as never,
        }),
      ),
    { resource: layer.name },
  );
  return out.LayerVersionArn ?? '';
}
