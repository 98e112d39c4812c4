import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { kernelConformance } from './conformance.ts';

kernelConformance('reference', async () => createReferenceBackend());

test('reference gemm: a hand-computed 2x2 product with transposes', () => {
  const be = createReferenceBackend();
  const a = Float32Array.of(1, 2, 3, 4); // [[1,2],[3,4]]
  const b = Float32Array.of(5, 6, 7, 8); // [[5,6],[7,8]]
  const c = new Float32Array(4);
  be.gemm(false, false, 2, 2, 2, 1, a, b, 0, c);
  assert.deepEqual(Array.from(c), [19, 22, 43, 50]);
  be.gemm(true, false, 2, 2, 2, 1, a, b, 0, c); // Aᵀ B = [[1,3],[2,4]]·B
  assert.deepEqual(Array.from(c), [26, 30, 38, 44]);
  be.gemm(false, true, 2, 2, 2, 1, a, b, 0, c); // A Bᵀ
  assert.deepEqual(Array.from(c), [17, 23, 39, 53]);
  c.fill(1);
  be.gemm(true, true, 2, 2, 2, 2, a, b, 3, c); // 2 AᵀBᵀ + 3
  assert.deepEqual(Array.from(c), [2 * 23 + 3, 2 * 31 + 3, 2 * 34 + 3, 2 * 46 + 3]);
  assert.throws(() => be.gemm(false, false, 2, 2, 3, 1, a, b, 0, c), /gemm A has 4 elements, needs at least 6/);
});
