/**
 * Drawing the initial weights (SPEC.md §2). The schemes themselves — distribution, source, the
 * formula of the scale — have their one home in src/core/init-schemes.ts; this file checks a spec,
 * applies the gain and draws. Weights are `[fanIn, fanOut]` row-major (`W[i*fanOut + j]` connects
 * input unit i to output unit j); biases start at 0.
 *
 * Each draw returns what the theory code needs: the distribution, its bound (uniform schemes) and
 * the standard deviation of a single weight, so `n·Var[W]` can be computed without sampling.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';
import { describeValue } from '../core/describe.ts';
import {
  DEFAULT_TORCH_TRUNC_BOUNDS,
  DEFAULT_TRUNCATED_STD,
  INIT_NAMES,
  INIT_SCHEMES,
  type InitDistribution,
  type InitName,
  TRUNCATION_STD_FACTOR,
} from '../core/init-schemes.ts';
import type { Rng } from '../core/rng.ts';
import { drawTruncated, truncatedMoments } from './truncated-normal.ts';

/** A scheme with its options. `gain` multiplies the scale (default 1; an explicit 0 is honoured). */
export interface InitSpec {
  readonly name: InitName;
  /** Multiplies the bound or std. Default 1 — the paper uses no gain. See `Activation.gain` (src/core/activations.ts). */
  readonly gain?: number;
  /**
   * For the truncated schemes only: the std σ of the normal BEFORE truncation, times the gain.
   * `truncated_normal` (Keras' `TruncatedNormal`): the draws are restricted to [−2σ, 2σ], default
   * σ = {@link DEFAULT_TRUNCATED_STD} (Keras' 0.05), and the std after truncation is σ times
   * {@link TRUNCATION_STD_FACTOR}. `torch_trunc_normal` (PyTorch's `trunc_normal_`): the draws are
   * restricted to the absolute [a, b], default σ = 1 as PyTorch's.
   */
  readonly std?: number;
  /** For `torch_trunc_normal` only: the absolute lower bound (default −2, PyTorch's; not scaled by std or gain). */
  readonly a?: number;
  /** For `torch_trunc_normal` only: the absolute upper bound (default 2, PyTorch's; not scaled by std or gain). */
  readonly b?: number;
}

/** What one initialisation produced: the distribution, its scale and the std of one weight. */
export interface InitResult {
  readonly distribution: InitDistribution;
  /** For uniform draws: W ~ U[−bound, bound]. `null` otherwise. */
  readonly bound: number | null;
  /** The standard deviation of one weight under the scheme (exact, not measured). */
  readonly std: number;
}

/**
 * Checks that `spec` is an {@link InitSpec}: an object whose `name` is one of {@link INIT_NAMES}, with
 * an optional `gain` (and, for truncated_normal, `std`) that is a finite number ≥ 0.
 * @param field how the caller names the spec in messages, e.g. `"init"` or `"init[2]"`.
 * @throws TypeError naming the field and the value found when `spec` is not an object (e.g. the
 *   string `'normalized'` instead of `{ name: 'normalized' }`).
 * @throws RangeError naming the field, the value found and the valid names when `name` is unknown
 *   (`init.name: unknown initialisation "xavier", expected one of standard, normalized, …`), or
 *   when `gain`/`std` is negative, not finite or not a number.
 */
