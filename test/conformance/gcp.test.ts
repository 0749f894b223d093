/**
 * The conformance suite against the Google Cloud driver, talking to the local Google Cloud
 * emulator started in-process. Each runner is a new createDriver() over the same emulator.
 */
import { createDriver } from '../../providers/gcp/index.js';
import { startGcpEmulator } from '../emulators/gcp/index.js';
import { GATE_ALARM } from './harness.js';
import { conformanceProject } from './project.js';
import { describeDriverConformance, type ConformanceHarness } from './suite.js';
import { describeStreamTriggerUnsupported } from './trigger-cases.js';

async function gcpHarness(): Promise<ConformanceHarness> {
  const gcp = await startGcpEmulator({ projectId: 'conf-project' });
  // The driver reads endpoint, credentials and settings from this env only: process.env is left alone.
  const env = { ...gcp.env(), FNX_GCP_POLL_MS: '1' };
  const project = await conformanceProject('gcp: { project: conf-project, region: europe-west1 }', 'conf', env);
  const make = () => createDriver(project.manifest, env);
  return {
    manifest: () => project.manifest,
    artifacts: (revision) => project.artifacts(revision),
    driver: make(),
    freshDriver: make,
    cloudCalls: () => gcp.calls.length,
    cloudWrites: () => gcp.writeCalls().length,
    gate: async (firing) => gcp.setAlert(GATE_ALARM, firing ? 'OPEN' : 'CLOSED'),
    async cleanup() {
      await gcp.close();
      await project.cleanup();
    },
  };
}

describeDriverConformance('gcp', gcpHarness);
describeStreamTriggerUnsupported('gcp', 'gcp: { project: conf-project, region: europe-west1 }');
