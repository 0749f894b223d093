// CLI: node dist/test/emulators/aws/main.js [--port 4566] [--faults 0.2] [--fault-kinds k1,k2] [--seed N]
//      [--slow-ms N] [--async-delay-ms N] [--routing-seed N]. Prints the listening URL and runs until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startAwsEmulator } from './index.js';
import { ALL_FAULT_KINDS } from './faults.js';
import type { FaultKind } from './types.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4566' },
      faults: { type: 'string', default: '0' },
      'fault-kinds': { type: 'string' },
      seed: { type: 'string', default: '1' },
      'slow-ms': { type: 'string' },
      'async-delay-ms': { type: 'string' },
      'routing-seed': { type: 'string' },
    },
  });
  const rate = Number(values.faults);
  const kinds = values['fault-kinds']?.split(',').map((k) => k.trim()) as FaultKind[] | undefined;
  const bad = kinds?.filter((k) => !ALL_FAULT_KINDS.includes(k)) ?? [];
  if (!(rate >= 0 && rate <= 1) || bad.length) {
    process.stderr.write(`invalid fault options: --faults must be within 0..1, --fault-kinds within ${ALL_FAULT_KINDS.join(',')}\n`);
    process.exit(2);
  }
  const emulator = await startAwsEmulator({
    port: Number(values.port),
    faults: rate > 0 ? { rate, kinds, seed: Number(values.seed), slowMs: values['slow-ms'] ? Number(values['slow-ms']) : undefined } : undefined,
    asyncDelayMs: values['async-delay-ms'] ? Number(values['async-delay-ms']) : undefined,
    routingSeed: values['routing-seed'] ? Number(values['routing-seed']) : undefined,
  });
  process.stdout.write(`AWS emulator listening on ${emulator.url}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`AWS emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
