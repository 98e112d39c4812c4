/**
 * The metric vocabulary of the run record: every scalar statistic and every histogram tensor a probe
 * point holds, each with its definition, unit and source in the paper, and the record types that
 * carry them. The probes (src/probes) write these types, the store (src/store) stores and returns
 * them, and the report, the bench and the dashboard read them: one set of names, one set of types.
 *
 * Layer numbering (the paper's figures): layer k = 1 … L−1 are the hidden layers, z^k = f(s^{k−1});
 * layer L is the softmax output layer; {@link NETWORK_LAYER} (−1) holds network-level quantities.
 * For layer k, `backprop_grad` is ∂C/∂s^{k−1} per example, `weight_grad` is ∂C/∂W^{k−1} averaged over
 * the probe set (as an SGD step uses it), `weight` is W^{k−1}, `jacobian` is J = ∂z^k/∂z^{k−1}.
 */

/** Layer index of network-level quantities (loss, …) rather than one layer's. */
export const NETWORK_LAYER = -1;

/** The percentiles every probe records, both tails and the median (SPEC.md §5: the paper's 98th). */
export const PERCENTILES = [1, 2, 50, 98, 99] as const;
/** One of {@link PERCENTILES}. */
export type Percentile = (typeof PERCENTILES)[number];

/** The tensors whose distribution the probe summarises at every probe point. */
const SUMMARIZED_TENSORS = ['activation', 'backprop_grad', 'weight_grad'] as const;
/** One of {@link SUMMARIZED_TENSORS}. */
export type SummarizedTensor = (typeof SUMMARIZED_TENSORS)[number];

/** The statistics of a summary, in the order the probe writes them (`nonfinite` only when > 0). */
const SUMMARY_STATS = ['mean', 'std', 'min', 'max', 'p1', 'p2', 'p50', 'p98', 'p99', 'nonfinite'] as const;
/** One of {@link SUMMARY_STATS}. */
export type SummaryStat = 'mean' | 'std' | 'min' | 'max' | `p${Percentile}` | 'nonfinite';

/** The scalar statistics that are not a summary of a tensor. */
const OTHER_SCALARS = [
  'activation.saturated',
  'weight.std',
  'weight_grad.per_example_var',
  'probe.loss',
  'jacobian.sv_mean',
  'jacobian.sv_min',
  'jacobian.sv_max',
  'theory.activation.var',
  'theory.backprop_grad.var',
  'theory.weight_grad.var',
  'theory.jacobian.sv_mean',
  'meanfield.activation.var',
  'meanfield.backprop_grad.var',
  'meanfield.weight_grad.var',
  'meanfield.population.activation.var',
  'meanfield.population.backprop_grad.var',
  'meanfield.population.weight_grad.var',
  'meanfield.population.jacobian.sv_mean',
] as const;

/** A scalar statistic's name, e.g. `activation.p98` (stored in `scalars.name`). */
export type ScalarName = `${SummarizedTensor}.${SummaryStat}` | (typeof OTHER_SCALARS)[number];

/** The histogrammed tensors (stored in `histograms.tensor`). */
export const HISTOGRAM_TENSORS = ['activation', 'backprop_grad', 'weight_grad', 'backprop_grad.own_range', 'weight_grad.own_range'] as const;
/** One of {@link HISTOGRAM_TENSORS}. */
export type HistogramTensor = (typeof HISTOGRAM_TENSORS)[number];

/** What a name means. */
export interface MetricInfo {
  /** A short name for a menu, a legend or an axis, with the paper's symbols (`activations z: std`). */
  readonly label: string;
  /** One sentence: the quantity, over what it is computed, and for which layers. */
  readonly definition: string;
  /** Its unit (`1` for dimensionless ratios, or the unit of the values summarised). */
  readonly unit: string;
  /** Where the paper uses it, in the one spelling (`eq. (17)`, `Fig. 6`, `SPEC.md §5`). */
  readonly source: string;
}

const TENSOR_TEXT: Record<SummarizedTensor, { label: string; what: string; unit: string; layers: string; source: string }> = {
  activation: { label: 'activations z', what: 'the activations z^k', unit: 'activation units', layers: 'hidden layers', source: 'Figs. 2–4, 6, 10' },
  backprop_grad: {
    label: 'back-propagated ∂C/∂s',
    what: 'the per-example back-propagated gradients ∂C/∂s^{k−1}',
    unit: 'nats per unit of s',
    layers: 'hidden and output layers',
    source: 'Fig. 7, eq. (6)',
  },
  weight_grad: {
    label: 'weight gradients ∂C/∂W',
    what: 'the weight gradients ∂C/∂W^{k−1} averaged over the probe set',
    unit: 'nats per unit of W',
    layers: 'hidden and output layers',
    source: 'Figs. 8–9, eq. (7)',
  },
};

