// HTTP handler. fnx routes GET /hello and GET /health here (see fnx.yaml).
// `event` is fnx's neutral http event, the same on every provider (the API Gateway HTTP API 2.0
// payload: rawPath, queryStringParameters, headers, body, requestContext.http.method; fnx's
// docs/events.md has all of it). Return { statusCode, headers, body }.

export async function handler(event) {
  if (event.rawPath.endsWith('/health')) return json(200, { ok: true });

  const name = event.queryStringParameters?.name || 'world';
  return json(200, { message: `Hello, ${name}!`, service: '{{service}}' });
}

function json(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
