/**
 * The native (N-API + OpenBLAS) backend: the conformance suite at 1 and 2 threads, plus what is
 * specific to it: accuracy of the vectorised activations over a dense grid, non-finite inputs,
 * determinism, argument errors, singular values, and the "not built" path.
 *
 * When build/native/glorot.node is missing, these tests skip, except under GLOROT_REQUIRE_NATIVE=1
 * (CI sets it, because CI installs libopenblas-dev) where they fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix, SVD } from 'ml-matrix';
import { ACTIVATIONS, type ActivationName, activationOf } from '../../../src/core/activations.ts';
import { BackendUnavailableError } from '../../../src/kernels/backend.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import {
  createNativeBackend,
  nativeAvailable,
  nativeInfo,
  singularValues,
} from '../../../src/kernels/native/index.ts';
import { kernelConformance, maxRelErr } from './conformance.ts';
import { fillUniform, mulberry32 } from '../../helpers/random.ts';

const activate = (a: ActivationName, s: number): number => activationOf(a).f(s);
const derivative = (a: ActivationName, s: number): number => activationOf(a).df(s);
const SKIP = 'native addon not built: apt-get install libopenblas-dev && npm run build';
const available = nativeAvailable();
const required = process.env['GLOROT_REQUIRE_NATIVE'] === '1';

// The "not built" path runs everywhere: it needs no addon.
test('native: a missing addon gives BackendUnavailableError saying how to build it', async () => {
  const missing = join(tmpdir(), 'glorot-no-such-dir', 'glorot.node');
  await assert.rejects(createNativeBackend(1, { addonPath: missing }), (e: unknown) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.equal(e.backend, 'native');
    assert.match(e.message, /not built/);
    assert.match(e.message, /apt-get install -y libopenblas-dev && npm run build/);
    return true;
  });
  assert.equal(nativeAvailable(missing), false);
  assert.throws(() => singularValues(new Float64Array(1), 1, 1, missing), BackendUnavailableError);
});

test('native: a file that is not a loadable addon gives BackendUnavailableError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-native-'));
  try {
    const bogus = join(dir, 'glorot.node');
    writeFileSync(bogus, 'not a shared object');
    await assert.rejects(createNativeBackend(1, { addonPath: bogus }), (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError);
      assert.match(e.message, /could not be loaded/);
      assert.match(e.message, /apt-get install -y libopenblas-dev && npm run build/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

if (!available) {
  if (required) {
    test('native addon is built (GLOROT_REQUIRE_NATIVE=1)', () => {
      assert.fail(`GLOROT_REQUIRE_NATIVE=1 but the native addon does not load: ${SKIP}`);
    });
  } else {
    test('native backend', { skip: SKIP }, () => {});
  }
} else {
  kernelConformance('native, 1 thread', () => createNativeBackend(1));
  kernelConformance('native, 2 threads', () => createNativeBackend(2));
  nativeSpecificTests();
}

/** float64 derivative without the cancellation of y(1−y) and 1−tanh² deep in saturation. */
function accurateDerivative(name: ActivationName, s: number): number {
  if (name === 'sigmoid') {
    const e = Math.exp(-Math.abs(s));
    return e / ((1 + e) * (1 + e));
  }
  if (name === 'tanh') {
    const e = Math.exp(-2 * Math.abs(s));
    return (4 * e) / ((1 + e) * (1 + e));
  }
  return derivative(name, s);
}

