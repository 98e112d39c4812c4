/**
 * The paper's numbers the report compares against, each with its source. Glorot & Bengio (2010),
 * "Understanding the difficulty of training deep feedforward neural networks", AISTATS, PMLR 9:249–256;
 * transcribed in SPEC.md §3 and §6.
 */
import type { ConfigLabel } from './input.ts';

/** The columns of the paper's Table 1. */
export type PaperColumn = 'Shapeset' | 'MNIST' | 'CIFAR-10' | 'Small-ImageNet';

/** Where a number comes from. */
export interface PaperSource {
  /** Human-readable location, e.g. "Table 1" or "§4.2.1, text after eq. (17)". */
  readonly where: string;
  /** Where it is transcribed in this repository. */
  readonly transcribed: string;
}

const TABLE1_SOURCE: PaperSource = {
  where: 'Table 1 (test error %, 5 hidden layers; N = normalized initialization)',
  transcribed: 'SPEC.md §6',
};

/**
 * Table 1 of the paper: test error (%) of depth-5 networks. `Sigmoid d4` is not a row of Table 1
 * (it appears in Fig. 11 only).
 */
export const PAPER_TABLE1: Readonly<Record<Exclude<ConfigLabel, 'Sigmoid d4'>, Readonly<Record<PaperColumn, number>>>> = {
  Softsign: { Shapeset: 16.27, MNIST: 1.64, 'CIFAR-10': 55.78, 'Small-ImageNet': 69.14 },
  'Softsign N': { Shapeset: 16.06, MNIST: 1.72, 'CIFAR-10': 53.8, 'Small-ImageNet': 68.13 },
  Tanh: { Shapeset: 27.15, MNIST: 1.76, 'CIFAR-10': 55.9, 'Small-ImageNet': 70.58 },
  'Tanh N': { Shapeset: 15.6, MNIST: 1.64, 'CIFAR-10': 52.92, 'Small-ImageNet': 68.57 },
  Sigmoid: { Shapeset: 82.61, MNIST: 2.21, 'CIFAR-10': 57.28, 'Small-ImageNet': 70.66 },
};

/** Source of {@link PAPER_TABLE1}. */
export const PAPER_TABLE1_SOURCE = TABLE1_SOURCE;

/**
 * The paper's Table 1 value for a label and column, or null when the label is not a Table 1 row.
 */
export function paperTable1(label: ConfigLabel, column: PaperColumn): number | null {
  if (label === 'Sigmoid d4') return null;
  return PAPER_TABLE1[label][column];
}

/** How one of our datasets relates to a column of the paper's Table 1. */
export interface PaperColumnMatch {
  readonly column: PaperColumn;
  /**
   * `same`: the paper's dataset. `reference`: a different dataset whose paper column is shown for
   * orientation only (Fashion-MNIST is shown beside the paper's MNIST, never as MNIST).
   */
  readonly relation: 'same' | 'reference';
}

/**
 * The paper column a dataset is compared with: shapeset → Shapeset, mnist → MNIST, cifar10 →
 * CIFAR-10, a name containing "imagenet" → Small-ImageNet; fashion-mnist → MNIST as a *reference*
 * (a different, harder dataset with the same format); anything else → null.
 */
export function paperColumnFor(dataset: string): PaperColumnMatch | null {
  const d = dataset.toLowerCase();
  if (d === 'shapeset') return { column: 'Shapeset', relation: 'same' };
  if (d === 'mnist') return { column: 'MNIST', relation: 'same' };
  if (d === 'cifar10' || d === 'cifar-10') return { column: 'CIFAR-10', relation: 'same' };
  if (d === 'fashion-mnist') return { column: 'MNIST', relation: 'reference' };
  if (d.includes('imagenet')) return { column: 'Small-ImageNet', relation: 'same' };
  return null;
}

/** Display name of a dataset ('fashion-mnist' → 'Fashion-MNIST'; never shortened to MNIST). */
export function datasetTitle(dataset: string): string {
  const d = dataset.toLowerCase();
  const names: Record<string, string> = {
    shapeset: 'Shapeset-3×2',
    'fashion-mnist': 'Fashion-MNIST',
    mnist: 'MNIST',
    cifar10: 'CIFAR-10',
    'cifar-10': 'CIFAR-10',
  };
  return names[d] ?? dataset;
}

/** A single number quoted from the paper (or from SPEC.md's reading of it), with its source. */
export interface PaperNumber {
  readonly value: number;
  readonly unit: string;
  readonly source: PaperSource;
}

/**
 * Mean singular value of the layer Jacobian J = ∂z^{i+1}/∂z^i at initialization, tanh, eq. (17):
 * ≈ 0.5 with the standard initialization, ≈ 0.8 with the normalized one.
 */
export const PAPER_JACOBIAN_MEAN_SV: Readonly<Record<'standard' | 'normalized', PaperNumber>> = {
  standard: { value: 0.5, unit: '', source: { where: '§4.2.1, text after eq. (17)', transcribed: 'SPEC.md §3' } },
  normalized: { value: 0.8, unit: '', source: { where: '§4.2.1, text after eq. (17)', transcribed: 'SPEC.md §3' } },
};

/** Shapeset-3×2 majority-class error quoted by the paper (≈ 83.3%, so Sigmoid-5's 82.61% is chance). */
export const PAPER_SHAPESET_CHANCE: PaperNumber = {
  value: 83.3,
  unit: '%',
  source: { where: '§5 / Table 1 discussion (Sigmoid depth 5 at chance)', transcribed: 'SPEC.md §6, SHAPESET.md' },
};

/** Other quoted results (shown in the report for context; not reproduced). */
export const PAPER_OTHER: readonly { readonly what: string; readonly value: number; readonly unit: string; readonly source: PaperSource }[] = [
  { what: 'RBF SVM on a finite 100k Shapeset-3×2 training set, test error', value: 59.47, unit: '%', source: { where: '§5', transcribed: 'SPEC.md §6' } },
  { what: 'Depth-5 Tanh N on the same finite 100k set, test error', value: 50.47, unit: '%', source: { where: '§5', transcribed: 'SPEC.md §6' } },
];

/** The paper's significance threshold for Table 1 ("statistically different … p = 0.005"; test not named). */
export const PAPER_SIGNIFICANCE_P = 0.005;
