/** Lambda's rules for a function's environment variables that depend only on the manifest (the process environment fnx runs in is checked by environment.ts). */
import { ExitCode, FnxError, type ResolvedFunction } from '../../src/driver.js';

/** Keys Lambda sets itself and refuses in a function's configuration ("Defined runtime environment variables" in the Lambda guide). */
const RESERVED = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_REGION',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
]);

/** Environment variable that carries a secret's ARN: DB_PASSWORD -> DB_PASSWORD_SECRET_ARN. */
export function secretEnvName(name: string): string {
  return `${name}_SECRET_ARN`;
}

export interface EnvironmentProblem {
  /** The key of `environment` (or of `secrets`) the problem is about. */
  readonly key: string;
  readonly in: 'environment' | 'secrets';
  readonly error: FnxError;
}

/** Keys of the function's environment Lambda refuses, and keys a secret's ARN variable would overwrite. */
export function environmentProblems(fn: ResolvedFunction): EnvironmentProblem[] {
  const out: EnvironmentProblem[] = [];
  const usage = (code: string, message: string, hint: string) => new FnxError(code, message, { hint, exitCode: ExitCode.usage });
  for (const key of Object.keys(fn.environment)) {
    if (RESERVED.has(key)) {
      out.push({ key, in: 'environment', error: usage('E_AWS_ENV_RESERVED', `Function \`${fn.name}\`: environment variable ${key} is reserved by Lambda, which sets it itself.`, 'Remove it, or use another name.') });
    }
  }
  for (const name of Object.keys(fn.secrets)) {
    const key = secretEnvName(name);
    if (key in fn.environment) {
      out.push({
        key: name,
        in: 'secrets',
        error: usage('E_AWS_ENV_SECRET', `Function \`${fn.name}\`: secret ${name} is passed as the environment variable ${key}, which \`environment\` sets too.`, `Rename the secret or the environment variable: on AWS each secret NAME fills NAME_SECRET_ARN.`),
      });
    }
  }
  return out;
}

/** Throws the first of environmentProblems(fn) (plan time). */
export function checkEnvironment(fn: ResolvedFunction): void {
  const first = environmentProblems(fn)[0];
  if (first) throw first.error;
}
