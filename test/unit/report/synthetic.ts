/**
 * Synthetic run records for the report tests: runs whose every statistic is a chosen function, so
 * the right verdict is known in advance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigLabel, ReportDataset } from '../../../src/report/input.ts';
import { type Selection, selectAll } from '../../../src/report/select.ts';
import { shapesetClassPriors } from '../../../src/data/shapeset/params.ts';
import { openRunStore, type RunStore } from '../../../src/store/runStore.ts';
import type { HistogramRecord, HistogramTensor, ScalarName, ScalarRecord } from '../../../src/core/metrics.ts';
import type { RunStatus } from '../../../src/store/types.ts';

/** What a synthetic run looks like. */
export interface SyntheticRun {
  readonly id: string;
  readonly activation: 'sigmoid' | 'tanh' | 'softsign';
  readonly init: 'standard' | 'normalized';
  readonly hidden?: readonly number[];
  readonly learningRate?: number;
  readonly seed?: number;
  readonly dataset?: string;
  /** Probe updates (default 0, 1, 10, 100, 1000). */
  readonly updates?: readonly number[];
  /** Value of scalar `name` of layer k at update u; undefined → a default. */
  readonly scalar?: (name: ScalarName, k: number, u: number) => number | undefined;
  /** Final validation / test error (%) (curves decrease to it from 90). */
  readonly validationError?: number;
  readonly testError?: number;
  /** Final status (default finished). */
  readonly status?: RunStatus;
  /** Also store the hidden layers' own-range gradient histograms (default true; false: a record made before they existed). */
  readonly ownRange?: boolean;
  /**
   * Also store the mean-field predictions at update 0 (default false: a record made before they
   * existed); each defaults to the measurement it predicts (a perfect prediction) unless `scalar` gives it.
   */
  readonly meanField?: boolean;
}

const DEFAULTS: Partial<Record<ScalarName, (k: number, u: number) => number>> = {
  'activation.mean': () => 0,
  'activation.std': (k) => 0.5 / k,
  'activation.p2': (k) => -0.8 / k,
  'activation.p98': (k) => 0.8 / k,
  'activation.saturated': () => 0,
  'backprop_grad.std': (k) => 0.01 * k,
  'weight_grad.mean': () => 0,
  'weight_grad.std': () => 0.001,
  'weight_grad.per_example_var': () => 1e-6,
  'jacobian.sv_mean': () => 0.5,
  'theory.activation.var': (k) => 0.25 / (k * k),
  'theory.backprop_grad.var': (k) => 1e-4 * k * k,
  'theory.weight_grad.var': () => 1e-6,
};

/** A histogram of a standard normal scaled by `std` over [−r, r] in 20 bins (counts sum to 1000). */
function gaussHistogram(layer: number, tensor: HistogramTensor, std: number, r: number): HistogramRecord {
  const bins = 20;
  const edges = Array.from({ length: bins + 1 }, (_, i) => -r + (2 * r * i) / bins);
  const dens = Array.from({ length: bins }, (_, i) => {
    const c = (edges[i]! + edges[i + 1]!) / 2;
    return Math.exp(-0.5 * (c / std) ** 2);
  });
  const s = dens.reduce((a, b) => a + b, 0);
  return { layer, tensor, edges: Float64Array.from(edges), counts: Float64Array.from(dens, (d) => (1000 * d) / s), nan: 0, posInf: 0, negInf: 0 };
}

/**
 * Writes one synthetic run into `store`: scalars for every hidden layer (and gradient scalars for the
 * output layer), histograms, and validation/test evaluations at every probe update.
 */
