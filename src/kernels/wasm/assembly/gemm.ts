// GEMM, CBLAS row-major semantics: C ← alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n, C m×n.
//
// Two kernels, both register-tiled f32x4:
//  - "outer" (here): the BLIS scheme. For each k block (KC) and row block (MC), op(A) is packed
//    into MR-row micro-panels ([p][r], zero-padded rows), and each NR = 8 column micro-panel of
//    op(B) is either read in place (op(B) = B row-major with few rows of A or a short k block: the
//    paper's batch-10 forward pass and weight update, no packing cost) or packed ([p][j],
//    zero-padded). The micro-kernel keeps an MR×8 tile of C in 2·MR registers and does, per p, 2
//    loads of B, MR broadcast loads of A and 2·MR FMAs.
//  - "dot" (gemm-dot.ts): op(B) = Bᵀ with at most DOT_MAX_M rows of op(A), the back-propagated
//    gradient gs·Wᵀ; W is read in place.
//
// Register budget: V8 gives wasm SIMD code only xmm0–xmm14, so a tile keeps at most ~10
// accumulators; more, and V8 spills accumulators to the stack inside the loop (half speed).
//
// Every element of C goes through the same sequence of operations whichever tile, row block or
// thread computes it, so results do not depend on how the work is split.
//
// Source: K. Goto and R. van de Geijn, "Anatomy of high-performance matrix multiplication", ACM
// TOMS 34(3), 2008; F. Van Zee and R. van de Geijn, "BLIS", ACM TOMS 41(3), 2015.
import { fma } from './vmath';
import { DMR, DOT_MAX_M, KCD, gemmDot } from './gemm-dot';

/** Rows of the outer micro-kernel's C tile. */
export const MR: i32 = 5;
/** Columns of the outer micro-kernel's C tile (two f32x4). */
export const NR: i32 = 8;
/** k block of the outer kernel: an NR-column panel of op(B) (KC·NR·4 = 8 KiB) stays in L1. */
export const KC: i32 = 256;
/** Row block of the outer kernel: the packed A block (MC·KC·4 ≈ 130 KiB) stays in L2. */
export const MC: i32 = MR * 26;
/** At most this many rows of op(A) per block read B in place (else B panels are packed)… */
export const DIRECT_B_MAX_M: i32 = 20;
/** …or for k at most this (the weight update at small batch: k = batch size). */
export const DIRECT_B_MAX_K: i32 = 32;
/** k block when B is read in place for few rows (see gemmOuter). */
export const KC_DIRECT: i32 = 64;

/** Bytes of workspace one thread needs: packed A, one packed B panel, one C tile. */
export function gemmWorkspaceBytes(): i32 {
  const dotRows = ((DOT_MAX_M + DMR - 1) / DMR) * DMR;
  const a = max(MC * KC, dotRows * KCD);
  return (a + KC * NR + MR * NR) * 4;
}

let wsA: usize = 0;
let wsB: usize = 0;
let wsTile: usize = 0;

/** Points the GEMM workspaces of this instance (thread) at `base` (gemmWorkspaceBytes() bytes). */
export function gemmSetWorkspace(base: usize): void {
  const dotRows = ((DOT_MAX_M + DMR - 1) / DMR) * DMR;
  wsA = base;
  wsB = wsA + (<usize>max(MC * KC, dotRows * KCD) << 2);
  wsTile = wsB + (<usize>(KC * NR) << 2);
}

/**
 * Computes rows [i0, i1) and columns [j0, j1) of C (pointers are byte offsets, matrices dense
 * row-major with the leading dimension of their stored shape).
 */
export function gemmRange(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, b: usize, beta: f32, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  if (i0 >= i1 || j0 >= j1) return;
  if (k == 0) {
    scaleC(n, beta, c, i0, i1, j0, j1);
  } else if (transB && m <= DOT_MAX_M && k >= 16) {
    gemmDot(transA, m, n, k, alpha, a, b, beta, c, i0, i1, j0, j1, wsA);
  } else {
    gemmOuter(transA, transB, m, n, k, alpha, a, b, beta, c, i0, i1, j0, j1);
  }
}

