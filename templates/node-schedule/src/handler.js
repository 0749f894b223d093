// Scheduled job. fnx runs it on the cron schedule in fnx.yaml (UTC) and hands it its neutral
// schedule event, the same on every provider: { kind: 'schedule', id, time } (fnx's
// docs/events.md), where `time` is when the run was scheduled.

export async function handler(event) {
  const scheduledAt = new Date(event.time);
  const result = await runJob(scheduledAt);
  console.log(JSON.stringify({ level: 'info', msg: 'job done', run: event.id, ...result }));
  return result;
}

/** The work of one run: replace with yours. */
export async function runJob(scheduledAt) {
  return { service: '{{service}}', ranAt: scheduledAt.toISOString() };
}