export function writeSyntheticRun(store: RunStore, r: SyntheticRun): void {
  const hidden = r.hidden ?? [8, 8, 8];
  const updates = r.updates ?? [0, 1, 10, 100, 1000];
  const last = updates[updates.length - 1]!;
  store.createRun({
    id: r.id,
    config: {
      dataset: r.dataset ?? 'shapeset',
      validationSize: 50,
      testSize: 50,
      hidden: [...hidden],
      activation: r.activation,
      init: r.init,
      learningRate: r.learningRate ?? 0.1,
      minibatch: 10,
      updates: last,
      seed: r.seed ?? 1,
      probe: { interval: 1000, early: true, size: 20, bins: 20, jacobianExamples: 1, jacobianAt: 'init' },
    },
    seed: r.seed ?? 1,
    backend: 'reference',
    threads: 1,
  });
  const H = hidden.length;
  const value = (name: ScalarName, k: number, u: number): number => r.scalar?.(name, k, u) ?? DEFAULTS[name]?.(k, u) ?? predicted(name, k, u);
  /** A mean-field prediction's default: the measurement it predicts. */
  const predicted = (name: ScalarName, k: number, u: number): number => {
    const quantity = name.replace(/^meanfield\.(population\.)?/, '').replace(/\.var$/, '');
    if (quantity === 'weight_grad') return value('weight_grad.per_example_var', k, u);
    if (quantity === 'activation' || quantity === 'backprop_grad') return value(`${quantity}.std`, k, u) ** 2;
    throw new Error(`synthetic run: no default for ${name}`);
  };
  for (const u of updates) {
    const scalars: ScalarRecord[] = [];
    for (let k = 1; k <= H + 1; k++) {
      const names: ScalarName[] = ['backprop_grad.std', 'weight_grad.mean', 'weight_grad.std', 'weight_grad.per_example_var'];
      if (k <= H) names.push('activation.mean', 'activation.std', 'activation.p2', 'activation.p98', 'activation.saturated');
      if (u === 0) {
        names.push('theory.backprop_grad.var', 'theory.weight_grad.var');
        if (k <= H) names.push('jacobian.sv_mean', 'theory.activation.var');
        if (r.meanField === true) {
          names.push('meanfield.backprop_grad.var', 'meanfield.weight_grad.var', 'meanfield.population.backprop_grad.var', 'meanfield.population.weight_grad.var');
          if (k <= H) names.push('meanfield.activation.var', 'meanfield.population.activation.var');
        }
      }
      for (const name of names) scalars.push({ layer: k, name, value: value(name, k, u) });
    }
    const histograms: HistogramRecord[] = [];
    for (let k = 1; k <= H + 1; k++) {
      const add = (tensor: HistogramTensor, std: number, r: number): void => {
        if (Number.isFinite(std) && std > 0) histograms.push(gaussHistogram(k, tensor, std, r));
      };
      if (k <= H) add('activation', value('activation.std', k, u), 1);
      add('backprop_grad', value('backprop_grad.std', k, u), 0.1);
      add('weight_grad', value('weight_grad.std', k, u), 0.01);
      if (k <= H && (r.ownRange ?? true)) {
        // each layer over its own range, ±4 std
        add('backprop_grad.own_range', value('backprop_grad.std', k, u), 4 * value('backprop_grad.std', k, u));
        add('weight_grad.own_range', value('weight_grad.std', k, u), 4 * value('weight_grad.std', k, u));
      }
    }
    const frac = last > 0 ? u / last : 1;
    const err = (final: number): number => 90 + (final - 90) * frac;
    store.recordProbePoint(r.id, u, {
      scalars,
      histograms,
      evaluations: [
        { split: 'validation', errorRate: err(r.validationError ?? 30), nll: 1, examples: 50 },
        { split: 'test', errorRate: err(r.testError ?? 30), nll: 1, examples: 50 },
      ],
    });
  }
  store.setStatus(r.id, r.status ?? 'finished', r.status === 'diverged' ? `loss became NaN at update ${last + 1}` : undefined);
}

/**
 * Writes `runs` (per report label, one or more runs with their ids) into a fresh store in a temporary
 * directory, selects them as the Shapeset dataset of a report, and returns `use(store, selections)`
 * with the store open read-only; the directory is removed afterwards.
 */
export function withSyntheticSelections<T>(
  runs: ReadonlyArray<readonly [ConfigLabel, readonly SyntheticRun[]]>,
  use: (store: RunStore, selections: Selection[]) => T,
): T {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-synthetic-'));
  try {
    const w = openRunStore(dir);
    // what the reproduce job stores beside the runs: Shapeset's class priors (its chance level)
    w.putClassPriors({ dataset: 'shapeset', priors: shapesetClassPriors() });
    const configs: ReportDataset['configs'][number][] = runs.map(([label, list]) => ({
      label,
      runs: list.map((r) => {
        writeSyntheticRun(w, r);
        return { runId: r.id, learningRate: r.learningRate ?? 0.1, seed: r.seed ?? 1 };
      }),
    }));
    w.close();
    const store = openRunStore(dir, { readonly: true });
    try {
      return use(store, selectAll(store, [{ dataset: 'shapeset', status: 'ran', configs }], () => {}));
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One run per label, its id the label in lower case with dashes (`Tanh N` → `tanh-n`). */
export function oneRunPerLabel(
  runs: Partial<Record<ConfigLabel, Omit<SyntheticRun, 'id'>>>,
): Array<readonly [ConfigLabel, readonly SyntheticRun[]]> {
  return (Object.entries(runs) as Array<[ConfigLabel, Omit<SyntheticRun, 'id'>]>).map(([label, r]) => [label, [{ ...r, id: label.toLowerCase().replace(' ', '-') }]] as const);
}
