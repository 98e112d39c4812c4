/**
 * The predictions a run stored at init (update 0) beside its measurements, paired with them per
 * layer: the one place that knows which measured scalar goes with which prediction. The variance
 * checks (checks/init.ts) and `glorot show` read the record through it; nothing is recomputed but
 * the square of a stored standard deviation and the ratios.
 */
import type { ScalarName } from '../core/metrics.ts';
import type { RunStore } from '../store/runStore.ts';
import { layerValues, type VarianceRow } from './checks/types.ts';

/** One quantity: its measured scalar, the names of its predictions, and whether it has a softmax-layer value. */
interface Quantity {
  readonly quantity: VarianceRow['quantity'];
  readonly measured: ScalarName;
  /** Whether the measured scalar is a standard deviation (squared to compare with a variance). */
  readonly isStd: boolean;
  readonly linear: ScalarName;
  readonly meanField: ScalarName;
  readonly population: ScalarName;
  /** Whether the softmax layer L has it (gradients do, activations do not). */
  readonly outputLayer: boolean;
}

const QUANTITIES: readonly Quantity[] = [
  {
    quantity: 'activation',
    measured: 'activation.std',
    isStd: true,
    linear: 'theory.activation.var',
    meanField: 'meanfield.activation.var',
    population: 'meanfield.population.activation.var',
    outputLayer: false,
  },
  {
    quantity: 'backprop_grad',
    measured: 'backprop_grad.std',
    isStd: true,
    linear: 'theory.backprop_grad.var',
    meanField: 'meanfield.backprop_grad.var',
    population: 'meanfield.population.backprop_grad.var',
    outputLayer: true,
  },
  {
    quantity: 'weight_grad',
    measured: 'weight_grad.per_example_var',
    isStd: false,
    linear: 'theory.weight_grad.var',
    meanField: 'meanfield.weight_grad.var',
    population: 'meanfield.population.weight_grad.var',
    outputLayer: true,
  },
];

/**
 * Every layer's measured variance beside its predictions at update 0, for Var[z^k] (hidden layers),
 * Var[∂C/∂s^{k−1}] and one example's Var[∂C/∂W^{k−1}] (every layer). A row is kept when its
 * measurement is finite and at least one prediction is.
 * @param layers L, the number of weight layers (hidden + the softmax layer); by default the highest
 *   layer with a `backprop_grad.std` at update 0.
 * @returns rows by quantity, then layer; empty when the run stored no prediction at update 0.
 */
export function initTheoryRows(store: RunStore, runId: string, layers?: number): VarianceRow[] {
  const L = layers ?? Math.max(0, ...store.scalarSeries(runId, 'backprop_grad.std').filter((p) => p.updates === 0).map((p) => p.layer));
  const rows: VarianceRow[] = [];
  for (const q of QUANTITIES) {
    const count = q.outputLayer ? L : L - 1;
    if (count < 1) continue;
    const m = layerValues(store, runId, q.measured, 0, count);
    const lin = layerValues(store, runId, q.linear, 0, count);
    const mf = layerValues(store, runId, q.meanField, 0, count);
    const pop = layerValues(store, runId, q.population, 0, count);
    for (let k = 1; k <= count; k++) {
      const measured = q.isStd ? m[k - 1]! ** 2 : m[k - 1]!;
      const theory = lin[k - 1]!;
      const meanField = Number.isFinite(mf[k - 1]!) ? mf[k - 1]! : null;
      const population = Number.isFinite(pop[k - 1]!) ? pop[k - 1]! : null;
      if (!Number.isFinite(measured) || (!Number.isFinite(theory) && meanField === null && population === null)) continue;
      rows.push({
        layer: k,
        quantity: q.quantity,
        measured,
        theory,
        ratio: measured / theory,
        meanField,
        meanFieldError: meanField === null ? null : meanField / measured - 1,
        population,
      });
    }
  }
  return rows;
}
