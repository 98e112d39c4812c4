// The "dot" GEMM kernel, for op(B) = Bᵀ with few rows of op(A): the back-propagated gradient
// ∂C/∂z = gs·Wᵀ at small minibatch (see gemm.ts for the other kernel and the conventions).
//
// Row j of B is column j of op(B), contiguous in p, so C[i,j] is the dot product of two contiguous
// rows. A 2×4 tile of C is accumulated in 4-lane partial sums and reduced (in a fixed order) at
// the end of each k block; only op(A) is packed, so W is read once and never copied (packing it
// for the other kernel would copy all of W on every call).
import { fma } from './vmath';

/** Rows (of op(A)) of the dot micro-kernel's C tile. */
export const DMR: i32 = 2;
/** Columns (rows of B) of the dot micro-kernel's C tile. */
export const DNR: i32 = 4;
/** Most rows of op(A) for which the dot kernel is used with op(B) = Bᵀ. */
export const DOT_MAX_M: i32 = 128;
/** k block of the dot kernel (a multiple of 4). */
export const KCD: i32 = 512;

/**
 * Rows [i0, i1) (at most DOT_MAX_M) and columns [j0, j1) of C ← alpha·op(A)·Bᵀ + beta·C, with
 * `ws` a workspace of at least ⌈DOT_MAX_M/DMR⌉·DMR·KCD floats for the packed A.
 */
export function gemmDot(
  transA: bool, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, b: usize, beta: f32, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, ws: usize,
): void {
  const ldb = <usize>k << 2;
  const ldc = <usize>n << 2;
  for (let pc = 0; pc < k; pc += KCD) {
    const kb = min(KCD, k - pc);
    const kbp = (kb + 3) & ~3;
    const betaK: f32 = pc == 0 ? beta : 1;
    packADot(transA, m, k, a, i0, i1, pc, kb, kbp, ws);
    for (let j = j0; j < j1; j += DNR) {
      // rows j..j+3 of B; past j1 the last row is repeated and its results are not stored
      const nr = min(DNR, j1 - j);
      const pb0 = b + ((<usize>j * <usize>k + <usize>pc) << 2);
      const pb1 = nr > 1 ? pb0 + ldb : pb0;
      const pb2 = nr > 2 ? pb1 + ldb : pb1;
      const pb3 = nr > 3 ? pb2 + ldb : pb2;
      for (let ir = i0; ir < i1; ir += DMR) {
        const pa = ws + (<usize>(ir - i0) * <usize>kbp << 2);
        const cp = c + ((<usize>ir * <usize>n + <usize>j) << 2);
        dotKernel(kb, pa, pb0, pb1, pb2, pb3, cp, ldc, alpha, betaK, min(DMR, i1 - ir), nr);
      }
    }
  }
}

/**
 * Packs rows [i0, i1) × columns [pc, pc+kb) of op(A) into `ws` for the dot kernel: groups of DMR
 * rows, each kbp/4 blocks of DMR×4 values ([q][r][0:4], p = 4q + lane); padding is zero.
 */
function packADot(transA: bool, m: i32, k: i32, a: usize, i0: i32, i1: i32, pc: i32, kb: i32, kbp: i32, ws: usize): void {
  const kb4 = kb & ~3;
  for (let ir = i0; ir < i1; ir += DMR) {
    const dst = ws + (<usize>(ir - i0) * <usize>kbp << 2);
    for (let r = 0; r < DMR; r++) {
      const i = ir + r;
      const d = dst + (<usize>(r * 4) << 2);
      if (i >= i1) {
        for (let q = 0; q < kbp; q += 4) v128.store(d + (<usize>(q * DMR) << 2), f32x4.splat(0));
      } else if (!transA) {
        // A is m×k: row i is contiguous in p, four values at a time
        const src = a + ((<usize>i * <usize>k + <usize>pc) << 2);
        for (let q = 0; q < kb4; q += 4) v128.store(d + (<usize>(q * DMR) << 2), v128.load(src + (<usize>q << 2)));
        for (let p = kb4; p < kbp; p++) {
          store<f32>(d + (<usize>(kb4 * DMR + (p & 3)) << 2), p < kb ? load<f32>(src + (<usize>p << 2)) : 0);
        }
      } else {
        // A is k×m: op(A)[i, p] = A[p, i], one value per row of A
        for (let p = 0; p < kbp; p++) {
          const v: f32 = p < kb ? load<f32>(a + ((<usize>(pc + p) * <usize>m + <usize>i) << 2)) : 0;
          store<f32>(d + (<usize>((p & ~3) * DMR + (p & 3)) << 2), v);
        }
      }
    }
  }
}

