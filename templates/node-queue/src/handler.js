// Queue worker. fnx delivers batches of messages from the `{{service}}-jobs` queue (see fnx.yaml)
// as its neutral queue event, the same on every provider: { kind: 'queue', queue, messages:
// [{ id, body, attributes, receiveCount, sentAt }] } (fnx's docs/events.md). Return the ids of
// the messages that failed in `failed`: only those are delivered again.

export async function handler(event) {
  const failed = [];
  for (const message of event.messages) {
    try {
      await processJob(JSON.parse(message.body));
    } catch (err) {
      console.log(JSON.stringify({ level: 'error', msg: 'job failed', id: message.id, error: String(err?.message ?? err) }));
      failed.push(message.id);
    }
  }
  return { failed };
}

/** The work for one message: replace with yours. */
export async function processJob(job) {
  if (job === null || typeof job !== 'object') throw new Error('job must be a JSON object');
  console.log(JSON.stringify({ level: 'info', msg: 'job processed', id: job.id ?? null }));
}
