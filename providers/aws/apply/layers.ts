/** Layers: a new layer version only when the content hash changed; the hash is recorded in its Description. */
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import type { DesiredLayer } from '../desired.js';
import { layerDescription } from '../layer-meta.js';
import type { ApplyContext } from './context.js';
import { codeLocation } from './upload.js';

/** Publishes one layer; resolves its new version ARN. */
export async function publishLayer(ctx: ApplyContext, layer: DesiredLayer): Promise<string> {
  const { aws } = ctx;
  const content = await codeLocation(ctx, layer.code);
  const out = await aws.call(
    'PublishLayerVersion',
    () =>
      aws.lambda.send(
        new PublishLayerVersionCommand({
          LayerName: layer.name,
          Description: layerDescription(layer.code.sha256),
          Content: content,
          CompatibleRuntimes: [...layer.runtimes] as never,
          CompatibleArchitectures: [...layer.architectures] as never,
        }),
      ),
    { resource: layer.name },
  );
  return out.LayerVersionArn ?? '';
}
