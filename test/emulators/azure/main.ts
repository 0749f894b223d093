// CLI: node dist/test/emulators/azure/main.js [--port 0] [--faults 0.2] [--fault-kinds k1,k2] [--seed N]
//      [--slow-ms N] [--async-delay-ms N] [--deploy-delay-ms N]. Prints the ARM URL, then the
//      environment a client needs (KEY=value lines, secrets included: they are the emulator's fixed
//      test values), and runs until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startAzureEmulator } from './index.js';
import { ALL_FAULT_KINDS } from './faults.js';
import type { FaultKind } from './types.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      faults: { type: 'string', default: '0' },
      'fault-kinds': { type: 'string' },
      seed: { type: 'string', default: '1' },
      'slow-ms': { type: 'string' },
      'async-delay-ms': { type: 'string' },
      'deploy-delay-ms': { type: 'string' },
    },
  });
  const rate = Number(values.faults);
  const kinds = values['fault-kinds']?.split(',').map((k) => k.trim()) as FaultKind[] | undefined;
  const bad = kinds?.filter((k) => !ALL_FAULT_KINDS.includes(k)) ?? [];
  if (!(rate >= 0 && rate <= 1) || bad.length) {
    process.stderr.write(`invalid fault options: --faults must be within 0..1, --fault-kinds within ${ALL_FAULT_KINDS.join(',')}\n`);
    process.exit(2);
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const emulator = await startAzureEmulator({
    port: Number(values.port),
    faults: rate > 0 ? { rate, kinds, seed: Number(values.seed), slowMs: num(values['slow-ms']) } : undefined,
    asyncDelayMs: num(values['async-delay-ms']),
    deployDelayMs: num(values['deploy-delay-ms']),
  });
  process.stdout.write(`Azure emulator listening on ${emulator.armUrl}\n`);
  for (const [k, v] of Object.entries(emulator.env())) process.stdout.write(`${k}=${v}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Azure emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
