/**
 * Finite-difference gradient check in float64 for every activation × cost: the analytic gradients
 * of Mlp.gradients (reference backend) against central differences of an independent float64
 * forward pass written here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS, type ActivationName, activationOf } from '../../../src/core/activations.ts';
import { COSTS, type CostName } from '../../../src/core/costs.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import { mulberry32 } from '../../helpers/random.ts';

/** Mean cost of the net in float64, with W/b given as float64 copies. */
function loss64(
  Ws: Float64Array[],
  bs: Float64Array[],
  widths: number[],
  act: ActivationName,
  x: Float64Array,
  y: Int32Array,
  rows: number,
  cost: CostName,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let z = Array.from(x.subarray(r * widths[0]!, (r + 1) * widths[0]!));
    for (let i = 0; i < Ws.length; i++) {
      const fanIn = widths[i]!;
      const fanOut = widths[i + 1]!;
      const s = new Array<number>(fanOut).fill(0);
      for (let o = 0; o < fanOut; o++) {
        let acc = bs[i]![o]!;
        for (let k = 0; k < fanIn; k++) acc += z[k]! * Ws[i]![k * fanOut + o]!;
        s[o] = acc;
      }
      z = i < Ws.length - 1 ? s.map((v) => activationOf(act).f(v)) : s;
    }
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / sum);
    if (cost === 'nll') total += -Math.log(p[y[r]!]!);
    else total += 0.5 * p.reduce((a, v, c) => a + (v - (c === y[r] ? 1 : 0)) ** 2, 0);
  }
  return total / rows;
}

for (const act of ACTIVATIONS) {
  for (const cost of COSTS) {
    test(`gradient check: ${act} × ${cost}`, () => {
      const be = createReferenceBackend();
      const widths = [5, 4, 4, 3];
      const mlp = new Mlp(be, { widths, activation: act, init: { name: 'normalized', gain: 1.5 }, seed: 7 });
      const rand = mulberry32(act.length * 13 + cost.length);
      // non-zero biases so that ReLU-like units are not all at their kink
      for (const l of mlp.layers) for (let j = 0; j < l.b.length; j++) l.b[j] = 0.3 * (rand() - 0.5);
      const rows = 4;
      const x = new Float32Array(rows * 5).map(() => rand() * 2 - 1);
      const y = Int32Array.from([0, 2, 1, 2]);
      const g = mlp.gradients(x, y, rows, cost);
      const Ws = mlp.layers.map((l) => Float64Array.from(l.W));
      const bs = mlp.layers.map((l) => Float64Array.from(l.b));
      const x64 = Float64Array.from(x);
      const f = (): number => loss64(Ws, bs, widths, act, x64, y, rows, cost);
      assert.ok(Math.abs(f() - g.loss) < 1e-5 * (1 + Math.abs(f())), `loss ${g.loss} vs float64 ${f()}`);
      const h = 1e-6;
      let checked = 0;
      for (let i = 0; i < mlp.layers.length; i++) {
        for (const [params, grads] of [
          [Ws[i]!, g.weightGrad[i]!],
          [bs[i]!, g.biasGrad[i]!],
        ] as const) {
          for (let j = 0; j < params.length; j++) {
            const old = params[j]!;
            params[j] = old + h;
            const up = f();
            params[j] = old - h;
            const down = f();
            params[j] = old;
            const fd = (up - down) / (2 * h);
            const err = Math.abs(fd - grads[j]!);
            assert.ok(err < 1e-4 * Math.max(1, Math.abs(fd)) + 1e-6, `layer ${i} param ${j}: analytic ${grads[j]} vs finite difference ${fd}`);
            checked++;
          }
        }
      }
      assert.equal(checked, 5 * 4 + 4 + 4 * 4 + 4 + 4 * 3 + 3);
    });
  }
}

test('top-layer back-propagated gradient is (softmax − onehot)/rows for NLL', () => {
  const be = createReferenceBackend();
  const mlp = new Mlp(be, { widths: [3, 2], activation: [], init: { name: 'standard' }, seed: 1 });
  mlp.layers[0]!.W.set([1, -1, 0.5, 2, 0, 0]);
  const x = Float32Array.of(1, 0, 1, 0, 1, 0);
  const g = mlp.gradients(x, Int32Array.of(0, 1), 2, 'nll');
  // logits row0 = [1, -1], row1 = [0.5, 2]
  const p0 = 1 / (1 + Math.exp(-2));
  const p1 = 1 / (1 + Math.exp(1.5));
  const expected = [(p0 - 1) / 2, (1 - p0) / 2, p1 / 2, (1 - p1 - 1) / 2];
  Array.from(g.backpropGrad[0]!).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-7, `${i}: ${v} vs ${expected[i]}`));
});
