import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS, type ActivationName, activationOf } from '../../../src/core/activations.ts';
import type { Backend } from '../../../src/kernels/backend.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { createWasmBackend } from '../../../src/kernels/wasm/index.ts';
import { fillUniform, mulberry32 } from '../../helpers/random.ts';
import { kernelConformance, maxRelErr } from './conformance.ts';

const activate = (a: ActivationName, s: number): number => activationOf(a).f(s);
const derivative = (a: ActivationName, s: number): number => activationOf(a).df(s);

kernelConformance('wasm threads=1', () => createWasmBackend(1));
kernelConformance('wasm threads=2', () => createWasmBackend(2));
// every call large enough to split is split, so the small conformance shapes exercise the workers
kernelConformance('wasm threads=2, split every call', () =>
  createWasmBackend(2, { tuning: { minParallelFlops: 0, minParallelElements: 0 } }),
);
// the caller never blocks (a browser page's main thread), with workers that block at once
kernelConformance('wasm threads=2, caller spins, split every call', () =>
  createWasmBackend(2, { canBlock: false, tuning: { minParallelFlops: 0, minParallelElements: 0, spinWorker: 0 } }),
);
kernelConformance('wasm plain SIMD (no FMA)', () => createWasmBackend(1, { build: 'plain' }));

const ref = createReferenceBackend();

/** Runs `body` with a fresh backend and disposes it. */
async function withBackend<T>(make: Promise<Backend>, body: (be: Backend) => T): Promise<T> {
  const be = await make;
  try {
    return body(be);
  } finally {
    be.dispose();
  }
}

test('wasm: auto build is relaxed SIMD on this Node and says so in detail', async () => {
  await withBackend(createWasmBackend(1), (be) => {
    assert.equal(be.name, 'wasm');
    assert.match(be.detail, /relaxed SIMD/);
  });
  await withBackend(createWasmBackend(2, { build: 'plain' }), (be) => {
    assert.equal(be.threads, 2);
    assert.match(be.detail, /WebAssembly SIMD \(no FMA\), 1 worker thread/);
  });
});

test('wasm: buffers not from this backend are a TypeError', async () => {
  const other = await createWasmBackend(1);
  await withBackend(createWasmBackend(1), (be) => {
    const a = be.alloc(4);
    const c = be.alloc(4);
    assert.throws(() => be.gemm(false, false, 2, 2, 2, 1, a, new Float32Array(4), 0, c), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /gemm B is not in this wasm backend's memory/);
      return true;
    });
    assert.throws(() => be.gemm(false, false, 2, 2, 2, 1, a, other.alloc(4), 0, c), TypeError);
    assert.throws(() => be.colSum(a, 2, 2, 1, 0, new Float32Array(2)), /out is not in this wasm backend's memory/);
    assert.throws(() => be.softmaxNll(new Float32Array(2), Int32Array.of(0), 1, 2, null, 1), TypeError);
    assert.throws(() => be.free(new Float32Array(4)), TypeError);
    // a subarray of an own buffer is in this memory, so kernels accept it
    const big = be.alloc(8);
    big.set([1, 2, 3, 4, 5, 6, 7, 8]);
    be.colSum(big.subarray(4), 2, 2, 1, 0, c);
    assert.deepEqual(Array.from(c.subarray(0, 2)), [5 + 7, 6 + 8]);
  });
  other.dispose();
});

test('wasm: alloc is zero-filled, 64-byte aligned, reuses freed blocks; free checks its argument', async () => {
  await withBackend(createWasmBackend(1), (be) => {
    const a = be.alloc(1000);
    const b = be.alloc(3);
    const c = be.alloc(0);
    for (const v of [a, b, c]) assert.equal(v.byteOffset % 64, 0);
    assert.equal(c.length, 0);
    a.fill(7);
    const where = a.byteOffset;
    be.free(a);
    const again = be.alloc(900); // fits in the freed block: first fit gives it back
    assert.equal(again.byteOffset, where);
    assert.ok(again.every((v) => v === 0), 'reused memory is zero-filled');
    assert.throws(() => be.free(again.subarray(16)), /not a live block/);
    be.free(again);
    assert.throws(() => be.free(again), /not a live block/);
    assert.throws(() => be.alloc(-1), RangeError);
    assert.throws(() => be.alloc(1.5), RangeError);
  });
});

test('wasm: views stay valid when the memory grows, on the caller and on the worker', async () => {
  await withBackend(createWasmBackend(2, { tuning: { minParallelFlops: 0 } }), (be) => {
    const a = be.alloc(64 * 64);
    const b = be.alloc(64 * 64);
    const rand = mulberry32(3);
    fillUniform(a, rand);
    fillUniform(b, rand);
    const before = a.buffer;
    const huge = be.alloc(48 << 20); // 192 MiB: forces memory.grow
    assert.notEqual(huge.buffer, before, 'memory grew (a new SharedArrayBuffer object)');
    huge[huge.length - 1] = 5;
    const c = be.alloc(64 * 64); // after the growth
    const cRef = new Float32Array(64 * 64);
    be.gemm(false, true, 64, 64, 64, 1, a, b, 0, c); // old views + a new one, split over 2 threads
    ref.gemm(false, true, 64, 64, 64, 1, a, b, 0, cRef);
    assert.ok(maxRelErr(c, cRef) < 1e-5);
    assert.equal(huge[huge.length - 1], 5);
    be.free(huge);
  });
});

