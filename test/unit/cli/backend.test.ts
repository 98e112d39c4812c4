/** --backend/--threads and GLOROT_BACKEND/GLOROT_THREADS: read once, by the CLI, each bad value named by where it came from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendRequest, DEFAULT_THREADS, MAX_THREADS } from '../../../src/cli/backend.ts';

test('a flag wins over its variable, an empty variable counts as unset, nothing given is auto with one thread', () => {
  assert.deepEqual(backendRequest({}, {}), { name: 'auto', threads: DEFAULT_THREADS });
  assert.deepEqual(backendRequest({}, { GLOROT_BACKEND: '', GLOROT_THREADS: '' }), { name: 'auto', threads: 1 });
  assert.deepEqual(backendRequest({}, { GLOROT_BACKEND: 'wasm', GLOROT_THREADS: '2' }), { name: 'wasm', threads: 2 });
  assert.deepEqual(backendRequest({ backend: 'reference', threads: '3' }, { GLOROT_BACKEND: 'wasm', GLOROT_THREADS: '2' }), { name: 'reference', threads: 3 });
  // a bad variable is not read when the flag is given
  assert.deepEqual(backendRequest({ backend: 'native', threads: '1' }, { GLOROT_BACKEND: 'gpu', GLOROT_THREADS: 'many' }), { name: 'native', threads: 1 });
});

test('a bad backend or thread count names the flag or the variable, what was expected and what was found', () => {
  const threads = `a whole number of threads from 1 to ${MAX_THREADS}`;
  for (const [flags, env, message] of [
    [{ backend: 'gpu' }, {}, '--backend: expected one of auto, native, wasm, reference, found "gpu"'],
    [{}, { GLOROT_BACKEND: 'gpu' }, 'GLOROT_BACKEND: expected one of auto, native, wasm, reference, found "gpu"'],
    [{ threads: '0' }, {}, `--threads: expected ${threads}, found "0"`],
    [{ threads: '1.5' }, {}, `--threads: expected ${threads}, found "1.5"`],
    [{ threads: ' ' }, {}, `--threads: expected ${threads}, found " "`],
    [{}, { GLOROT_THREADS: '65' }, `GLOROT_THREADS: expected ${threads}, found "65"`],
    [{}, { GLOROT_THREADS: 'abc' }, `GLOROT_THREADS: expected ${threads}, found "abc"`],
  ] as const) {
    assert.throws(() => backendRequest(flags, env), { name: 'InvalidInputError', message }, message);
  }
});