/** The summarised tensors' short names with the paper's symbols (the run view's tensor menu). */
export const TENSOR_LABELS: Readonly<Record<SummarizedTensor, string>> = Object.freeze({
  activation: TENSOR_TEXT.activation.label,
  backprop_grad: TENSOR_TEXT.backprop_grad.label,
  weight_grad: TENSOR_TEXT.weight_grad.label,
});

const STAT_LABEL: Record<SummaryStat, string> = {
  mean: 'mean',
  std: 'std',
  min: 'min',
  max: 'max',
  p1: '1st percentile',
  p2: '2nd percentile',
  p50: 'median',
  p98: '98th percentile',
  p99: '99th percentile',
  nonfinite: 'NaN and ±∞ count',
};

const STAT_TEXT: Record<SummaryStat, string> = {
  mean: 'mean of the finite values of',
  std: 'population standard deviation of the finite values of',
  min: 'smallest value (±Infinity included) of',
  max: 'largest value (±Infinity included) of',
  p1: '1st percentile (linear interpolation, NaN left out) of',
  p2: '2nd percentile (linear interpolation, NaN left out) of',
  p50: 'median (linear interpolation, NaN left out) of',
  p98: '98th percentile (linear interpolation, NaN left out) of',
  p99: '99th percentile (linear interpolation, NaN left out) of',
  nonfinite: 'number of NaN and ±Infinity values (written only when > 0) among',
};

function summaryEntries(): Array<[ScalarName, MetricInfo]> {
  const out: Array<[ScalarName, MetricInfo]> = [];
  for (const t of SUMMARIZED_TENSORS) {
    const x = TENSOR_TEXT[t];
    for (const s of SUMMARY_STATS) {
      const source = s === 'p98' || s === 'p2' ? `${x.source}; SPEC.md §5 (98th percentile)` : x.source;
      const definition = `${STAT_TEXT[s]} ${x.what} over the probe set, ${x.layers}`;
      out.push([`${t}.${s}`, { label: `${x.label}: ${STAT_LABEL[s]}`, definition, unit: s === 'nonfinite' ? 'values' : x.unit, source }]);
    }
  }
  return out;
}

