/** The project the invoke tests deploy to the AWS emulator: a Node and a Python http function. */
import { afterAll, beforeAll, expect } from 'vitest';
import type { AwsEmulator } from '../../emulators/aws/index.js';
import { fnx, newProject, startWorld } from './world.js';

export const MANIFEST = `service: shop
providers:
  aws: { region: us-east-1 }
defaults:
  runtime: nodejs22
  environment: { GREETING: hello }
functions:
  api:
    handler: src/api.handler
    triggers:
      - http: { method: GET, path: /health }
      - http: { method: POST, path: "/items/{id}" }
  py:
    handler: src/py.handler
    runtime: python3.12
    triggers:
      - http: { method: POST, path: "/py/{id}" }
`;

/** Both handlers answer with the parts of the event and environment that are the same on every run. */
export const FILES = {
  'fnx.yaml': MANIFEST,
  'src/api.js': `export async function handler(event) {
  console.log('api got', event.requestContext.http.method, event.rawPath);
  if (event.rawPath === '/boom') throw new Error('boom at ' + event.rawPath);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: event.routeKey, path: event.rawPath, id: event.pathParameters?.id ?? null, query: event.queryStringParameters ?? null, body: event.body ?? null, greeting: process.env.GREETING }) };
}
`,
  'src/py.py': `import json, os
def handler(event, context):
    print("py got", event["rawPath"])
    return {"statusCode": 200, "body": json.dumps({"route": event["routeKey"], "id": (event.get("pathParameters") or {}).get("id"), "query": event.get("queryStringParameters"), "body": event.get("body"), "greeting": os.environ.get("GREETING")})}
`,
};

/** A world with FILES deployed to stage dev; each describe gets its own (the first replaces the invoke handler). */
export function deployedWorld(): { aws: () => AwsEmulator; dir: () => string } {
  let aws: AwsEmulator;
  let dir: string;
  beforeAll(async () => {
    aws = await startWorld();
    dir = await newProject(FILES);
    const r = await fnx(aws, dir, ['deploy', '--stage', 'dev']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => aws.close());
  return { aws: () => aws, dir: () => dir };
}

