/**
 * A network or minibatch its backend can never hold is refused before anything is allocated (a
 * 1024-10⁶-10⁶-9 network once filled a 4 GB first layer with draws for minutes, ≈ 7 GB of memory,
 * before its second layer failed), and a network whose buffers cannot all be allocated fails before
 * it draws a single weight, freeing what it had.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../../src/kernels/backend.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import { checkFits, weightFloats, workspaceFloats } from '../../../src/nn/sizes.ts';
import { availableBackends } from '../../helpers/backends.ts';

/** A backend that records its allocations and frees, and refuses the `failAt`-th allocation. */
function recording(inner: Backend, failAt = Infinity): Backend & { allocs: Float32Array[]; freed: Float32Array[] } {
  const allocs: Float32Array[] = [];
  const freed: Float32Array[] = [];
  return {
    ...inner,
    allocs,
    freed,
    alloc(n) {
      if (allocs.length + 1 >= failAt) throw new RangeError(`refused allocation ${allocs.length + 1}`);
      const b = inner.alloc(n);
      allocs.push(b);
      return b;
    },
    free(b) {
      freed.push(b);
      inner.free(b);
    },
  };
}

test('weightFloats and workspaceFloats count every buffer of a network and of its minibatch', () => {
  assert.equal(weightFloats([1024, 1000, 1000, 9]), 1024 * 1000 + 1000 + 1000 * 1000 + 1000 + 1000 * 9 + 9);
  // z^0, z^1, z^2 (every width but the last) and s, ∂C/∂s (every width but the first)
  assert.equal(workspaceFloats([5, 4, 3], 10), 10 * (5 + 4) + 2 * 10 * (4 + 3));
});

test('an impossible network or minibatch is refused before any allocation, on every backend', async () => {
  for (const { name, backend } of await availableBackends()) {
    const be = recording(backend);
    try {
      const t0 = performance.now();
      const huge = { widths: [1024, 1_000_000, 1_000_000, 9], activation: 'tanh', init: { name: 'standard' }, seed: 1 } as const;
      const needs = 'the weights of a 1024-1000000-1000000-9 network need 1,001,035,000,009 float32 values \\(4\\.0 TB\\)';
      assert.throws(() => new Mlp(be, huge), { name: 'RangeError', message: new RegExp(`^${needs}, more than the ${name} backend can hold`) });
      assert.equal(be.allocs.length, 0, `${name}: nothing allocated`);
      const mlp = new Mlp(be, { widths: [1024, 8, 9], activation: 'tanh', init: { name: 'standard' }, seed: 1 });
      const before = be.allocs.length;
      assert.throws(() => mlp.inputBuffers(1_000_000_000), {
        name: 'RangeError',
        message: /^the minibatch buffers of 1000000000 rows × widths 1024-8-9 and the weights need /,
      });
      assert.equal(be.allocs.length, before, `${name}: no minibatch buffer allocated`);
      mlp.dispose();
      assert.ok(performance.now() - t0 < 5000, `${name}: refused in ${performance.now() - t0} ms`);
    } finally {
      backend.dispose();
    }
  }
});

test('a network whose buffers cannot all be allocated draws no weight and frees what it had', () => {
  const be = recording(createReferenceBackend(), 3); // W^0 and b^0 succeed, W^1 is refused
  assert.throws(() => new Mlp(be, { widths: [6, 5, 4], activation: 'tanh', init: { name: 'normalized' }, seed: 1 }), { message: 'refused allocation 3' });
  assert.equal(be.allocs.length, 2);
  assert.ok(be.allocs[0]!.every((v) => v === 0), 'W^0 was never drawn');
  assert.deepEqual(be.freed, be.allocs, 'both buffers freed');
});

test('checkFits names the sizes and the backend, and accepts what fits', () => {
  const small = { ...createReferenceBackend(), name: 'wasm' as const, maxFloats: 1000 };
  checkFits(small, 1000, 'x');
  assert.throws(() => checkFits(small, 1001, 'the weights of a 10-100-1 network'), {
    name: 'RangeError',
    message: 'the weights of a 10-100-1 network need 1,001 float32 values (4.0 kB), more than the wasm backend can hold (4.0 kB, its 4 GiB memory)',
  });
});
