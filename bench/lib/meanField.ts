/**
 * Measured vs mean-field vs linear theory at init, per layer, on the paper's network and probe set
 * (issue 13's target): builds the network with the real initialisation, probes it on the first
 * `probeSize` Shapeset test images as a training run's init probe does, and reads the predictions
 * the probe stores beside the measurements: the conditioned and population mean-field ones
 * (src/probes/meanField.ts) and the linear theory (eqs. (5)–(7), src/probes/theory.ts).
 * Shared by bench/theory.ts (the width-1000 table) and the target tests (test/unit/theory/ and
 * test/e2e/theory/target.test.ts).
 */
import type { ActivationName } from '../../src/core/activations.ts';
import type { InitName } from '../../src/core/init-schemes.ts';
import type { Backend } from '../../src/kernels/backend.ts';
import { Mlp } from '../../src/nn/mlp.ts';
import { initScale } from '../../src/nn/init.ts';
import { probeNetwork } from '../../src/probes/probe.ts';
import { predictedMeanSingularValue } from '../../src/probes/theory.ts';
import { generateShapesetSplit, SHAPESET_TEST_SEED, shapesetGeneratorSeed } from '../../src/data/shapeset/dataset.ts';
import { readRows } from '../../src/data/dataset.ts';
import { type MeanFieldForward, meanFieldForward } from '../../src/theory/meanField.ts';
import type { ScalarName } from '../../src/core/metrics.ts';
import type { TheoryNetwork, WeightDistribution } from '../../src/theory/network.ts';
import { activationSpread, rmsCosine } from '../../src/theory/finiteWidth.ts';

/** One configuration of the comparison (the seed is given per network). */
export interface Comparison {
  readonly activation: ActivationName;
  readonly init: InitName;
  /** Hidden width (the paper: 1000). */
  readonly width: number;
  /** Hidden layers (the paper: 5). */
  readonly hidden: number;
}

/** A probe set: `[n, inputSize]` inputs in [0, 1] and their classes. */
export interface ProbeSet {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly inputSize: number;
}

/** The probe set (first `n` Shapeset test images) as a training run uses it. */
export function shapesetProbeSet(n: number): ProbeSet {
  const split = generateShapesetSplit(shapesetGeneratorSeed('test', SHAPESET_TEST_SEED), n);
  return { x: readRows(split, 0, n), y: split.y.slice(0, n), n, inputSize: split.inputSize };
}

/** Widths `[n_0, width × hidden, 9]`. */
export function widthsOf(c: Comparison, inputSize: number): number[] {
  return [inputSize, ...Array<number>(c.hidden).fill(c.width), 9];
}

/** The network as the theory sees it: each layer's Var[W] from the init scheme (no sampling). */
export function theoryNetworkOf(c: Comparison, inputSize: number): TheoryNetwork {
  const widths = widthsOf(c, inputSize);
  return {
    widths,
    activation: c.activation,
    layers: widths.slice(0, -1).map((n, i) => {
      const s = initScale({ name: c.init }, n, widths[i + 1]!);
      return { weightVariance: s.std ** 2, distribution: s.distribution as WeightDistribution };
    }),
  };
}

/** What depends on the configuration and probe set only: the forward prediction and the finite-width spread. */
export interface Prepared {
  readonly forward: MeanFieldForward;
  /** Predicted sd of ln(measured activation variance) per hidden layer (finiteWidth.ts). */
  readonly activationLogSd: number[];
}

/** Computes {@link Prepared} for a configuration (≈ 1 s). */
export function prepare(c: Comparison, probe: ProbeSet): Prepared {
  const n0 = probe.inputSize;
  const m = Array.from({ length: probe.n }, (_, r) => probe.x.subarray(r * n0, (r + 1) * n0).reduce((s, v) => s + v * v, 0) / n0);
  const forward = meanFieldForward(theoryNetworkOf(c, n0), m);
  return { forward, activationLogSd: activationSpread(forward, rmsCosine(probe.x, probe.n, n0)).map((s) => s.logSd) };
}

