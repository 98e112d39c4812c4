/**
 * Issue 13's target table: per layer, measured vs the finite-width-conditioned mean-field prediction
 * (src/theory/conditioned.ts, what the target is judged on) vs the population mean-field prediction
 * (src/theory/meanField.ts) vs the linear theory (eqs. (5)–(7)) at init on the paper's network
 * (1024-1000×5-9, Shapeset, 300 probe examples) for tanh and softsign under standard and normalized
 * init; with `seeds > 1`, also per layer the mean, sd and worst of ln(measured/prediction) over that
 * many networks for both predictions, beside the predicted finite-width spread of the population one
 * (src/theory/finiteWidth.ts).
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
/** Worst |prediction/measured − 1| of the conditioned prediction: at the first seed, and over all seeds. */
const worst = { act: 0, grad: 0, actAll: 0, gradAll: 0, popAct: 0, popGrad: 0, popActAll: 0, popGradAll: 0 };
const err = (p: number, m: number): number => Math.abs(p / m - 1);
const col = (m: number[][], k: number): number[] => m.map((v) => v[k]!);
const worstOf = (v: number[]): string => `${(100 * Math.max(...v.map((x) => Math.abs(Math.expm1(-x))))).toFixed(1)}%`;
for (const activation of ['tanh', 'softsign'] as const) {
  for (const init of ['standard', 'normalized'] as const) {
    const c = { activation, init, width, hidden: 5 };
    const prepared = prepare(c, probe);
    const t0 = performance.now();
    const rows = compareAtInit(be, c, firstSeed, probe, prepared, { jacobianExamples, singularValues: svd.fn });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`\n${activation} ${init} (width ${width}, seed ${firstSeed}; ${seconds} s) — error = prediction/measured − 1`);
    console.log(
      'layer | Var[z] measured  conditioned (err)  mean-field (err)  linear (err) | Var[∂C/∂s] measured  conditioned (err)  mean-field (err)  linear (err)' +
        ' | per-example Var[∂C/∂W] measured  conditioned (err)  mean-field (err) | mean sv measured  mean-field  linear',
    );
    for (const r of rows) {
      const a = r.activation;
      const b = r.backpropGrad;
      const w = r.weightGrad;
      const j = r.jacobian;
      if (a) {
        worst.act = Math.max(worst.act, err(a.conditioned, a.measured));
        worst.popAct = Math.max(worst.popAct, err(a.meanField, a.measured));
      }
      worst.grad = Math.max(worst.grad, err(b.conditioned, b.measured));
      worst.popGrad = Math.max(worst.popGrad, err(b.meanField, b.measured));
      const four = (t: { measured: number; conditioned: number; meanField: number; linear: number }): string =>
        `${fmt(t.measured)}  ${fmt(t.conditioned)} (${pct(t.measured, t.conditioned)})  ${fmt(t.meanField)} (${pct(t.measured, t.meanField)})  ${fmt(t.linear)} (${pct(t.measured, t.linear)})`;
      console.log(
        `${r.layer} | ${a ? four(a) : '—'} | ${four(b)}` +
          ` | ${fmt(w.measured)}  ${fmt(w.conditioned)} (${pct(w.measured, w.conditioned)})  ${fmt(w.meanField)} (${pct(w.measured, w.meanField)})` +
          ` | ${j ? `${j.measured.toFixed(3)}  ${j.meanField === null ? '—' : j.meanField.toFixed(3)}  ${j.linear.toFixed(3)}` : '—'}`,
      );
    }
    if (seeds > 1) {
      const act = { conditioned: [] as number[][], meanField: [] as number[][] };
      const grad = { conditioned: [] as number[][], meanField: [] as number[][] };
      for (let s = firstSeed; s < firstSeed + seeds; s++) {
        const rs = s === firstSeed ? rows : compareAtInit(be, c, s, probe, prepared);
        for (const k of ['conditioned', 'meanField'] as const) {
          act[k].push(rs.filter((r) => r.activation).map((r) => Math.log(r.activation!.measured / r.activation![k])));
          grad[k].push(rs.map((r) => Math.log(r.backpropGrad.measured / r.backpropGrad[k]))); // the softmax layer too
        }
      }
      const line = (m: number[][]): string => m[0]!.map((_, k) => `${meanSd(col(m, k))} [${worstOf(col(m, k))}]`).join('  ');
      console.log(`over seeds ${firstSeed}…${firstSeed + seeds - 1}, ln(measured/prediction) mean±sd [worst |prediction/measured − 1|] per layer (Var[z]: hidden layers; Var[∂C/∂s]: the softmax layer too):`);
      console.log(`  Var[z]      conditioned  ${line(act.conditioned)}`);
      console.log(`              mean-field   ${line(act.meanField)}`);
      console.log(`              predicted sd of the mean-field one: ${prepared.activationLogSd.map((v) => `${(100 * v).toFixed(1)}%`).join('  ')}`);
      console.log(`  Var[∂C/∂s]  conditioned  ${line(grad.conditioned)}`);
      console.log(`              mean-field   ${line(grad.meanField)}`);
      const worstAll = (m: number[][]): number => Math.max(...m.flat().map((x) => Math.abs(Math.expm1(-x))));
      worst.actAll = Math.max(worst.actAll, worstAll(act.conditioned));
      worst.gradAll = Math.max(worst.gradAll, worstAll(grad.conditioned));
      worst.popActAll = Math.max(worst.popActAll, worstAll(act.meanField));
      worst.popGradAll = Math.max(worst.popGradAll, worstAll(grad.meanField));
    }
  }
}
const p100 = (v: number): string => `${(100 * v).toFixed(1)}%`;
console.log(`\nworst error at seed ${firstSeed}: conditioned Var[z] ${p100(worst.act)}, Var[∂C/∂s] ${p100(worst.grad)}; mean-field Var[z] ${p100(worst.popAct)}, Var[∂C/∂s] ${p100(worst.popGrad)}`);
if (seeds > 1) {
  console.log(
    `worst error over seeds ${firstSeed}…${firstSeed + seeds - 1}: conditioned Var[z] ${p100(worst.actAll)}, Var[∂C/∂s] ${p100(worst.gradAll)}; ` +
      `mean-field Var[z] ${p100(worst.popActAll)}, Var[∂C/∂s] ${p100(worst.popGradAll)}`,
  );
}
