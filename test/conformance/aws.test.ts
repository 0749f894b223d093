/**
 * The conformance suite against the AWS Lambda driver, talking to the local AWS emulator started
 * in-process. Each runner is a new createDriver() over the same emulator.
 */
import { createDriver } from '../../providers/aws/index.js';
import { startAwsEmulator } from '../emulators/aws/index.js';
import { GATE_ALARM } from './harness.js';
import { conformanceProject } from './project.js';
import { describeDriverConformance, type ConformanceHarness } from './suite.js';

async function awsHarness(): Promise<ConformanceHarness> {
  const aws = await startAwsEmulator({ asyncDelayMs: 5 });
  const env = { ...aws.env(), AWS_EC2_METADATA_DISABLED: 'true', FNX_AWS_WAITER_DELAY_MS: '5' };
  // The SDK clients read endpoint and credentials from process.env; createDriver's env only sets fnx's own settings.
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const project = await conformanceProject('aws: { region: us-east-1 }', 'conf', env);
  const make = () => createDriver(project.manifest, env);
  return {
    manifest: () => project.manifest,
    artifacts: (revision) => project.artifacts(revision),
    driver: make(),
    freshDriver: make,
    cloudCalls: () => aws.calls.length,
    cloudWrites: () => aws.writeCalls().length,
    gate: async (firing) => aws.setAlarm(GATE_ALARM, firing ? 'ALARM' : 'OK', firing ? 'Threshold Crossed' : 'conformance'),
    async cleanup() {
      await aws.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await project.cleanup();
    },
  };
}

describeDriverConformance('aws', awsHarness);
