/**
 * The compute-backend interface: the few kernels that training and probing need.
 *
 * Conventions shared by every kernel (and every backend):
 * - All matrices are row-major `Float32Array`s. For activations and gradients the batch is axis 0
 *   (rows), units are axis 1 (columns): a minibatch of `rows` examples of width `cols`.
 * - Weight matrices `W^i` are `[fanIn, fanOut]` (SPEC.md §1, row-vector convention `s = z·W + b`).
 * - Buffers passed to a backend must come from that backend's {@link Backend.alloc}: the wasm backend
 *   keeps them in its linear memory. Passing a foreign buffer throws a `TypeError` on wasm; the
 *   reference and native backends accept any `Float32Array`.
 * - Kernels may read only the first `rows*cols` elements of a buffer; larger buffers are allowed (a
 *   workspace sized for the largest minibatch serves smaller ones).
 *
 * Source: the kernels follow the BLAS `sgemm` contract (row-major variant as in CBLAS) and the
 * paper's network (SPEC.md §1).
 */

/** The hidden-unit activation functions, by their field names (SPEC.md §1). */
export const ACTIVATIONS = [
  'sigmoid',
  'tanh',
  'softsign',
  'relu',
  'leaky_relu',
  'elu',
  'selu',
  'linear',
] as const;

/** One of {@link ACTIVATIONS}. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/**
 * Stable integer code of each activation, shared with the wasm and native kernels (their `switch`
 * uses the same numbers). Never renumber: saved models store names, kernels store codes.
 */
export const ACTIVATION_CODE: Readonly<Record<ActivationName, number>> = {
  sigmoid: 0,
  tanh: 1,
  softsign: 2,
  relu: 3,
  leaky_relu: 4,
  elu: 5,
  selu: 6,
  linear: 7,
};

/** Leaky ReLU slope for negative inputs (PyTorch's default `negative_slope`). */
export const LEAKY_RELU_SLOPE = 0.01;
/** ELU `alpha` (Clevert et al. 2015, PyTorch's default). */
export const ELU_ALPHA = 1.0;
/** SELU constants (Klambauer et al. 2017, as in PyTorch). */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/** Names of the backends, fastest first in the automatic choice. */
export const BACKEND_NAMES = ['native', 'wasm', 'reference'] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The kernels one backend provides. */
export interface Backend {
  /** Which implementation this is. */
  readonly name: BackendName;
  /** Kernel threads in use (1 for `reference`). */
  readonly threads: number;
  /** One human line naming the backend's details, e.g. `"OpenBLAS 0.3.21, core Zen"`. */
  readonly detail: string;

  /**
   * A zero-filled buffer of `length` float32 elements owned by this backend.
   * @throws RangeError when `length` is negative or not an integer, or memory cannot grow.
   */
  alloc(length: number): Float32Array;

  /**
   * Gives back a buffer from {@link alloc}; it must not be used afterwards. A no-op on backends that
   * rely on the garbage collector.
   */
  free(buffer: Float32Array): void;

  /**
   * General matrix multiply, CBLAS row-major semantics:
   * `C ← alpha · op(A) · op(B) + beta · C`, where `op(A)` is `m×k`, `op(B)` is `k×n`, `C` is `m×n`.
   * `A` is stored `m×k` (or `k×m` when `transA`), `B` is `k×n` (or `n×k` when `transB`), all densely
   * row-major (leading dimension = stored column count). When `beta == 0`, `C` is not read (NaN in C
   * does not propagate), as in BLAS.
   * Used with `transA` and `beta = 1` to fuse the SGD update into the weight-gradient product.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    beta: number,
    c: Float32Array,
  ): void;

  /**
   * Fused bias and activation forward: for a `rows×cols` pre-activation `s` that already holds
   * `z·W`, adds `bias` (length `cols`) to every row in place (so `s` becomes `s^i = z^i W^i + b^i`),
   * then writes `z[r,c] = f(s[r,c])`. `z` may be the same buffer as `s` only for `linear`.
   * @throws RangeError when `activation` is not one of {@link ACTIVATIONS} (see
   *   {@link unknownActivationError}), a dimension is bad or a buffer too short.
   */
  biasActivation(
    activation: ActivationName,
    s: Float32Array,
    bias: Float32Array,
    z: Float32Array,
    rows: number,
    cols: number,
  ): void;

