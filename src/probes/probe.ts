/**
 * The layer probe: every hidden layer's statistics on a fixed probe set (SPEC.md §5; the paper
 * uses 300 test examples). Read-only on the network: it runs a forward and a backward pass without
 * the update, so training with probes on or off gives bit-identical weights.
 *
 * Layer numbering in the records follows the paper's figures: layer k = 1 … L−1 are the hidden
 * layers (z^k = f(s^{k−1})), layer L is the softmax output layer; layer 0 is never recorded. For
 * layer k, `backprop_grad` is ∂C/∂s^{k−1} (per example), `weight_grad` is ∂C/∂W^{k−1} (averaged over
 * the probe set, as SGD would use it), `weight` is W^{k−1}, `jacobian` is J = ∂z^k/∂z^{k−1}.
 */
import type { Mlp } from '../nn/mlp.ts';
import { type HistogramRecord, type HistogramTensor, NETWORK_LAYER, PERCENTILES, type ScalarRecord, type SummarizedTensor } from '../core/metrics.ts';
import { meanVariance } from '../core/moments.ts';
import { histogram, type Histogram, Scratch, summarize, type Summary } from './stats.ts';
import { jacobianSpectrum, type SingularValues } from './jacobian.ts';
import { predictedMeanSingularValue, predictVariances } from './theory.ts';
import { meanFieldScalars } from './meanField.ts';

/** What one probe point produced: the records the store keeps (src/core/metrics.ts names them). */
export interface ProbeResult {
  readonly scalars: ScalarRecord[];
  readonly histograms: HistogramRecord[];
}

/** Probe settings. */
export interface ProbeOptions {
  /** Histogram bins (default 100). */
  readonly bins?: number;
  /**
   * Examples whose layer Jacobians are decomposed (default 0: skip). Each is an SVD per hidden
   * layer (n×n): LAPACK ≈ 0.1–0.3 s at n = 1000, ml-matrix ≈ 5 s.
   */
  readonly jacobianExamples?: number;
  /** The singular-value routine (see jacobian.ts); required when jacobianExamples > 0. */
  readonly singularValues?: SingularValues;
  /**
   * Also store the predictions beside the measurements (at init): the linear theory's variances
   * (eqs. (5)–(7)) and the mean-field ones (meanField.ts; ≈ 3 s at the paper's network).
   */
  readonly theory?: boolean;
}

/** Largest |finite value| over several tensors: the shared symmetric range of gradient histograms. */
function sharedAbsRange(tensors: Float32Array[]): [number, number] | null {
  let m = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.length; i++) {
      const v = Math.abs(t[i]!);
      if (v > m && v !== Infinity) m = v;
    }
  }
  return m > 0 ? [-m, m] : null;
}

/** The record of one layer's histogram of `tensor`. */
function histogramRecord(layer: number, tensor: HistogramTensor, h: Histogram): HistogramRecord {
  return { layer, tensor, edges: h.edges, counts: h.counts, nan: h.nan, posInf: h.posInf, negInf: h.negInf };
}

function pushSummary(out: ScalarRecord[], layer: number, prefix: SummarizedTensor, s: Summary): void {
  out.push({ layer, name: `${prefix}.mean`, value: s.mean });
  out.push({ layer, name: `${prefix}.std`, value: s.std });
  out.push({ layer, name: `${prefix}.min`, value: s.min });
  out.push({ layer, name: `${prefix}.max`, value: s.max });
  for (const q of PERCENTILES) out.push({ layer, name: `${prefix}.p${q}`, value: s.percentiles[q]! });
  if (s.nan + s.posInf + s.negInf > 0) out.push({ layer, name: `${prefix}.nonfinite`, value: s.nan + s.posInf + s.negInf });
}

/**
 * Probes every layer of `mlp` on a fixed probe set.
 * @param x `[n, n_0]` row-major probe inputs; `y` `[n]` their classes.
 * @returns scalar records (names like `activation.p98`, `backprop_grad.std`, `weight.std`,
 * `activation.saturated`, `jacobian.sv_mean`, `theory.activation.var`, `meanfield.activation.var`) and histograms.
 */
