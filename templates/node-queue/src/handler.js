// Queue worker. fnx delivers batches of messages from the `{{service}}-jobs` queue (see fnx.yaml).
// The batch shape depends on the provider (AWS SQS: event.Records[].body; others: one message or
// event.messages), so read it defensively. Throwing makes the provider retry the batch.

export async function handler(event = {}) {
  const messages = toMessages(event);
  for (const message of messages) {
    await processJob(message);
  }
  return { processed: messages.length };
}

/** The work for one message: replace with yours. */
export async function processJob(job) {
  if (job === null || typeof job !== 'object') throw new Error('job must be a JSON object');
  console.log(JSON.stringify({ level: 'info', msg: 'job processed', id: job.id ?? null }));
}

function toMessages(event) {
  const raw = event.Records ?? event.messages ?? [event.message ?? event];
  return raw.map((r) => parse(r?.body ?? r?.data ?? r));
}

function parse(body) {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  }
}
