/**
 * The multi-layer perceptron of the paper (SPEC.md §1): widths `[n_0 … n_L]`, hidden layers
 * `z^{i+1} = f(s^i)`, `s^i = z^i W^i + b^i`, and a softmax output on `s^{L−1}`.
 *
 * Shapes (row-major, batch = axis 0): `z^i` is `[rows, n_i]`, `s^i` is `[rows, n_{i+1}]`,
 * `W^i` is `[n_i, n_{i+1}]` (fanIn × fanOut), `b^i` is `[n_{i+1}]`. All buffers are allocated once
 * from the backend and reused: a training step allocates nothing.
 */
import {
  ACTIVATIONS,
  type ActivationName,
  type Backend,
  checkDim,
  describeValue,
  unknownActivationError,
} from '../kernels/backend.ts';
import { deriveSeed, Rng } from '../random/rng.ts';
import { type InitResult, type InitSpec, checkInitSpec, initWeights } from './init.ts';

/** The costs of SPEC.md §1: softmax negative log-likelihood, or quadratic on the softmax output. */
export const COSTS = ['nll', 'quadratic'] as const;
/** One of {@link COSTS}. */
export type CostName = (typeof COSTS)[number];

/** Everything that defines a network before training. JSON-serialisable. */
export interface MlpConfig {
  /** `[n_0 … n_L]`: input size, hidden widths, number of classes. At least 2 entries. */
  readonly widths: readonly number[];
  /** One activation for every hidden layer, or one per hidden layer (length L−1). */
  readonly activation: ActivationName | readonly ActivationName[];
  /** One scheme for every layer (output layer included, as the authors' code did), or one per layer (length L). */
  readonly init: InitSpec | readonly InitSpec[];
  /** Seed of the initialisation draws. */
  readonly seed: number;
}

/** One weight layer `s^i = z^i W^i + b^i` and the activation applied to it (`softmax` for the last). */
export interface Layer {
  readonly fanIn: number;
  readonly fanOut: number;
  /** `[fanIn, fanOut]` row-major. */
  readonly W: Float32Array;
  /** `[fanOut]`. */
  readonly b: Float32Array;
  /** The hidden activation f, or `'softmax'` for the output layer. */
  readonly activation: ActivationName | 'softmax';
  /** The scheme that initialised W and its exact scale. */
  readonly init: InitSpec;
  readonly initScale: InitResult;
}

/**
 * A source of examples that copies rows out on request (a dataset split stored compactly; every
 * `Split` of src/data is one). `read(start, rows, out, at)` writes examples `[start, start + rows)`
 * as float32 inputs, `[rows, inputSize]` row-major, into `out[at …]`; it throws RangeError when the
 * rows are out of range or `out` is too short.
 */
export interface ExampleReader {
  /** Inputs per example; {@link Mlp.evaluate} requires it to equal the network's n_0. */
  readonly inputSize: number;
  read(start: number, rows: number, out: Float32Array, at: number): void;
}

/**
 * The error for a cost name that is not one of {@link COSTS}.
 * @returns a RangeError `cost must be one of "nll", "quadratic", got "mse" (a string)`.
 */
export function unknownCostError(cost: unknown): RangeError {
  return new RangeError(`cost must be one of ${COSTS.map((c) => `"${c}"`).join(', ')}, got ${describeValue(cost)}`);
}

/** Gradients of the cost for one minibatch, all averaged over the minibatch (as SGD uses them). */
export interface Gradients {
  /** Mean cost over the minibatch. */
  readonly loss: number;
  /** `∂C/∂s^i` per layer, `[rows, n_{i+1}]` (views into the network's workspace: copy to keep). */
  readonly backpropGrad: readonly Float32Array[];
  /** `∂C/∂W^i`, `[n_i, n_{i+1}]`. */
  readonly weightGrad: readonly Float32Array[];
  /** `∂C/∂b^i`, `[n_{i+1}]`. */
  readonly biasGrad: readonly Float32Array[];
}

