/**
 * Checks of the initial state against the paper's theory: the Jacobian's mean singular value
 * (eq. (17)) and the variances of eqs. (5)–(7), from the update-0 scalars of the curve runs.
 */
import type { ScalarName } from '../../core/metrics.ts';
import { PAPER_JACOBIAN_MEAN_SV } from '../paper.ts';
import { JACOBIAN_TOLERANCE, spreadRatio, VARIANCE_TREND_FACTOR } from './rules.ts';
import { type Check, fmt, layerValues, type Lookup, notRun, type VarianceRow, type VarianceTable } from './types.ts';

/**
 * eq. (17): mean singular value of J = ∂z^{k}/∂z^{k−1} at init, tanh, over the square
 * hidden-to-hidden layers, for the Tanh and Tanh N curve runs.
 * @returns the checks `jacobian.standard` and `jacobian.normalized`.
 */
export function jacobianChecks(l: Lookup): Check[] {
  const out: Check[] = [];
  for (const [label, init] of [
    ['Tanh', 'standard'],
    ['Tanh N', 'normalized'],
  ] as const) {
    const paper = PAPER_JACOBIAN_MEAN_SV[init];
    const id = `jacobian.${init}`;
    const title = `Jacobian mean singular value at initialization, tanh, ${init} init (eq. (17))`;
    const rule = `pass when |ours − paper| ≤ ${JACOBIAN_TOLERANCE}; ours = mean over the hidden layers whose W is square (n_{k−1} = n_k; all hidden layers ` +
      `if none is) of jacobian.sv_mean at update 0 (itself the mean over the probed examples)`;
    const source = `${paper.source.where} (${paper.source.transcribed})`;
    const o = l.run(label);
    if (!o) {
      out.push(notRun(id, 'jacobian', title, paper.value, `≈ ${paper.value}`, rule, `no ${label} run`, source));
      continue;
    }
    const h = o.shape.hidden;
    const sv = layerValues(l.store, o.runId, 'jacobian.sv_mean', 0, h.length);
    const square = h.map((_, i) => i).filter((i) => i > 0 && h[i - 1] === h[i]);
    const use = (square.length > 0 ? square : h.map((_, i) => i)).filter((i) => Number.isFinite(sv[i]!));
    if (use.length === 0) {
      const why = `run ${o.runId} recorded no Jacobian spectrum (probe.jacobianExamples = 0?)`;
      out.push({ ...notRun(id, 'jacobian', title, paper.value, `≈ ${paper.value}`, rule, why, source), runs: [o.runId] });
      continue;
    }
    const ours = use.reduce((s, i) => s + sv[i]!, 0) / use.length;
    // the random-matrix value of the same layers' W alone, stored beside the measurement at update 0
    const theory = layerValues(l.store, o.runId, 'theory.jacobian.sv_mean', 0, h.length).filter((v, i) => use.includes(i) && Number.isFinite(v));
    const prediction =
      theory.length > 0
        ? `random-matrix prediction for the weights alone, (8/(3π))·√(n·Var[W]) = ` +
          `${fmt(theory.reduce((a, b) => a + b, 0) / theory.length)}; tanh's f′ < 1 lowers it`
        : 'no random-matrix prediction recorded (theory.jacobian.sv_mean: the record predates it, or no averaged layer is square)';
    out.push({
      id,
      group: 'jacobian',
      title,
      ours,
      oursText: fmt(ours),
      paper: paper.value,
      paperText: `≈ ${paper.value}`,
      verdict: Math.abs(ours - paper.value) <= JACOBIAN_TOLERANCE ? 'pass' : 'fail',
      rule,
      detail:
        `per layer: ${sv.map((v, i) => `L${i + 1} ${fmt(v)}`).join(', ')} (averaged: ${use.map((i) => `L${i + 1}`).join(', ')}); ${prediction}`,
      runs: [o.runId],
      source,
    });
  }
  return out;
}

/** One quantity of the variance check: its measured and predicted names, and the layers it has. */
interface Quantity {
  readonly quantity: VarianceRow['quantity'];
  readonly measured: ScalarName;
  /** Whether the measured scalar is a standard deviation (squared to compare with a variance). */
  readonly isStd: boolean;
  readonly theory: ScalarName;
  readonly layers: number;
}

/** A quantity's spread of measured/theory over its layers; NaN when a layer's ratio is not a finite positive number, or fewer than 2 layers. */
interface Spread {
  readonly quantity: VarianceRow['quantity'];
  readonly spread: number;
  /** Layers whose ratio could not be formed (NaN or missing measurement or prediction). */
  readonly unmeasured: readonly number[];
}

/**
 * Theory (eqs. (5)–(7)) vs measured variances at init, for the configurations with f′(0) = 1 (Tanh,
 * Tanh N, Softsign, Softsign N). A quantity passes when measured/theory varies across its layers by
 * at most {@link VARIANCE_TREND_FACTOR}; a quantity whose spread is NaN (a layer without a finite
 * positive ratio, or fewer than two layers) never counts toward a pass.
 * @returns the checks `variance.<label>` and the variance table of each run.
 */
