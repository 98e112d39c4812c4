/**
 * Model files in PyTorch's layout (issue 15, item 12): a safetensors file whose tensors are the
 * `state_dict` of a `torch.nn.Sequential(Linear, activation, Linear, activation, …, Linear)`, so
 * `model.load_state_dict(safetensors.torch.load_file(path))` works as it is, and such a file written
 * by PyTorch loads here.
 *
 * Names and shapes: the Sequential's k-th module is `k`; the i-th Linear (i = 0 … L−1) is module
 * `2i`, its `weight` of shape `[out, in]` = `[n_{i+1}, n_i]` (PyTorch's `nn.Linear.weight`: the
 * transpose of glorot's `W^i`, `[fanIn, fanOut]`, `s = z·W + b`, ./io.ts) and its `bias` `[n_{i+1}]`.
 * The activations have no parameters (their modules hold none). The output layer feeds a softmax
 * that is not part of the Sequential: the file's outputs are logits, as `nn.CrossEntropyLoss` expects.
 * Metadata (`__metadata__`, strings): `format` = `pytorch-state-dict`, `architecture` (the Sequential
 * as Python), `activation`, `widths` (JSON), and whatever the caller adds (dataset, classes, input
 * scaling, run id, seed, cost: src/run/interop.ts).
 */
import { ACTIVATION_TABLE, ACTIVATIONS, type ActivationName, isActivationName } from '../core/activations.ts';
import { foundText, InvalidInputError } from '../core/errors.ts';
import type { Backend } from '../kernels/backend.ts';
import { Mlp } from './mlp.ts';
import { decodeSafetensors, encodeSafetensors, type Tensor } from './safetensors.ts';

/** The `format` metadata of a file written by {@link modelToTorchBytes}. */
export const TORCH_FORMAT = 'pytorch-state-dict';

/** The PyTorch module of each activation (PyTorch's defaults equal glorot's constants). */
export const TORCH_MODULES: Readonly<Record<ActivationName, string>> = {
  sigmoid: 'Sigmoid()',
  tanh: 'Tanh()',
  softsign: 'Softsign()',
  relu: 'ReLU()',
  leaky_relu: `LeakyReLU(negative_slope=${ACTIVATION_TABLE.leaky_relu.constants?.['slope'] ?? 0.01})`,
  elu: `ELU(alpha=${(ACTIVATION_TABLE.elu.constants?.['alpha'] ?? 1).toFixed(1)})`,
  selu: 'SELU()',
  linear: 'Identity()',
};

/** The Sequential as Python: `Sequential(Linear(1024, 1000), Tanh(), …, Linear(1000, 9))`. */
export function torchArchitecture(widths: readonly number[], activations: readonly ActivationName[]): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    if (i > 0) parts.push(TORCH_MODULES[activations[i - 1]!]);
    parts.push(`Linear(${widths[i]}, ${widths[i + 1]})`);
  }
  return `torch.nn.Sequential(${parts.join(', ')})`;
}

/** The activation of each hidden layer of `mlp`. */
function hiddenActivations(mlp: Mlp): ActivationName[] {
  return mlp.hidden.map((h) => h.activation.name);
}

/**
 * The network as a PyTorch `state_dict` in safetensors (see the file's comment).
 * @param metadata more string metadata (it cannot replace `format`, `architecture`, `activation`, `widths`).
 */
export function modelToTorchBytes(mlp: Mlp, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  mlp.layers.forEach((l, i) => {
    const t = new Float32Array(l.fanIn * l.fanOut);
    for (let r = 0; r < l.fanIn; r++) for (let c = 0; c < l.fanOut; c++) t[c * l.fanIn + r] = l.W[r * l.fanOut + c]!;
    tensors[`${2 * i}.weight`] = { shape: [l.fanOut, l.fanIn], data: t };
    tensors[`${2 * i}.bias`] = { shape: [l.fanOut], data: Float32Array.from(l.b) };
  });
  const activations = hiddenActivations(mlp);
  const uniform = activations.every((a) => a === activations[0]);
  return encodeSafetensors(tensors, {
    ...metadata,
    format: TORCH_FORMAT,
    architecture: torchArchitecture(mlp.widths, activations),
    activation: uniform && activations.length > 0 ? activations[0]! : JSON.stringify(activations),
    widths: JSON.stringify(mlp.widths),
  });
}

/** Whether decoded tensors look like a Sequential's state_dict (`<k>.weight` names) rather than glorot's own layout. */
export function isTorchStateDict(tensorNames: readonly string[]): boolean {
  return tensorNames.length > 0 && tensorNames.every((n) => /^\d+\.(weight|bias)$/.test(n));
}