test('wasm: memory limit gives a RangeError naming the maximum', async () => {
  await withBackend(createWasmBackend(1, { maxMemoryPages: 64 }), (be) => {
    assert.throws(() => be.alloc(2 << 20), /cannot grow memory to \d+ bytes \(maximum 64 pages = 4 MiB\)/);
  });
});

/** The paper's shapes (batch B, 1000 wide): forward, backward (transB), fused update (transA). */
function paperCalls(be: Backend, batch: number, seed: number): Float32Array[] {
  const rand = mulberry32(seed);
  const z = fillUniform(be.alloc(batch * 1024), rand);
  const w = fillUniform(be.alloc(1024 * 1000), rand, -0.05, 0.05);
  const gs = fillUniform(be.alloc(batch * 1000), rand);
  const s = be.alloc(batch * 1000);
  const gz = be.alloc(batch * 1024);
  be.gemm(false, false, batch, 1000, 1024, 1, z, w, 0, s); // s = z·W
  be.gemm(false, true, batch, 1024, 1000, 1, gs, w, 0, gz); // ∂C/∂z = gs·Wᵀ
  be.gemm(true, false, 1024, 1000, batch, -0.01 / batch, z, gs, 1, w); // W ← W − ε/B · zᵀ·gs
  return [s, gz, w];
}

test('wasm: paper shapes agree with the reference (batch 10 and 128)', async () => {
  for (const batch of [10, 128]) {
    const expected = paperCalls(ref, batch, batch);
    for (const threads of [1, 2]) {
      await withBackend(createWasmBackend(threads), (be) => {
        const got = paperCalls(be, batch, batch);
        for (let i = 0; i < 3; i++) {
          const err = maxRelErr(got[i]!, expected[i]!);
          assert.ok(err < 1e-5, `batch ${batch}, threads ${threads}, output ${i}: ${err}`);
        }
      });
    }
  }
});

test('wasm: results are bit-identical run to run, and for 1 and 2 threads', async () => {
  const runs: Float32Array[][] = [];
  for (const threads of [2, 2, 1]) {
    await withBackend(createWasmBackend(threads), (be) => {
      const out = paperCalls(be, 128, 7).map((v) => Float32Array.from(v));
      const s = be.alloc(128 * 1000);
      s.set(out[0]!);
      const bias = fillUniform(be.alloc(1000), mulberry32(8));
      const z = be.alloc(128 * 1000);
      be.biasActivation('tanh', s, bias, z, 128, 1000);
      be.activationBackward('tanh', s, z, z, 128 * 1000);
      out.push(Float32Array.from(z));
      runs.push(out);
    });
  }
  for (let r = 1; r < runs.length; r++) {
    for (let i = 0; i < runs[0]!.length; i++) {
      assert.deepEqual(runs[r]![i], runs[0]![i], `run ${r}, output ${i}`);
    }
  }
});

test('wasm: gemm edge cases (k = 0, empty, beta = 0 ignores NaN, non-finite B in the dot kernel)', async () => {
  await withBackend(createWasmBackend(1), (be) => {
    const a = be.alloc(64 * 40);
    const b = be.alloc(64 * 40);
    const c = be.alloc(40 * 40);
    c.fill(2);
    be.gemm(false, false, 3, 5, 0, 1, a, b, 0.5, c); // k = 0: C ← beta·C
    assert.deepEqual(Array.from(c.subarray(0, 16)), [...Array(15).fill(1), 2]);
    be.gemm(false, false, 0, 5, 3, 1, a, b, 0, c); // m = 0: nothing
    assert.equal(c[0], 1);
    // transB with few rows (the dot kernel), k = 18 (not a multiple of 4): B's next row holds
    // ±Infinity right after each row's last element, and must never be read
    const m = 3, n = 4, k = 18;
    const rand = mulberry32(11);
    fillUniform(a, rand);
    const bt = be.alloc(n * k + 4);
    fillUniform(bt, rand);
    bt[n * k] = Infinity;
    const cw = be.alloc(m * n);
    cw.fill(NaN);
    const cr = new Float32Array(m * n);
    be.gemm(false, true, m, n, k, 1, a, bt, 0, cw);
    ref.gemm(false, true, m, n, k, 1, a, bt, 0, cr);
    assert.ok(maxRelErr(cw, cr) < 1e-6, `dot kernel ${maxRelErr(cw, cr)}`);
  });
});

