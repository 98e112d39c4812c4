/** The list of sub-command groups. Each `register*` adds its commands to the program. */
import type { Command } from 'commander';
import { registerDataCommands } from './data.ts';
import { registerInfoCommands } from './info.ts';
import { registerStoreCommands } from './store.ts';
import { registerTrainCommands } from './train.ts';
import { registerReproduceCommands } from './reproduce.ts';
import { registerSnapshotCommand } from './snapshot.ts';
import { registerInteropCommands } from './interop.ts';
import { registerServeCommands } from './serve.ts';

/** Adds every sub-command to `program`. */
export function registerCommands(program: Command): void {
  registerReproduceCommands(program);
  registerTrainCommands(program);
  registerDataCommands(program);
  registerInfoCommands(program);
  registerStoreCommands(program);
  registerSnapshotCommand(program);
  registerInteropCommands(program);
  registerServeCommands(program);
}
