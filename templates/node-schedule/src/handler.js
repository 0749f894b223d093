// Scheduled job. fnx runs it on the cron schedule in fnx.yaml (UTC). The event carries the
// provider's timer information, which this job does not need.

export async function handler() {
  const startedAt = new Date();
  const result = await runJob(startedAt);
  console.log(JSON.stringify({ level: 'info', msg: 'job done', startedAt: startedAt.toISOString(), ...result }));
  return result;
}

/** The work of one run: replace with yours. */
export async function runJob(now) {
  return { service: '{{service}}', ranAt: now.toISOString() };
}