export function checkInitSpec(spec: unknown, field = 'init'): asserts spec is InitSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    const hint = typeof spec === 'string' ? ` (write { name: ${JSON.stringify(spec)} })` : '';
    throw new TypeError(`${field}: expected a scheme object { name, gain?, std? }, found ${describeValue(spec)}${hint}`);
  }
  const { name, gain, std, a, b } = spec as { name?: unknown; gain?: unknown; std?: unknown; a?: unknown; b?: unknown };
  if (!(INIT_NAMES as readonly unknown[]).includes(name)) {
    const found = typeof name === 'string' ? JSON.stringify(name) : describeValue(name);
    throw new RangeError(`${field}.name: unknown initialisation ${found}, expected one of ${INIT_NAMES.join(', ')}`);
  }
  for (const [key, v] of [['gain', gain], ['std', std]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new RangeError(`${field}.${key} must be a finite number ≥ 0, found ${describeValue(v)}`);
    }
  }
  for (const [key, v] of [['a', a], ['b', b]] as const) {
    if (v === undefined) continue;
    if (name !== 'torch_trunc_normal') {
      throw new RangeError(`${field}.${key}: only torch_trunc_normal takes absolute bounds, found ${describeValue(v)} for ${String(name)}`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${field}.${key} must be a finite number, found ${describeValue(v)}`);
  }
  const [lo, hi] = torchBounds(spec as InitSpec);
  if (!(lo < hi)) throw new RangeError(`${field}: expected bounds a < b, found a = ${lo}, b = ${hi}`);
}

/** `torch_trunc_normal`'s absolute bounds [a, b] (PyTorch's −2, 2 by default). */
function torchBounds(spec: InitSpec): [number, number] {
  return [spec.a ?? DEFAULT_TORCH_TRUNC_BOUNDS[0], spec.b ?? DEFAULT_TORCH_TRUNC_BOUNDS[1]];
}

/**
 * The standard-normal interval [a/σ, b/σ] of torch_trunc_normal and its moments; null when σ = 0
 * (every draw is 0 clamped into [a, b], as PyTorch's).
 */
function torchInterval(spec: InitSpec, sigma: number): { alpha: number; beta: number; mass: number; mean: number; variance: number } | null {
  if (sigma === 0) return null;
  const [lo, hi] = torchBounds(spec);
  return { alpha: lo / sigma, beta: hi / sigma, ...truncatedMoments(lo / sigma, hi / sigma) };
}

/**
 * The scale of a scheme without drawing: its bound (uniform) and the std of one weight, from the
 * scheme's formula in src/core/init-schemes.ts times `gain`: standard U[±1/√fanIn] (eq. (1):
 * n_i·Var[W] = 1/3); normalized U[±√6/√(fanIn+fanOut)] (eq. (16)), so Var[W] = 2/(fanIn+fanOut), the
 * compromise of eq. (12) between the forward condition eq. (10) and the backward one eq. (11);
 * glorot_normal (eq. (12) with a normal); lecun_uniform and lecun_normal meet eq. (10) exactly;
 * he_uniform, he_normal (He et al. 2015); orthogonal; truncated_normal (Keras: ±2σ around 0) and
 * torch_trunc_normal (PyTorch: the absolute [a, b]). A uniform bound a gives std a/√3;
 * truncated_normal's std is std·0.8796 after truncation; torch_trunc_normal's is σ·√Var of the
 * standard normal restricted to [a/σ, b/σ] (src/nn/truncated-normal.ts), the std of the draws
 * around their mean (which is not 0 for bounds not symmetric about 0).
 * @throws RangeError when fanIn or fanOut is not a positive integer, or gain/std is negative or not
 *   finite; TypeError/RangeError from {@link checkInitSpec} when `spec` is not a scheme object or its
 *   name is unknown.
 */
export function initScale(spec: InitSpec, fanIn: number, fanOut: number): InitResult {
  checkInitSpec(spec);
  if (!Number.isInteger(fanIn) || fanIn < 1) throw new RangeError(`fanIn must be a positive integer, found ${fanIn}`);
  if (!Number.isInteger(fanOut) || fanOut < 1) throw new RangeError(`fanOut must be a positive integer, found ${fanOut}`);
  const gain = spec.gain ?? 1;
  const scheme = INIT_SCHEMES[spec.name];
  const scale = scheme.scale(fanIn, fanOut, spec.std ?? scheme.defaultStd ?? DEFAULT_TRUNCATED_STD);
  switch (scheme.distribution) {
    case 'uniform':
      return { distribution: 'uniform', bound: gain * scale, std: (gain * scale) / Math.sqrt(3) };
    case 'normal':
    case 'orthogonal':
      return { distribution: scheme.distribution, bound: null, std: gain * scale };
    case 'truncated_normal': {
      if (spec.name === 'truncated_normal') return { distribution: 'truncated_normal', bound: null, std: gain * scale * TRUNCATION_STD_FACTOR };
      const t = torchInterval(spec, gain * scale);
      return { distribution: 'truncated_normal', bound: null, std: t === null ? 0 : gain * scale * Math.sqrt(t.variance) };
    }
  }
}

/**
 * Fills `w` (`[fanIn, fanOut]` row-major, float32) with draws of the scheme from `rng`.
 * Orthogonal: the Q factor of the QR decomposition of a Gaussian matrix, sign-corrected by R's
 * diagonal (Saxe et al. 2014; as PyTorch's `orthogonal_`), via ml-matrix's QR.
 * Truncated normal: rejection of draws outside ±2σ; PyTorch's: see {@link fillTorchTruncNormal}.
 * @returns the scheme's scale (see {@link initScale}).
 * @throws RangeError as {@link initScale}, or when `w` is shorter than fanIn·fanOut.
 */
export function initWeights(w: Float32Array, fanIn: number, fanOut: number, spec: InitSpec, rng: Rng): InitResult {
  const scale = initScale(spec, fanIn, fanOut);
  const n = fanIn * fanOut;
  if (w.length < n) throw new RangeError(`weight buffer has ${w.length} elements, needs ${fanIn}×${fanOut} = ${n}`);
  const gain = spec.gain ?? 1;
  switch (scale.distribution) {
    case 'uniform': {
      const a = scale.bound!;
      for (let i = 0; i < n; i++) w[i] = a * (2 * rng.uniform() - 1);
      break;
    }
    case 'normal':
      for (let i = 0; i < n; i++) w[i] = scale.std * rng.normal();
      break;
    case 'truncated_normal': {
      if (spec.name === 'torch_trunc_normal') {
        fillTorchTruncNormal(w, n, spec, gain * (spec.std ?? INIT_SCHEMES.torch_trunc_normal.defaultStd!), rng);
        break;
      }
      const sigma = gain * (spec.std ?? DEFAULT_TRUNCATED_STD);
      for (let i = 0; i < n; i++) {
        let v: number;
        do v = rng.normal();
        while (v < -2 || v > 2);
        w[i] = sigma * v;
      }
      break;
    }
    case 'orthogonal':
      fillOrthogonal(w, fanIn, fanOut, gain, rng);
      break;
  }
  return scale;
}

/**
 * PyTorch's `trunc_normal_(w, mean=0, std=σ, a, b)`: N(0, σ²) restricted to the absolute [a, b]
 * (drawn exactly, by src/nn/truncated-normal.ts; PyTorch inverts the CDF, the distribution is the same).
 */
function fillTorchTruncNormal(w: Float32Array, n: number, spec: InitSpec, sigma: number, rng: Rng): void {
  const t = torchInterval(spec, sigma);
  const [lo, hi] = torchBounds(spec);
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  for (let i = 0; i < n; i++) w[i] = t === null ? clamp(0) : clamp(sigma * drawTruncated(rng, t.alpha, t.beta, t.mass));
}

/** Orthogonal fill: rows orthonormal when fanIn ≤ fanOut, columns orthonormal otherwise. */
function fillOrthogonal(w: Float32Array, fanIn: number, fanOut: number, gain: number, rng: Rng): void {
  const rows = Math.max(fanIn, fanOut);
  const cols = Math.min(fanIn, fanOut);
  const g = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) g.set(i, j, rng.normal());
  const qr = new QrDecomposition(g);
  const q = qr.orthogonalMatrix; // rows × rows; first `cols` columns span g
  const r = qr.upperTriangularMatrix;
  for (let j = 0; j < cols; j++) {
    const sign = r.get(j, j) < 0 ? -1 : 1;
    for (let i = 0; i < rows; i++) {
      const v = gain * sign * q.get(i, j);
      // q is rows×cols with orthonormal columns; W is fanIn×fanOut
      if (fanIn >= fanOut) w[i * fanOut + j] = v;
      else w[j * fanOut + i] = v;
    }
  }
}
