/** `glorot serve`: the live dashboard over an output directory's run record (src/serve), or its static snapshot. */
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { databasePath, DEFAULT_OUT_DIR } from '../store/paths.ts';
import { pathArg, wholeNumberArg } from './flags.ts';
import { print, printError } from './terminal.ts';

/** The options of `glorot serve` as commander parses them. */
interface ServeCliOptions {
  readonly out: string;
  readonly host: string;
  readonly port: number;
  readonly export?: string;
}

/** `--host`: refuses an empty address, which Node would take as every address of the machine (no warning would name it). */
function hostArg(v: string): string {
  if (v.trim() === '') throw new InvalidArgumentError('--host is empty: expected an address or name, e.g. 127.0.0.1 (the default), ::1 or 0.0.0.0');
  return v;
}

/** Adds `glorot serve` to `program`. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve a live dashboard of the run record (read-only): runs, every layer over training, Table 1 and the checks')
    .option('--out <dir>', 'output directory holding glorot.sqlite', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
    .option('--host <address>', 'address to listen on; anything but a loopback address exposes the record to the network', hostArg, '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', wholeNumberArg(0, 65535), 0)
    .option('--export <dir>', 'instead of serving, write the dashboard with its data embedded to <dir> (opens from disk, no server)',
      pathArg('--export', 'a directory'))
    .action(async (o: ServeCliOptions) => {
      // loaded here: the server and the report's checks are not needed by the other commands
      const { exportSnapshot, isLoopbackHost, isUnspecifiedHost, startServer } = await import('../serve/index.ts');
      if (o.export !== undefined) {
        const r = exportSnapshot({ outDir: o.out, exportDir: o.export });
        if (r.webAppMissing !== null) printError(`glorot serve --export: ${r.webAppMissing}`);
        print(`snapshot of ${databasePath(o.out)}: ${join(o.export, 'index.html')} (${r.paths.length} API answers in data.js)`);
        return;
      }
      if (isUnspecifiedHost(o.host)) {
        printError(`warning: --host ${o.host} listens on every address of this machine, so the dashboard is reachable from the ` +
          'network: whoever can reach this machine can read the run record (read-only) and see its paths; use the default ' +
          '127.0.0.1 unless you mean it (the URL below is this machine\'s own)');
      } else if (!isLoopbackHost(o.host)) {
        printError(`warning: --host ${o.host} is not a loopback address: whoever can reach this machine can read the run record ` +
          '(read-only) and see its paths; use the default 127.0.0.1 unless you mean it');
      }
      const server = await startServer({ outDir: o.out, host: o.host, port: o.port });
      if (server.webAppMissing !== null) printError(`glorot serve: ${server.webAppMissing}`);
      print(`glorot serve: ${server.url}`);
      print(server.recordMode === 'immutable'
        ? `  record ${databasePath(o.out)}, read as an immutable file: its directory cannot be written, so no run can be writing to it; Ctrl-C stops`
        : `  record ${databasePath(o.out)}, read-only; Ctrl-C stops`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
