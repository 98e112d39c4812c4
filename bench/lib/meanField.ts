/**
 * Measured vs mean-field vs linear theory at init, per layer, on the paper's network and probe set
 * (issue 13's target): builds the network with the real initialisation, probes it on the first
 * `probeSize` Shapeset test images (as a training run's init probe does), and predicts the same
 * statistics with src/theory/meanField.ts and src/probes/theory.ts (eqs. (5)–(7)).
 * Shared by bench/theory.ts (the table at width 1000) and test/theory/target.test.ts (width 250).
 */
import type { ActivationName, Backend } from '../../src/kernels/backend.ts';
import { Mlp } from '../../src/nn/mlp.ts';
import type { InitName } from '../../src/nn/init.ts';
import { probeNetwork } from '../../src/probes/probe.ts';
import { predictedMeanSingularValue } from '../../src/probes/theory.ts';
import { generateShapesetSplit, SHAPESET_TEST_SEED, shapesetGeneratorSeed } from '../../src/data/shapeset/dataset.ts';
import { readRows } from '../../src/data/dataset.ts';
import { predictMeanField } from '../../src/theory/meanField.ts';
import type { WeightDistribution } from '../../src/theory/network.ts';

/** One configuration of the comparison. */
export interface Comparison {
  readonly activation: ActivationName;
  readonly init: InitName;
  /** Hidden width (the paper: 1000). */
  readonly width: number;
  /** Hidden layers (the paper: 5). */
  readonly hidden: number;
  /** Probe examples (the paper: 300). */
  readonly probeSize: number;
  /** Initialisation seed. */
  readonly seed: number;
  /** Examples whose Jacobians are decomposed (0: none). */
  readonly jacobianExamples?: number;
  readonly singularValues?: (a: Float64Array, m: number, n: number) => Float64Array;
}

/** One probe layer k = 1 … L: measured, mean-field and linear values. */
export interface ComparisonRow {
  readonly layer: number;
  /** Var of z^k over examples × units (null for the softmax layer). */
  readonly activation: { measured: number; meanField: number; linear: number } | null;
  /** Var of ∂C/∂s^{k−1} (per example) over examples × units. */
  readonly backpropGrad: { measured: number; meanField: number; linear: number };
  /** One example's ∂C/∂W^{k−1} variance, pooled. */
  readonly weightGrad: { measured: number; meanField: number; linear: number };
  /** Mean singular value of ∂z^k/∂z^{k−1} (null when not measured). */
  readonly jacobian: { measured: number; meanField: number | null; linear: number } | null;
}

/** The probe set (first `n` Shapeset test images) as a training run uses it. */
export function shapesetProbeSet(n: number): { x: Float32Array; y: Int32Array; n: number; inputSize: number } {
  const split = generateShapesetSplit(shapesetGeneratorSeed('test', SHAPESET_TEST_SEED), n);
  return { x: readRows(split, 0, n), y: split.y.slice(0, n), n, inputSize: split.inputSize };
}

/** Runs one comparison (see the module comment). */
export function compareAtInit(be: Backend, c: Comparison, probe = shapesetProbeSet(c.probeSize)): ComparisonRow[] {
  const widths = [probe.inputSize, ...Array<number>(c.hidden).fill(c.width), 9];
  const mlp = new Mlp(be, { widths, activation: c.activation, init: { name: c.init }, seed: c.seed });
  const n = probe.n;
  const L = mlp.depth;
  // per-example top gradient ∂C/∂s^{L−1} = p − y (the stored one carries the minibatch's 1/n)
  const g = mlp.gradients(probe.x, probe.y, n);
  const top = g.backpropGrad[L - 1]!;
  const nL = widths[L]!;
  const topGradMoment = Array.from({ length: n }, (_, r) => {
    let s = 0;
    for (let j = 0; j < nL; j++) s += (n * top[r * nL + j]!) ** 2;
    return s / nL;
  });
  const n0 = widths[0]!;
  const inputSecondMoments = Array.from({ length: n }, (_, r) => {
    let s = 0;
    for (let j = 0; j < n0; j++) s += probe.x[r * n0 + j]! ** 2;
    return s / n0;
  });
  const jacobianExamples = c.jacobianExamples ?? 0;
  const res = probeNetwork(mlp, probe.x, probe.y, n, {
    theory: true,
    jacobianExamples,
    ...(c.singularValues ? { singularValues: c.singularValues } : {}),
  });
  const scalar = (layer: number, name: string): number => {
    const s = res.scalars.find((x) => x.layer === layer && x.name === name);
    if (!s) throw new Error(`probe recorded no ${name} for layer ${layer}`);
    return s.value;
  };
  const mf = predictMeanField(
    {
      widths,
      activation: c.activation,
      layers: mlp.layers.map((l) => ({
        weightVariance: l.initScale.std ** 2,
        distribution: l.initScale.distribution as WeightDistribution,
      })),
    },
    { inputSecondMoments, topGradMoment, jacobianExamples: Math.max(jacobianExamples, 1) },
  );
  const rows: ComparisonRow[] = [];
  for (let k = 1; k <= L; k++) {
    const p = mf.layers[k - 1]!;
    // the paper's random-matrix prediction (square iid weights, f′ = 1)
    const linearSv = predictedMeanSingularValue(widths[k - 1]!, mlp.layers[k - 1]!.initScale.std ** 2);
    rows.push({
      layer: k,
      activation:
        k < L
          ? { measured: scalar(k, 'activation.std') ** 2, meanField: p.activationVariance!, linear: scalar(k, 'theory.activation.var') }
          : null,
      backpropGrad: { measured: scalar(k, 'backprop_grad.std') ** 2, meanField: p.backpropGradVariance, linear: scalar(k, 'theory.backprop_grad.var') },
      weightGrad: { measured: scalar(k, 'weight_grad.per_example_var'), meanField: p.weightGradVariance, linear: scalar(k, 'theory.weight_grad.var') },
      jacobian:
        k < L && jacobianExamples > 0
          ? { measured: scalar(k, 'jacobian.sv_mean'), meanField: p.jacobian?.meanSingularValue ?? null, linear: linearSv }
          : null,
    });
  }
  return rows;
}