/** The activation(s) a file names in its `activation` metadata, checked; undefined when it names none. */
function fileActivations(metadata: Readonly<Record<string, string>>, source: string): ActivationName | ActivationName[] | undefined {
  const raw = metadata['activation'];
  if (raw === undefined) return undefined;
  const value: unknown = raw.startsWith('[') ? JSON.parse(raw) : raw;
  const names: unknown[] = Array.isArray(value) ? value : [value];
  names.forEach((n, i) => {
    if (isActivationName(n)) return;
    throw new InvalidInputError(
      { field: Array.isArray(value) ? `activation[${i}]` : 'activation', expected: `one of ${ACTIVATIONS.join(', ')}`, found: foundText(n) },
      { file: source, subject: 'metadata' },
    );
  });
  return value as ActivationName | ActivationName[];
}

/**
 * Builds a network from a PyTorch `state_dict` of a Sequential of Linear layers in safetensors (F32
 * or F64): the Linear layers are the modules with a `weight`, in the order of their index; each
 * needs a `bias`; each layer's input size must be the previous layer's output size.
 * @param activation the hidden layers' activation when the file names none (a file written by
 *   PyTorch has no metadata unless its writer added `activation`); a file's own is used otherwise.
 * @throws InvalidInputError naming `source` and the tensor or field: no `<k>.weight`, a weight that is
 *   not 2-D, a bias that is missing or of the wrong shape, sizes that do not chain, a name outside
 *   `<k>.weight`/`<k>.bias`, an unknown activation, or none given where the file names none.
 */
export function modelFromTorchBytes(backend: Backend, bytes: Uint8Array, source: string, activation?: ActivationName): Mlp {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const bad = (field: string, expected: string, found: string): never => {
    throw new InvalidInputError({ field, expected, found }, { file: source, subject: 'tensor' });
  };
  for (const name of Object.keys(tensors)) {
    if (/^\d+\.(weight|bias)$/.test(name)) continue;
    bad(name, 'the state_dict of a torch.nn.Sequential of Linear layers (names like 0.weight, 0.bias)', `a tensor "${name}"`);
  }
  const indices = Object.keys(tensors)
    .filter((n) => n.endsWith('.weight'))
    .map((n) => Number(n.slice(0, -'.weight'.length)))
    .sort((a, b) => a - b);
  if (indices.length === 0) bad('weight', 'at least one Linear layer (a tensor <k>.weight)', 'none');
  const widths: number[] = [];
  for (const k of indices) {
    const w = tensors[`${k}.weight`]!;
    if (w.shape.length !== 2) bad(`${k}.weight`, 'a 2-D Linear weight [out, in]', `shape ${JSON.stringify(w.shape)}`);
    const [out, inp] = w.shape as [number, number];
    if (widths.length === 0) widths.push(inp);
    else if (widths.at(-1) !== inp) {
      bad(`${k}.weight`, `[out, ${widths.at(-1)}] (the previous layer's ${widths.at(-1)} outputs)`, `shape ${JSON.stringify(w.shape)}`);
    }
    const b = tensors[`${k}.bias`];
    if (b === undefined) bad(`${k}.bias`, `a bias of shape [${out}]`, 'none');
    else if (b.shape.length !== 1 || b.shape[0] !== out) bad(`${k}.bias`, `shape [${out}]`, `shape ${JSON.stringify(b.shape)}`);
    widths.push(out);
  }
  for (const name of Object.keys(tensors)) {
    if (name.endsWith('.bias') && tensors[`${name.slice(0, -'.bias'.length)}.weight`] === undefined) bad(name, 'a bias beside its weight', 'no weight');
  }
  const given = fileActivations(metadata, source) ?? activation;
  if (given === undefined && widths.length > 2) {
    throw new InvalidInputError(
      { field: 'activation', expected: `the hidden layers' activation: one of ${ACTIVATIONS.join(', ')}`, found: 'none in the file' },
      { file: source, subject: 'metadata', hint: 'a state_dict holds no activations: name it' },
    );
  }
  const mlp = new Mlp(backend, { widths, activation: given ?? 'linear', init: { name: 'normalized' }, seed: 0 }); // init and seed: overwritten below
  mlp.layers.forEach((l, i) => {
    const w = tensors[`${indices[i]}.weight`]!.data;
    for (let r = 0; r < l.fanIn; r++) for (let c = 0; c < l.fanOut; c++) l.W[r * l.fanOut + c] = w[c * l.fanIn + r]!;
    l.b.set(tensors[`${indices[i]}.bias`]!.data);
  });
  return mlp;
}
