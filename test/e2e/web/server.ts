/**
 * `glorot serve` in a child process for the web app's tests and benchmark: started on a free port,
 * its URL read from the first line it prints, stopped with SIGTERM; and `glorot serve --export`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './record.ts';

/** The glorot executable (GLOROT_BIN overrides it, e.g. to try another checkout's server). */
export const GLOROT_BIN = process.env['GLOROT_BIN'] ?? join(ROOT, 'bin', 'glorot.js');

/** A running `glorot serve`. */
export interface Served {
  /** The dashboard's URL, ending in `/`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `glorot serve --out outDir --port 0` and waits (≤ timeoutMs) for its URL.
 * @param prefix a command that runs the server, e.g. `['setpriv', '--reuid=nobody', …]` (none: node itself).
 * @throws Error with the server's output when it exits or prints no URL in time.
 */
export function serve(outDir: string, timeoutMs = 60_000, prefix: readonly string[] = []): Promise<Served> {
  const cmd = [...prefix, process.execPath, GLOROT_BIN, 'serve', '--out', outDir, '--port', '0'];
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`glorot serve --out ${outDir}: ${why}\n${out}`));
    };
    const timer = setTimeout(() => fail(`no URL after ${timeoutMs} ms`), timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /https?:\/\/[^\s]+\//.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => (out += more.toString()));
      resolve({
        url: m[0],
        child,
        output: () => out,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => fail(`exited with ${code}`));
  });
}

/**
 * Runs `glorot serve --out outDir --export dir`, as a user exports the dashboard.
 * @returns the file:// URL of the exported page.
 * @throws Error with the command's output when it exits non-zero.
 */
export function exportDashboard(outDir: string, dir: string): string {
  const r = spawnSync(process.execPath, [GLOROT_BIN, 'serve', '--out', outDir, '--export', dir], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`glorot serve --out ${outDir} --export ${dir} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return `file://${join(dir, 'index.html')}`;
}