/** Measured, conditioned and population mean-field, and linear values of one statistic. */
export interface Triple {
  readonly measured: number;
  /**
   * The finite-width-conditioned prediction (src/theory/conditioned.ts) from the drawn weights, the
   * inputs and the labels (its top gradient predicted too): what the target is judged on.
   */
  readonly conditioned: number;
  /** The population mean-field prediction (src/theory/meanField.ts). */
  readonly meanField: number;
  readonly linear: number;
}

/** One probe layer k = 1 … L. */
export interface ComparisonRow {
  readonly layer: number;
  /** Var of z^k over examples × units (null for the softmax layer). */
  readonly activation: (Triple & { readonly logSd: number }) | null;
  /** Var of ∂C/∂s^{k−1} (per example) over examples × units. */
  readonly backpropGrad: Triple;
  /** One example's ∂C/∂W^{k−1} variance, pooled. */
  readonly weightGrad: Triple;
  /** Mean singular value of ∂z^k/∂z^{k−1}; null when not measured (the linear value is SPEC.md §3's). */
  readonly jacobian: { measured: number; meanField: number | null; linear: number } | null;
}

/** Options of {@link compareAtInit}. */
export interface CompareOptions {
  /** Examples whose Jacobians are decomposed (default 0: none). */
  readonly jacobianExamples?: number;
  readonly singularValues?: (a: Float64Array, m: number, n: number) => Float64Array;
}

/** Builds one network (seed), probes it and compares (see the module comment). */
export function compareAtInit(be: Backend, c: Comparison, seed: number, probe: ProbeSet, prepared: Prepared, o: CompareOptions = {}): ComparisonRow[] {
  const widths = widthsOf(c, probe.inputSize);
  const mlp = new Mlp(be, { widths, activation: c.activation, init: { name: c.init }, seed });
  const n = probe.n;
  const L = mlp.depth;
  const jacobianExamples = o.jacobianExamples ?? 0;
  // the predictions are the ones the probe stores at init (src/probes/meanField.ts), so what is
  // compared here is what a training run records
  const res = probeNetwork(mlp, probe.x, probe.y, n, {
    theory: true,
    jacobianExamples,
    ...(o.singularValues ? { singularValues: o.singularValues } : {}),
  });
  const scalar = (layer: number, name: ScalarName): number => {
    const s = res.scalars.find((x) => x.layer === layer && x.name === name);
    if (!s) throw new Error(`probe recorded no ${name} for layer ${layer}`);
    return s.value;
  };
  const rows: ComparisonRow[] = [];
  for (let k = 1; k <= L; k++) {
    const triple = (measured: number, quantity: 'activation' | 'backprop_grad' | 'weight_grad'): Triple => ({
      measured,
      conditioned: scalar(k, `meanfield.${quantity}.var`),
      meanField: scalar(k, `meanfield.population.${quantity}.var`),
      linear: scalar(k, `theory.${quantity}.var`),
    });
    rows.push({
      layer: k,
      activation: k < L ? { ...triple(scalar(k, 'activation.std') ** 2, 'activation'), logSd: prepared.activationLogSd[k - 1]! } : null,
      backpropGrad: triple(scalar(k, 'backprop_grad.std') ** 2, 'backprop_grad'),
      weightGrad: triple(scalar(k, 'weight_grad.per_example_var'), 'weight_grad'),
      jacobian:
        k < L && jacobianExamples > 0
          ? {
              measured: scalar(k, 'jacobian.sv_mean'),
              meanField: res.scalars.find((x) => x.layer === k && x.name === 'meanfield.population.jacobian.sv_mean')?.value ?? null,
              linear: predictedMeanSingularValue(widths[k - 1]!, mlp.layers[k - 1]!.initScale.std ** 2),
            }
          : null,
    });
  }
  return rows;
}
