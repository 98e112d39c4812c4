/** `glorot backend`: which compute backend would be used here, and why. */
import type { Command } from 'commander';
import { createBackend, describeBackend } from '../kernels/index.ts';
import { addBackendOptions, type BackendFlags, backendRequest } from './backend.ts';
import { asUsage } from './exit.ts';
import { print } from './terminal.ts';

/** Registers `glorot backend`. */
export function registerInfoCommands(program: Command): void {
  addBackendOptions(program.command('backend').description('print the compute backend that would be used (native, wasm or reference) and its threads'))
    .action(async (flags: BackendFlags) => {
      const request = asUsage(() => backendRequest(flags));
      const be = await createBackend(request);
      print(describeBackend(be));
      be.dispose();
    });
}
