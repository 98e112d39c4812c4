// Vector (f32x4) math for the elementwise kernels: FMA, exp, expm1, tanh.
//
// Never a call to a scalar libm function in a hot loop: each function here is a few SIMD
// instructions. Accuracy, measured against float64 on a dense grid (test/unit/kernels/wasm.test.ts):
// vexp and vexpm1 ≈ 1–2 ulp, vtanh ≲ 2e-7 absolute. NaN inputs give NaN; every finite input
// (including ±3e38) and ±Infinity gives a finite or correctly saturated value.
//
// Sources: the range reduction and polynomial of exp are those of Cephes `expf.c`
// (S. L. Moshier), the small-argument tanh polynomial is Cephes `tanhf.c`; expm1 reuses the exp
// polynomial as 2^n·expm1(r) + (2^n − 1) so that small arguments keep their relative precision.

/** `a·b + c`: fused (relaxed-SIMD build, `f32x4.relaxed_madd`) or a multiply and an add. */
// @ts-ignore: decorator
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Clamp with NaN passing through (pmin/pmax keep the first operand when unordered). */
// @ts-ignore: decorator
@inline export function clamp(x: v128, lo: f32, hi: f32): v128 {
  return f32x4.pmax(f32x4.pmin(x, f32x4.splat(hi)), f32x4.splat(lo));
}

/** |x| (clears the sign bit). */
// @ts-ignore: decorator
@inline export function vabs(x: v128): v128 {
  return f32x4.abs(x);
}

// Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, e^r − 1 − r = r²·P(r).
// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;
// @ts-ignore: decorator
@inline const P0: f32 = 1.9875691500e-4;
// @ts-ignore: decorator
@inline const P1: f32 = 1.3981999507e-3;
// @ts-ignore: decorator
@inline const P2: f32 = 8.3334519073e-3;
// @ts-ignore: decorator
@inline const P3: f32 = 4.1665795894e-2;
// @ts-ignore: decorator
@inline const P4: f32 = 1.6666665459e-1;
// @ts-ignore: decorator
@inline const P5: f32 = 5.0000001201e-1;
/** Below this, e^x rounds to 0 even as a subnormal float32 (e^−104 ≈ 6.8e-46 < 2^−149). */
// @ts-ignore: decorator
@inline const EXP_LO: f32 = -104;
/** Smallest argument whose expm1 still needs computing (2^n normal, e^x − 1 = −1 in float32). */
// @ts-ignore: decorator
@inline const EXPM1_LO: f32 = -87.3;
/** Largest argument whose exp is finite in float32. */
// @ts-ignore: decorator
@inline const EXP_HI: f32 = 88.3;

/** r²·P(r) + r = e^r − 1 for |r| ≤ ln2/2. */
// @ts-ignore: decorator
@inline function expm1Reduced(r: v128): v128 {
  let p = fma(f32x4.splat(P0), r, f32x4.splat(P1));
  p = fma(p, r, f32x4.splat(P2));
  p = fma(p, r, f32x4.splat(P3));
  p = fma(p, r, f32x4.splat(P4));
  p = fma(p, r, f32x4.splat(P5));
  return fma(p, f32x4.mul(r, r), r);
}

/** 2^n for integral n (as f32 lanes) in [−126, 127]: the exponent field built directly. */
// @ts-ignore: decorator
@inline function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
}

/**
 * e^x, lane-wise, over the whole float32 range including subnormal results (σ(−90) ≈ 8.2e-40
 * keeps its relative precision): 2^n is applied as 2^⌊n/2⌋·2^(n−⌊n/2⌋), two normal factors.
 * Below −104 the result is 0; above 88.3 it is clamped to ≈2.2e38 (callers only pass x ≤ 0).
 */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const xc = clamp(x, EXP_LO, EXP_HI);
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = fma(n, f32x4.splat(-LN2_HI), xc);
  r = fma(n, f32x4.splat(-LN2_LO), r);
  const er = f32x4.add(expm1Reduced(r), f32x4.splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(f32x4.mul(er, s1), s2), f32x4.lt(x, f32x4.splat(EXP_LO)));
}

/**
 * e^x − 1, lane-wise, with full relative precision near 0 (e.g. expm1(−1e-8) = −1e-8).
 * For x < −87.3 the result is −1; callers only pass x ≤ 0.
 */
// @ts-ignore: decorator
@inline export function vexpm1(x: v128): v128 {
  const xc = clamp(x, EXPM1_LO, EXP_HI);
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = fma(n, f32x4.splat(-LN2_HI), xc);
  r = fma(n, f32x4.splat(-LN2_LO), r);
  const s = pow2(n);
  // 2^n·(e^r − 1) + (2^n − 1): exact when n = 0
  return fma(s, expm1Reduced(r), f32x4.sub(s, f32x4.splat(1)));
}

// Cephes tanhf for |x| < 0.625: tanh x = x + x³·Q(x²).
// @ts-ignore: decorator
@inline const T0: f32 = -5.70498872745e-3;
// @ts-ignore: decorator
@inline const T1: f32 = 2.06390887954e-2;
// @ts-ignore: decorator
@inline const T2: f32 = -5.37397155531e-2;
// @ts-ignore: decorator
@inline const T3: f32 = 1.33314422036e-1;
// @ts-ignore: decorator
@inline const T4: f32 = -3.33332819422e-1;

/**
 * tanh x, lane-wise: x + x³·Q(x²) for |x| < 0.625, else sign(x)·(1 − 2e/(1 + e)) with
 * e = exp(−2|x|) (no cancellation there). Exact ±1 beyond |x| ≈ 9; ±Infinity → ±1; NaN → NaN.
 */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  // large branch, on |x| clamped so that exp never underflows to a denormal
  const e = vexp(f32x4.mul(f32x4.pmin(ax, f32x4.splat(40)), f32x4.splat(-2)));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.add(e, e), f32x4.add(e, f32x4.splat(1))));
  // small branch
  const z = f32x4.mul(x, x);
  let q = fma(f32x4.splat(T0), z, f32x4.splat(T1));
  q = fma(q, z, f32x4.splat(T2));
  q = fma(q, z, f32x4.splat(T3));
  q = fma(q, z, f32x4.splat(T4));
  const small = fma(f32x4.mul(q, z), x, x);
  // copy the sign of x onto the large branch; NaN fails both comparisons and takes `small` (NaN)
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(signed, small, f32x4.ge(ax, f32x4.splat(0.625)));
}

/**
 * e^{−|x|} together with the sign of x, for the logistic sigmoid and the tanh derivative:
 * σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0; both forms are free of overflow.
 */
// @ts-ignore: decorator
@inline export function vexpNegAbs(x: v128): v128 {
  return vexp(f32x4.neg(f32x4.abs(x)));
}