test('wasm: gemm at the kernels’ block and tile boundaries agrees with the reference', async () => {
  // dot kernel (transB, m ≤ 128): k tails 1–3, two k blocks (KCD = 512), odd m and n; outer
  // kernel: m just past the dot limit, KC = 256 and MC = 130 boundaries, direct-B limit (20 rows)
  const shapes: Array<[number, number, number]> = [
    [1, 5, 17], [3, 7, 18], [2, 1, 19], [127, 5, 515], [128, 9, 1027], [129, 6, 33],
    [20, 17, 257], [21, 17, 257], [131, 9, 513], [261, 3, 40],
  ];
  await withBackend(createWasmBackend(2, { tuning: { minParallelFlops: 0 } }), (be) => {
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const rand = mulberry32(m * 31 + n * 7 + k);
          const a = fillUniform(be.alloc(m * k), rand);
          const b = fillUniform(be.alloc(k * n), rand);
          const c = fillUniform(be.alloc(m * n), rand);
          const cRef = Float32Array.from(c);
          be.gemm(transA, transB, m, n, k, 0.75, a, b, 1, c);
          ref.gemm(transA, transB, m, n, k, 0.75, a, b, 1, cRef);
          const err = maxRelErr(c, cRef) / Math.sqrt(k);
          assert.ok(err < 2e-6, `${m}×${n}×${k} transA=${transA} transB=${transB}: ${err}`);
          for (const v of [a, b, c]) be.free(v);
        }
      }
    }
  });
});

/**
 * f(s) or f′(s) from the wasm kernel vs float64 on a dense grid: max |x − y|/(1 + |y|) (absolute
 * for |y| ≤ 1, relative beyond, as in the conformance suite).
 */
function gridError(be: Backend, act: (typeof ACTIVATIONS)[number], lo: number, hi: number, which: 'f' | 'df'): number {
  const n = 200_003;
  const s = be.alloc(n);
  for (let i = 0; i < n; i++) s[i] = lo + ((hi - lo) * i) / (n - 1);
  const out = be.alloc(n);
  if (which === 'f') be.biasActivation(act, s, be.alloc(n), out, 1, n);
  else {
    const ones = be.alloc(n);
    ones.fill(1);
    be.activationBackward(act, s, ones, out, n);
  }
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const want = which === 'f' ? activate(act, s[i]!) : derivative(act, s[i]!);
    worst = Math.max(worst, Math.abs(out[i]! - want) / (1 + Math.abs(want)));
  }
  return worst;
}

test('wasm: vectorised f and f′ are within 3e-7 of float64 on a dense grid', async () => {
  for (const build of ['relaxed', 'plain'] as const) {
    await withBackend(createWasmBackend(1, { build }), (be) => {
      for (const act of ACTIVATIONS) {
        for (const which of ['f', 'df'] as const) {
          const err = Math.max(gridError(be, act, -12, 12, which), gridError(be, act, -0.7, 0.7, which));
          assert.ok(err < 3e-7, `${build} ${act} ${which}: max error ${err}`);
        }
      }
    });
  }
});

test('wasm: activations keep relative precision for tiny inputs and saturate cleanly', async () => {
  await withBackend(createWasmBackend(1), (be) => {
    const s = be.alloc(8);
    s.set([1e-8, -1e-8, 1e-30, Infinity, -Infinity, NaN, -90, 90]);
    const zero = be.alloc(8);
    const z = be.alloc(8);
    be.biasActivation('tanh', s, zero, z, 1, 8);
    assert.deepEqual(Array.from(z.subarray(0, 5)), [Math.fround(1e-8), Math.fround(-1e-8), Math.fround(1e-30), 1, -1]);
    assert.ok(Number.isNaN(z[5]!), 'NaN stays NaN');
    be.biasActivation('elu', s, zero, z, 1, 8);
    assert.equal(z[1], Math.fround(-1e-8), 'expm1 keeps relative precision');
    assert.equal(z[4], -1);
    be.biasActivation('sigmoid', s, zero, z, 1, 8);
    assert.deepEqual([z[3], z[4], z[7]], [1, 0, 1]);
    assert.ok(z[6]! > 0 && Math.abs(z[6]! / Math.exp(-90) - 1) < 1e-5, `σ(−90) = ${z[6]} keeps its relative precision`);
    be.biasActivation('softsign', s, zero, z, 1, 8);
    assert.deepEqual([z[3], z[4]], [1, -1]);
    // derivatives from s, not from z: tanh′(20) = 4e^−40 is tiny but not 0
    const g = be.alloc(2);
    const ones = be.alloc(2);
    ones.fill(1);
    const s2 = be.alloc(2);
    s2.set([20, -1000]);
    be.activationBackward('tanh', s2, ones, g, 2);
    assert.ok(Math.abs(g[0]! / (4 * Math.exp(-40)) - 1) < 1e-5, `tanh′(20) = ${g[0]}`);
    assert.equal(g[1], 0);
  });
});