export function probeNetwork(mlp: Mlp, x: Float32Array, y: Int32Array, n: number, options: ProbeOptions = {}): ProbeResult {
  const bins = options.bins ?? 100;
  const L = mlp.depth;
  const scratch = new Scratch();
  const scalars: ScalarRecord[] = [];
  const histograms: HistogramRecord[] = [];
  const g = mlp.gradients(x, y, n);
  scalars.push({ layer: NETWORK_LAYER, name: 'probe.loss', value: g.loss });

  // per-example back-propagated gradients: the stored ones carry the 1/n of the minibatch average.
  // Scaled in place: they are views into the network's workspace, which the next forward pass
  // overwrites anyway (a copy cost 6 MB, and Float32Array.from with a map function 32 MB of JS
  // heap, at every probe point of the paper network — issue 6's peak RSS).
  const backprop = g.backpropGrad;
  for (const t of backprop) for (let i = 0; i < t.length; i++) t[i] = t[i]! * n;
  // hidden layers share one symmetric range per tensor (comparable across layers, Figs. 7–8); the
  // softmax layer's gradients are an order of magnitude larger and get their own range, so they do not
  // squeeze the hidden layers into a few bins
  const hidden = (t: readonly Float32Array[]): Float32Array[] => t.slice(0, L - 1);
  const backpropRange = sharedAbsRange(hidden(backprop));
  const weightRange = sharedAbsRange(hidden(g.weightGrad));
  const rangeOf = (k: number, shared: [number, number] | null, t: Float32Array): [number, number] | null =>
    k < L ? shared : sharedAbsRange([t]);

  for (let k = 1; k <= L; k++) {
    const layer = mlp.layers[k - 1]!;
    if (k < L) {
      // the activation's histogram range and saturation rule: its record in src/core/activations.ts
      const { df, histogramRange, saturationSlope } = mlp.hidden[k - 1]!.activation;
      const z = mlp.activation(k).subarray(0, n * layer.fanOut);
      pushSummary(scalars, k, 'activation', summarize(z, z.length, scratch));
      histograms.push(histogramRecord(k, 'activation', histogram(z, z.length, bins, histogramRange)));
      const s = mlp.preactivation(k - 1);
      let saturated = 0;
      for (let i = 0; i < z.length; i++) if (df(s[i]!) < saturationSlope) saturated++;
      scalars.push({ layer: k, name: 'activation.saturated', value: saturated / z.length });
    }
    const bp = backprop[k - 1]!;
    pushSummary(scalars, k, 'backprop_grad', summarize(bp, bp.length, scratch));
    histograms.push(histogramRecord(k, 'backprop_grad', histogram(bp, bp.length, bins, rangeOf(k, backpropRange, bp))));
    const wg = g.weightGrad[k - 1]!;
    pushSummary(scalars, k, 'weight_grad', summarize(wg, wg.length, scratch));
    histograms.push(histogramRecord(k, 'weight_grad', histogram(wg, wg.length, bins, rangeOf(k, weightRange, wg))));
    if (k < L) {
      histograms.push(histogramRecord(k, 'backprop_grad.own_range', histogram(bp, bp.length, bins, sharedAbsRange([bp]))));
      histograms.push(histogramRecord(k, 'weight_grad.own_range', histogram(wg, wg.length, bins, sharedAbsRange([wg]))));
    }
    scalars.push({ layer: k, name: 'weight.std', value: Math.sqrt(meanVariance(layer.W).variance) });
    // one example's weight gradient z_r^T gs_r has mean square (mean_j z_rj²)(mean_k gs_rk²)
    const zIn = mlp.activation(k - 1);
    let perExample = 0;
    for (let r = 0; r < n; r++) {
      let zz = 0;
      for (let j = 0; j < layer.fanIn; j++) zz += zIn[r * layer.fanIn + j]! ** 2;
      let gg = 0;
      for (let j = 0; j < layer.fanOut; j++) gg += bp[r * layer.fanOut + j]! ** 2;
      perExample += (zz / layer.fanIn) * (gg / layer.fanOut);
    }
    scalars.push({ layer: k, name: 'weight_grad.per_example_var', value: perExample / n });
  }

  const jacobianExamples = Math.min(options.jacobianExamples ?? 0, n);
  if (jacobianExamples > 0) {
    if (!options.singularValues) throw new Error('probeNetwork: jacobianExamples > 0 needs options.singularValues');
    // one float64 work matrix for every layer (8 MB for 1000×1000), not one per layer
    let largest = 0;
    for (let k = 1; k < L; k++) largest = Math.max(largest, mlp.layers[k - 1]!.fanIn * mlp.layers[k - 1]!.fanOut);
    const work = new Float64Array(largest);
    for (let k = 1; k < L; k++) {
      const layer = mlp.hidden[k - 1]!;
      let mean = 0;
      let min = 0;
      let max = 0;
      for (let r = 0; r < jacobianExamples; r++) {
        const s = mlp.preactivation(k - 1).subarray(r * layer.fanOut, (r + 1) * layer.fanOut);
        const sp = jacobianSpectrum(layer.W, s, layer.fanIn, layer.fanOut, layer.activation.name, options.singularValues, work);
        mean += sp.mean / jacobianExamples;
        min += sp.min / jacobianExamples;
        max += sp.max / jacobianExamples;
      }
      scalars.push({ layer: k, name: 'jacobian.sv_mean', value: mean });
      scalars.push({ layer: k, name: 'jacobian.sv_min', value: min });
      scalars.push({ layer: k, name: 'jacobian.sv_max', value: max });
    }
  }

  if (options.theory) {
    // E[x²], not Var[x]: inputs need not be centred (theory.ts)
    const input = mlp.activation(0).subarray(0, n * mlp.inputSize);
    let inputMoment = 0;
    for (let i = 0; i < input.length; i++) inputMoment += input[i]! * input[i]!;
    inputMoment /= input.length;
    const topVar = meanVariance(backprop[L - 1]!).variance;
    const th = predictVariances(
      mlp.widths,
      mlp.layers.map((l) => l.initScale.std ** 2),
      inputMoment,
      topVar,
    );
    for (let k = 1; k <= L; k++) {
      if (k < L) scalars.push({ layer: k, name: 'theory.activation.var', value: th.activation[k]! });
      scalars.push({ layer: k, name: 'theory.backprop_grad.var', value: th.backpropGrad[k - 1]! });
      scalars.push({ layer: k, name: 'theory.weight_grad.var', value: th.weightGrad[k - 1]! });
    }
    // the random-matrix mean singular value of a square W alone, beside the measured jacobian.sv_mean
    for (let k = 1; k < L; k++) {
      const layer = mlp.layers[k - 1]!;
      if (layer.fanIn !== layer.fanOut) continue;
      scalars.push({ layer: k, name: 'theory.jacobian.sv_mean', value: predictedMeanSingularValue(layer.fanIn, layer.initScale.std ** 2) });
    }
    // the mean-field predictions beside them (issue 13): from the drawn network, not from this pass
    scalars.push(...meanFieldScalars(mlp, x, y, n, backprop[L - 1]!, jacobianExamples));
  }
  return { scalars, histograms };
}
