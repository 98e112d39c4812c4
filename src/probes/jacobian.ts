/**
 * Singular values of the layer Jacobian `J^i = ∂z^{i+1}/∂z^i = W^i · diag(f'(s^i))` for one example
 * (SPEC.md §3, eq. (17)): `n_i × n_{i+1}`, column j of W^i scaled by f'(s^i_j).
 *
 * Singular values come from LAPACK (`dgesdd`, via the native backend's addon) when it is built, else
 * from ml-matrix's SVD (a maintained JS library; ≈100× slower at 1000×1000). Which one was used is
 * reported with the result.
 */
import { Matrix, SVD } from 'ml-matrix';
import { type ActivationName, activationOf } from '../core/activations.ts';

/** Computes singular values of a row-major m×n float64 matrix, in descending order. */
export type SingularValues = (a: Float64Array, m: number, n: number) => Float64Array;

/** ml-matrix fallback for {@link SingularValues}. */
export const jsSingularValues: SingularValues = (a, m, n) => {
  const mat = new Matrix(m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mat.set(i, j, a[i * n + j]!);
  const svd = new SVD(mat, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true });
  return Float64Array.from(svd.diagonal).sort().reverse();
};

let cached: { fn: SingularValues; name: string } | null = null;

/** The fastest available singular-value routine and its name (`lapack` or `ml-matrix`). */
export async function singularValueRoutine(): Promise<{ fn: SingularValues; name: string }> {
  if (cached) return cached;
  try {
    const native = (await import('../kernels/native/index.ts')) as { singularValues?: (a: Float64Array, m: number, n: number) => Float64Array };
    if (typeof native.singularValues === 'function') {
      const fn = native.singularValues;
      fn(Float64Array.of(1), 1, 1); // throws when the addon is not built
      cached = { fn, name: 'lapack' };
      return cached;
    }
  } catch {
    // addon not built: fall back to JS
  }
  cached = { fn: jsSingularValues, name: 'ml-matrix' };
  return cached;
}

/** Mean, min and max singular value of one Jacobian. */
export interface JacobianSpectrum {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Spectrum of `J = W · diag(f'(s))` for one example.
 * @param W `[fanIn, fanOut]` row-major weights of layer i.
 * @param s the example's pre-activation `s^i`, `[fanOut]`.
 * @param work a float64 scratch of at least fanIn·fanOut elements.
 */
export function jacobianSpectrum(
  W: Float32Array,
  s: Float32Array,
  fanIn: number,
  fanOut: number,
  activation: ActivationName,
  svd: SingularValues,
  work: Float64Array,
): JacobianSpectrum {
  const { df } = activationOf(activation);
  const d = new Float64Array(fanOut);
  for (let j = 0; j < fanOut; j++) d[j] = df(s[j]!);
  for (let i = 0; i < fanIn; i++) for (let j = 0; j < fanOut; j++) work[i * fanOut + j] = W[i * fanOut + j]! * d[j]!;
  const sv = svd(work.subarray(0, fanIn * fanOut), fanIn, fanOut);
  let sum = 0;
  for (const v of sv) sum += v;
  return { mean: sum / sv.length, min: sv[sv.length - 1]!, max: sv[0]! };
}