const OTHER_INFO: Record<(typeof OTHER_SCALARS)[number], MetricInfo> = {
  'activation.saturated': {
    label: 'saturated fraction (f′ < 0.1 × largest f′)',
    definition: "fraction of the hidden layer's units × examples with f′(s) < 0.1 × the activation's largest slope (a dead ReLU unit counts)",
    unit: '1',
    source: 'Figs. 3–4',
  },
  'weight.std': {
    label: 'weights W: std',
    definition: 'population standard deviation of the weights W^{k−1}, hidden and output layers',
    unit: 'weight units',
    source: 'eqs. (1), (16)',
  },
  'weight_grad.per_example_var': {
    label: "one example's ∂C/∂W: second moment",
    definition:
      "mean over the probe set of one example's weight-gradient second moment, (mean_j z_j²)·(mean_i (∂C/∂s_i)²): the quantity eq. (7) predicts",
    unit: '(nats per unit of W)²',
    source: 'eq. (7)',
  },
  'probe.loss': {
    label: 'probe-set cost',
    definition: 'mean cost (softmax negative log-likelihood) over the probe set; network layer',
    unit: 'nats',
    source: 'SPEC.md §1',
  },
  'jacobian.sv_mean': {
    label: 'Jacobian J: mean singular value',
    definition: 'mean singular value of J = ∂z^k/∂z^{k−1}, averaged over the Jacobian examples; hidden layers',
    unit: '1',
    source: 'eq. (17)',
  },
  'jacobian.sv_min': {
    label: 'Jacobian J: smallest singular value',
    definition: 'smallest singular value of J = ∂z^k/∂z^{k−1}, averaged over the Jacobian examples; hidden layers',
    unit: '1',
    source: 'eq. (17)',
  },
  'jacobian.sv_max': {
    label: 'Jacobian J: largest singular value',
    definition: 'largest singular value of J = ∂z^k/∂z^{k−1}, averaged over the Jacobian examples; hidden layers',
    unit: '1',
    source: 'eq. (17)',
  },
  'theory.activation.var': {
    label: 'linear theory: Var[z]',
    definition: 'Var[z^k] predicted by the linear theory from the measured input second moment E[x²] and the weights\' variances; hidden layers, update 0',
    unit: '(activation units)²',
    source: 'eq. (5)',
  },
  'theory.backprop_grad.var': {
    label: 'linear theory: Var[∂C/∂s]',
    definition: 'Var[∂C/∂s^{k−1}] predicted by the linear theory from the measured top-layer gradient variance; hidden and output layers, update 0',
    unit: '(nats per unit of s)²',
    source: 'eq. (6)',
  },
  'theory.weight_grad.var': {
    label: 'linear theory: Var[∂C/∂W]',
    definition: 'one example\'s Var[∂C/∂W^{k−1}] predicted by the linear theory (product of the two above); hidden and output layers, update 0',
    unit: '(nats per unit of W)²',
    source: 'eq. (7)',
  },
  'theory.jacobian.sv_mean': {
    label: 'random-matrix theory: mean singular value of W',
    definition:
      'random-matrix prediction (8/(3π))·√(n·Var[W]) of the mean singular value of the square weight matrix W^{k−1} alone ' +
      '(quarter-circle law); square hidden layers (n_{k−1} = n_k), update 0',
    unit: '1',
    source: 'eq. (17); SPEC.md §3',
  },
  'meanfield.activation.var': {
    label: 'mean field (this network): Var[z]',
    definition:
      'Var[z^k] over examples × units predicted by the mean-field theory conditioned on the drawn network (its weights and biases, ' +
      'the probe inputs and labels; no forward pass): hidden layers, update 0',
    unit: '(activation units)²',
    source: 'eq. (5), refined: Poole et al. (2016); src/theory/conditioned.ts',
  },
  'meanfield.backprop_grad.var': {
    label: 'mean field (this network): Var[∂C/∂s]',
    definition:
      'Var[∂C/∂s^{k−1}] per example predicted by the conditioned mean-field theory, its top gradient predicted from the labels; ' +
      'hidden and output layers, update 0',
    unit: '(nats per unit of s)²',
    source: 'eq. (6), refined: Schoenholz et al. (2017); src/theory/conditioned.ts',
  },
  'meanfield.weight_grad.var': {
    label: 'mean field (this network): Var[∂C/∂W]',
    definition: "one example's Var[∂C/∂W^{k−1}] (as weight_grad.per_example_var pools it) predicted by the conditioned mean-field theory; " +
      'hidden and output layers, update 0',
    unit: '(nats per unit of W)²',
    source: 'eq. (7), refined: src/theory/conditioned.ts',
  },
  'meanfield.population.activation.var': {
    label: 'mean field (population): Var[z]',
    definition:
      'Var[z^k] predicted by the population mean-field theory (the expectation over initialisations) from the init law and each ' +
      "example's ‖x‖²; hidden layers, update 0",
    unit: '(activation units)²',
    source: 'eq. (5), refined: Poole et al. (2016), eq. (3); src/theory/meanField.ts',
  },
  'meanfield.population.backprop_grad.var': {
    label: 'mean field (population): Var[∂C/∂s]',
    definition: 'Var[∂C/∂s^{k−1}] per example predicted by the population mean-field theory from the measured top-layer gradient; ' +
      'hidden and output layers, update 0',
    unit: '(nats per unit of s)²',
    source: 'eq. (6), refined: Schoenholz et al. (2017), eq. (11); src/theory/meanField.ts',
  },
  'meanfield.population.weight_grad.var': {
    label: 'mean field (population): Var[∂C/∂W]',
    definition: "one example's Var[∂C/∂W^{k−1}] predicted by the population mean-field theory; hidden and output layers, update 0",
    unit: '(nats per unit of W)²',
    source: 'eq. (7), refined: src/theory/meanField.ts',
  },
  'meanfield.population.jacobian.sv_mean': {
    label: 'mean field (population): Jacobian mean singular value',
    definition:
      'mean singular value of J = ∂z^k/∂z^{k−1} predicted by the population mean-field theory (free probability of W·diag(f′)) ' +
      'for the Jacobian examples; hidden layers, update 0',
    unit: '1',
    source: 'eq. (17), refined: Pennington et al. (2017); src/theory/spectrum.ts',
  },
};

/** Every scalar name with its definition, unit and source. */
export const SCALAR_METRICS: Readonly<Record<ScalarName, MetricInfo>> = Object.freeze({
  ...(Object.fromEntries(summaryEntries()) as Record<`${SummarizedTensor}.${SummaryStat}`, MetricInfo>),
  ...OTHER_INFO,
});