/** C ← beta·C on the range (k = 0); beta = 0 writes zeros without reading C. */
function scaleC(n: i32, beta: f32, c: usize, i0: i32, i1: i32, j0: i32, j1: i32): void {
  for (let i = i0; i < i1; i++) {
    const row = c + (<usize>i * <usize>n << 2);
    for (let j = j0; j < j1; j++) {
      const p = row + (<usize>j << 2);
      store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// outer kernel

function gemmOuter(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, b: usize, beta: f32, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const ldc = <usize>n << 2;
  // B is read in place when few rows of op(A) reuse each panel (packing would cost more than it
  // saves), or when k is short. Decided on the whole m, not on this thread's rows, so that the
  // arithmetic (and its k blocking) does not depend on how the work is split.
  const fewRows = m <= DIRECT_B_MAX_M;
  const direct = !transB && (fewRows || k <= DIRECT_B_MAX_K);
  // Reading B in place walks down its columns, one row (a different 4 KiB page when n ≈ 1000)
  // per step: a short k block keeps few pages in flight and consumes each row across all panels
  // before moving on, so W streams almost sequentially even when it is not in cache.
  const kc = direct && fewRows ? KC_DIRECT : KC;
  for (let pc = 0; pc < k; pc += kc) {
    const kb = min(kc, k - pc);
    const betaK: f32 = pc == 0 ? beta : 1; // later k blocks accumulate onto C
    for (let ic = i0; ic < i1; ic += MC) {
      const mb = min(MC, i1 - ic);
      packA(transA, m, k, a, ic, mb, pc, kb);
      for (let jr = j0; jr < j1; jr += NR) {
        const nr = min(NR, j1 - jr);
        let pb: usize;
        let ldb: usize;
        if (direct && nr == NR) {
          pb = b + ((<usize>pc * <usize>n + <usize>jr) << 2); // B[pc, jr], rows n apart
          ldb = <usize>n << 2;
        } else {
          packB(transB, n, k, b, jr, nr, pc, kb);
          pb = wsB;
          ldb = <usize>NR << 2;
        }
        const cTile = c + ((<usize>ic * <usize>n + <usize>jr) << 2);
        for (let ir = 0; ir < mb; ir += MR) {
          const pa = wsA + (<usize>ir * <usize>kb << 2);
          kernelMRx8(kb, pa, pb, ldb, cTile + <usize>ir * ldc, ldc, alpha, betaK, min(MR, mb - ir), nr);
        }
      }
    }
  }
}

/**
 * Packs rows [ic, ic+mb) × columns [pc, pc+kb) of op(A) into wsA: micro-panels of MR rows, each
 * kb groups of MR values ([p][r]); rows past mb are zero.
 */
function packA(transA: bool, m: i32, k: i32, a: usize, ic: i32, mb: i32, pc: i32, kb: i32): void {
  for (let ir = 0; ir < mb; ir += MR) {
    const mr = min(MR, mb - ir);
    const dst = wsA + (<usize>ir * <usize>kb << 2);
    if (transA) {
      // A is k×m: op(A)[i, p] = A[p, i]; MR consecutive values of one row of A per p
      let src = a + ((<usize>pc * <usize>m + <usize>(ic + ir)) << 2);
      const lda = <usize>m << 2;
      for (let p = 0; p < kb; p++) {
        const d = dst + (<usize>(p * MR) << 2);
        for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), r < mr ? load<f32>(src + (<usize>r << 2)) : 0);
        src += lda;
      }
    } else {
      // A is m×k: op(A)[i, p] = A[i, p]; row r of the panel is contiguous in p
      for (let r = 0; r < MR; r++) {
        const d = dst + (<usize>r << 2);
        if (r < mr) {
          const src = a + ((<usize>(ic + ir + r) * <usize>k + <usize>pc) << 2);
          for (let p = 0; p < kb; p++) store<f32>(d + (<usize>(p * MR) << 2), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kb; p++) store<f32>(d + (<usize>(p * MR) << 2), 0);
        }
      }
    }
  }
}

/** Packs columns [jr, jr+nr) × rows [pc, pc+kb) of op(B) into wsB as kb groups of NR ([p][j]). */
function packB(transB: bool, n: i32, k: i32, b: usize, jr: i32, nr: i32, pc: i32, kb: i32): void {
  if (!transB) {
    // B is k×n: 8 contiguous values per p
    let src = b + ((<usize>pc * <usize>n + <usize>jr) << 2);
    const ldb = <usize>n << 2;
    if (nr == NR) {
      for (let p = 0; p < kb; p++) {
        const d = wsB + (<usize>(p * NR) << 2);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += ldb;
      }
    } else {
      for (let p = 0; p < kb; p++) {
        const d = wsB + (<usize>(p * NR) << 2);
        for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), j < nr ? load<f32>(src + (<usize>j << 2)) : 0);
        src += ldb;
      }
    }
  } else {
    // B is n×k: op(B)[p, j] = B[j, p]; column j of the panel is row j of B, contiguous in p
    for (let j = 0; j < NR; j++) {
      const d = wsB + (<usize>j << 2);
      if (j < nr) {
        const src = b + ((<usize>(jr + j) * <usize>k + <usize>pc) << 2);
        for (let p = 0; p < kb; p++) store<f32>(d + (<usize>(p * NR) << 2), load<f32>(src + (<usize>p << 2)));
      } else {
        for (let p = 0; p < kb; p++) store<f32>(d + (<usize>(p * NR) << 2), 0);
      }
    }
  }
}

