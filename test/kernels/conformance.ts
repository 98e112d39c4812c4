/**
 * The kernel conformance suite: every backend must agree with `reference` within float32 tolerance
 * on every kernel. Each backend's test file calls {@link kernelConformance} with its factory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS, type Backend } from '../../src/kernels/backend.ts';
import { createReferenceBackend } from '../../src/kernels/reference.ts';
import { mulberry32, fillUniform } from '../helpers/random.ts';

/** Max |x−y| / (1 + |y|) over the first n elements. */
export function maxRelErr(x: ArrayLike<number>, y: ArrayLike<number>, n = y.length): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.abs(x[i]! - y[i]!) / (1 + Math.abs(y[i]!));
    if (!(e <= worst)) worst = e; // NaN propagates as worst
  }
  return worst;
}

const GEMM_SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 3, 17],
  [3, 1, 17],
  [17, 3, 1],
  [3, 17, 1000],
  [17, 1000, 3],
  [1000, 3, 17],
  [17, 17, 17],
  [10, 65, 33],
  [64, 64, 64],
  [128, 130, 129],
];

/** Registers the conformance tests for one backend. `make` is called once per test file. */
export function kernelConformance(label: string, make: () => Promise<Backend>): void {
  const ref = createReferenceBackend();
  let be: Backend;
  test(`${label}: backend loads`, async () => {
    be = await make();
    assert.ok(be.threads >= 1);
  });

  for (const [m, n, k] of GEMM_SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        test(`${label}: gemm ${m}x${n}x${k} transA=${transA} transB=${transB}`, () => {
          const rand = mulberry32(m * 7919 + n * 104729 + k * 31 + (transA ? 1 : 0) + (transB ? 2 : 0));
          for (const [alpha, beta] of [
            [1, 0],
            [-0.37, 1],
            [2.5, -0.5],
          ] as const) {
            const a = fillUniform(be.alloc(m * k), rand);
            const b = fillUniform(be.alloc(k * n), rand);
            const c = fillUniform(be.alloc(m * n), rand);
            const cRef = Float32Array.from(c);
            if (beta === 0) c.fill(NaN); // beta = 0 must not read C
            ref.gemm(transA, transB, m, n, k, alpha, a, b, beta, cRef);
            be.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
            const err = maxRelErr(c, cRef) / Math.sqrt(k);
            assert.ok(err < 2e-6, `alpha=${alpha} beta=${beta}: relative error ${err}`);
            be.free(a);
            be.free(b);
            be.free(c);
          }
        });
      }
    }
  }

  for (const act of ACTIVATIONS) {
    test(`${label}: biasActivation and activationBackward, ${act}`, () => {
      const rand = mulberry32(act.length * 1000 + 7);
      const rows = 7;
      const cols = 131;
      const s = fillUniform(be.alloc(rows * cols), rand, -6, 6);
      // include extreme inputs: saturated sigmoid/tanh, huge magnitudes
      const extremes = [0, -0, 1e-8, -1e-8, 20, -20, 90, -90, 1000, -1000, 3e38, -3e38];
      extremes.forEach((v, i) => (s[i] = v));
      const bias = fillUniform(be.alloc(cols), rand, -0.5, 0.5);
      bias.fill(0, 0, extremes.length);
      const sRef = Float32Array.from(s);
      const z = be.alloc(rows * cols);
      const zRef = new Float32Array(rows * cols);
      ref.biasActivation(act, sRef, bias, zRef, rows, cols);
      be.biasActivation(act, s, bias, z, rows, cols);
      assert.ok(maxRelErr(s, sRef) < 1e-7, 'pre-activation with bias');
      for (let i = 0; i < rows * cols; i++) assert.ok(Number.isFinite(z[i]!), `z[${i}] finite for s=${s[i]}`);
      assert.ok(maxRelErr(z, zRef) < 2e-6, `activation error ${maxRelErr(z, zRef)}`);
      const gz = fillUniform(be.alloc(rows * cols), rand);
      const gs = be.alloc(rows * cols);
      const gsRef = new Float32Array(rows * cols);
      ref.activationBackward(act, sRef, gz, gsRef, rows * cols);
      be.activationBackward(act, s, gz, gs, rows * cols);
      for (let i = 0; i < rows * cols; i++) assert.ok(Number.isFinite(gs[i]!), `gs[${i}] finite for s=${s[i]}`);
      assert.ok(maxRelErr(gs, gsRef) < 2e-6, `derivative error ${maxRelErr(gs, gsRef)}`);
    });
  }

  test(`${label}: softmaxNll and softmaxQuadratic`, () => {
    const rand = mulberry32(99);
    for (const [rows, cols] of [
      [1, 1],
      [1, 9],
      [10, 9],
      [128, 10],
      [3, 1000],
    ] as const) {
      const logits = fillUniform(be.alloc(rows * cols), rand, -30, 30);
      const targets = new Int32Array(rows).map(() => Math.floor(rand() * cols));
      for (const cost of ['softmaxNll', 'softmaxQuadratic'] as const) {
        const g = be.alloc(rows * cols);
        const gRef = new Float32Array(rows * cols);
        const loss = be[cost](logits, targets, rows, cols, g, 1 / rows);
        const lossRef = ref[cost](logits, targets, rows, cols, gRef, 1 / rows);
        assert.ok(Math.abs(loss - lossRef) <= 1e-5 * (1 + Math.abs(lossRef)), `${cost} ${rows}x${cols}: ${loss} vs ${lossRef}`);
        assert.ok(maxRelErr(g, gRef) < 1e-6, `${cost} gradient`);
      }
    }
  });

  test(`${label}: softmaxNll edge cases`, () => {
    const logits = be.alloc(3);
    logits.set([-431, 279, 427]);
    const g = be.alloc(3);
    const loss = be.softmaxNll(logits, Int32Array.of(0), 1, 3, g, 1);
    assert.ok(Math.abs(loss - 858) < 1e-3, `loss ${loss}`);
    assert.deepEqual(Array.from(g), [-1, 0, 1]);
    const inf = be.alloc(2);
    inf.set([0, Infinity]);
    const g2 = be.alloc(2);
    assert.equal(be.softmaxNll(inf, Int32Array.of(1), 1, 2, g2, 1), 0);
    assert.deepEqual(Array.from(g2), [0, 0]);
    assert.equal(be.softmaxNll(inf, Int32Array.of(0), 1, 2, g2, 1), Infinity);
    assert.deepEqual(Array.from(g2), [-1, 1]);
    assert.throws(() => be.softmaxNll(inf, Int32Array.of(2), 1, 2, g2, 1), /target of row 0 is 2/);
  });

  test(`${label}: the loss written into sum[0] equals the returned loss, for finite and non-finite logits`, () => {
    const rand = mulberry32(7);
    const rows = 6;
    const cols = 9;
    const logits = fillUniform(be.alloc(rows * cols), rand, -5, 5);
    logits[0] = NaN; // row 0: NaN loss
    logits[cols + 2] = Infinity; // row 1: +∞ logit
    for (let c = 0; c < cols; c++) logits[2 * cols + c] = -Infinity; // row 2: all −∞ (uniform)
    const targets = Int32Array.from({ length: rows }, (_, r) => (r * 4) % cols);
    for (let r = 0; r < rows; r++) {
      // each row alone, so the NaN row does not hide the others
      const l = be.alloc(cols);
      l.set(logits.subarray(r * cols, (r + 1) * cols));
      const t = targets.subarray(r, r + 1);
      for (const cost of ['softmaxNll', 'softmaxQuadratic'] as const) {
        const returned = cost === 'softmaxNll' ? be.softmaxNll(l, t, 1, cols, null, 1) : be.softmaxQuadratic(l, t, 1, cols, null, 1);
        const sum = Float64Array.of(12345);
        const r2 = cost === 'softmaxNll' ? be.softmaxNll(l, t, 1, cols, null, 1, null, sum) : be.softmaxQuadratic(l, t, 1, cols, null, 1, sum);
        assert.equal(r2 as unknown, 0, `${cost} returns 0 when it writes sum`);
        assert.ok(Object.is(sum[0], returned), `${cost} row ${r}: sum ${sum[0]} vs returned ${returned}`);
        const expected = ref[cost](l, t, 1, cols, null, 1);
        assert.ok(Object.is(returned, expected) || Math.abs(returned - expected) <= 1e-5 * (1 + Math.abs(expected)), `${cost} row ${r}: ${returned} vs reference ${expected}`);
      }
    }
    assert.ok(Number.isNaN(be.softmaxNll(logits, targets, rows, cols, null, 1)), 'a NaN row makes the sum NaN');
    assert.throws(() => be.softmaxNll(logits, targets, rows, cols, null, 1, null, new Float64Array(0)), /sum/);
    assert.throws(() => be.softmaxNll(logits, targets, rows, cols, null, 1, null, new Float32Array(1) as unknown as Float64Array), /sum/);
  });

  test(`${label}: colSum`, () => {
    const rand = mulberry32(5);
    for (const [rows, cols] of [
      [1, 1],
      [10, 1000],
      [128, 9],
    ] as const) {
      const a = fillUniform(be.alloc(rows * cols), rand);
      const out = fillUniform(be.alloc(cols), rand);
      const outRef = Float32Array.from(out);
      ref.colSum(a, rows, cols, -0.1, 1, outRef);
      be.colSum(a, rows, cols, -0.1, 1, out);
      assert.ok(maxRelErr(out, outRef) < 1e-6);
      out.fill(NaN);
      ref.colSum(a, rows, cols, 1, 0, outRef);
      be.colSum(a, rows, cols, 1, 0, out);
      assert.ok(maxRelErr(out, outRef) < 1e-6, 'beta=0 must not read out');
    }
  });

  test(`${label}: aliasing and oversized buffers as documented in backend.ts`, () => {
    // The network relies on these: linear in place, gs aliasing gz, grad aliasing logits, and
    // workspaces sized for the largest minibatch (elements past rows*cols must stay untouched).
    const rand = mulberry32(4242);
    const rows = 5;
    const cols = 37;
    const n = rows * cols;
    const tail = 9;
    const sentinel = 123.5;
    const untouched = (buf: Float32Array, from: number, what: string): void => {
      for (let i = from; i < buf.length; i++) assert.equal(buf[i], sentinel, `${what}[${i}] was written`);
    };

    // gemm: C, A and B larger than needed
    const a = fillUniform(be.alloc(rows * 11 + tail), rand);
    const b = fillUniform(be.alloc(11 * cols + tail), rand);
    const c = be.alloc(n + tail).fill(sentinel);
    const cRef = new Float32Array(n);
    ref.gemm(false, false, rows, cols, 11, 1, a, b, 0, cRef);
    be.gemm(false, false, rows, cols, 11, 1, a, b, 0, c);
    assert.ok(maxRelErr(c, cRef, n) / Math.sqrt(11) < 2e-6, 'gemm on oversized buffers');
    untouched(c, n, 'gemm C');

    // linear in place (z === s), and a non-linear activation into an oversized z
    const bias = fillUniform(be.alloc(cols), rand);
    const s = fillUniform(be.alloc(n + tail), rand, -3, 3).fill(sentinel, n);
    const sRef = Float32Array.from(s.subarray(0, n));
    const zRef = new Float32Array(n);
    ref.biasActivation('linear', sRef, bias, zRef, rows, cols);
    be.biasActivation('linear', s, bias, s, rows, cols);
    assert.ok(maxRelErr(s, zRef, n) < 1e-7, 'linear in place');
    untouched(s, n, 'linear s');
    const z = be.alloc(n + tail).fill(sentinel);
    ref.biasActivation('tanh', sRef, bias, zRef, rows, cols);
    be.biasActivation('tanh', s, bias, z, rows, cols);
    assert.ok(maxRelErr(z, zRef, n) < 2e-6, 'tanh into oversized z');
    untouched(z, n, 'tanh z');
    untouched(s, n, 'tanh s');

    // activationBackward with gs === gz, for every activation
    for (const act of ACTIVATIONS) {
      const g = fillUniform(be.alloc(n + tail), rand).fill(sentinel, n);
      const gRef = new Float32Array(n);
      ref.activationBackward(act, s, g, gRef, n);
      be.activationBackward(act, s, g, g, n);
      assert.ok(maxRelErr(g, gRef, n) < 2e-6, `${act}: gs aliasing gz`);
      untouched(g, n, `${act} gs`);
    }

    // softmaxNll and softmaxQuadratic with grad === logits
    const targets = new Int32Array(rows).map(() => Math.floor(rand() * cols));
    for (const cost of ['softmaxNll', 'softmaxQuadratic'] as const) {
      const logits = fillUniform(be.alloc(n + tail), rand, -5, 5).fill(sentinel, n);
      const gRef = new Float32Array(n);
      const lossRef = ref[cost](logits, targets, rows, cols, gRef, 0.5);
      const loss = be[cost](logits, targets, rows, cols, logits, 0.5);
      assert.ok(Math.abs(loss - lossRef) <= 1e-5 * (1 + Math.abs(lossRef)), `${cost} loss with grad aliasing logits`);
      assert.ok(maxRelErr(logits, gRef, n) < 1e-6, `${cost}: grad aliasing logits`);
      untouched(logits, n, `${cost} grad`);
    }

    // colSum into an oversized out
    const out = be.alloc(cols + tail).fill(sentinel);
    const outRef = new Float32Array(cols);
    ref.colSum(s, rows, cols, 2, 0, outRef);
    be.colSum(s, rows, cols, 2, 0, out);
    assert.ok(maxRelErr(out, outRef, cols) < 1e-6, 'colSum into oversized out');
    untouched(out, cols, 'colSum out');
  });

  test(`${label}: dispose`, () => {
    be.dispose();
  });
}