/**
 * Validates a config and expands per-layer activations and inits.
 * @throws Error naming the field, what was expected and what was found; for an unknown activation
 *   a RangeError `activation: unknown activation "gelu", expected one of sigmoid, tanh, …` (every
 *   backend, so the reference backend cannot train on NaN), and for an init scheme the errors of
 *   {@link checkInitSpec} with the field (`init`, or `init[2]` in a per-layer list).
 */
export function expandConfig(config: MlpConfig): { activations: ActivationName[]; inits: InitSpec[] } {
  const { widths } = config;
  if (!Array.isArray(widths) || widths.length < 2) {
    throw new Error(`widths: expected at least 2 sizes [input, …, classes], found ${JSON.stringify(widths)}`);
  }
  widths.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1) throw new Error(`widths[${i}]: expected a positive integer, found ${String(w)}`);
  });
  const L = widths.length - 1;
  const perLayer = Array.isArray(config.activation);
  if (!perLayer && typeof config.activation !== 'string') {
    throw new TypeError(`activation: expected an activation name or a list of them, found ${describeValue(config.activation)}`);
  }
  const activations =
    typeof config.activation === 'string' ? Array<ActivationName>(L - 1).fill(config.activation) : [...config.activation];
  if (activations.length !== L - 1) {
    throw new Error(`activation: expected one name or ${L - 1} (one per hidden layer), found ${activations.length}`);
  }
  // the single name is checked even with no hidden layer to apply it to
  const names: readonly unknown[] = perLayer ? activations : [config.activation];
  names.forEach((a, i) => {
    if (!(ACTIVATIONS as readonly unknown[]).includes(a)) {
      throw new RangeError(`activation${perLayer ? `[${i}]` : ''}: ${unknownActivationError(a).message}`);
    }
  });
  const inits = Array.isArray(config.init) ? [...(config.init as InitSpec[])] : Array<InitSpec>(L).fill(config.init as InitSpec);
  if (inits.length !== L) throw new Error(`init: expected one scheme or ${L} (one per layer), found ${inits.length}`);
  if (Array.isArray(config.init)) inits.forEach((spec, i) => checkInitSpec(spec, `init[${i}]`));
  else checkInitSpec(config.init, 'init');
  if (!Number.isSafeInteger(config.seed)) throw new Error(`seed: expected an integer, found ${String(config.seed)}`);
  return { activations, inits };
}

/** Per-minibatch-size buffers; sized for the largest `rows` seen, reused for smaller ones. */
interface Workspace {
  rows: number;
  /** z^0 … z^{L−1}; z^0 is the input buffer. Output-layer "z" is the logits s^{L−1}. */
  z: Float32Array[];
  /** s^0 … s^{L−1}. */
  s: Float32Array[];
  /** ∂C/∂s^i, and (aliased) ∂C/∂z^{i+1} before the activation derivative is applied. */
  gs: Float32Array[];
  targets: Int32Array;
}

/** A feed-forward network on one backend. */
export class Mlp {
  readonly layers: Layer[];
  readonly widths: readonly number[];
  readonly config: MlpConfig;
  private ws: Workspace | null = null;
  private gradW: Float32Array[] | null = null;
  private gradB: Float32Array[] | null = null;
  // The kernel scalars −lr and 1/rows, kept so every step passes the same number objects: a double
  // computed per call is boxed into a new heap number at each kernel call (≈ 130 B per step of the
  // paper net, bench/run.ts memory section). Starting as `undefined` keeps these fields tagged in V8
  // (fields that only ever hold numbers are stored unboxed and boxed again on every read).
  // lrSeen is the learning rate −lr was computed from (undefined before the first step).
  private lrSeen: number | undefined = undefined;
  private negLr: number | undefined = undefined;
  private rowsSeen: number | undefined = undefined;
  private invRows: number | undefined = undefined;
  /**
   * The mean cost of the last {@link trainStep} / {@link gradients}, written by the backend into a
   * buffer: a float64 returned through a call is boxed into a new heap number, the last
   * allocation of a training step (issue 6). Read it with {@link lastLoss}.
   */
  private readonly lossBuffer = Float64Array.of(NaN);

