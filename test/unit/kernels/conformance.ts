/**
 * The kernel conformance suite: every backend must agree with `reference` within float32 tolerance
 * on every kernel. Each backend's test file calls {@link kernelConformance} with its factory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS } from '../../../src/core/activations.ts';
import type { Backend } from '../../../src/kernels/backend.ts';
import { lossInto } from '../../../src/kernels/hot-path.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { mulberry32, fillUniform } from '../../helpers/random.ts';

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

  test(`${label}: the allocation-free costs (hot-path.ts) write exactly the returned loss, for finite and non-finite logits`, () => {
    const fast = lossInto(be);
    // the reference backend is the plain oracle: it has no hot path; the fast backends must
    assert.equal(fast === null, be.name === 'reference', 'only the reference backend lacks the hot path');
    if (!fast) return;
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
        const g1 = be.alloc(cols);
        const g2 = be.alloc(cols);
        const returned = be[cost](l, t, 1, cols, g1, 0.5);
        const loss = Float64Array.of(12345);
        fast[`${cost}Into`](l, t, 1, cols, g2, 0.5, loss);
        assert.ok(Object.is(loss[0], returned), `${cost} row ${r}: written ${loss[0]} vs returned ${returned}`);
        assert.deepEqual(g2, g1, `${cost} row ${r}: the same gradient`);
        const expected = ref[cost](l, t, 1, cols, null, 1);
        const close = Object.is(returned, expected) || Math.abs(returned - expected) <= 1e-5 * (1 + Math.abs(expected));
        assert.ok(close, `${cost} row ${r}: ${returned} vs reference ${expected}`);
      }
    }
    assert.ok(Number.isNaN(be.softmaxNll(logits, targets, rows, cols, null, 1)), 'a NaN row makes the sum NaN');
    // the hot path checks its arguments as the public costs do, and writes nothing when they are bad
    const loss = Float64Array.of(12345);
    assert.throws(() => fast.softmaxNllInto(logits, Int32Array.of(0, 1, 2, 3, 4, 9), rows, cols, null, 1, loss), {
      name: 'RangeError',
      message: 'target of row 5 is 9, expected a class index in [0, 9)',
    });
    assert.throws(() => fast.softmaxQuadraticInto(logits, targets, rows, cols, null, NaN, loss), {
      name: 'RangeError',
      message: 'scale must be a finite number, got NaN',
    });
    assert.equal(loss[0], 12345);
  });

  test(`${label}: softmax costs reject bad arguments with the native addon's error types and wording, writing nothing`, () => {
    // One table for every backend (kernelConformance runs it on each): before, the reference and
    // wasm backends took a Float64Array of targets (NaN or a plausible wrong loss), an undefined
    // scale (NaN gradient), a Float64Array of probs, and reported a bad sum as a RangeError.
    const rows = 2;
    const cols = 3;
    const logits = be.alloc(rows * cols);
    logits.set([0.5, -1, 2, 3, 0, -2]);
    const targets = Int32Array.of(2, 0);
    const grad = be.alloc(rows * cols);
    const probs = be.alloc(rows * cols);
    const SENTINEL = 7.5;
    type Args = unknown[];
    const nll = (over: Record<number, unknown>): Args => {
      const a: Args = [logits, targets, rows, cols, grad, 1 / rows, probs];
      for (const [i, v] of Object.entries(over)) a[Number(i)] = v;
      return a;
    };
    const quad = (over: Record<number, unknown>): Args => {
      const a: Args = [logits, targets, rows, cols, grad, 1 / rows];
      for (const [i, v] of Object.entries(over)) a[Number(i)] = v;
      return a;
    };
    // [what, argument overrides by position, error class, message (exact string, or a pattern where
    // native's wording omits the value found)]
    const common: Array<[string, Record<number, unknown>, typeof TypeError | typeof RangeError, string | RegExp]> = [
      ['Float64Array targets [0.5, 0]', { 1: Float64Array.of(0.5, 0) }, TypeError, 'targets must be an Int32Array, got a Float64Array'],
      ['Float64Array targets [2.7, 0]', { 1: Float64Array.of(2.7, 0) }, TypeError, 'targets must be an Int32Array, got a Float64Array'],
      // "a Uint8Array" (said "you-int"): the same article rule in native/args.c and src/core/describe.ts
      ['Uint8Array targets', { 1: Uint8Array.of(2, 0) }, TypeError, 'targets must be an Int32Array, got a Uint8Array'],
      ['plain-array targets', { 1: [2, 0] }, TypeError, /^targets must be an Int32Array(, got an Array)?$/],
      ['undefined scale', { 5: undefined }, TypeError, /^scale must be a number(, got undefined)?$/],
      ['string scale', { 5: '0.5' }, TypeError, /^scale must be a number(, got "0\.5" \(a string\))?$/],
      ['NaN scale', { 5: NaN }, RangeError, 'scale must be a finite number, got NaN'],
      ['infinite scale', { 5: -Infinity }, RangeError, 'scale must be a finite number, got -Infinity'],
      ['string rows', { 2: '2' }, TypeError, /^rows must be a number(, got "2" \(a string\))?$/],
      ['boolean cols', { 3: true }, TypeError, /^cols must be a number(, got true \(a boolean\))?$/],
      ['negative rows', { 2: -1 }, RangeError, 'rows must be a non-negative integer, got -1'],
      ['fractional cols', { 3: 1.5 }, RangeError, 'cols must be a non-negative integer, got 1.5'],
      ['Float64Array logits', { 0: new Float64Array(rows * cols) }, TypeError, 'logits must be a Float32Array, got a Float64Array'],
      ['Float64Array grad', { 4: new Float64Array(rows * cols) }, TypeError, 'grad must be a Float32Array, got a Float64Array'],
      ['short targets', { 1: Int32Array.of(2) }, RangeError, 'targets has 1 elements, needs at least 2'],
      ['target out of range', { 1: Int32Array.of(2, 3) }, RangeError, 'target of row 1 is 3, expected a class index in [0, 3)'],
    ];
    const cases: Array<readonly ['softmaxNll' | 'softmaxQuadratic', Args, string, typeof TypeError | typeof RangeError, string | RegExp]> = [
      ...common.map(([what, over, cls, msg]) => ['softmaxNll', nll(over), what, cls, msg] as const),
      ...common.map(([what, over, cls, msg]) => ['softmaxQuadratic', quad(over), what, cls, msg] as const),
      ['softmaxNll', nll({ 6: new Float64Array(rows * cols) }), 'Float64Array probs', TypeError, 'probs must be a Float32Array, got a Float64Array'],
    ];
    for (const [cost, args, what, cls, message] of cases) {
      grad.fill(SENTINEL);
      probs.fill(SENTINEL);
      const call = be[cost] as (...a: unknown[]) => unknown;
      assert.throws(() => call.apply(be, args), (e: unknown) => {
        assert.ok(e instanceof cls, `${cost}, ${what}: expected a ${cls.name}, got ${String(e)}`);
        if (typeof message === 'string') assert.equal(e.message, message, `${cost}, ${what}`);
        else assert.match(e.message, message, `${cost}, ${what}`);
        if (be.name !== 'native' && typeof message !== 'string') {
          assert.match(e.message, /, got /, `${cost}, ${what}: the TypeScript backends name the value found`);
        }
        return true;
      });
      assert.ok(grad.every((v) => v === SENTINEL), `${cost}, ${what}: grad was written`);
      assert.ok(probs.every((v) => v === SENTINEL), `${cost}, ${what}: probs was written`);
    }
    // the valid calls these cases were derived from (checked against the float64 reference
    // computed by hand for row 0, target 2, and row 1, target 0)
    const lse = (a: number[]): number => Math.log(a.reduce((t, v) => t + Math.exp(v), 0));
    const want = lse([0.5, -1, 2]) - 2 + (lse([3, 0, -2]) - 3);
    const nllLoss = be.softmaxNll(logits, targets, rows, cols, grad, 1 / rows, probs);
    assert.ok(Math.abs(nllLoss - want) < 1e-6, `softmaxNll loss ${nllLoss} vs ${want}`);
    const quadLoss = be.softmaxQuadratic(logits, targets, rows, cols, grad, 1 / rows);
    assert.ok(quadLoss > 0 && quadLoss < 2, `softmaxQuadratic loss ${quadLoss}`);
  });

  test(`${label}: an unknown activation is a RangeError naming the valid ones, on both activation kernels`, () => {
    // The reference backend used to return NaN for every element (activate() fell off its switch).
    const s = be.alloc(4).fill(0.25);
    const bias = be.alloc(2);
    const z = be.alloc(4).fill(7.5);
    const expected = (name: string): string => `unknown activation "${name}", expected one of ${ACTIVATIONS.join(', ')}`;
    for (const name of ['gelu', 'toString', 'Sigmoid']) {
      const act = name as (typeof ACTIVATIONS)[number];
      assert.throws(() => be.biasActivation(act, s, bias, z, 2, 2), { name: 'RangeError', message: expected(name) });
      assert.throws(() => be.activationBackward(act, s, s, z, 4), { name: 'RangeError', message: expected(name) });
      assert.deepEqual(Array.from(z), [7.5, 7.5, 7.5, 7.5], `${name}: z was written`);
    }
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