/** Every histogram tensor with its definition, unit (of the binned values) and source. */
export const HISTOGRAM_METRICS: Readonly<Record<HistogramTensor, MetricInfo>> = Object.freeze({
  activation: {
    label: 'activations z',
    definition:
      "z^k over the probe set, hidden layers; bins over the activation's fixed range when it is bounded (sigmoid [0, 1], tanh and softsign [−1, 1]), " +
      "else over the values' [min, max]",
    unit: 'activation units',
    source: 'Figs. 4, 6',
  },
  backprop_grad: {
    label: '∂C/∂s (shared range)',
    definition:
      'per-example ∂C/∂s^{k−1}; the hidden layers of one probe point share one symmetric range (±the largest |value| among them), ' +
      'the output layer has its own',
    unit: 'nats per unit of s',
    source: 'Fig. 7',
  },
  weight_grad: {
    label: '∂C/∂W (shared range)',
    definition: '∂C/∂W^{k−1} averaged over the probe set; ranges as for backprop_grad',
    unit: 'nats per unit of W',
    source: 'Fig. 8',
  },
  'backprop_grad.own_range': {
    label: '∂C/∂s (each layer its own range)',
    definition:
      "the values of backprop_grad binned over the layer's own symmetric range (±its largest |value|), hidden layers: " +
      'a narrow layer still fills the bins',
    unit: 'nats per unit of s',
    source: 'Fig. 7',
  },
  'weight_grad.own_range': {
    label: '∂C/∂W (each layer its own range)',
    definition: "the values of weight_grad binned over the layer's own symmetric range, hidden layers",
    unit: 'nats per unit of W',
    source: 'Fig. 8',
  },
});

/** Whether `name` is a scalar name of the vocabulary. */
export function isScalarName(name: unknown): name is ScalarName {
  return typeof name === 'string' && Object.hasOwn(SCALAR_METRICS, name);
}

/** Whether `tensor` is a histogram tensor of the vocabulary. */
export function isHistogramTensor(tensor: unknown): tensor is HistogramTensor {
  return typeof tensor === 'string' && (HISTOGRAM_TENSORS as readonly string[]).includes(tensor);
}

/** One scalar statistic of one layer (or of the network, layer {@link NETWORK_LAYER}) at a probe point. */
export interface ScalarRecord {
  /** Layer index (1 = the hidden layer nearest the input; see the module comment) or {@link NETWORK_LAYER}. */
  readonly layer: number;
  readonly name: ScalarName;
  /** The value in the name's unit; NaN and ±Infinity are kept (the store keeps NaN as SQL NULL). */
  readonly value: number;
}

/**
 * A histogram of one tensor of one layer at a probe point: `counts[i]` values fell in
 * `[edges[i], edges[i+1])` (the last bin closed). Non-finite values are counted apart, never in a bin.
 */
export interface HistogramRecord {
  /** Layer index, as {@link ScalarRecord.layer}. */
  readonly layer: number;
  readonly tensor: HistogramTensor;
  /** `counts.length + 1` bin edges, finite and strictly increasing. */
  readonly edges: Float64Array;
  /** Count per bin (exact integers, or weights for a normalized histogram); finite and ≥ 0. */
  readonly counts: Float64Array;
  /** NaN values seen. */
  readonly nan: number;
  /** +Infinity values seen. */
  readonly posInf: number;
  /** −Infinity values seen. */
  readonly negInf: number;
}

/** The data splits an evaluation is made on. */
export const SPLITS = ['train', 'validation', 'test'] as const;
/** `train` (running estimate over the updates since the previous probe point), `validation` or `test`. */
export type Split = (typeof SPLITS)[number];

/** Classification error and cost on one split at a probe point. */
export interface EvaluationRecord {
  readonly split: Split;
  /** Classification error in percent (0–100). */
  readonly errorRate: number;
  /** Mean negative log-likelihood per example, in nats. */
  readonly nll: number;
  /** Number of examples the figures were computed on. */
  readonly examples: number;
}

/** The two quantities of an {@link EvaluationRecord} that are drawn over updates. */
export const EVALUATION_QUANTITIES = ['errorRate', 'nll'] as const;
/** One of {@link EVALUATION_QUANTITIES}. */
export type EvaluationQuantity = (typeof EVALUATION_QUANTITIES)[number];

/** What an evaluation's quantities mean (their labels name the split, see {@link evaluationLabel}). */
export const EVALUATION_METRICS: Readonly<Record<EvaluationQuantity, MetricInfo>> = Object.freeze({
  errorRate: { label: 'error (%)', definition: 'classification error on the split, in percent of its examples', unit: '%', source: 'Figs. 11–12' },
  nll: { label: 'cost (nats)', definition: 'mean negative log-likelihood per example on the split', unit: 'nats', source: 'Figs. 11–12' },
});

/** An evaluation quantity's short name with its split, e.g. `test error (%)`. */
export function evaluationLabel(split: Split, quantity: EvaluationQuantity): string {
  return `${split} ${EVALUATION_METRICS[quantity].label}`;
}
