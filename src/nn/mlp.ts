/**
 * The multi-layer perceptron of the paper (SPEC.md §1): widths `[n_0 … n_L]`, hidden layers
 * `z^{i+1} = f(s^i)`, `s^i = z^i W^i + b^i`, and an output layer whose logits `s^{L−1}` go through
 * the softmax of the cost (src/core/costs.ts): the output layer has no activation of its own.
 *
 * Shapes (row-major, batch = axis 0): `z^i` is `[rows, n_i]`, `s^i` is `[rows, n_{i+1}]`,
 * `W^i` is `[n_i, n_{i+1}]` (fanIn × fanOut), `b^i` is `[n_{i+1}]`. All buffers are allocated once
 * from the backend and reused: a training step allocates nothing.
 */
import { type Activation, activationOf } from '../core/activations.ts';
import type { CostName } from '../core/costs.ts';
import { deriveSeed, Rng } from '../core/rng.ts';
import type { Backend } from '../kernels/backend.ts';
import { type LossInto, lossInto } from '../kernels/hot-path.ts';
import { type Evaluation, type ExampleReader, evaluateNetwork } from './evaluate.ts';
import { type InitResult, type InitSpec, initWeights } from './init.ts';
import { type MlpConfig, expandConfig, unknownCostError } from './mlp-config.ts';
import { checkFits, weightFloats, workspaceFloats } from './sizes.ts';

/** One weight layer `s^i = z^i W^i + b^i`. */
export interface Layer {
  readonly fanIn: number;
  readonly fanOut: number;
  /** `[fanIn, fanOut]` row-major. */
  readonly W: Float32Array;
  /** `[fanOut]`. */
  readonly b: Float32Array;
  /** The scheme that initialised W and its exact scale. */
  readonly init: InitSpec;
  readonly initScale: InitResult;
}

/** A hidden layer: a weight layer and the activation f applied to its pre-activation. */
export interface HiddenLayer extends Layer {
  readonly activation: Activation;
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

/** Per-minibatch-size buffers; sized for the largest `rows` seen, reused for smaller ones. */
interface Workspace {
  rows: number;
  /** z^0 … z^{L−1}; z^0 is the input buffer. */
  z: Float32Array[];
  /** s^0 … s^{L−1}; s^{L−1} holds the logits. */
  s: Float32Array[];
  /** ∂C/∂s^i, and (aliased) ∂C/∂z^{i+1} before the activation derivative is applied. */
  gs: Float32Array[];
  targets: Int32Array;
}

/** A feed-forward network on one backend. */
export class Mlp {
  /** All L weight layers in order: the hidden layers, then the output layer. */
  readonly layers: readonly Layer[];
  /** The L−1 hidden layers (`layers[0 … L−2]`), with their activations. */
  readonly hidden: readonly HiddenLayer[];
  /** The output layer (`layers[L−1]`): its pre-activation is the logits. */
  readonly output: Layer;
  readonly widths: readonly number[];
  readonly config: MlpConfig;
  private ws: Workspace | null = null;
  private gradW: Float32Array[] | null = null;
  private gradB: Float32Array[] | null = null;
  // The private hot path of trainStep (issue 6: a warm step allocates nothing). V8 boxes a float64
  // into a new heap number when it is returned from a call or computed per call and passed to one,
  // so: the mean cost is written by the backend into lossBuffer (the fast backends' LossInto,
  // src/kernels/hot-path.ts) and read through lastLoss; the kernel scalars −lr and 1/rows are
  // cached so every step passes the same number objects, in fields that start `undefined` so that
  // V8 keeps them tagged (a field that only ever held numbers is stored unboxed and boxed again on
  // every read). lrSeen is the learning rate −lr was computed from (undefined before the first step).
  private readonly lossBuffer = Float64Array.of(NaN);
  private readonly fast: LossInto | null;
  private lrSeen: number | undefined = undefined;
  private negLr: number | undefined = undefined;
  private rowsSeen: number | undefined = undefined;
  private invRows: number | undefined = undefined;