  /**
   * Back-propagation through the activation: `gs[i] = gz[i] · f'(s[i])` for `i < n`, the derivative
   * computed from the pre-activation `s` (never from `z`, which loses precision where f saturates).
   * `gs` may alias `gz`.
   * @throws RangeError as {@link biasActivation}.
   */
  activationBackward(
    activation: ActivationName,
    s: Float32Array,
    gz: Float32Array,
    gs: Float32Array,
    n: number,
  ): void;

  /**
   * Softmax with negative log-likelihood, log-sum-exp stable. `logits` is `rows×cols`; `targets`
   * holds one class index per row. Returns the SUM over rows of `−log softmax(logits)[target]`
   * (float64). When `grad` is given, writes `grad = scale · (softmax(logits) − onehot(target))`
   * (`rows×cols`; `grad` may alias `logits`). `probs`, when given, receives softmax(logits).
   *
   * With `sum` (a Float64Array of length ≥ 1) the loss sum is written to `sum[0]` instead of being
   * returned: V8 boxes a float64 return value into a new heap number, and a training step must
   * allocate nothing (issue 6); the call then returns nothing.
   *
   * Non-finite logits: `+Infinity` entries share the probability mass equally (the others get 0),
   * so the loss is 0 when the target is among them and `+Infinity` otherwise; a row whose logits are
   * all `−Infinity` is treated as uniform. NaN logits give a NaN loss (the caller stops a diverged
   * run).
   * @throws TypeError when `logits`, `grad` or `probs` is not a Float32Array, `targets` not an
   *   Int32Array, `sum` not a Float64Array, `scale` or a dimension not a number (each message names
   *   the argument and the type found, e.g. `targets must be an Int32Array, got a Float64Array`), or
   *   when called with more than 8 arguments (see {@link extraArgumentError}).
   * @throws RangeError when a target is not an integer in `[0, cols)`, `rows`/`cols` is not a
   *   non-negative integer, a buffer is shorter than its shape (`sum`: empty), or `scale` is NaN or
   *   ±Infinity.
   */
  softmaxNll(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
    probs?: Float32Array | null,
  ): number;
  softmaxNll(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
    probs: Float32Array | null,
    sum: Float64Array,
  ): void;

  /**
   * Quadratic cost on the softmax output (SPEC.md §5, Fig. 5): per row
   * `½·Σ_c (softmax(logits)_c − onehot_c)²`; returns the SUM over rows (float64), or writes it to
   * `sum[0]` when `sum` is given (as {@link softmaxNll}). When `grad` is given writes
   * `scale · ∂/∂logits` of that cost (`rows×cols`, through the softmax Jacobian). There is no
   * `probs` argument: `sum` is the 7th.
   * @throws TypeError and RangeError as {@link softmaxNll}; TypeError when called with more than 7
   *   arguments (e.g. softmaxNll's `probs, sum`: the `sum` would otherwise be silently ignored).
   */
  softmaxQuadratic(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
  ): number;
  softmaxQuadratic(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
    sum: Float64Array,
  ): void;

  /**
   * Column sums with scaling, for bias gradients and the fused bias update:
   * `out[c] ← alpha · Σ_r a[r,c] + beta · out[c]` for a `rows×cols` matrix `a`.
   * When `beta == 0`, `out` is not read.
   */
  colSum(a: Float32Array, rows: number, cols: number, alpha: number, beta: number, out: Float32Array): void;

  /** Releases threads and memory. The backend must not be used afterwards. */
  dispose(): void;
}

/** Thrown when a backend that was asked for cannot be loaded; the message says how to build it. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    message: string,
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * Describes a value for an error message's "got …" part: numbers as themselves (`-1`, `NaN`),
 * strings quoted with their type (`"2" (a string)`), typed arrays and other objects by their class
 * (`a Float64Array`, `an Array`), `null` and `undefined` by name. Source: the wording of the native
 * addon's type errors (native/glorot.c, "targets must be an Int32Array, got a Float64Array").
 */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return String(v);
    case 'string': {
      const q = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
      return `${q} (a string)`;
    }
    case 'boolean':
      return `${String(v)} (a boolean)`;
    case 'bigint':
      return `${String(v)}n (a bigint)`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default: {
      if (v === null) return 'null';
      const ctor = (v as { constructor?: { name?: unknown } }).constructor;
      const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
      // "an Int32Array", "an object" but "a Uint8Array" (said "you-int"), as native/glorot.c article()
      return `${/^[AEIOaeio]/.test(name) ? 'an' : 'a'} ${name}`;
    }
  }
}