  /**
   * Builds and initialises a network: biases 0, weights drawn from each layer's scheme with an
   * `Rng(deriveSeed(config.seed, 'init'))` in layer order.
   * @throws Error from {@link expandConfig} on an invalid config.
   */
  constructor(
    readonly backend: Backend,
    config: MlpConfig,
  ) {
    const { activations, inits } = expandConfig(config);
    this.config = config;
    this.widths = [...config.widths];
    const rng = new Rng(deriveSeed(config.seed, 'init'));
    const L = this.widths.length - 1;
    this.layers = [];
    for (let i = 0; i < L; i++) {
      const fanIn = this.widths[i]!;
      const fanOut = this.widths[i + 1]!;
      const W = backend.alloc(fanIn * fanOut);
      const b = backend.alloc(fanOut);
      const initScale = initWeights(W, fanIn, fanOut, inits[i]!, rng);
      this.layers.push({ fanIn, fanOut, W, b, activation: i < L - 1 ? activations[i]! : 'softmax', init: inits[i]!, initScale });
    }
  }

  /** Number of weight layers L (hidden layers + the output layer). */
  get depth(): number {
    return this.layers.length;
  }

  /** Input size n_0. */
  get inputSize(): number {
    return this.widths[0]!;
  }

  /** Number of classes n_L. */
  get classes(): number {
    return this.widths[this.widths.length - 1]!;
  }

