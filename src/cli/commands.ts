/** The list of sub-command groups. Each `register*` adds its commands to the program. */
import type { Command } from 'commander';
import { registerInfoCommands } from './info.ts';
import { registerStoreCommands } from './store.ts';
import { registerTrainCommands } from './train.ts';

/** Adds every sub-command to `program`. */
export function registerCommands(program: Command): void {
  registerTrainCommands(program);
  registerInfoCommands(program);
  registerStoreCommands(program);
}
