/**
 * The conformance suite against the Azure Functions driver on both plans, talking to the local
 * Azure emulator (ARM, Entra ID token endpoint, scm) started in-process. Flex Consumption is the
 * `replace` traffic model, Elastic Premium the `slot` model. Each runner is a new createDriver()
 * over the same emulator; the driver reads endpoint and credentials from the emulator's env only.
 */
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { createDriver } from '../../providers/azure/index.js';
import { startAzureEmulator } from '../emulators/azure/index.js';
import { GATE_ALARM } from './harness.js';
import { conformanceProject } from './project.js';
import { describeDriverConformance, type ConformanceHarness } from './suite.js';
import { describeStreamTriggerUnsupported } from './trigger-cases.js';

function azureHarness(plan: 'flex' | 'premium'): () => Promise<ConformanceHarness> {
  return async () => {
    const emu = await startAzureEmulator();
    setDefaultCACertificates([...getCACertificates('default'), emu.caPem]);
    const env = emu.env();
    const project = await conformanceProject(`azure: { resourceGroup: conf-rg, location: westeurope, plan: ${plan} }`, 'conf', env);
    const make = () => createDriver(project.manifest, env);
    return {
      manifest: () => project.manifest,
      artifacts: (revision) => project.artifacts(revision),
      driver: make(),
      freshDriver: make,
      cloudCalls: () => emu.calls.length,
      cloudWrites: () => emu.writeCalls().length,
      gate: async (firing) => emu.setAlertState(GATE_ALARM, firing ? 'Unhealthy' : 'Healthy'),
      async cleanup() {
        await emu.close();
        await project.cleanup();
      },
    };
  };
}

describeDriverConformance('azure flex', azureHarness('flex'));
describeDriverConformance('azure premium', azureHarness('premium'));
describeStreamTriggerUnsupported('azure', 'azure: { resourceGroup: conf-rg, location: westeurope, plan: flex }');
