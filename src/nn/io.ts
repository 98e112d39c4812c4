/**
 * Saving and loading a network as safetensors (docs/DECISIONS.md "Model files").
 *
 * Tensor names and shapes: `layers.{i}.weight` is `W^i`, shape `[fanIn, fanOut]` = `[n_i, n_{i+1}]`
 * (the paper's row-vector convention `s = z·W + b`; PyTorch's `nn.Linear.weight` is the transpose,
 * `[out, in]`); `layers.{i}.bias` is `b^i`, shape `[n_{i+1}]`; i = 0 … L−1, the last layer feeding the
 * softmax. Metadata: `format` = `glorot-mlp`, `format_version` = `1`, `config` = the MlpConfig as JSON.
 */
import { readFileSync } from 'node:fs';
import { ACTIVATIONS, isActivationName } from '../core/activations.ts';
import { foundText, InvalidInputError } from '../core/errors.ts';
import type { Backend } from '../kernels/backend.ts';
import { Mlp } from './mlp.ts';
import type { MlpConfig } from './mlp-config.ts';
import { decodeSafetensors, encodeSafetensors, type Tensor } from './safetensors.ts';

const FORMAT = 'glorot-mlp';
const FORMAT_VERSION = '1';

/** The network's weights, biases and config as safetensors bytes. */
export function modelToBytes(mlp: Mlp): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  mlp.layers.forEach((l, i) => {
    tensors[`layers.${i}.weight`] = { shape: [l.fanIn, l.fanOut], data: l.W };
    tensors[`layers.${i}.bias`] = { shape: [l.fanOut], data: l.b };
  });
  return encodeSafetensors(tensors, { format: FORMAT, format_version: FORMAT_VERSION, config: JSON.stringify(mlp.config) });
}

/**
 * Checks the activation names of a model file's config: the file is where they enter, and `Mlp`
 * takes them as they are (`MlpConfig.activation`).
 * @throws InvalidInputError naming `source`, the field (`activation` or `activation[i]`), the valid
 *   names and what was found.
 */
function checkActivations(config: MlpConfig, source: string): void {
  const given: unknown = typeof config === 'object' && config !== null ? (config as { activation?: unknown }).activation : undefined;
  const names: readonly unknown[] = Array.isArray(given) ? given : [given];
  names.forEach((name, i) => {
    if (isActivationName(name)) return;
    const field = Array.isArray(given) ? `activation[${i}]` : 'activation';
    throw new InvalidInputError(
      { field, expected: `one of ${ACTIVATIONS.join(', ')}`, found: foundText(name) },
      { file: source, subject: 'metadata "config"' },
    );
  });
}

/** JSON with sorted keys and without undefined members: equal for equal configurations however they were built. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The fields of an {@link MlpConfig}, in the order a mismatch is reported. */
const CONFIG_FIELDS = ['widths', 'activation', 'init', 'seed'] as const;

/**
 * Checks a model file's embedded config against the one it must have (a checkpoint's: the run's
 * stored configuration). The file's config must never silently replace the run's.
 * @throws InvalidInputError naming `source`, the first field that differs (`config.widths`, …), the
 *   expected value and the value found.
 */
function checkConfigMatches(config: MlpConfig, expected: MlpConfig, source: string): void {
  const found = config as unknown as Record<string, unknown>;
  const want = expected as unknown as Record<string, unknown>;
  for (const field of CONFIG_FIELDS) {
    if (canonical(found[field]) === canonical(want[field])) continue;
    throw new InvalidInputError(
      { field: `config.${field}`, expected: `${canonical(want[field])} (the run's stored configuration)`, found: canonical(found[field]) },
      { file: source, subject: 'metadata "config"', hint: 'the model was made for another network' },
    );
  }
}

/**
 * Rebuilds a network on `backend` from {@link modelToBytes} output; its outputs are bit-identical to
 * the saved network's on the same backend and thread count.
 * @param source file name for error messages.
 * @param expected the configuration the file must hold (a checkpoint's: the run's); any when absent.
 * @throws InvalidInputError naming `source` for an activation name outside `ACTIVATIONS`, or the
 *   field of the embedded config that differs from `expected`; Error naming `source` and the tensor
 *   or field that is missing or of the wrong shape.
 */
export function modelFromBytes(backend: Backend, bytes: Uint8Array, source: string, expected?: MlpConfig): Mlp {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata['format'] !== FORMAT) {
    throw new Error(`${source}: metadata "format" expected "${FORMAT}", found ${JSON.stringify(metadata['format'])}`);
  }
  if (metadata['format_version'] !== FORMAT_VERSION) {
    throw new Error(`${source}: metadata "format_version" expected "${FORMAT_VERSION}", found ${JSON.stringify(metadata['format_version'])}`);
  }
  let config: MlpConfig;
  try {
    config = JSON.parse(metadata['config'] ?? '') as MlpConfig;
  } catch {
    throw new Error(`${source}: metadata "config" is not valid JSON`);
  }
  checkActivations(config, source);
  if (expected !== undefined) checkConfigMatches(config, expected, source);
  const mlp = new Mlp(backend, config);
  mlp.layers.forEach((l, i) => {
    for (const [key, buf, shape] of [
      [`layers.${i}.weight`, l.W, [l.fanIn, l.fanOut]],
      [`layers.${i}.bias`, l.b, [l.fanOut]],
    ] as const) {
      const t = tensors[key];
      if (!t) throw new Error(`${source}: tensor "${key}" is missing`);
      if (t.shape.length !== shape.length || t.shape.some((d, j) => d !== shape[j])) {
        throw new Error(`${source}: tensor "${key}" expected shape ${JSON.stringify(shape)}, found ${JSON.stringify(t.shape)}`);
      }
      buf.set(t.data);
    }
  });
  return mlp;
}

/**
 * Loads a network saved as {@link modelToBytes}'s bytes (the trainer writes them with src/store's
 * `writeFileAtomic`).
 * @throws Error naming the file when it cannot be read or is not a glorot model.
 */
export function loadModel(backend: Backend, path: string): Mlp {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read the model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return modelFromBytes(backend, bytes, path);
}
