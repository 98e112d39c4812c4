/** Checks shared by the training streams: seeds, minibatch buffers and saved states. */

/** @throws RangeError unless `seed` is a safe integer. */
export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`training stream seed: expected an integer, found ${String(seed)}`);
}

/**
 * Checks a minibatch request of `rows` examples of `inputSize` inputs.
 * @throws RangeError naming the buffer that is too small, or the bad `rows`.
 */
export function checkBatch(x: Float32Array, y: Int32Array, rows: number, inputSize: number): void {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`next(): rows must be a positive integer, found ${String(rows)}`);
  if (x.length < rows * inputSize) {
    throw new RangeError(`next(): x needs ${rows}×${inputSize} = ${rows * inputSize} floats, found ${x.length}`);
  }
  if (y.length < rows) throw new RangeError(`next(): y needs ${rows} labels, found ${y.length}`);
}

/**
 * Reads a saved stream state as a record and checks that it belongs to this stream.
 * @param expected the fields that must match exactly (kind, dataset, seed, …).
 * @throws Error naming the first field that differs, or saying the state is not an object.
 */
export function checkState(state: unknown, expected: Record<string, string | number>): Record<string, unknown> {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new Error(`training stream state: expected an object from getState(), found ${JSON.stringify(state) ?? String(state)}`);
  }
  const s = state as Record<string, unknown>;
  for (const [key, want] of Object.entries(expected)) {
    if (s[key] !== want) {
      throw new Error(
        `training stream state: ${key} is ${JSON.stringify(s[key]) ?? 'missing'} but this stream's is ${JSON.stringify(want)} ` +
          '(a state from another dataset or seed cannot be resumed here)',
      );
    }
  }
  return s;
}

/**
 * A non-negative integer field of a saved state, at most `max`.
 * @throws Error naming the field and the value found.
 */
export function stateInteger(s: Record<string, unknown>, key: string, max: number): number {
  const v = s[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new Error(`training stream state: ${key}: expected an integer from 0 to ${max}, found ${JSON.stringify(v) ?? 'nothing'}`);
  }
  return v;
}