/**
 * Checks that `n` is a non-negative integer; used by every backend's argument validation.
 * @throws TypeError when `n` is not a number (`rows must be a number, got "2" (a string)`, the
 *   native addon's wording); RangeError when it is a negative, fractional or non-finite number.
 */
export function checkDim(name: string, n: number): void {
  if (typeof n !== 'number') throw new TypeError(`${name} must be a number, got ${describeValue(n)}`);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(n)}`);
  }
}

/**
 * Checks that a buffer holds at least `need` elements.
 * @throws RangeError naming the argument, the elements needed and found.
 */
export function checkLength(name: string, buf: ArrayLike<number>, need: number): void {
  if (buf.length < need) {
    throw new RangeError(`${name} has ${buf.length} elements, needs at least ${need}`);
  }
}

/**
 * Checks that `buf` is a `Float32Array` with at least `need` elements.
 * @throws TypeError `logits must be a Float32Array, got a Float64Array` (the native addon's
 *   wording) when it is another type; RangeError from {@link checkLength} when it is too short.
 */
export function checkFloat32(name: string, buf: Float32Array, need: number): void {
  if (!(buf instanceof Float32Array)) throw new TypeError(`${name} must be a Float32Array, got ${describeValue(buf)}`);
  checkLength(name, buf, need);
}

/**
 * The error for a bad `scale` of a softmax cost. Backends test the scale inline, where the value
 * is at hand (`typeof scale !== 'number' || scale - scale !== 0`: the difference is NaN exactly for
 * NaN and ±Infinity), and call this only to throw: passing a float64 to a call that is not inlined
 * can box it into a new heap number, and a training step allocates nothing (docs/DECISIONS.md).
 * @returns a TypeError when `scale` is not a number (`scale must be a number, got undefined`, the
 *   native addon's wording), else a RangeError for NaN or ±Infinity (it would fill the gradient
 *   with NaN or ±Infinity).
 */
export function scaleError(scale: unknown): Error {
  if (typeof scale !== 'number') return new TypeError(`scale must be a number, got ${describeValue(scale)}`);
  return new RangeError(`scale must be a finite number, got ${String(scale)}`);
}

/** The full signatures of the two softmax costs, quoted by {@link extraArgumentError}. */
const COST_SIGNATURES = {
  softmaxNll: 'softmaxNll(logits, targets, rows, cols, grad, scale, probs?, sum?)',
  softmaxQuadratic: 'softmaxQuadratic(logits, targets, rows, cols, grad, scale, sum?)',
} as const;

/**
 * The error for a softmax cost called with more arguments than it takes (e.g. softmaxNll's
 * `probs, sum` passed to softmaxQuadratic, whose `sum` is the 7th argument: the loss would be
 * returned and `sum` silently left alone). `extra` is the first surplus argument.
 * @returns a TypeError naming the argument position, the value found and the right signature.
 */
export function extraArgumentError(fn: keyof typeof COST_SIGNATURES, extra: unknown): TypeError {
  const taken = fn === 'softmaxNll' ? 8 : 7;
  const hint = fn === 'softmaxQuadratic' ? ' (it has no probs argument: sum is its 7th)' : '';
  return new TypeError(
    `${fn} takes at most ${taken} arguments, got ${taken === 7 ? 'an' : 'a'} ${taken + 1}th (${describeValue(extra)}); ` +
      `the signature is ${COST_SIGNATURES[fn]}${hint}`,
  );
}

/**
 * The stable code of an activation ({@link ACTIVATION_CODE}), checking the name.
 * @throws RangeError `unknown activation "gelu", expected one of sigmoid, tanh, …` when `activation`
 *   is not one of {@link ACTIVATIONS} (also for inherited property names such as "toString").
 */
export function activationCode(activation: ActivationName): number {
  if (!Object.hasOwn(ACTIVATION_CODE, activation)) throw unknownActivationError(activation);
  return ACTIVATION_CODE[activation];
}

/** The error for a name that is not one of {@link ACTIVATIONS}: `unknown activation "gelu", expected one of …`. */
export function unknownActivationError(activation: unknown): RangeError {
  const found = typeof activation === 'string' ? JSON.stringify(activation) : describeValue(activation);
  return new RangeError(`unknown activation ${found}, expected one of ${ACTIVATIONS.join(', ')}`);
}