/** The last 1–3 values of a row of B, zero-filled to four lanes (never reads past them). */
// @ts-ignore: decorator
@inline function loadTail(p: usize, tail: i32): v128 {
  if (tail == 1) return v128.load32_zero(p);
  const v = v128.load64_zero(p);
  return tail == 2 ? v : f32x4.replace_lane(v, 2, load<f32>(p, 8));
}

/** Sum of the four lanes, in a fixed order: (l0 + l2) + (l1 + l3). */
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  const w = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(w, v128.shuffle<f32>(w, w, 1, 0, 3, 2)), 0);
}

/** Stores alpha·Σlanes(acc) + beta·C at `p` (beta = 0: C not read) when `q < nr`. */
// @ts-ignore: decorator
@inline function dotStore(p: usize, acc: v128, alpha: f32, beta: f32, q: i32, nr: i32): void {
  if (q < nr) {
    const s = hsum(acc);
    store<f32>(p, beta == 0 ? alpha * s : alpha * s + beta * load<f32>(p));
  }
}

/**
 * DMR×DNR (2×4) tile of C: C[r, q] ← alpha·Σ_p A[r, p]·B[j+q, p] + beta·C, for r < mr, q < nr;
 * `pb0`…`pb3` point at the rows of B, kb values each. Eight accumulators: with the four B vectors
 * and two A vectors this fits V8's 15 allocatable xmm registers (a 5×2 tile spilled two
 * accumulators to the stack and ran at half speed).
 */
function dotKernel(
  kb: i32, pa: usize, pb0: usize, pb1: usize, pb2: usize, pb3: usize, c: usize, ldc: usize,
  alpha: f32, beta: f32, mr: i32, nr: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const kb4 = kb & ~3;
  const end0 = pb0 + (<usize>kb4 << 2);
  while (pb0 < end0) {
    const b0 = v128.load(pb0);
    const b1 = v128.load(pb1);
    const b2 = v128.load(pb2);
    const b3 = v128.load(pb3);
    let av = v128.load(pa);
    c00 = fma(av, b0, c00);
    c01 = fma(av, b1, c01);
    c02 = fma(av, b2, c02);
    c03 = fma(av, b3, c03);
    av = v128.load(pa, 16);
    c10 = fma(av, b0, c10);
    c11 = fma(av, b1, c11);
    c12 = fma(av, b2, c12);
    c13 = fma(av, b3, c13);
    pa += <usize>(DMR * 4) << 2;
    pb0 += 16;
    pb1 += 16;
    pb2 += 16;
    pb3 += 16;
  }
  const tail = kb & 3;
  if (tail != 0) {
    // the last 1–3 values of each B row, zero-filled (the packed A is zero past kb)
    const b0 = loadTail(pb0, tail);
    const b1 = loadTail(pb1, tail);
    const b2 = loadTail(pb2, tail);
    const b3 = loadTail(pb3, tail);
    let av = v128.load(pa);
    c00 = fma(av, b0, c00);
    c01 = fma(av, b1, c01);
    c02 = fma(av, b2, c02);
    c03 = fma(av, b3, c03);
    av = v128.load(pa, 16);
    c10 = fma(av, b0, c10);
    c11 = fma(av, b1, c11);
    c12 = fma(av, b2, c12);
    c13 = fma(av, b3, c13);
  }
  dotStore(c, c00, alpha, beta, 0, nr);
  dotStore(c + 4, c01, alpha, beta, 1, nr);
  dotStore(c + 8, c02, alpha, beta, 2, nr);
  dotStore(c + 12, c03, alpha, beta, 3, nr);
  if (mr < 2) return;
  const c1 = c + ldc;
  dotStore(c1, c10, alpha, beta, 0, nr);
  dotStore(c1 + 4, c11, alpha, beta, 1, nr);
  dotStore(c1 + 8, c12, alpha, beta, 2, nr);
  dotStore(c1 + 12, c13, alpha, beta, 3, nr);
}
