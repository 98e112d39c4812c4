/*
 * The elementwise kernels of the native backend: fused bias + activation, the activation derivative
 * from the pre-activation, and column sums (src/kernels/backend.ts gives each kernel's contract).
 *
 * They are plain loops over inline scalar functions with no libm calls and no branches (selects
 * only), so GCC vectorises them. They are compiled three times through function multiversioning
 * (target_clones: x86-64-v4 = AVX-512, x86-64-v3 = AVX2+FMA, and the x86-64 baseline); the dynamic
 * loader picks the best one for the CPU at load time. Thus the addon never executes an instruction
 * the CPU lacks (no SIGILL on a machine without AVX-512 or AVX2) and still uses AVX-512 on Zen 4.
 *
 * Activation codes and constants: activations.h, generated from src/core/activations.ts.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "activations.h"
#include "glorot.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MULTIVERSION
#endif

#if defined(__GNUC__) && !defined(__clang__)
#define IVDEP _Pragma("GCC ivdep")
#else
#define IVDEP
#endif

/* SELU's negative-side factor scale·alpha: the double product, rounded once to float. */
#define SELU_SCALE_ALPHA ((float)(SELU_ALPHA_D * SELU_SCALE_D))
/* SELU_SCALE = HI + LO to ~2^-48: HI·s + LO·s (an FMA where available) rounds scale·s like float64 would. */
#define SELU_SCALE_LO ((float)(SELU_SCALE_D - (double)SELU_SCALE))

/* ------------------------------------------------------------------------------------------------ */
/* Vectorisable scalar math (float32). No libm calls, no branches: the loops below vectorise.        */

