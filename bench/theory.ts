/**
 * Issue 13's target table: per layer, measured vs mean-field vs linear theory (eqs. (5)–(7)) at init
 * on the paper's network (1024-1000×5-9, Shapeset, 300 probe examples) for tanh and softsign under
 * standard and normalized init. Not a test (the test, at width 250, is test/theory/target.test.ts).
 *
 *   node --import tsx bench/theory.ts [width, default 1000] [seed, default 1] [jacobian examples, default 2]
 */
import { createBackend, describeBackend } from '../src/kernels/index.ts';
import { singularValueRoutine } from '../src/probes/jacobian.ts';
import { compareAtInit, shapesetProbeSet } from './lib/meanField.ts';

const width = Number(process.argv[2] ?? 1000);
const seed = Number(process.argv[3] ?? 1);
const jacobianExamples = Number(process.argv[4] ?? 2);
const be = await createBackend();
const svd = await singularValueRoutine();
console.log(`${describeBackend(be)} · singular values by ${svd.name}`);
const probe = shapesetProbeSet(300);
const fmt = (v: number | null): string => (v === null ? '—' : v.toExponential(3));
const pct = (a: number, b: number | null): string => (b === null ? '—' : `${b / a >= 1 ? '+' : ''}${(100 * (b / a - 1)).toFixed(1)}%`);
let worstAct = 0;
let worstGrad = 0;
for (const activation of ['tanh', 'softsign'] as const) {
  for (const init of ['standard', 'normalized'] as const) {
    const t0 = performance.now();
    const rows = compareAtInit(be, { activation, init, width, hidden: 5, probeSize: 300, seed, jacobianExamples, singularValues: svd.fn }, probe);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`\n${activation} ${init} (width ${width}, seed ${seed}; ${seconds} s)`);
    console.log('layer | Var[z] measured  mean-field (err)  linear (err) | Var[∂C/∂s] measured  mean-field (err)  linear (err) | per-example Var[∂C/∂W] measured  mean-field (err) | mean sv measured  mean-field  linear');
    for (const r of rows) {
      const a = r.activation;
      const b = r.backpropGrad;
      const w = r.weightGrad;
      const j = r.jacobian;
      if (a) worstAct = Math.max(worstAct, Math.abs(a.meanField / a.measured - 1));
      worstGrad = Math.max(worstGrad, Math.abs(b.meanField / b.measured - 1));
      console.log(
        `${r.layer} | ${a ? `${fmt(a.measured)}  ${fmt(a.meanField)} (${pct(a.measured, a.meanField)})  ${fmt(a.linear)} (${pct(a.measured, a.linear)})` : '—'}` +
          ` | ${fmt(b.measured)}  ${fmt(b.meanField)} (${pct(b.measured, b.meanField)})  ${fmt(b.linear)} (${pct(b.measured, b.linear)})` +
          ` | ${fmt(w.measured)}  ${fmt(w.meanField)} (${pct(w.measured, w.meanField)})` +
          ` | ${j ? `${j.measured.toFixed(3)}  ${j.meanField === null ? '—' : j.meanField.toFixed(3)}  ${j.linear.toFixed(3)}` : '—'}`,
      );
    }
  }
}
console.log(`\nworst mean-field error: activation variance ${(100 * worstAct).toFixed(1)}%, back-propagated gradient variance ${(100 * worstGrad).toFixed(1)}%`);
