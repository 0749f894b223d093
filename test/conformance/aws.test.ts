/**
 * The conformance suite against the AWS Lambda driver, talking to the local AWS emulator started
 * in-process. Each runner is a new createDriver() over the same emulator.
 */
import { createDriver } from '../../providers/aws/index.js';
import { startAwsEmulator } from '../emulators/aws/index.js';
import { GATE_ALARM } from './harness.js';
import { conformanceProject } from './project.js';
import { describeDriverConformance, type ConformanceHarness } from './suite.js';
import { describeStreamTrigger, STREAM_TABLE } from './trigger-cases.js';

async function awsHarness(): Promise<ConformanceHarness> {
  const aws = await startAwsEmulator({ asyncDelayMs: 5 });
  // The driver reads endpoint, keys and settings from this env only: process.env is left alone.
  const env = { ...aws.env(), FNX_AWS_WAITER_DELAY_MS: '5' };
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
      await project.cleanup();
    },
  };
}

describeDriverConformance('aws', awsHarness);

describeStreamTrigger('aws', 'aws: { region: us-east-1 }', async () => {
  const aws = await startAwsEmulator({ asyncDelayMs: 5 });
  const env = { ...aws.env(), FNX_AWS_WAITER_DELAY_MS: '5' };
  return {
    env,
    harness: {
      driver: (manifest) => createDriver(manifest, env),
      seed: async () => void aws.seedTable(STREAM_TABLE),
      cloudWrites: () => aws.writeCalls().length,
      cleanup: () => aws.close(),
    },
  };
});
