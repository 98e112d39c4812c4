// Elementwise kernels: fused bias + activation forward, activation backward, column sums.
//
// Activation codes and constants come from ./activations.ts, generated from src/core/activations.ts. Every f and
// f′ is computed from the pre-activation s with a formula that keeps relative precision where the
// function saturates (e.g. tanh′(s) = 4e/(1+e)² with e = exp(−2|s|), not 1 − tanh²), and is
// finite for every finite s. At s = 0 the ReLU-like derivatives take the left value (as PyTorch).
// Lengths that are not a multiple of 4 finish through a 16-byte scratch vector, so the last
// elements get the same arithmetic as the others.
import {
  ACT_ELU, ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SELU, ACT_SIGMOID, ACT_SOFTSIGN, ACT_TANH,
  ELU_ALPHA, LEAKY_RELU_SLOPE, SELU_ALPHA_D, SELU_SCALE, SELU_SCALE_D,
} from './activations';
import { clamp, vexp, vexpm1, vexpNegAbs, vtanh } from './vmath';

// SELU's negative-side factor scale·alpha: the float64 product, rounded once to float32.
// @ts-ignore: decorator
@inline const SELU_SCALE_ALPHA: f32 = <f32>(SELU_SCALE_D * SELU_ALPHA_D);

/** f(s) lane-wise for activation `act` (a constant after inlining). */
// @ts-ignore: decorator
@inline function forward(act: i32, s: v128): v128 {
  const one = f32x4.splat(1);
  const pos = f32x4.gt(s, f32x4.splat(0)); // false for NaN
  switch (act) {
    case ACT_SIGMOID: {
      // σ = 1/(1+e) for s ≥ 0, e/(1+e) for s < 0, e = exp(−|s|)
      const e = vexpNegAbs(s);
      const num = v128.bitselect(e, one, f32x4.lt(s, f32x4.splat(0)));
      return f32x4.div(num, f32x4.add(one, e));
    }
    case ACT_TANH:
      return vtanh(s);
    case ACT_SOFTSIGN: {
      // ±Infinity → ±FLT_MAX first, so that ∞/∞ gives ±1, not NaN
      const x = clamp(s, -3.4028234663852886e38, 3.4028234663852886e38);
      return f32x4.div(x, f32x4.add(one, f32x4.abs(x)));
    }
    case ACT_RELU:
      return v128.and(s, pos);
    case ACT_LEAKY_RELU:
      return v128.bitselect(s, f32x4.mul(s, f32x4.splat(LEAKY_RELU_SLOPE)), pos);
    case ACT_ELU: {
      const neg = f32x4.mul(f32x4.splat(ELU_ALPHA), vexpm1(f32x4.pmin(s, f32x4.splat(0))));
      return v128.bitselect(s, neg, pos);
    }
    case ACT_SELU: {
      const neg = f32x4.mul(f32x4.splat(SELU_SCALE_ALPHA), vexpm1(f32x4.pmin(s, f32x4.splat(0))));
      return v128.bitselect(f32x4.mul(s, f32x4.splat(SELU_SCALE)), neg, pos);
    }
    default:
      return s;
  }
}

