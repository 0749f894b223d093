// HTTP handler. fnx routes GET /hello and GET /health here (see fnx.yaml).
// `event` carries the request: method, path, query string and body; the shape depends on the
// provider, so read it defensively. Return { statusCode, headers, body }.

export async function handler(event = {}) {
  const path = event.rawPath ?? event.path ?? event.requestContext?.http?.path ?? '/';
  if (path.endsWith('/health')) return json(200, { ok: true });

  const query = event.queryStringParameters ?? event.query ?? {};
  const name = typeof query.name === 'string' && query.name !== '' ? query.name : 'world';
  return json(200, { message: `Hello, ${name}!`, service: '{{service}}' });
}

function json(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