export function varianceChecks(l: Lookup): { checks: Check[]; tables: VarianceTable[] } {
  const checks: Check[] = [];
  const tables: VarianceTable[] = [];
  const rule =
    `pass when, for each quantity, measured/theory varies across layers by at most a factor ` +
      `${VARIANCE_TREND_FACTOR} (max/min): the layer-to-layer trend of eqs. (5)–(7) holds; ` +
    'a quantity whose spread cannot be measured (a layer with no finite positive ratio, or fewer than two layers) is not shown. ' +
    "The theory is fed the measured input second moment E[x²] (the paper's Var[x] assumes centred inputs; pixels in [0, 1] are not) and the measured " +
      "top-layer gradient variance, so in the linear regime the ratios are ≈ 1. " +
    'The absolute ratio is shown, not judged: the theory is linear (f′ = 1), and where activations are not small (normalized init, softsign) f′ < 1 shrinks ' +
      'the variances layer by layer and the check fails for that reason';
  const source = '§4.2.1, eqs. (5)–(7) (SPEC.md §3)';
  for (const label of ['Tanh', 'Tanh N', 'Softsign', 'Softsign N'] as const) {
    const id = `variance.${label.replace(' ', '-').toLowerCase()}`;
    const title = `Theory vs measured variances per layer at initialization: ${label}`;
    const o = l.run(label);
    if (!o) {
      checks.push(notRun(id, 'variance', title, 1, 'ratio 1 (linear regime)', rule, `no ${label} run`, source));
      continue;
    }
    const L = o.shape.hidden.length + 1;
    const quantities: Quantity[] = [
      { quantity: 'activation', measured: 'activation.std', isStd: true, theory: 'theory.activation.var', layers: L - 1 },
      { quantity: 'backprop_grad', measured: 'backprop_grad.std', isStd: true, theory: 'theory.backprop_grad.var', layers: L },
      { quantity: 'weight_grad', measured: 'weight_grad.per_example_var', isStd: false, theory: 'theory.weight_grad.var', layers: L },
    ];
    const rows: VarianceRow[] = [];
    const spreads: Spread[] = quantities.map((q) => {
      const m = layerValues(l.store, o.runId, q.measured, 0, q.layers);
      const t = layerValues(l.store, o.runId, q.theory, 0, q.layers);
      const ratios: number[] = [];
      const unmeasured: number[] = [];
      for (let k = 1; k <= q.layers; k++) {
        const measured = q.isStd ? m[k - 1]! ** 2 : m[k - 1]!;
        const theory = t[k - 1]!;
        const ratio = measured / theory;
        if (Number.isFinite(measured) && Number.isFinite(theory)) rows.push({ layer: k, quantity: q.quantity, measured, theory, ratio });
        if (Number.isFinite(ratio) && ratio > 0) ratios.push(ratio);
        else unmeasured.push(k);
      }
      return { quantity: q.quantity, spread: unmeasured.length > 0 ? NaN : spreadRatio(ratios), unmeasured };
    });
    if (rows.length === 0) {
      checks.push({ ...notRun(id, 'variance', title, 1, 'ratio 1', rule, `run ${o.runId} recorded no theory.* scalars at update 0`, source), runs: [o.runId] });
      continue;
    }
    tables.push({ label, runId: o.runId, rows });
    const measured = spreads.filter((s) => Number.isFinite(s.spread));
    const worst = measured.length > 0 ? Math.max(...measured.map((s) => s.spread)) : NaN;
    const verdict = measured.length === 0 ? 'not-run' : measured.length === spreads.length && worst <= VARIANCE_TREND_FACTOR ? 'pass' : 'fail';
    const ratiosOf = (q: VarianceRow['quantity']): number[] => rows.filter((r) => r.quantity === q).map((r) => r.ratio);
    const describe = (s: Spread): string => {
      if (Number.isFinite(s.spread)) return `${s.quantity}: ratios ${fmt(Math.min(...ratiosOf(s.quantity)))}–${fmt(Math.max(...ratiosOf(s.quantity)))}, ` +
        `spread ×${fmt(s.spread)}`;
      const layers = `layer${s.unmeasured.length === 1 ? '' : 's'} ${s.unmeasured.join(', ')}`;
      const why = s.unmeasured.length > 0 ? `no finite positive ratio in ${layers}` : 'fewer than two layers';
      return `${s.quantity}: spread not measurable (${why}), so not shown`;
    };
    checks.push({
      id,
      group: 'variance',
      title,
      ours: Number.isFinite(worst) ? worst : null,
      oursText: `worst spread ×${fmt(worst)}${measured.length < spreads.length ? ` (${spreads.length - measured.length} not measurable)` : ''}`,
      paper: 1,
      paperText: 'same ratio in every layer',
      verdict,
      rule,
      detail: spreads.map(describe).join('; '),
      runs: [o.runId],
      source,
    });
  }
  return { checks, tables };
}