/** f′(s) lane-wise for activation `act` (a constant after inlining). */
// @ts-ignore: decorator
@inline function derivative(act: i32, s: v128): v128 {
  const one = f32x4.splat(1);
  const pos = f32x4.gt(s, f32x4.splat(0));
  switch (act) {
    case ACT_SIGMOID: {
      // σ′ = e/(1+e)², e = exp(−|s|): the same for both signs
      const e = vexpNegAbs(s);
      const d = f32x4.add(one, e);
      return f32x4.div(e, f32x4.mul(d, d));
    }
    case ACT_TANH: {
      // tanh′ = sech² = 4e/(1+e)², e = exp(−2|s|)
      const e = vexp(f32x4.mul(f32x4.abs(s), f32x4.splat(-2)));
      const d = f32x4.add(one, e);
      return f32x4.div(f32x4.mul(e, f32x4.splat(4)), f32x4.mul(d, d));
    }
    case ACT_SOFTSIGN: {
      const d = f32x4.add(one, f32x4.abs(s));
      return f32x4.div(one, f32x4.mul(d, d));
    }
    case ACT_RELU:
      return v128.and(one, pos);
    case ACT_LEAKY_RELU:
      return v128.bitselect(one, f32x4.splat(LEAKY_RELU_SLOPE), pos);
    case ACT_ELU:
      return v128.bitselect(one, f32x4.mul(f32x4.splat(ELU_ALPHA), vexp(f32x4.pmin(s, f32x4.splat(0)))), pos);
    case ACT_SELU: {
      const neg = f32x4.mul(f32x4.splat(SELU_SCALE_ALPHA), vexp(f32x4.pmin(s, f32x4.splat(0))));
      return v128.bitselect(f32x4.splat(SELU_SCALE), neg, pos);
    }
    default:
      return one;
  }
}

let scratch: usize = 0;

/** Points this instance's 32-byte scratch area at `base`. */
export function elementwiseSetWorkspace(base: usize): void {
  scratch = base;
}

/** Bytes of workspace one thread needs. */
export function elementwiseWorkspaceBytes(): i32 {
  return 64;
}

/** Copies `count` (< 4) floats from `src` into lanes 0.. of a zero vector. */
// @ts-ignore: decorator
@inline function loadPartial(src: usize, count: i32): v128 {
  v128.store(scratch, f32x4.splat(0));
  memory.copy(scratch, src, <usize>count << 2);
  return v128.load(scratch);
}

/** Stores lanes 0..count−1 (count < 4) of `v` at `dst`. */
// @ts-ignore: decorator
@inline function storePartial(dst: usize, v: v128, count: i32): void {
  v128.store(scratch, v);
  memory.copy(dst, scratch, <usize>count << 2);
}

// @ts-ignore: decorator
@inline function biasActRowsOf(act: i32, s: usize, bias: usize, z: usize, cols: i32, r0: i32, r1: i32): void {
  const full = cols & ~3;
  const rest = cols & 3;
  for (let r = r0; r < r1; r++) {
    const off = <usize>r * <usize>cols << 2;
    const sr = s + off;
    const zr = z + off;
    for (let c = 0; c < full; c += 4) {
      const o = <usize>c << 2;
      const v = f32x4.add(v128.load(sr + o), v128.load(bias + o));
      v128.store(sr + o, v);
      v128.store(zr + o, forward(act, v));
    }
    if (rest != 0) {
      const o = <usize>full << 2;
      const v = f32x4.add(loadPartial(sr + o, rest), loadPartial(bias + o, rest));
      storePartial(sr + o, v, rest);
      storePartial(zr + o, forward(act, v), rest);
    }
  }
}

/**
 * Rows [r0, r1) of the fused bias + activation: s[r,c] ← s[r,c] + bias[c], z[r,c] ← f(s[r,c]).
 * Pointers are byte offsets; s and z are rows×cols row-major.
 */
export function biasActivationRows(act: i32, s: usize, bias: usize, z: usize, cols: i32, r0: i32, r1: i32): void {
  switch (act) {
    case ACT_SIGMOID: biasActRowsOf(ACT_SIGMOID, s, bias, z, cols, r0, r1); break;
    case ACT_TANH: biasActRowsOf(ACT_TANH, s, bias, z, cols, r0, r1); break;
    case ACT_SOFTSIGN: biasActRowsOf(ACT_SOFTSIGN, s, bias, z, cols, r0, r1); break;
    case ACT_RELU: biasActRowsOf(ACT_RELU, s, bias, z, cols, r0, r1); break;
    case ACT_LEAKY_RELU: biasActRowsOf(ACT_LEAKY_RELU, s, bias, z, cols, r0, r1); break;
    case ACT_ELU: biasActRowsOf(ACT_ELU, s, bias, z, cols, r0, r1); break;
    case ACT_SELU: biasActRowsOf(ACT_SELU, s, bias, z, cols, r0, r1); break;
    default: biasActRowsOf(ACT_LINEAR, s, bias, z, cols, r0, r1); break;
  }
}

