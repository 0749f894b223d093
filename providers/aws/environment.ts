/**
 * Checks of the AWS settings that come from outside the manifest, made when the driver is created
 * and so before the first AWS call: endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)
 * must be http(s) URLs, and a named profile (providers.aws.profile or AWS_PROFILE) must exist in
 * the AWS config or credentials file. Each problem names the variable and its value (never a
 * secret) and is a usage error: nothing was changed.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Environment, ExitCode, FnxError } from '../../src/driver.js';
import type { AwsProviderConfig } from './config.js';

const ENDPOINT_VARIABLE = /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/;

/** Throws the first problem with the AWS environment, if any. */
export function checkAwsEnvironment(config: AwsProviderConfig | undefined, env: Environment): void {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    for (const name of Object.keys(env).filter((k) => ENDPOINT_VARIABLE.test(k)).sort()) {
      const value = env[name];
      if (value) checkEndpoint(name, value);
    }
  }
  const profile = config?.profile ?? env.AWS_PROFILE;
  if (profile) checkProfile(profile, config?.profile ? 'providers.aws.profile in the manifest' : 'AWS_PROFILE', env);
}

function checkEndpoint(name: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return;
  throw new FnxError('E_AWS_ENDPOINT', `${name}=${value} is not an http(s) URL, so fnx cannot send AWS requests there.`, {
    hint: `Set ${name} to the full URL of an AWS-compatible endpoint, scheme included (for example \`${name}=http://127.0.0.1:4566\`), or unset it to use AWS itself.`,
    exitCode: ExitCode.usage,
    details: { variable: name },
  });
}

/** The two shared files the SDK reads profiles from, as it finds them. */
function profileFiles(env: Environment): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** Profile names declared in an INI file: `[name]`, and `[profile name]` in the config file. */
function profilesIn(path: string, isConfig: boolean): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]/gm)) {
    const section = m[1]!;
    if (isConfig && section.startsWith('profile ')) out.push(section.slice('profile '.length).trim());
    else if (!/^(sso-session|services)\s/.test(section)) out.push(section);
  }
  return out;
}

function checkProfile(profile: string, source: string, env: Environment): void {
  const files = profileFiles(env);
  const inConfig = profilesIn(files.config, true);
  const inCredentials = profilesIn(files.credentials, false);
  const known = [...new Set([...(inConfig ?? []), ...(inCredentials ?? [])])].sort();
  if (known.includes(profile)) return;
  const setting = source === 'AWS_PROFILE' ? `AWS_PROFILE=${profile}` : `${source} (\`${profile}\`)`;
  const where = inConfig === undefined && inCredentials === undefined ? `neither ${files.config} nor ${files.credentials} exists` : `it is not in ${files.config} or ${files.credentials}`;
  const unset = source === 'AWS_PROFILE' ? 'unset AWS_PROFILE to use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or an IAM role' : 'remove providers.aws.profile from the manifest';
  throw new FnxError('E_AWS_PROFILE', `${setting} names an AWS profile that does not exist: ${where}.`, {
    hint: `${known.length ? `Profiles found: ${known.join(', ')}. Use one of them, create` : 'Create'} it with \`aws configure --profile ${profile}\` (or \`aws configure sso\`), or ${unset}.`,
    exitCode: ExitCode.usage,
    details: { profile, source },
  });
}