  /**
   * The workspace for `rows` examples (allocated on first use of a larger size, then reused).
   * @throws RangeError when rows is not a positive integer.
   */
  private workspace(rows: number): Workspace {
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, found ${rows}`);
    if (this.ws && this.ws.rows >= rows) return this.ws;
    this.releaseWorkspace();
    const be = this.backend;
    // every buffer allocated so far is freed if a later one fails (too large): a backend whose
    // memory outlives the network (wasm) would otherwise keep them
    const allocated: Float32Array[] = [];
    const alloc = (n: number): Float32Array => {
      const b = be.alloc(n);
      allocated.push(b);
      return b;
    };
    try {
      const z = this.widths.slice(0, -1).map((n) => alloc(rows * n));
      const s = this.layers.map((l) => alloc(rows * l.fanOut));
      const gs = this.layers.map((l) => alloc(rows * l.fanOut));
      this.ws = { rows, z, s, gs, targets: new Int32Array(rows) };
    } catch (e) {
      for (const b of allocated) be.free(b);
      throw e;
    }
    return this.ws;
  }

  private releaseWorkspace(): void {
    if (!this.ws) return;
    for (const b of [...this.ws.z, ...this.ws.s, ...this.ws.gs]) this.backend.free(b);
    this.ws = null;
  }

  /**
   * The input buffer `z^0` (`[rows, n_0]`) and target buffer (`[rows]`) for a minibatch of `rows`:
   * fill them (e.g. with a dataset's `TrainStream.next`) and call {@link trainStep} or
   * {@link forward} with `inputIsLoaded`. Valid until a larger `rows` is used.
   */
  inputBuffers(rows: number): { x: Float32Array; y: Int32Array } {
    const ws = this.workspace(rows);
    return { x: ws.z[0]!, y: ws.targets };
  }

  private loadInput(ws: Workspace, x: Float32Array | null, rows: number): void {
    if (x === null || x === ws.z[0]) return;
    const need = rows * this.inputSize;
    if (x.length < need) throw new RangeError(`input has ${x.length} values, needs ${rows}×${this.inputSize} = ${need}`);
    ws.z[0]!.set(x.subarray(0, need));
  }

  /**
   * Forward pass on `rows` examples. `x` is `[rows, n_0]`; pass `null` when the input was written into
   * {@link inputBuffers}. Keeps `s^i` and `z^{i+1}` for backward and for probes.
   * @returns the logits `s^{L−1}`, `[rows, classes]` (a view into the workspace).
   */
  forward(x: Float32Array | null, rows: number): Float32Array {
    const ws = this.workspace(rows);
    this.loadInput(ws, x, rows);
    const be = this.backend;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i]!;
      const s = ws.s[i]!;
      be.gemm(false, false, rows, l.fanOut, l.fanIn, 1, ws.z[i]!, l.W, 0, s);
      if (l.activation === 'softmax') be.biasActivation('linear', s, l.b, s, rows, l.fanOut);
      else be.biasActivation(l.activation, s, l.b, ws.z[i + 1]!, rows, l.fanOut);
    }
    return ws.s[this.layers.length - 1]!;
  }

  /** `z^i` of the last forward pass: `[rows, n_i]` (i = 0 is the input). */
  activation(i: number): Float32Array {
    return this.requireWs().z[i]!;
  }

  /** `s^i` of the last forward pass: `[rows, n_{i+1}]`. */
  preactivation(i: number): Float32Array {
    return this.requireWs().s[i]!;
  }

  private requireWs(): Workspace {
    if (!this.ws) throw new Error('no forward pass has been run yet');
    return this.ws;
  }

  /**
   * Cost of the last forward pass's logits, averaged over the rows, into `lossBuffer[0]`; writes
   * `∂C/∂s^{L−1}` (scaled by 1/rows) into gs when asked.
   */
  private cost(ws: Workspace, y: Int32Array, rows: number, cost: CostName, withGrad: boolean): void {
    const top = this.layers.length - 1;
    const grad = withGrad ? ws.gs[top]! : null;
    if (rows !== this.rowsSeen) {
      this.rowsSeen = rows;
      this.invRows = 1 / rows;
    }
    const sum = this.lossBuffer;
    if (cost === 'nll') this.backend.softmaxNll(ws.s[top]!, y, rows, this.classes, grad, this.invRows!, null, sum);
    else this.backend.softmaxQuadratic(ws.s[top]!, y, rows, this.classes, grad, this.invRows!, sum);
    sum[0] = sum[0]! / rows;
  }

  /**
   * The mean cost over the minibatch of the last {@link trainStep} or {@link gradients}, before
   * the update (NaN/Infinity when diverged; NaN before any step, and NaN after a step that threw
   * before its cost was computed: a bad argument, target or input). A step that throws later (a
   * failing kernel worker during back-propagation) leaves its own loss here.
   */
  get lastLoss(): number {
    return this.lossBuffer[0]!;
  }

  /**
   * Caches a learning rate that differs from the cached one, with −lr. Not checked here: its one
   * domain (a finite number > 0) is checked once, where it enters, by the configuration schema
   * (src/config/training.ts `LearningRateSchema`).
   */
  private setLearningRate(lr: number): void {
    this.lrSeen = lr;
    this.negLr = -lr;
  }

  /**
   * Back-propagates `∂C/∂s` from the top layer down. With `update`, fuses the SGD update with the
   * cached −lr into the weight-gradient GEMM (`W ← W − lr·z^Tᵀ·∂C/∂s`, beta = 1) and the bias
   * column sum, after the gradient for the layer below has been computed from the old W. Otherwise
   * stores ∂C/∂W and ∂C/∂b.
   */
  private backward(ws: Workspace, rows: number, update: boolean): void {
    const be = this.backend;
    const alpha = this.negLr!;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i]!;
      const gs = ws.gs[i]!;
      if (i > 0) {
        // ∂C/∂z^i = ∂C/∂s^i · W^iᵀ, written into the buffer of ∂C/∂s^{i−1} (aliasing is allowed).
        be.gemm(false, true, rows, l.fanIn, l.fanOut, 1, gs, l.W, 0, ws.gs[i - 1]!);
      }
      if (update) {
        be.gemm(true, false, l.fanIn, l.fanOut, rows, alpha, ws.z[i]!, gs, 1, l.W);
        be.colSum(gs, rows, l.fanOut, alpha, 1, l.b);
      } else {
        be.gemm(true, false, l.fanIn, l.fanOut, rows, 1, ws.z[i]!, gs, 0, this.gradW![i]!);
        be.colSum(gs, rows, l.fanOut, 1, 0, this.gradB![i]!);
      }
      if (i > 0) {
        const below = this.layers[i - 1]!;
        const act = below.activation as ActivationName;
        be.activationBackward(act, ws.s[i - 1]!, ws.gs[i - 1]!, ws.gs[i - 1]!, rows * below.fanOut);
      }
    }
  }

  /**
   * One SGD step on a minibatch (SPEC.md §1: θ ← θ − lr·g, g the minibatch-average gradient), using
   * the fused update path. `x` `[rows, n_0]` and `y` `[rows]`, or `null` for both when they were
   * written into {@link inputBuffers}. The mean cost over the minibatch before the update is then
   * {@link lastLoss} (like PyTorch's `loss.item()` after `optimizer.step()`): it is not returned,
   * because V8 boxes a returned float64 into a new heap number and a warm step allocates nothing
   * (issue 6, docs/DECISIONS.md). When the step throws before computing the cost, {@link lastLoss}
   * is NaN.
   * @param lr the learning rate ε, a finite number > 0 (checked by the configuration schema, not
   *   here; it is cached with −lr, see {@link setLearningRate}).
   * @param cost one of {@link COSTS}.
   * @throws RangeError on a target outside [0, classes), a too-short `x`, `rows` not a positive
   *   integer, or an unknown `cost` (naming the valid ones); TypeError when `y` is not an Int32Array.
   */
  trainStep(x: Float32Array | null, y: Int32Array | null, rows: number, lr: number, cost: CostName = 'nll'): void {
    // Checks are comparisons on values at hand: a warm step allocates nothing (issue 6).
    this.lossBuffer[0] = NaN;
    if (cost !== 'nll' && cost !== 'quadratic') throw unknownCostError(cost);
    if (lr !== this.lrSeen || this.lrSeen === undefined) this.setLearningRate(lr);
    const ws = this.workspace(rows);
    this.forward(x, rows);
    const targets = y ?? ws.targets;
    this.cost(ws, targets, rows, cost, true);
    this.backward(ws, rows, true);
  }

  /**
   * The gradients on a minibatch without changing the weights (for probes and gradient checks).
   * Arguments as {@link trainStep}; {@link lastLoss} is NaN when it throws before computing the cost.
   * @returns views into buffers owned by the network, valid until the next call.
   * @throws RangeError on an unknown `cost` (naming the valid ones), and as {@link trainStep}.
   */
  gradients(x: Float32Array | null, y: Int32Array | null, rows: number, cost: CostName = 'nll'): Gradients {
    this.lossBuffer[0] = NaN;
    if (cost !== 'nll' && cost !== 'quadratic') throw unknownCostError(cost);
    const ws = this.workspace(rows);
    if (!this.gradW) {
      this.gradW = this.layers.map((l) => this.backend.alloc(l.fanIn * l.fanOut));
      this.gradB = this.layers.map((l) => this.backend.alloc(l.fanOut));
    }
    this.forward(x, rows);
    this.cost(ws, y ?? ws.targets, rows, cost, true);
    this.backward(ws, rows, false);
    return {
      loss: this.lossBuffer[0]!,
      backpropGrad: ws.gs.map((g, i) => g.subarray(0, rows * this.layers[i]!.fanOut)),
      weightGrad: this.gradW,
      biasGrad: this.gradB!,
    };
  }

  /**
   * Error rate and mean NLL on a fixed set, in chunks of `chunk` examples.
   * @param x the inputs: `[n, n_0]` row-major float32 (at least n·n_0 values), or an
   *   {@link ExampleReader} of examples of n_0 inputs that writes them chunk by chunk into the
   *   network's input buffer (so a set stored compactly, e.g. as 8-bit pixels, is never expanded
   *   whole).
   * @param y `[n]` class indices (an Int32Array of at least n).
   * @param n examples to evaluate, a non-negative integer.
   * @param chunk examples per forward pass, a positive integer.
   * @returns error rate in percent, mean NLL, and n (NaN rates for n = 0).
   * @throws RangeError on a target outside [0, classes); on a reader whose `inputSize` differs from
   *   the network's (naming both), a Float32Array `x` shorter than n·n_0, a `y` shorter than n, an
   *   `n` that is not a non-negative integer or a `chunk` that is not a positive integer.
   * @throws TypeError when `x` is neither a Float32Array nor an ExampleReader, `y` is not an
   *   Int32Array, or `n`/`chunk` is not a number.
   */
  evaluate(x: Float32Array | ExampleReader, y: Int32Array, n: number, chunk = 500): { errorRate: number; nll: number; n: number } {
    checkDim('n', n);
    if (typeof chunk !== 'number') throw new TypeError(`chunk must be a number, got ${describeValue(chunk)}`);
    if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${String(chunk)}`);
    const d = this.inputSize;
    if (x instanceof Float32Array) {
      if (x.length < n * d) {
        throw new RangeError(`x has ${x.length} values, needs n × inputSize = ${n} × ${d} = ${n * d}`);
      }
    } else if (typeof x === 'object' && x !== null && typeof (x as Partial<ExampleReader>).read === 'function') {
      if (x.inputSize !== d) {
        throw new RangeError(
          `x holds examples of ${describeValue(x.inputSize)} inputs (its inputSize), but the network takes ${d} (widths[0])`,
        );
      }
    } else {
      throw new TypeError(`x must be a Float32Array or an ExampleReader (read() and inputSize), got ${describeValue(x)}`);
    }
    if (!(y instanceof Int32Array)) throw new TypeError(`y must be an Int32Array, got ${describeValue(y)}`);
    if (y.length < n) throw new RangeError(`y has ${y.length} labels, needs at least n = ${n}`);
    if (n === 0) return { errorRate: NaN, nll: NaN, n: 0 };
    const c = this.classes;
    let wrong = 0;
    let nll = 0;
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      let logits: Float32Array;
      if (x instanceof Float32Array) {
        logits = this.forward(x.subarray(start * d, (start + rows) * d), rows);
      } else {
        x.read(start, rows, this.inputBuffers(rows).x, 0);
        logits = this.forward(null, rows);
      }
      const ys = y.subarray(start, start + rows);
      nll += this.backend.softmaxNll(logits, ys, rows, c, null, 1);
      for (let r = 0; r < rows; r++) if (argmax(logits, r * c, c) !== ys[r]) wrong++;
    }
    return { errorRate: (100 * wrong) / n, nll: nll / n, n };
  }

  /** Frees every buffer of this network on its backend. */
  dispose(): void {
    this.releaseWorkspace();
    for (const l of this.layers) {
      this.backend.free(l.W);
      this.backend.free(l.b);
    }
    for (const g of [...(this.gradW ?? []), ...(this.gradB ?? [])]) this.backend.free(g);
  }
}

/**
 * Index of the largest of `x[off … off+n)`, first on ties; −1 when any value is NaN (a diverged
 * network's prediction is counted wrong, never as class 0).
 */
export function argmax(x: Float32Array, off: number, n: number): number {
  let best = 0;
  for (let k = 0; k < n; k++) {
    const v = x[off + k]!;
    if (v !== v) return -1;
    if (v > x[off + best]!) best = k;
  }
  return best;
}
