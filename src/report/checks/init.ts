/**
 * Checks of the initial state against theory: the Jacobian's mean singular value (eq. (17)) and the
 * variances per layer — judged on the mean-field predictions (issue 13), the paper's linear eqs.
 * (5)–(7) shown beside them — from the update-0 scalars of the curve runs.
 */
import { PAPER_JACOBIAN_MEAN_SV } from '../paper.ts';
import { initTheoryRows } from '../initTheory.ts';
import { JACOBIAN_TOLERANCE, MEANFIELD_ACTIVATION_TOLERANCE, MEANFIELD_GRADIENT_TOLERANCE, spreadRatio, VARIANCE_TREND_FACTOR } from './rules.ts';
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

/**
 * A quantity's spread of measured/theory (the linear theory) over its layers; NaN when a layer's
 * ratio is not a finite positive number, or fewer than 2 layers.
 */
interface Spread {
  readonly quantity: VarianceRow['quantity'];
  readonly spread: number;
  /** Layers whose ratio could not be formed (NaN or missing measurement or prediction). */
  readonly unmeasured: readonly number[];
}

/** The linear theory's layer-to-layer trend per quantity: measured/theory over layers 1 … `layers` of each (NaN layers listed). */
function linearSpreads(l: Lookup, runId: string, L: number): Spread[] {
  const quantities = [
    { quantity: 'activation', measured: 'activation.std', isStd: true, theory: 'theory.activation.var', layers: L - 1 },
    { quantity: 'backprop_grad', measured: 'backprop_grad.std', isStd: true, theory: 'theory.backprop_grad.var', layers: L },
    { quantity: 'weight_grad', measured: 'weight_grad.per_example_var', isStd: false, theory: 'theory.weight_grad.var', layers: L },
  ] as const;
  return quantities.map((q) => {
    const m = layerValues(l.store, runId, q.measured, 0, q.layers);
    const t = layerValues(l.store, runId, q.theory, 0, q.layers);
    const ratios: number[] = [];
    const unmeasured: number[] = [];
    for (let k = 1; k <= q.layers; k++) {
      const ratio = (q.isStd ? m[k - 1]! ** 2 : m[k - 1]!) / t[k - 1]!;
      if (Number.isFinite(ratio) && ratio > 0) ratios.push(ratio);
      else unmeasured.push(k);
    }
    return { quantity: q.quantity, spread: unmeasured.length > 0 ? NaN : spreadRatio(ratios), unmeasured };
  });
}

const QUANTITY_TEXT: Record<VarianceRow['quantity'], string> = { activation: 'Var[z]', backprop_grad: 'Var[∂C/∂s]', weight_grad: 'Var[∂C/∂W]' };

/** `+1.1%`: a relative error as a signed percentage. */
function pct(e: number): string {
  return `${e >= 0 ? '+' : '−'}${fmt(Math.abs(100 * e), 2)}%`;
}

/** The worst |prediction/measured − 1| of a quantity's rows and its layer, for `prediction` (null: none). */
function worstError(rows: readonly VarianceRow[], prediction: (r: VarianceRow) => number | null): { error: number; layer: number } | null {
  let worst: { error: number; layer: number } | null = null;
  for (const r of rows) {
    const p = prediction(r);
    if (p === null) continue;
    const error = p / r.measured - 1;
    if (worst === null || !(Math.abs(error) <= Math.abs(worst.error))) worst = { error, layer: r.layer };
  }
  return worst;
}

/**
 * Predicted vs measured variances at init, for Tanh, Tanh N, Softsign and Softsign N (issue 13):
 * judged on the mean-field prediction conditioned on the drawn network (`meanfield.*`): pass when
 * in every layer Var[z^k] is within {@link MEANFIELD_ACTIVATION_TOLERANCE} and Var[∂C/∂s] within
 * {@link MEANFIELD_GRADIENT_TOLERANCE} of the measurement; a layer without a finite prediction or
 * measurement never counts toward a pass. The population prediction, Var[∂C/∂W] and the linear
 * theory of eqs. (5)–(7) are shown, not judged. A record made before the mean-field predictions is
 * judged as before on the linear theory's layer-to-layer trend (measured/theory varies by at most
 * {@link VARIANCE_TREND_FACTOR} across layers, per quantity).
 * @returns the checks `variance.<label>` and the variance table of each run.
 */
