/**
 * Issue 13's target table: per layer, measured vs mean-field vs linear theory (eqs. (5)–(7)) at init
 * on the paper's network (1024-1000×5-9, Shapeset, 300 probe examples) for tanh and softsign under
 * standard and normalized init; with `seeds > 1`, also the mean and spread of ln(measured/mean-field)
 * over that many networks beside the predicted finite-width spread (src/theory/finiteWidth.ts).
 * Not a test (the test, at width 250, is test/unit/theory/target.test.ts).
 *
 *   node --import tsx bench/theory.ts [width, default 1000] [seed, default 1] [jacobian examples, default 2] [seeds, default 1]
 */
import { createBackend, describeBackend } from '../src/kernels/index.ts';
import { singularValueRoutine } from '../src/probes/jacobian.ts';
import { compareAtInit, prepare, shapesetProbeSet } from './lib/meanField.ts';

const width = Number(process.argv[2] ?? 1000);
const firstSeed = Number(process.argv[3] ?? 1);
const jacobianExamples = Number(process.argv[4] ?? 2);
const seeds = Number(process.argv[5] ?? 1);
const be = await createBackend();
const svd = await singularValueRoutine();
console.log(`${describeBackend(be)} · singular values by ${svd.name}`);
const probe = shapesetProbeSet(300);
const fmt = (v: number | null): string => (v === null ? '—' : v.toExponential(3));
const pct = (a: number, b: number | null): string => (b === null ? '—' : `${b / a >= 1 ? '+' : ''}${(100 * (b / a - 1)).toFixed(1)}%`);
const meanSd = (v: number[]): string => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
  return `${(100 * m).toFixed(1)}±${(100 * sd).toFixed(1)}%`;
};
let worstAct = 0;
let worstGrad = 0;
for (const activation of ['tanh', 'softsign'] as const) {
  for (const init of ['standard', 'normalized'] as const) {
    const c = { activation, init, width, hidden: 5 };
    const prepared = prepare(c, probe);
    const t0 = performance.now();
    const rows = compareAtInit(be, c, firstSeed, probe, prepared, { jacobianExamples, singularValues: svd.fn });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`\n${activation} ${init} (width ${width}, seed ${firstSeed}; ${seconds} s) — error = prediction/measured − 1`);
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
    if (seeds > 1) {
      const act: number[][] = [];
      const grad: number[][] = [];
      for (let s = firstSeed; s < firstSeed + seeds; s++) {
        const rs = s === firstSeed ? rows : compareAtInit(be, c, s, probe, prepared);
        act.push(rs.filter((r) => r.activation).map((r) => Math.log(r.activation!.measured / r.activation!.meanField)));
        grad.push(rs.slice(0, -1).map((r) => Math.log(r.backpropGrad.measured / r.backpropGrad.meanField)));
      }
      const col = (m: number[][], k: number): number[] => m.map((v) => v[k]!);
      console.log(`over seeds ${firstSeed}…${firstSeed + seeds - 1}, ln(measured/mean-field) mean±sd per hidden layer:`);
      console.log(`  Var[z]      ${act[0]!.map((_, k) => meanSd(col(act, k))).join('  ')}`);
      console.log(`  predicted sd ${prepared.activationLogSd.map((v) => `${(100 * v).toFixed(1)}%`).join('  ')}`);
      console.log(`  Var[∂C/∂s]  ${grad[0]!.map((_, k) => meanSd(col(grad, k))).join('  ')}`);
    }
  }
}
console.log(`\nworst mean-field error at seed ${firstSeed}: activation variance ${(100 * worstAct).toFixed(1)}%, back-propagated gradient variance ${(100 * worstGrad).toFixed(1)}%`);
