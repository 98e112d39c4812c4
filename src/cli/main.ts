/**
 * The `glorot` command line (commander). Each concern registers its own sub-commands from its own
 * file in src/cli/, so this file only wires them together.
 */
import { Command, CommanderError } from 'commander';
import { glorotVersion } from '../core/version.ts';
import { registerCommands } from './commands.ts';
import { exitStatus } from './exit.ts';
import { errorText, trackCommands } from './flags.ts';
import { COMMANDER_OUTPUT, printError } from './terminal.ts';

// `glorot runs | head`: a closed pipe ends the command quietly, as Unix tools do
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

const program = new Command();
program
  .name('glorot')
  .description(
    'Reproduce and extend Glorot & Bengio (2010): train deep feed-forward nets and watch every layer\'s ' +
      'activations and gradients.',
  )
  .version(`glorot ${glorotVersion()}`, '-V, --version', 'print the version and exit')
  .configureOutput(COMMANDER_OUTPUT)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

trackCommands(program);
registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // commander has printed its own message (or the help, or the version)
  if (!(e instanceof CommanderError)) {
    printError(`glorot: ${errorText(e)}`);
    if (process.env['GLOROT_DEBUG'] && e instanceof Error) printError(e.stack ?? e.message);
  }
  process.exitCode = exitStatus(e);
}