static inline float as_float(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}
static inline uint32_t as_uint(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

/*
 * e^x − 1 and e^x by Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, and Cephes' expf
 * minimax polynomial: e^r = 1 + r + r²·P(r) (≈ 1 ulp). 2^n is built from exponent bits, split in two
 * factors so results in the subnormal range round correctly and x < −104 gives 0. Inputs are clamped
 * to [−104, 88] (e^88 ≈ 1.65e38 is finite), so the result is finite for every finite or infinite x;
 * a NaN x gives NaN (the clamp that feeds r keeps NaN, the one that feeds n maps it to a safe value).
 */
#define EXP_LO (-104.0f)
#define EXP_HI 88.0f
#define LOG2EF 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO (-2.12194440e-4f)
#define ROUND_MAGIC 12582912.0f /* 1.5 · 2^23: adding it rounds to an integer held in the low bits */

typedef struct {
  float em1;   /* e^r − 1 */
  float scale; /* 2^n */
} exp_parts;

static inline exp_parts exp_reduce(float x) {
  float xr = x < EXP_LO ? EXP_LO : x; /* NaN stays NaN */
  xr = xr > EXP_HI ? EXP_HI : xr;
  float xn = x > EXP_LO ? x : EXP_LO; /* NaN → EXP_LO: n stays a small integer */
  xn = xn < EXP_HI ? xn : EXP_HI;
  float t = xn * LOG2EF + ROUND_MAGIC;
  float n = t - ROUND_MAGIC;
  int32_t ni = (int32_t)(as_uint(t) - as_uint(ROUND_MAGIC)); /* exact integer n in [−150, 127] */
  float r = xr - n * LN2_HI;
  r = r - n * LN2_LO;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  exp_parts e;
  e.em1 = p * (r * r) + r;
  int32_t n1 = ni >> 1;
  int32_t n2 = ni - n1;
  e.scale = as_float((uint32_t)(n1 + 127) << 23) * as_float((uint32_t)(n2 + 127) << 23);
  return e;
}

/** e^x for any x (0 below −104, e^88 above 88); NaN → NaN. */
static inline float v_exp(float x) {
  exp_parts e = exp_reduce(x);
  return (e.em1 + 1.0f) * e.scale;
}

/** e^x − 1 without cancellation near 0: 2^n·(e^r − 1) + (2^n − 1); exact em1 when n = 0. */
static inline float v_expm1(float x) {
  exp_parts e = exp_reduce(x);
  return e.scale * e.em1 + (e.scale - 1.0f);
}

/*
 * tanh by a [13/6] rational minimax approximation (the coefficients of Eigen's `generic_fast_tanh_float`),
 * float32 error ≈ 2e-7 absolute. Beyond |x| = 7.9053 tanh rounds to ±1 in float32, so x is clamped
 * there; below |x| = 4e-4, tanh(x) = x to float precision. ±Infinity → ±1; NaN → NaN.
 */
#define TANH_CLAMP 7.90531110763549805f
static inline float v_tanh(float x) {
  float xc = x > TANH_CLAMP ? TANH_CLAMP : x; /* NaN stays NaN */
  xc = xc < -TANH_CLAMP ? -TANH_CLAMP : xc;
  float x2 = xc * xc;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * xc;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  float y = p / q;
  y = y > 1.0f ? 1.0f : y;
  y = y < -1.0f ? -1.0f : y;
  return fabsf(x) < 4e-4f ? x : y;
}

/* f(s) for each activation. Kept branch-free. NaN behaviour mirrors src/core/activations.ts. */
static inline float f_sigmoid(float s) {
  float e = v_exp(-fabsf(s)); /* e^{-|s|} ∈ (0, 1]: no overflow for either sign */
  float r = 1.0f / (1.0f + e);
  return s >= 0.0f ? r : e * r;
}
static inline float f_softsign(float s) {
  float a = fabsf(s);
  float y = s / (1.0f + a);
  float sgn = s > 0.0f ? 1.0f : -1.0f;
  return a == INFINITY ? sgn : y;
}
static inline float f_relu(float s) { return s > 0.0f ? s : 0.0f; }
static inline float f_leaky(float s) { return s > 0.0f ? s : LEAKY_RELU_SLOPE * s; }
static inline float f_elu(float s) { return s > 0.0f ? s : ELU_ALPHA * v_expm1(s); }
static inline float f_selu(float s) {
  float pos = s == INFINITY ? s : SELU_SCALE * s + SELU_SCALE_LO * s; /* ∞·(HI + LO) would be ∞ − ∞ */
  return s > 0.0f ? pos : SELU_SCALE_ALPHA * v_expm1(s);
}

/* f'(s), from the pre-activation. The saturating ones use e^{-|s|} forms, accurate in relative terms
 * deep in saturation (1 − tanh² in float would be 0 already at |s| ≈ 9 and 5% off at |s| ≈ 7). */
static inline float d_sigmoid(float s) {
  float e = v_exp(-fabsf(s)); /* σ'(s) = e^{-|s|} / (1 + e^{-|s|})² */
  float q = 1.0f + e;
  return e / (q * q);
}
static inline float d_tanh(float s) {
  float e = v_exp(-2.0f * fabsf(s)); /* tanh'(s) = 4 e^{-2|s|} / (1 + e^{-2|s|})² */
  float q = 1.0f + e;
  return (4.0f * e) / (q * q);
}
static inline float d_softsign(float s) {
  float d = 1.0f / (1.0f + fabsf(s));
  return d * d;
}
static inline float d_relu(float s) { return s > 0.0f ? 1.0f : 0.0f; }
static inline float d_leaky(float s) { return s > 0.0f ? 1.0f : LEAKY_RELU_SLOPE; }
static inline float d_elu(float s) { return s > 0.0f ? 1.0f : ELU_ALPHA * v_exp(s); }
static inline float d_selu(float s) { return s > 0.0f ? SELU_SCALE : SELU_SCALE_ALPHA * v_exp(s); }

/* ------------------------------------------------------------------------------------------------ */
/* Elementwise kernels (multiversioned)                                                             */

#define BIAS_ACT_LOOP(F)                                                                           \
  for (size_t r = 0; r < rows; r++) {                                                              \
    float *sr = s + r * cols;                                                                      \
    float *zr = z + r * cols;                                                                      \
    IVDEP for (size_t c = 0; c < cols; c++) {                                                      \
      float v = sr[c] + bias[c];                                                                   \
      sr[c] = v;                                                                                   \
      zr[c] = F(v);                                                                                \
    }                                                                                              \
  }                                                                                                \
  break;

/* s ← s + bias (per row), z ← f(s). `z` may equal `s` (then it ends holding f(s)). */
MULTIVERSION void glorot_bias_activation(int code, float *s, const float *bias, float *z, size_t rows, size_t cols) {
  switch (code) {
    case ACT_SIGMOID:
      BIAS_ACT_LOOP(f_sigmoid)
    case ACT_TANH:
      BIAS_ACT_LOOP(v_tanh)
    case ACT_SOFTSIGN:
      BIAS_ACT_LOOP(f_softsign)
    case ACT_RELU:
      BIAS_ACT_LOOP(f_relu)
    case ACT_LEAKY_RELU:
      BIAS_ACT_LOOP(f_leaky)
    case ACT_ELU:
      BIAS_ACT_LOOP(f_elu)
    case ACT_SELU:
      BIAS_ACT_LOOP(f_selu)
    default: /* linear */
      for (size_t r = 0; r < rows; r++) {
        float *sr = s + r * cols;
        IVDEP for (size_t c = 0; c < cols; c++) sr[c] += bias[c];
      }
      if (z != s) memmove(z, s, rows * cols * sizeof(float));
      break;
  }
}

#define BACKWARD_LOOP(D)                                                                           \
  IVDEP for (size_t i = 0; i < n; i++) gs[i] = gz[i] * D(s[i]);                                     \
  break;

/* gs ← gz · f'(s). `gs` may equal `gz`. */
MULTIVERSION void glorot_activation_backward(int code, const float *s, const float *gz, float *gs, size_t n) {
  switch (code) {
    case ACT_SIGMOID:
      BACKWARD_LOOP(d_sigmoid)
    case ACT_TANH:
      BACKWARD_LOOP(d_tanh)
    case ACT_SOFTSIGN:
      BACKWARD_LOOP(d_softsign)
    case ACT_RELU:
      BACKWARD_LOOP(d_relu)
    case ACT_LEAKY_RELU:
      BACKWARD_LOOP(d_leaky)
    case ACT_ELU:
      BACKWARD_LOOP(d_elu)
    case ACT_SELU:
      BACKWARD_LOOP(d_selu)
    default: /* linear: f' = 1 */
      if (gs != gz) memmove(gs, gz, n * sizeof(float));
      break;
  }
}

/* out[c] ← alpha·Σ_r a[r,c] + beta·out[c], float64 accumulation (acc has `cols` doubles). */
MULTIVERSION void glorot_col_sum(const float *a, size_t rows, size_t cols, double alpha, double beta, float *out,
                                 double *acc) {
  for (size_t c = 0; c < cols; c++) acc[c] = 0.0;
  for (size_t r = 0; r < rows; r++) {
    const float *ar = a + r * cols;
    for (size_t c = 0; c < cols; c++) acc[c] += (double)ar[c];
  }
  if (beta == 0.0) {
    for (size_t c = 0; c < cols; c++) out[c] = (float)(alpha * acc[c]);
  } else {
    for (size_t c = 0; c < cols; c++) out[c] = (float)(alpha * acc[c] + beta * (double)out[c]);
  }
}

/* Which clone the loader picked, for `detail` (the backend's description). */
const char *glorot_simd_level(void) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4 (AVX-512)";
  if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3 (AVX2+FMA)";
  return "x86-64 baseline (SSE2)";
#else
  return "compiler default";
#endif
}
