/**
 * Real run records for the web app's tests: `glorot train` in a child process, as a user runs it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'glorot.js');

/** A small, quick Shapeset network: 3 hidden layers of 16, 50 probe examples, 100-example splits. */
export const SMALL = ['--depth', '3', '--width', '16', '--probe-size', '50', '--validation-size', '100', '--test-size', '100', '--jacobian-examples', '2'];

/**
 * Runs `glorot train` to the end.
 * @param args the flags after `train` (add `--out`).
 * @throws Error with the output when it exits non-zero.
 */
export function train(args: readonly string[]): void {
  const r = spawnSync(process.execPath, [BIN, 'train', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GLOROT_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`glorot train ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
}

/** Starts `glorot train` in the background; the caller kills it (SIGTERM writes a checkpoint). */
export function startTrain(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [BIN, 'train', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GLOROT_THREADS: '1' } });
}

/**
 * An image folder of `classes` (sub-folder names, used as given) with `perClass` 8×8 grey PNGs each
 * (class i's images get brightness ∝ i, plus a pixel pattern per image).
 * @returns the folder.
 */
export function imageFolder(dir: string, classes: readonly string[], perClass = 6): string {
  classes.forEach((name, c) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (let k = 0; k < perClass; k++) {
      const png = new PNG({ width: 8, height: 8 });
      for (let p = 0; p < 64; p++) {
        const v = Math.min(255, 40 + 90 * c + ((p * (k + 3)) % 50));
        png.data.set([v, v, v, 255], p * 4);
      }
      writeFileSync(join(dir, name, `img${k}.png`), PNG.sync.write(png));
    }
  });
  return dir;
}
