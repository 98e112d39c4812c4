/** `glorot backend`: which compute backend would be used here, and why. */
import type { Command } from 'commander';
import { createBackend, describeBackend, parseBackendName, parseThreads } from '../kernels/index.ts';

/** Registers `glorot backend`. */
export function registerInfoCommands(program: Command): void {
  program
    .command('backend')
    .description('print the compute backend that would be used (native, wasm or reference) and its threads')
    .option('--backend <name>', 'auto | native | wasm | reference (default: $GLOROT_BACKEND or auto)')
    .option('--threads <n>', 'kernel threads (default: $GLOROT_THREADS or 1)')
    .action(async (opts: { backend?: string; threads?: string }) => {
      const be = await createBackend({
        ...(opts.backend !== undefined ? { name: parseBackendName(opts.backend, '--backend') } : {}),
        ...(opts.threads !== undefined ? { threads: parseThreads(opts.threads, '--threads') } : {}),
      });
      console.log(describeBackend(be));
      be.dispose();
    });
}
