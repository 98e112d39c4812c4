/**
 * The TypeScript peer: TensorFlow.js 4.22 (`@tensorflow/tfjs-core` + `@tensorflow/tfjs-backend-wasm`,
 * devDependencies) on its WebAssembly backend. Benchmark-only.
 *
 * The step is written by hand (forward, softmax − one-hot, backward with transposed matMuls, plain
 * SGD through `Variable.assign`) inside one `tf.tidy`: on this machine that is faster than tfjs'
 * autograd (`tf.variableGrads`), so it is the fairer peer. tanh' is taken from the output
 * (1 − z²), as PyTorch's autograd does.
 */
import type { Contender } from './contender.ts';

/** What the tfjs peer runs on. */
export interface TfjsInfo {
  readonly version: string;
  readonly backend: string;
  readonly simd: boolean;
  readonly multithread: boolean;
  readonly threads: number;
}

/** A started tfjs peer. */
export interface TfjsContender extends Contender {
  readonly info: TfjsInfo;
}

/**
 * Loads tfjs with the wasm backend and builds the network (Glorot-uniform weights, zero biases).
 * @returns the contender, or a string saying why tfjs cannot run here (not installed, backend failed).
 */
export async function startTfjs(
  id: string,
  widths: readonly number[],
  batches: readonly number[],
  lr: number,
): Promise<TfjsContender | string> {
  let tf: typeof import('@tensorflow/tfjs-core');
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    tf = await import('@tensorflow/tfjs-core');
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return `tfjs not installed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); npm i -E -D @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0`;
  }
  try {
    if (!(await tf.setBackend('wasm'))) return 'tfjs: the wasm backend failed to initialise';
    await tf.ready();
  } catch (e) {
    return `tfjs: the wasm backend failed (${e instanceof Error ? e.message : String(e)})`;
  }
  const info: TfjsInfo = {
    version: tf.version_core,
    backend: tf.getBackend(),
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    threads: wasm.getThreadsCount(),
  };
  const L = widths.length - 1;
  const W = Array.from({ length: L }, (_, i) => {
    const bound = Math.sqrt(6 / (widths[i]! + widths[i + 1]!));
    return tf.variable(tf.randomUniform([widths[i]!, widths[i + 1]!], -bound, bound, 'float32', 1 + i));
  });
  const b = Array.from({ length: L }, (_, i) => tf.variable(tf.zeros([widths[i + 1]!])));
  const largest = Math.max(...batches);
  const xAll = tf.randomUniform([largest, widths[0]!], 0, 1, 'float32', 99);
  const yAll = tf.oneHot(tf.tensor1d(Array.from({ length: largest }, (_, r) => r % widths[L]!), 'int32'), widths[L]!);
  const data = new Map(
    batches.map((B) => [B, { x: tf.keep(tf.slice(xAll, [0, 0], [B, widths[0]!])), y: tf.keep(tf.slice(yAll, [0, 0], [B, widths[L]!])) }]),
  );
  const lrScalar = tf.scalar(lr);

  const step = (B: number): import('@tensorflow/tfjs-core').Scalar =>
    tf.tidy(() => {
      const { x, y } = data.get(B)!;
      const zs = [x];
      let h = x;
      let logits = x;
      for (let i = 0; i < L; i++) {
        const s = tf.add(tf.matMul(h, W[i]!), b[i]!);
        if (i < L - 1) {
          h = tf.tanh(s);
          zs.push(h);
        } else logits = s;
      }
      const logp = tf.logSoftmax(logits);
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(y, logp), 1)));
      let g = tf.div(tf.sub(tf.exp(logp), y), B);
      for (let i = L - 1; i >= 0; i--) {
        const gW = tf.matMul(zs[i]!, g, true, false);
        const gb = tf.sum(g, 0);
        const next = i > 0 ? tf.mul(tf.matMul(g, W[i]!, false, true), tf.sub(1, tf.square(zs[i]!))) : null;
        W[i]!.assign(tf.sub(W[i]!, tf.mul(gW, lrScalar)));
        b[i]!.assign(tf.sub(b[i]!, tf.mul(gb, lrScalar)));
        if (next) g = next;
      }
      return loss as import('@tensorflow/tfjs-core').Scalar;
    });

  return {
    id,
    label: `tfjs ${info.version} wasm${info.simd ? ' SIMD' : ''} · ${info.threads} thread${info.threads === 1 ? '' : 's'}`,
    threads: info.threads,
    batches,
    peer: true,
    info,
    async run(B, steps) {
      const t0 = performance.now();
      let loss: import('@tensorflow/tfjs-core').Scalar | null = null;
      for (let k = 0; k < steps; k++) {
        loss?.dispose();
        loss = step(B);
      }
      loss?.dataSync(); // the wasm backend runs ops synchronously; this only makes sure
      const t = (performance.now() - t0) / 1e3;
      loss?.dispose();
      return t;
    },
    async dispose() {
      for (const v of [...W, ...b]) v.dispose();
      for (const d of data.values()) tf.dispose([d.x, d.y]);
      tf.dispose([xAll, yAll, lrScalar]);
    },
  };
}