/**
 * C row ← alpha·acc + beta·C row (beta = 0: C is not read; beta = 1: no multiply, which gives the
 * same bits as multiplying by 1, so edge tiles computed lane by lane agree).
 */
// @ts-ignore: decorator
@inline function update(p: usize, acc: v128, alpha: v128, beta: f32, offset: usize): void {
  if (beta == 0) {
    v128.store(p + offset, f32x4.mul(alpha, acc));
  } else if (beta == 1) {
    v128.store(p + offset, f32x4.add(f32x4.mul(alpha, acc), v128.load(p + offset)));
  } else {
    v128.store(p + offset, f32x4.add(f32x4.mul(alpha, acc), f32x4.mul(f32x4.splat(beta), v128.load(p + offset))));
  }
}

/**
 * The MR×8 micro-kernel: acc = Σ_p A_panel[p, 0:MR] ⊗ B_panel[p, 0:8] over kb steps, then
 * C[0:mr, 0:nr] ← alpha·acc + beta·C. `pb` advances by `ldb` bytes per p (packed: 32).
 */
function kernelMRx8(
  kb: i32, pa: usize, pb: usize, ldb: usize, c: usize, ldc: usize,
  alpha: f32, beta: f32, mr: i32, nr: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let p = 0; p < kb; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = fma(av, b0, c00);
    c01 = fma(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = fma(av, b0, c10);
    c11 = fma(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = fma(av, b0, c20);
    c21 = fma(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = fma(av, b0, c30);
    c31 = fma(av, b1, c31);
    av = v128.load32_splat(pa, 16);
    c40 = fma(av, b0, c40);
    c41 = fma(av, b1, c41);
    pa += <usize>MR << 2;
    pb += ldb;
  }
  const va = f32x4.splat(alpha);
  if (mr == MR && nr == NR) {
    let cp = c;
    update(cp, c00, va, beta, 0); update(cp, c01, va, beta, 16); cp += ldc;
    update(cp, c10, va, beta, 0); update(cp, c11, va, beta, 16); cp += ldc;
    update(cp, c20, va, beta, 0); update(cp, c21, va, beta, 16); cp += ldc;
    update(cp, c30, va, beta, 0); update(cp, c31, va, beta, 16); cp += ldc;
    update(cp, c40, va, beta, 0); update(cp, c41, va, beta, 16);
    return;
  }
  // edge tile: the same arithmetic lane by lane, through the tile buffer
  const t = wsTile;
  v128.store(t, c00, 0); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  v128.store(t, c20, 64); v128.store(t, c21, 80);
  v128.store(t, c30, 96); v128.store(t, c31, 112);
  v128.store(t, c40, 128); v128.store(t, c41, 144);
  for (let r = 0; r < mr; r++) {
    const row = c + <usize>r * ldc;
    for (let j = 0; j < nr; j++) {
      const acc = load<f32>(t + (<usize>(r * NR + j) << 2));
      const p = row + (<usize>j << 2);
      store<f32>(p, beta == 0 ? alpha * acc : alpha * acc + beta * load<f32>(p));
    }
  }
}