function nativeSpecificTests(): void {
  test('native: detail names OpenBLAS, its core and the SIMD level', async () => {
    const be = await createNativeBackend(1);
    const info = nativeInfo();
    assert.equal(be.name, 'native');
    assert.equal(be.threads, 1);
    assert.match(be.detail, /^OpenBLAS \d+\.\d+\.\d+, core \S+ \(.*\), elementwise /);
    assert.ok(info.corename.length > 0 && be.detail.includes(`core ${info.corename}`), be.detail);
    assert.match(info.config, /OpenBLAS/);
    assert.match(info.simd, /x86-64|compiler default/);
    assert.equal(info.threads, 1, 'openblas_set_num_threads(1) took effect');
    const be2 = await createNativeBackend(2);
    assert.equal(be2.threads, 2);
    assert.equal(nativeInfo().threads, 2);
  });

  test('native: activations and derivatives over a dense grid are float32-accurate', async () => {
    const be = await createNativeBackend(1);
    // [−100, 100] in steps of 5e-4, plus ±10^-12 … 10^0 (where tanh(x) ≈ x and expm1 must not cancel)
    const grid: number[] = [];
    for (let i = 0; i <= 400000; i++) grid.push(-100 + i * 5e-4);
    for (let i = 0; i <= 1000; i++) grid.push(10 ** (-12 + i * 0.012), -(10 ** (-12 + i * 0.012)));
    const n = grid.length;
    const s = Float32Array.from(grid);
    const z = new Float32Array(n);
    const gs = new Float32Array(n);
    const ones = new Float32Array(n).fill(1);
    // abs: max |f − ref| / (1 + |ref|); rel: max |f' − ref| / |ref| where ref is a normal float32
    const limits: Record<ActivationName, { f: number; d: number }> = {
      sigmoid: { f: 2e-7, d: 5e-7 },
      tanh: { f: 4e-7, d: 5e-7 }, // 2.7e-7 with FMA (AVX2/AVX-512 clones), 3.3e-7 on the SSE2 baseline
      softsign: { f: 2e-7, d: 5e-7 },
      relu: { f: 0, d: 0 },
      leaky_relu: { f: 1.2e-7, d: 1e-7 },
      elu: { f: 2e-7, d: 5e-7 },
      selu: { f: 2e-7, d: 5e-7 },
      linear: { f: 0, d: 0 },
    };
    for (const act of ACTIVATIONS) {
      const sa = Float32Array.from(s);
      be.biasActivation(act, sa, new Float32Array(n), z, 1, n);
      be.activationBackward(act, sa, ones, gs, n);
      let worstF = 0;
      let worstD = 0;
      for (let i = 0; i < n; i++) {
        const y = activate(act, sa[i]!);
        worstF = Math.max(worstF, Math.abs(z[i]! - y) / (1 + Math.abs(y)));
        const d = accurateDerivative(act, sa[i]!);
        if (d > 1.2e-38) worstD = Math.max(worstD, Math.abs(gs[i]! - d) / d);
      }
      assert.ok(worstF <= limits[act].f, `${act}: f error ${worstF}`);
      assert.ok(worstD <= limits[act].d, `${act}: f' relative error ${worstD}`);
    }
  });

  test('native: non-finite inputs follow activations.ts (±Infinity limits, NaN as the reference)', async () => {
    const be = await createNativeBackend(1);
    const inputs = [Infinity, -Infinity, NaN, 3e38, -3e38, 1000, -1000, 90, -90, 0, -0];
    for (const act of ACTIVATIONS) {
      const s = Float32Array.from(inputs);
      const z = new Float32Array(inputs.length);
      const gs = new Float32Array(inputs.length);
      be.biasActivation(act, s, new Float32Array(inputs.length), z, 1, inputs.length);
      be.activationBackward(act, s, new Float32Array(inputs.length).fill(1), gs, inputs.length);
      inputs.forEach((v, i) => {
        const y = Math.fround(activate(act, v));
        const d = Math.fround(accurateDerivative(act, v));
        if (Number.isNaN(y)) assert.ok(Number.isNaN(z[i]!), `${act}(${v}) is NaN`);
        else assert.ok(z[i] === y || Math.abs(z[i]! - y) <= 2e-7 * (1 + Math.abs(y)), `${act}(${v}) = ${z[i]} vs ${y}`);
        if (Number.isNaN(d)) assert.ok(Number.isNaN(gs[i]!), `${act}'(${v}) is NaN`);
        else assert.ok(gs[i] === d || Math.abs(gs[i]! - d) <= 2e-7 * Math.abs(d) + 1e-44, `${act}'(${v}) = ${gs[i]} vs ${d}`);
      });
    }
  });

  test('native: kernels leave elements past rows*cols untouched, aliasing as documented', async () => {
    const be = await createNativeBackend(1);
    const c = new Float32Array(12).fill(7);
    be.gemm(false, false, 2, 2, 2, 1, Float32Array.of(1, 2, 3, 4, 99), Float32Array.of(5, 6, 7, 8, 99), 0, c);
    assert.deepEqual(Array.from(c), [19, 22, 43, 50, 7, 7, 7, 7, 7, 7, 7, 7]);
    const s = Float32Array.of(-1, 0, 1, 2, 5, 5);
    const z = new Float32Array(6).fill(9);
    be.biasActivation('relu', s, Float32Array.of(0.5, -0.5), z, 2, 2);
    assert.deepEqual(Array.from(s), [-0.5, -0.5, 1.5, 1.5, 5, 5]);
    assert.deepEqual(Array.from(z), [0, 0, 1.5, 1.5, 9, 9]);
    // linear may run in place; gs may alias gz
    const sl = Float32Array.of(1, 2, 3, 4);
    be.biasActivation('linear', sl, Float32Array.of(10, 20), sl, 2, 2);
    assert.deepEqual(Array.from(sl), [11, 22, 13, 24]);
    const g = Float32Array.of(2, 2, 2);
    be.activationBackward('leaky_relu', Float32Array.of(1, -1, 3), g, g, 3);
    assert.deepEqual(Array.from(g), [2, Math.fround(0.02), 2]);
    // degenerate shapes: k = 0 gives C ← beta·C (and beta = 0 gives 0); m = 0 touches nothing
    const c0 = Float32Array.of(1, 2, NaN, 4);
    be.gemm(false, false, 1, 2, 0, 1, new Float32Array(0), new Float32Array(0), 2, c0.subarray(0, 2));
    assert.deepEqual(Array.from(c0.subarray(0, 2)), [2, 4]);
    be.gemm(true, true, 2, 2, 0, 1, new Float32Array(0), new Float32Array(0), 0, c0);
    assert.deepEqual(Array.from(c0), [0, 0, 0, 0]);
    be.gemm(false, false, 0, 5, 5, 1, new Float32Array(0), new Float32Array(25), 0, new Float32Array(0));
  });

  test('native: clear errors for wrong lengths, types and dimensions', async () => {
    const be = await createNativeBackend(1);
    const a = new Float32Array(4);
    const c = new Float32Array(4);
    assert.throws(() => be.gemm(false, false, 2, 2, 3, 1, a, new Float32Array(6), 0, c), {
      name: 'RangeError',
      message: 'gemm A has 4 elements, needs at least 6',
    });
    assert.throws(() => be.gemm(false, false, 2, 2, 2, 1, a, a, 0, new Float32Array(3)), /gemm C has 3 elements, needs at least 4/);
    assert.throws(
      () => be.gemm(false, false, 2, 2, 2, 1, new Float64Array(4) as unknown as Float32Array, a, 0, c),
      { name: 'TypeError', message: 'gemm A must be a Float32Array, got a Float64Array' },
    );
    assert.throws(() => be.gemm(false, false, 1.5, 2, 2, 1, a, a, 0, c), {
      name: 'RangeError',
      message: 'gemm m must be a non-negative integer, got 1.5',
    });
    assert.throws(() => be.gemm(false, false, -1, 2, 2, 1, a, a, 0, c), /gemm m must be a non-negative integer, got -1/);
    assert.throws(() => be.gemm(false, false, NaN, 2, 2, 1, a, a, 0, c), /got NaN/);
    assert.throws(() => be.gemm(false, false, 2 ** 31, 1, 1, 1, a, a, 0, c), /at most 2147483647/);
    assert.throws(() => be.biasActivation('tanh', new Float32Array(6), new Float32Array(2), new Float32Array(6), 2, 3), {
      name: 'RangeError',
      message: 'bias has 2 elements, needs at least 3',
    });
    assert.throws(() => be.activationBackward('tanh', a, a, new Float32Array(2), 4), /gs has 2 elements, needs at least 4/);
    assert.throws(() => be.biasActivation('swish' as ActivationName, a, a, a, 1, 1), /unknown activation "swish"/);
    assert.throws(
      () => be.softmaxNll(a, Float32Array.of(0, 1) as unknown as Int32Array, 2, 2, null, 1),
      { name: 'TypeError', message: 'targets must be an Int32Array, got a Float32Array' },
    );
    assert.throws(() => be.softmaxNll(a, Int32Array.of(0), 2, 2, null, 1), /targets has 1 elements, needs at least 2/);
    assert.throws(() => be.softmaxQuadratic(a, Int32Array.of(0, -1), 2, 2, null, 1), /target of row 1 is -1, expected a class index in \[0, 2\)/);
    assert.throws(() => be.softmaxNll(a, Int32Array.of(0, 1), 2, 2, new Float32Array(3), 1), /grad has 3 elements/);
    assert.throws(() => be.colSum(a, 2, 3, 1, 0, new Float32Array(3)), /a has 4 elements, needs at least 6/);
    assert.throws(() => be.colSum(a, 2, 2, 1, 0, new Float32Array(1)), /out has 1 elements, needs at least 2/);
    assert.throws(() => singularValues(new Float64Array(5), 2, 3), /a has 5 elements, needs at least 6/);
    assert.throws(() => singularValues(Float64Array.of(1, NaN), 1, 2), /a\[1\] is NaN/);
    assert.throws(() => singularValues(new Int32Array(4) as unknown as Float64Array, 2, 2), TypeError);
    await assert.rejects(createNativeBackend(0), /threads must be an integer from 1 to 1024, got 0/);
  });

  test('native: softmaxNll writes probs and loss matches the reference (float64)', async () => {
    const be = await createNativeBackend(1);
    const ref = createReferenceBackend();
    const logits = Float32Array.of(1, 2, 3, -Infinity, -Infinity, -Infinity, NaN, 0, 0);
    const targets = Int32Array.of(2, 1, 0);
    const probs = new Float32Array(9);
    const probsRef = new Float32Array(9);
    const loss = be.softmaxNll(logits, targets, 2, 3, null, 1, probs);
    const lossRef = ref.softmaxNll(logits, targets, 2, 3, null, 1, probsRef);
    assert.ok(Math.abs(loss - lossRef) < 1e-14, `${loss} vs ${lossRef}`); // libm vs V8 exp/log: last bits
    assert.ok(Math.abs(loss - (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3 + Math.log(3))) < 1e-12);
    assert.deepEqual(Array.from(probs.subarray(3, 6)), [1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    assert.ok(Number.isNaN(be.softmaxNll(logits, targets, 3, 3, null, 1)), 'a NaN logit gives a NaN loss');
  });

  test('native: same thread count → bit-identical GEMM results (paper-net shapes)', async () => {
    const rand = mulberry32(2010);
    const one = await createNativeBackend(1);
    const two = await createNativeBackend(2);
    // forward z·W, backward gs·Wᵀ, fused update zᵀ·gs with beta = 1
    const shapes: Array<[boolean, boolean, number, number, number, number]> = [
      [false, false, 128, 1000, 1024, 0],
      [false, true, 128, 1000, 1000, 0],
      [true, false, 1000, 1000, 128, 1],
      [false, false, 10, 1000, 1000, 0],
      [true, false, 1000, 9, 10, 1],
    ];
    for (const [ta, tb, m, n, k, beta] of shapes) {
      const a = fillUniform(new Float32Array(m * k), rand);
      const b = fillUniform(new Float32Array(k * n), rand);
      const c0 = fillUniform(new Float32Array(m * n), rand);
      // alternate thread counts: each count's result must not change, whatever ran in between
      const first = new Map<number, Buffer>();
      for (const be of [one, two, one, two, one]) {
        for (let rep = 0; rep < 2; rep++) {
          const c = Float32Array.from(c0);
          be.gemm(ta, tb, m, n, k, -0.01, a, b, beta, c);
          const bytes = Buffer.from(c.buffer);
          const seen = first.get(be.threads);
          if (!seen) first.set(be.threads, bytes);
          else assert.ok(seen.equals(bytes), `${m}x${n}x${k} ta=${ta} tb=${tb} at ${be.threads} threads`);
        }
      }
      // and the result is right (spot-check one element against a float64 dot product)
      const c = Float32Array.from(c0);
      one.gemm(ta, tb, m, n, k, -0.01, a, b, beta, c);
      const i = m - 1;
      const j = n - 1;
      let dot = 0;
      for (let p = 0; p < k; p++) dot += (ta ? a[p * m + i]! : a[i * k + p]!) * (tb ? b[j * k + p]! : b[p * n + j]!);
      const want = -0.01 * dot + beta * c0[i * n + j]!;
      assert.ok(Math.abs(c[i * n + j]! - want) < 1e-5, `C[${i},${j}] = ${c[i * n + j]} vs ${want}`);
    }
  });

  test('native: small-batch GEMMs split by column blocks across threads match the reference', async () => {
    // m ≤ 24 or k ≤ 24 (a minibatch's rows, or the fused update's inner dimension), n ≥ 256 and
    // m·n·k ≥ 2e6 run as column blocks on a thread pool (native/gemm.c, split_gemm); check odd widths
    // (block edges), both A and B layouts, beta = 1, untouched tails, and backends of 2, 3 and 4
    // threads used alternately (capped at the CPU count).
    const ref = createReferenceBackend();
    const rand = mulberry32(77);
    const backends = [await createNativeBackend(2), await createNativeBackend(3), await createNativeBackend(4)];
    for (const be of [...backends, ...backends.slice().reverse()]) {
      for (const [m, n, k, tb, ta] of [
        [10, 1000, 300, false, false],
        [10, 1001, 300, true, false],
        [24, 777, 129, false, false],
        [1, 4100, 600, true, false],
        [3, 300, 1000, false, false],
        [1000, 1000, 10, false, true], // the fused update zᵀ·∂C/∂s at minibatch 10
        [1024, 999, 24, false, true],
        [700, 513, 7, true, false],
      ] as const) {
        const a = fillUniform(new Float32Array(m * k), rand);
        const b = fillUniform(new Float32Array(k * n), rand);
        const c = fillUniform(new Float32Array(m * n + 3), rand).fill(5, m * n);
        const cRef = Float32Array.from(c.subarray(0, m * n));
        ref.gemm(ta, tb, m, n, k, -0.5, a, b, 1, cRef);
        be.gemm(ta, tb, m, n, k, -0.5, a, b, 1, c);
        const err = maxRelErr(c, cRef, m * n) / Math.sqrt(k);
        assert.ok(err < 2e-6, `${be.threads} threads ${m}x${n}x${k} transA=${ta} transB=${tb}: relative error ${err}`);
        assert.deepEqual(Array.from(c.subarray(m * n)), [5, 5, 5], 'elements past m*n untouched');
        c.fill(NaN, 0, m * n); // beta = 0 must not read C, in every block
        ref.gemm(ta, tb, m, n, k, 1, a, b, 0, cRef);
        be.gemm(ta, tb, m, n, k, 1, a, b, 0, c);
        assert.ok(maxRelErr(c, cRef, m * n) / Math.sqrt(k) < 2e-6, `${be.threads} threads ${m}x${n}x${k}, beta = 0`);
      }
    }
  });

  test('native: singularValues of diagonal matrices (square and rectangular, both precisions)', () => {
    // diag(3, −2, 0.5, 1): singular values are the sorted absolute values
    const d = new Float64Array(16);
    [3, -2, 0.5, 1].forEach((v, i) => (d[i * 4 + i] = v));
    assert.deepEqual(Array.from(singularValues(d, 4, 4)), [3, 2, 1, 0.5]);
    assert.deepEqual(Array.from(singularValues(Float32Array.from(d), 4, 4)), [3, 2, 1, 0.5]);
    // 2×3 [[0, 0, 5], [0, 4, 0]] and its 3×2 transpose
    const r = Float64Array.of(0, 0, 5, 0, 4, 0);
    assert.deepEqual(Array.from(singularValues(r, 2, 3)), [5, 4]);
    assert.deepEqual(Array.from(singularValues(Float64Array.of(0, 0, 0, 4, 5, 0), 3, 2)), [5, 4]);
    assert.equal(singularValues(new Float64Array(0), 0, 3).length, 0);
    // the input is not modified
    assert.deepEqual(Array.from(r), [0, 0, 5, 0, 4, 0]);
  });

  test('native: singularValues of orthogonal × diag × orthogonal', () => {
    // Q1 = ½·Hadamard(4), Q2 = a rotation by 0.3 rad in planes (0,1) and (2,3): A = Q1·diag·Q2
    const h = [
      [1, 1, 1, 1],
      [1, -1, 1, -1],
      [1, 1, -1, -1],
      [1, -1, -1, 1],
    ].map((row) => row.map((v) => v / 2));
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const q2 = [
      [c, -s, 0, 0],
      [s, c, 0, 0],
      [0, 0, c, -s],
      [0, 0, s, c],
    ];
    const sigma = [7, 2.5, 0.25, 1e-3];
    const a = new Float64Array(16);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let acc = 0;
        for (let p = 0; p < 4; p++) acc += h[i]![p]! * sigma[p]! * q2[p]![j]!;
        a[i * 4 + j] = acc;
      }
    }
    const sv = singularValues(a, 4, 4);
    sigma.forEach((v, i) => assert.ok(Math.abs(sv[i]! - v) < 1e-13, `σ${i} = ${sv[i]} vs ${v}`));
    const sv32 = singularValues(Float32Array.from(a), 4, 4);
    sigma.forEach((v, i) => assert.ok(Math.abs(sv32[i]! - v) < 3e-6, `float32 σ${i} = ${sv32[i]} vs ${v}`));
  });

  test('native: singularValues of random matrices agree with ml-matrix SVD', () => {
    const rand = mulberry32(17);
    for (const [m, n] of [
      [60, 40],
      [40, 60],
      [50, 50],
    ] as const) {
      const a = new Float64Array(m * n).map(() => rand() * 2 - 1);
      const expected = new SVD(Matrix.from1DArray(m, n, Array.from(a)), {
        computeLeftSingularVectors: false,
        computeRightSingularVectors: false,
        autoTranspose: true,
      })
        .diagonal.sort((x, y) => y - x)
        .slice(0, Math.min(m, n));
      const got = singularValues(a, m, n);
      assert.equal(got.length, Math.min(m, n));
      for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]! >= got[i]!, 'descending');
      expected.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) < 1e-10 * expected[0]!, `${m}x${n} σ${i}: ${got[i]} vs ${v}`));
      const got32 = singularValues(Float32Array.from(a), m, n);
      expected.forEach((v, i) => assert.ok(Math.abs(got32[i]! - v) < 1e-5 * expected[0]!, `float32 ${m}x${n} σ${i}`));
    }
  });

  test('native: 1000×1000 standard-init weights have mean singular value ≈ 0.49 (SPEC §3)', () => {
    // W ~ U[−1/√n, 1/√n]: n·Var[W] = 1/3, mean singular value (8/(3π))·√(1/3) ≈ 0.490
    const n = 1000;
    const rand = mulberry32(1000);
    const bound = 1 / Math.sqrt(n);
    const w = new Float32Array(n * n).map(() => (rand() * 2 - 1) * bound);
    const sv = singularValues(w, n, n);
    const mean = sv.reduce((x, y) => x + y, 0) / n;
    assert.ok(Math.abs(mean - (8 / (3 * Math.PI)) * Math.sqrt(1 / 3)) < 0.005, `mean singular value ${mean}`);
    assert.ok(Math.abs(sv[0]! - 2 * Math.sqrt(1 / 3)) < 0.05, `largest ${sv[0]} ≈ 2·√(n·Var)`);
  });
}