export function varianceChecks(l: Lookup): { checks: Check[]; tables: VarianceTable[] } {
  const checks: Check[] = [];
  const tables: VarianceTable[] = [];
  const linearNote =
    "The linear theory is fed the measured input second moment E[x²] (the paper's Var[x] assumes centred inputs; pixels in [0, 1] are not) and the measured " +
    'top-layer gradient variance; it is linear (f′ = 1), and where activations are not small (normalized init, softsign) f′ < 1 shrinks the variances ' +
    'layer by layer, which it cannot follow';
  const meanFieldRule =
    `pass when, in every layer, the mean-field prediction conditioned on the drawn network (meanfield.*: from the weights, the probe inputs and labels, ` +
    `without the probe's pass) of Var[z^k] is within ±${fmt(100 * MEANFIELD_ACTIVATION_TOLERANCE)}% and of Var[∂C/∂s] (per example) within ` +
    `±${fmt(100 * MEANFIELD_GRADIENT_TOLERANCE)}% of the measurement (our target for the mean-field theory); ` +
    'a layer without a finite prediction fails the check. ' +
    'Shown, not judged: Var[∂C/∂W] per example, the population mean-field prediction (the expectation over initialisations: one network of finite ' +
    `width strays from it) and the paper's linear theory, eqs. (5)–(7). ${linearNote}`;
  const trendRule =
    'this record predates the mean-field predictions, so the linear theory is judged: pass when, for each quantity, measured/theory varies across ' +
    `layers by at most a factor ${VARIANCE_TREND_FACTOR} (max/min): the layer-to-layer trend of eqs. (5)–(7) holds; a quantity whose spread cannot be ` +
    `measured (a layer with no finite positive ratio, or fewer than two layers) is not shown. The absolute ratio is shown, not judged. ${linearNote}`;
  const source = 'Poole et al. (2016) and Schoenholz et al. (2017), mean field; §4.2.1, eqs. (5)–(7) (SPEC.md §3)';
  for (const label of ['Tanh', 'Tanh N', 'Softsign', 'Softsign N'] as const) {
    const id = `variance.${label.replace(' ', '-').toLowerCase()}`;
    const title = `Predicted vs measured variances per layer at initialization: ${label}`;
    const o = l.run(label);
    if (!o) {
      const target = `mean-field within ±${fmt(100 * MEANFIELD_ACTIVATION_TOLERANCE)}%`;
      checks.push(notRun(id, 'variance', title, null, target, meanFieldRule, `no ${label} run`, source));
      continue;
    }
    const L = o.shape.hidden.length + 1;
    const rows = initTheoryRows(l.store, o.runId, L);
    if (rows.length === 0) {
      const why = `run ${o.runId} recorded no theory.* or meanfield.* scalars at update 0`;
      checks.push({ ...notRun(id, 'variance', title, null, 'mean-field within the target', meanFieldRule, why, source), runs: [o.runId] });
      continue;
    }
    tables.push({ label, runId: o.runId, rows });
    const spreads = linearSpreads(l, o.runId, L);
    const ratiosOf = (q: VarianceRow['quantity']): number[] => rows.filter((r) => r.quantity === q && Number.isFinite(r.ratio)).map((r) => r.ratio);
    const describeLinear = (s: Spread): string => {
      if (Number.isFinite(s.spread)) return `${s.quantity}: ratios ${fmt(Math.min(...ratiosOf(s.quantity)))}–${fmt(Math.max(...ratiosOf(s.quantity)))}, ` +
        `spread ×${fmt(s.spread)}`;
      const layers = `layer${s.unmeasured.length === 1 ? '' : 's'} ${s.unmeasured.join(', ')}`;
      const why = s.unmeasured.length > 0 ? `no finite positive ratio in ${layers}` : 'fewer than two layers';
      return `${s.quantity}: spread not measurable (${why}), so not shown`;
    };
    const linearRange = (q: VarianceRow['quantity']): string => {
      const r = ratiosOf(q);
      return r.length === 0 ? '—' : `${fmt(Math.min(...r))}–${fmt(Math.max(...r))}`;
    };
    if (rows.some((r) => r.meanField !== null)) {
      const judged = [
        { quantity: 'activation', tolerance: MEANFIELD_ACTIVATION_TOLERANCE, layers: L - 1 },
        { quantity: 'backprop_grad', tolerance: MEANFIELD_GRADIENT_TOLERANCE, layers: L },
      ] as const;
      let pass = true;
      let ours = 0;
      const parts: string[] = [];
      for (const q of judged) {
        const qRows = rows.filter((r) => r.quantity === q.quantity);
        const predicted = qRows.filter((r) => r.meanField !== null);
        const missing = Array.from({ length: q.layers }, (_, i) => i + 1).filter((k) => !predicted.some((r) => r.layer === k));
        const worst = worstError(predicted, (r) => r.meanField);
        const pop = worstError(qRows, (r) => r.population);
        if (missing.length > 0 || worst === null || !(Math.abs(worst.error) <= q.tolerance)) pass = false;
        if (worst !== null) ours = Math.max(ours, Math.abs(worst.error));
        parts.push(
          `${QUANTITY_TEXT[q.quantity]}: mean-field worst ${worst === null ? '—' : `${pct(worst.error)} (layer ${worst.layer})`}` +
            (missing.length > 0 ? `, no prediction or measurement in layer${missing.length === 1 ? '' : 's'} ${missing.join(', ')}` : '') +
            `; population mean-field worst ${pop === null ? '—' : `${pct(pop.error)} (layer ${pop.layer})`}; linear measured/theory ${linearRange(q.quantity)}`,
        );
      }
      const wg = worstError(rows.filter((r) => r.quantity === 'weight_grad'), (r) => r.meanField);
      const wgText = wg === null ? '—' : `${pct(wg.error)} (layer ${wg.layer})`;
      parts.push(`Var[∂C/∂W] (shown): mean-field worst ${wgText}; linear measured/theory ${linearRange('weight_grad')}`);
      checks.push({
        id,
        group: 'variance',
        title,
        ours,
        oursText: `worst mean-field error ${fmt(100 * ours, 2)}%`,
        paper: null,
        paperText: `linear eqs. (5)–(7): measured/theory ${linearRange('activation')} (Var[z])`,
        verdict: pass ? 'pass' : 'fail',
        rule: meanFieldRule,
        detail: parts.join('; '),
        runs: [o.runId],
        source,
      });
      continue;
    }
    const measured = spreads.filter((s) => Number.isFinite(s.spread));
    const worst = measured.length > 0 ? Math.max(...measured.map((s) => s.spread)) : NaN;
    const verdict = measured.length === 0 ? 'not-run' : measured.length === spreads.length && worst <= VARIANCE_TREND_FACTOR ? 'pass' : 'fail';
    checks.push({
      id,
      group: 'variance',
      title,
      ours: Number.isFinite(worst) ? worst : null,
      oursText: `worst spread ×${fmt(worst)}${measured.length < spreads.length ? ` (${spreads.length - measured.length} not measurable)` : ''}`,
      paper: 1,
      paperText: 'same ratio in every layer',
      verdict,
      rule: trendRule,
      detail: spreads.map(describeLinear).join('; '),
      runs: [o.runId],
      source,
    });
  }
  return { checks, tables };
}
