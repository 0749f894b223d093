// CLI: node dist/test/emulators/gcp/main.js [--port 8085] [--project fnx-test] [--faults 0.2]
//      [--fault-kinds unavailable,exhausted] [--seed N] [--operation-polls N] [--operation-ms 5000].
// Prints the listening URL and the environment for fnx, runs until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startGcpEmulator } from './index.js';
import { ALL_FAULT_KINDS } from './faults.js';
import type { FaultKind } from './types.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8085' },
      project: { type: 'string', default: 'fnx-test' },
      faults: { type: 'string', default: '0' },
      'fault-kinds': { type: 'string' },
      seed: { type: 'string', default: '1' },
      'operation-polls': { type: 'string' },
      'operation-ms': { type: 'string' },
    },
  });
  const rate = Number(values.faults);
  const kinds = values['fault-kinds']?.split(',').map((k) => k.trim()) as FaultKind[] | undefined;
  const bad = kinds?.filter((k) => !ALL_FAULT_KINDS.includes(k)) ?? [];
  if (!(rate >= 0 && rate <= 1) || bad.length) {
    process.stderr.write(`invalid fault options: --faults must be within 0..1, --fault-kinds within ${ALL_FAULT_KINDS.join(',')}\n`);
    process.exit(2);
  }
  const emulator = await startGcpEmulator({
    port: Number(values.port),
    projectId: values.project,
    faults: rate > 0 ? { rate, kinds, seed: Number(values.seed) } : undefined,
    operationPolls: values['operation-polls'] ? Number(values['operation-polls']) : undefined,
    operationMs: values['operation-ms'] ? Number(values['operation-ms']) : undefined,
  });
  process.stdout.write(`Google Cloud emulator listening on ${emulator.url}\n`);
  for (const [k, v] of Object.entries(emulator.env())) process.stdout.write(`${k}=${v}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Google Cloud emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
