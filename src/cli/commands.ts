/** The list of sub-command groups. Each `register*` adds its commands to the program. */
import type { Command } from 'commander';
import { registerInfoCommands } from './info.ts';

/** Adds every sub-command to `program`. */
export function registerCommands(program: Command): void {
  registerInfoCommands(program);
}