// @ts-ignore: decorator
@inline function backwardOf(act: i32, s: usize, gz: usize, gs: usize, i0: i32, i1: i32): void {
  const end = i0 + ((i1 - i0) & ~3);
  for (let i = i0; i < end; i += 4) {
    const o = <usize>i << 2;
    v128.store(gs + o, f32x4.mul(v128.load(gz + o), derivative(act, v128.load(s + o))));
  }
  const rest = i1 - end;
  if (rest != 0) {
    const o = <usize>end << 2;
    storePartial(gs + o, f32x4.mul(loadPartial(gz + o, rest), derivative(act, loadPartial(s + o, rest))), rest);
  }
}

/** Elements [i0, i1) of the activation backward pass: gs[i] ← gz[i]·f′(s[i]) (byte pointers). */
export function activationBackwardRange(act: i32, s: usize, gz: usize, gs: usize, i0: i32, i1: i32): void {
  switch (act) {
    case ACT_SIGMOID: backwardOf(ACT_SIGMOID, s, gz, gs, i0, i1); break;
    case ACT_TANH: backwardOf(ACT_TANH, s, gz, gs, i0, i1); break;
    case ACT_SOFTSIGN: backwardOf(ACT_SOFTSIGN, s, gz, gs, i0, i1); break;
    case ACT_RELU: backwardOf(ACT_RELU, s, gz, gs, i0, i1); break;
    case ACT_LEAKY_RELU: backwardOf(ACT_LEAKY_RELU, s, gz, gs, i0, i1); break;
    case ACT_ELU: backwardOf(ACT_ELU, s, gz, gs, i0, i1); break;
    case ACT_SELU: backwardOf(ACT_SELU, s, gz, gs, i0, i1); break;
    default: backwardOf(ACT_LINEAR, s, gz, gs, i0, i1); break;
  }
}

/**
 * out[c] ← alpha·Σ_r a[r,c] + beta·out[c] for a rows×cols matrix, accumulated in float64 in row
 * order (the reference backend's order, so results agree to the last bit). beta = 0: out not read.
 */
export function colSum(a: usize, rows: i32, cols: i32, alpha: f64, beta: f64, out: usize): void {
  const full = cols & ~3;
  const lda = <usize>cols << 2;
  const va = f64x2.splat(alpha);
  const vb = f64x2.splat(beta);
  for (let c = 0; c < full; c += 4) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    let p = a + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      const v = v128.load(p);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
      p += lda;
    }
    const o = out + (<usize>c << 2);
    lo = f64x2.mul(va, lo);
    hi = f64x2.mul(va, hi);
    if (beta != 0) {
      const prev = v128.load(o);
      lo = f64x2.add(lo, f64x2.mul(vb, f64x2.promote_low_f32x4(prev)));
      hi = f64x2.add(hi, f64x2.mul(vb, f64x2.promote_low_f32x4(v128.shuffle<f32>(prev, prev, 2, 3, 0, 1))));
    }
    const d0 = f32x4.demote_f64x2_zero(lo);
    const d1 = f32x4.demote_f64x2_zero(hi);
    v128.store(o, v128.shuffle<f32>(d0, d1, 0, 1, 4, 5));
  }
  for (let c = full; c < cols; c++) {
    let acc: f64 = 0;
    let p = a + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      acc += <f64>load<f32>(p);
      p += lda;
    }
    const o = out + (<usize>c << 2);
    store<f32>(o, <f32>(beta == 0 ? alpha * acc : alpha * acc + beta * <f64>load<f32>(o)));
  }
}
