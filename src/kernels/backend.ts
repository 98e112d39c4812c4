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
import type { ActivationName } from '../core/activations.ts';

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
   * The most float32 elements this backend's buffers can ever hold together: the wasm backend's
   * linear memory (4 GiB in all) less what its kernels reserve; the machine's memory for the native
   * and reference backends made by `createBackend` (`Infinity` for a reference backend made
   * directly). A network larger than this is refused before anything is allocated.
   */
  readonly maxFloats: number;

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
   * @throws RangeError when `activation` is not one of the activations of src/core/activations.ts
   *   (`unknown activation "gelu", expected one of …`), a dimension is bad or a buffer too short.
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
   * Non-finite logits: `+Infinity` entries share the probability mass equally (the others get 0),
   * so the loss is 0 when the target is among them and `+Infinity` otherwise; a row whose logits are
   * all `−Infinity` is treated as uniform. NaN logits give a NaN loss (the caller stops a diverged
   * run).
   * @throws TypeError when `logits`, `grad` or `probs` is not a Float32Array, `targets` not an
   *   Int32Array, `scale` or a dimension not a number (each message names the argument and the type
   *   found, e.g. `targets must be an Int32Array, got a Float64Array`).
   * @throws RangeError when a target is not an integer in `[0, cols)`, `rows`/`cols` is not a
   *   non-negative integer, a buffer is shorter than its shape, or `scale` is NaN or ±Infinity.
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

  /**
   * Quadratic cost on the softmax output (SPEC.md §5, Fig. 5): per row
   * `½·Σ_c (softmax(logits)_c − onehot_c)²`; returns the SUM over rows (float64). When `grad` is
   * given writes `scale · ∂/∂logits` of that cost (`rows×cols`, through the softmax Jacobian).
   * @throws TypeError and RangeError as {@link softmaxNll}.
   */
  softmaxQuadratic(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
  ): number;

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