  /**
   * Builds and initialises a network: biases 0, weights drawn from each layer's scheme with an
   * `Rng(deriveSeed(config.seed, 'init'))` in layer order. Every buffer is allocated before the
   * first draw, and a network the backend can never hold is refused before anything is allocated.
   * Precondition: the activation names are ones of `ACTIVATIONS`, checked where they entered (see
   * `MlpConfig.activation`, ./mlp-config.ts), not here.
   * @throws Error from `expandConfig` on an invalid config's shape or init scheme.
   * @throws RangeError when the weights need more than `backend.maxFloats` values, or cannot be
   *   allocated (naming the sizes).
   */
  constructor(
    readonly backend: Backend,
    config: MlpConfig,
  ) {
    const { activations, inits } = expandConfig(config);
    // each hidden layer's record, looked up before anything is allocated (a name outside the table
    // breaks MlpConfig's precondition: the lookup's RangeError, src/core/activations.ts)
    const records = activations.map((name) => activationOf(name));
    this.config = config;
    this.widths = [...config.widths];
    this.fast = lossInto(backend);
    checkFits(backend, weightFloats(this.widths), `the weights of a ${this.widths.join('-')} network`);
    const L = this.widths.length - 1;
    const buffers = this.allocateAll(
      Array.from({ length: L }, (_, i) => [this.widths[i]! * this.widths[i + 1]!, this.widths[i + 1]!]).flat(),
    );
    const rng = new Rng(deriveSeed(config.seed, 'init'));
    const layer = (i: number): Layer => {
      const fanIn = this.widths[i]!;
      const fanOut = this.widths[i + 1]!;
      const W = buffers[2 * i]!;
      const initScale = initWeights(W, fanIn, fanOut, inits[i]!, rng);
      return { fanIn, fanOut, W, b: buffers[2 * i + 1]!, init: inits[i]!, initScale };
    };
    const hidden: HiddenLayer[] = [];
    for (let i = 0; i < L - 1; i++) hidden.push({ ...layer(i), activation: records[i]! });
    this.hidden = hidden;
    this.output = layer(L - 1);
    this.layers = [...hidden, this.output];
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

  /** Buffers of these lengths from the backend; if one fails, the ones before it are freed. */
  private allocateAll(lengths: readonly number[]): Float32Array[] {
    const allocated: Float32Array[] = [];
    try {
      for (const n of lengths) allocated.push(this.backend.alloc(n));
    } catch (e) {
      for (const b of allocated) this.backend.free(b);
      throw e;
    }
    return allocated;
  }

  /**
   * The workspace for `rows` examples (allocated on first use of a larger size, then reused).
   * @throws RangeError when rows is not a positive integer, or the buffers do not fit the backend.
   */
  private workspace(rows: number): Workspace {
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, found ${rows}`);
    if (this.ws && this.ws.rows >= rows) return this.ws;
    const { widths } = this;
    const what = `the minibatch buffers of ${rows} rows × widths ${widths.join('-')}`;
    checkFits(this.backend, weightFloats(widths) + workspaceFloats(widths, rows), `${what} and the weights`);
    this.releaseWorkspace();
    const L = this.layers.length;
    const sizes = [...widths.slice(0, -1), ...widths.slice(1), ...widths.slice(1)].map((n) => rows * n);
    const b = this.allocateAll(sizes);
    this.ws = { rows, z: b.slice(0, L), s: b.slice(L, 2 * L), gs: b.slice(2 * L), targets: new Int32Array(rows) };
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
   * {@link forward} with `null` inputs. Valid until a larger `rows` is used.
   * @throws RangeError as {@link forward}.
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
   * @throws RangeError when `rows` is not a positive integer, `x` is too short, or the buffers for
   *   `rows` examples cannot be allocated.
   */
  forward(x: Float32Array | null, rows: number): Float32Array {
    const ws = this.workspace(rows);
    this.loadInput(ws, x, rows);
    const be = this.backend;
    const top = this.layers.length - 1;
    for (let i = 0; i < top; i++) {
      const l = this.hidden[i]!;
      be.gemm(false, false, rows, l.fanOut, l.fanIn, 1, ws.z[i]!, l.W, 0, ws.s[i]!);
      be.biasActivation(l.activation.name, ws.s[i]!, l.b, ws.z[i + 1]!, rows, l.fanOut);
    }
    // the output layer: logits s^{L−1} = z^{L−1} W^{L−1} + b^{L−1} (adding the bias is `linear`)
    const out = this.output;
    const logits = ws.s[top]!;
    be.gemm(false, false, rows, out.fanOut, out.fanIn, 1, ws.z[top]!, out.W, 0, logits);
    be.biasActivation('linear', logits, out.b, logits, rows, out.fanOut);
    return logits;
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
   * `∂C/∂s^{L−1}` (scaled by 1/rows) into gs.
   */
  private cost(ws: Workspace, y: Int32Array, rows: number, cost: CostName): void {
    const top = this.layers.length - 1;
    const grad = ws.gs[top]!;
    if (rows !== this.rowsSeen) {
      this.rowsSeen = rows;
      this.invRows = 1 / rows;
    }
    const loss = this.lossBuffer;
    const logits = ws.s[top]!;
    const fast = this.fast;
    const be = this.backend;
    if (fast && cost === 'nll') fast.softmaxNllInto(logits, y, rows, this.classes, grad, this.invRows!, loss);
    else if (fast) fast.softmaxQuadraticInto(logits, y, rows, this.classes, grad, this.invRows!, loss);
    else if (cost === 'nll') loss[0] = be.softmaxNll(logits, y, rows, this.classes, grad, this.invRows!);
    else loss[0] = be.softmaxQuadratic(logits, y, rows, this.classes, grad, this.invRows!);
    loss[0] = loss[0]! / rows;
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
        const below = this.hidden[i - 1]!;
        be.activationBackward(below.activation.name, ws.s[i - 1]!, ws.gs[i - 1]!, ws.gs[i - 1]!, rows * below.fanOut);
      }
    }
  }

  /**
   * One SGD step on a minibatch (SPEC.md §1: θ ← θ − lr·g, g the minibatch-average gradient), using
   * the fused update path. `x` `[rows, n_0]` and `y` `[rows]`, or `null` for both when they were
   * written into {@link inputBuffers}. The mean cost over the minibatch before the update is then
   * {@link lastLoss} (like PyTorch's `loss.item()` after `optimizer.step()`). In a training loop use
   * an `Sgd` (./sgd.ts), which passes the same learning rate every step without allocating.
   * @param lr the learning rate ε. Precondition, not checked here: a finite number > 0, the domain
   *   the configuration schema checks where a learning rate enters (src/config/training.ts `LearningRateSchema`).
   * @param cost one of `COSTS` (src/core/costs.ts).
   * @throws RangeError on a target outside [0, classes), a too-short `x`, `rows` not a positive
   *   integer, or an unknown `cost` (naming the valid ones); TypeError when `y` is not an Int32Array.
   */
  trainStep(x: Float32Array | null, y: Int32Array | null, rows: number, lr: number, cost: CostName = 'nll'): void {
    this.lossBuffer[0] = NaN;
    if (cost !== 'nll' && cost !== 'quadratic') throw unknownCostError(cost);
    if (lr !== this.lrSeen || this.lrSeen === undefined) this.setLearningRate(lr);
    const ws = this.workspace(rows);
    this.forward(x, rows);
    this.cost(ws, y ?? ws.targets, rows, cost);
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
    this.cost(ws, y ?? ws.targets, rows, cost);
    this.backward(ws, rows, false);
    return {
      loss: this.lossBuffer[0]!,
      backpropGrad: ws.gs.map((g, i) => g.subarray(0, rows * this.layers[i]!.fanOut)),
      weightGrad: this.gradW,
      biasGrad: this.gradB!,
    };
  }

  /**
   * Error rate and mean NLL on a fixed set, in chunks of `chunk` examples: see `evaluateNetwork`
   * (./evaluate.ts) for the arguments and errors.
   */
  evaluate(x: Float32Array | ExampleReader, y: Int32Array, n: number, chunk = 500): Evaluation {
    return evaluateNetwork(this, x, y, n, chunk);
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
