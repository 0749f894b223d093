/** Deploy metadata stamped on every version: a short random id, the time, and the git commit if known. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { DeployMetadata } from '../driver.js';

function gitCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5_000 }, (err, stdout) => {
      const sha = stdout?.trim();
      resolve(!err && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined);
    });
  });
}

/** The commit being deployed: the project's git HEAD, else GITHUB_SHA; undefined outside git. */
export async function commitOf(rootDir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return (await gitCommit(rootDir)) ?? (env.GITHUB_SHA && /^[0-9a-f]{7,40}$/.test(env.GITHUB_SHA) ? env.GITHUB_SHA : undefined);
}

export async function deployMetadata(rootDir: string, env: NodeJS.ProcessEnv, now = new Date()): Promise<DeployMetadata> {
  const commit = await commitOf(rootDir, env);
  const actor = actorOf(env);
  return {
    id: randomBytes(4).toString('hex'),
    time: now.toISOString(),
    ...(commit ? { commit } : {}),
    ...(actor ? { actor } : {}),
  };
}

/** Who runs fnx, as recorded on versions and the stage lease: the CI actor, else the login name. */
export function actorOf(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_ACTOR ?? env.USER ?? env.USERNAME;
}
