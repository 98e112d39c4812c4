/**
 * How many float32 elements a network and its minibatch buffers take, and the guard that refuses a
 * size its backend can never hold before anything is allocated (a 1024-10⁶-10⁶-9 network once
 * filled a 4 GB first layer with draws, for minutes, before its second layer failed).
 */
import type { Backend } from '../kernels/backend.ts';

/** The weights and biases of a network of widths `[n_0 … n_L]`: Σ n_i·n_{i+1} + n_{i+1}. */
export function weightFloats(widths: readonly number[]): number {
  let floats = 0;
  for (let i = 0; i + 1 < widths.length; i++) floats += widths[i]! * widths[i + 1]! + widths[i + 1]!;
  return floats;
}

/**
 * The minibatch buffers of `rows` examples: z^0 … z^{L−1} (every width but the last), and s and
 * ∂C/∂s (every width but the first).
 */
export function workspaceFloats(widths: readonly number[], rows: number): number {
  let floats = 0;
  for (let i = 0; i + 1 < widths.length; i++) floats += rows * (widths[i]! + 2 * widths[i + 1]!);
  return floats;
}

/**
 * Refuses `floats` float32 elements that `backend` can never hold ({@link Backend.maxFloats}).
 * @param what what they are for, e.g. `the weights of a 1024-1000-9 network`.
 * @throws RangeError `cannot allocate the weights of a …: 4.0 TB, more than the wasm backend can
 *   hold (4.3 GB)` when they do not fit.
 */
export function checkFits(backend: Backend, floats: number, what: string): void {
  if (floats <= backend.maxFloats) return;
  const held = backend.name === 'wasm' ? 'its 4 GiB memory' : "this machine's memory";
  throw new RangeError(
    `${what} need ${floats.toLocaleString('en-US')} float32 values (${bytesText(4 * floats)}), more than the ${backend.name} ` +
      `backend can hold (${bytesText(4 * backend.maxFloats)}, ${held})`,
  );
}

/** `n` bytes as a short human figure, e.g. `409.6 GB`. */
export function bytesText(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${n.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
