/*
 * glorot native kernels: an N-API addon (plain C, node_api.h) over OpenBLAS.
 *
 * What it provides (the `native` backend, see src/kernels/backend.ts for the contract of each kernel):
 *   gemm            cblas_sgemm, row-major, transpose flags, alpha, beta (never copied transposes);
 *                   at 2+ threads a small-batch product runs as column blocks on a small pool
 *                   (see "Small-batch GEMM across threads" below)
 *   biasActivation  fused `s += bias; z = f(s)` for the 8 activations (codes = ACTIVATION_CODE)
 *   activationBackward  `gs = gz * f'(s)`
 *   softmaxNll, softmaxQuadratic, colSum   float64 accumulation, the non-finite logit rules
 *   singularValues  LAPACK sgesdd_/dgesdd_ (shipped inside OpenBLAS), job 'N'
 *   info, nop       OpenBLAS config/core, chosen SIMD level; an empty call to measure overhead
 *
 * Conventions: every matrix is a dense row-major Float32Array (batch on axis 0). Arguments are
 * validated here (types, integer dimensions, buffer lengths) and errors are thrown as JS TypeError /
 * RangeError with the same wording as the reference backend's checks.
 *
 * The elementwise kernels are plain loops over inline scalar functions with no libm calls and no
 * branches (selects only), so GCC vectorises them. They are compiled three times through function
 * multiversioning (target_clones: x86-64-v4 = AVX-512, x86-64-v3 = AVX2+FMA, and the x86-64 baseline);
 * the dynamic loader picks the best one for the CPU at load time. Thus the addon never executes an
 * instruction the CPU lacks (no SIGILL on a machine without AVX-512 or AVX2) and still uses AVX-512
 * on Zen 4. GEMM and LAPACK speed come from OpenBLAS's own run-time CPU dispatch (DYNAMIC_ARCH).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Bumped whenever the JS-visible interface of this addon changes; src/kernels/native/index.ts refuses
 * an addon built from another version (a stale build/ directory) and asks for a rebuild. */
#define GLOROT_ADDON_ABI 1

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

/* LAPACK (Fortran ABI, as exported by libopenblas). The trailing size_t is gfortran's hidden length of
 * the CHARACTER argument `jobz`. */
extern void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda, float *s,
                    float *u, const int *ldu, float *vt, const int *ldvt, float *work, const int *lwork,
                    int *iwork, int *info, size_t jobz_len);
extern void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
                    double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
                    int *iwork, int *info, size_t jobz_len);

/* ------------------------------------------------------------------------------------------------ */
/* Activation constants (src/kernels/backend.ts)                                                     */

enum {
  ACT_SIGMOID = 0,
  ACT_TANH = 1,
  ACT_SOFTSIGN = 2,
  ACT_RELU = 3,
  ACT_LEAKY_RELU = 4,
  ACT_ELU = 5,
  ACT_SELU = 6,
  ACT_LINEAR = 7,
  ACT_COUNT = 8
};
#define LEAKY_RELU_SLOPE 0.01f
#define ELU_ALPHA 1.0f
#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f
#define SELU_SCALE_ALPHA ((float)(1.6732632423543772 * 1.0507009873554805))
/* SELU_SCALE = HI + LO to ~2^-48: HI·s + LO·s (an FMA where available) rounds scale·s like float64 would. */
#define SELU_SCALE_LO ((float)(1.0507009873554805 - (double)SELU_SCALE))

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

/* f(s) for each activation. Kept branch-free. NaN behaviour mirrors src/kernels/activations.ts. */
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
MULTIVERSION __attribute__((visibility("hidden"))) void glorot_bias_activation(int code, float *s,
                                                                               const float *bias, float *z,
                                                                               size_t rows, size_t cols) {
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
MULTIVERSION __attribute__((visibility("hidden"))) void glorot_activation_backward(int code, const float *s,
                                                                                   const float *gz,
                                                                                   float *gs, size_t n) {
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
MULTIVERSION __attribute__((visibility("hidden"))) void glorot_col_sum(const float *a, size_t rows, size_t cols,
                                                                       double alpha, double beta, float *out,
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

/* Which clone the loader picked, for `detail`. */
static const char *simd_level(void) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4 (AVX-512)";
  if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3 (AVX2+FMA)";
  return "x86-64 baseline (SSE2)";
#else
  return "compiler default";
#endif
}

/* ------------------------------------------------------------------------------------------------ */
/* Softmax costs (float64, mirrors src/kernels/reference.ts softmaxRow / rowNll)                      */

typedef struct {
  double max;
  double log_sum;
  size_t inf_count;
} softmax_row_t;

static softmax_row_t softmax_row(const float *l, size_t cols, double *p) {
  softmax_row_t row = {-INFINITY, 0.0, 0};
  bool nan = false;
  for (size_t c = 0; c < cols; c++) {
    double v = l[c];
    if (v != v) nan = true;
    if (v == INFINITY) row.inf_count++;
    if (v > row.max) row.max = v;
  }
  if (nan) {
    for (size_t c = 0; c < cols; c++) p[c] = NAN;
    row.max = NAN;
    row.log_sum = NAN;
    row.inf_count = 0;
    return row;
  }
  if (row.inf_count > 0) {
    for (size_t c = 0; c < cols; c++) p[c] = l[c] == INFINITY ? 1.0 / (double)row.inf_count : 0.0;
    row.max = INFINITY;
    row.log_sum = 0.0;
    return row;
  }
  if (row.max == -INFINITY) { /* every logit −∞: no information, uniform */
    for (size_t c = 0; c < cols; c++) p[c] = 1.0 / (double)cols;
    row.log_sum = log((double)cols);
    return row;
  }
  double sum = 0.0;
  for (size_t c = 0; c < cols; c++) {
    double e = exp((double)l[c] - row.max);
    p[c] = e;
    sum += e;
  }
  for (size_t c = 0; c < cols; c++) p[c] /= sum;
  row.log_sum = log(sum);
  return row;
}

static double row_nll(const float *l, size_t t, softmax_row_t row) {
  if (isnan(row.max)) return NAN;
  if (row.inf_count > 0) return l[t] == INFINITY ? log((double)row.inf_count) : INFINITY;
  if (row.max == -INFINITY) return row.log_sum;
  return -((double)l[t] - row.max - row.log_sum);
}

/* ------------------------------------------------------------------------------------------------ */
/* N-API argument helpers                                                                           */

/* Formats a JS number as String(n) would for the common cases (integers, NaN, ±Infinity, decimals). */
static void js_number(char *buf, size_t len, double v) {
  if (isnan(v)) {
    snprintf(buf, len, "NaN");
  } else if (isinf(v)) {
    snprintf(buf, len, v > 0 ? "Infinity" : "-Infinity");
  } else {
    for (int prec = 1; prec <= 17; prec++) {
      snprintf(buf, len, "%.*g", prec, v);
      if (strtod(buf, NULL) == v) break;
    }
  }
}

static void throw_fmt(napi_env env, bool range, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (range) {
    napi_throw_range_error(env, NULL, msg);
  } else {
    napi_throw_type_error(env, NULL, msg);
  }
}

/* Fetches `expected` arguments; throws TypeError if fewer were given. */
static bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *fn) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc < expected) {
    throw_fmt(env, false, "%s expects %zu arguments, got %zu", fn, expected, argc);
    return false;
  }
  return true;
}

/* A non-negative integer dimension ≤ INT32_MAX (BLAS uses 32-bit ints). Same message as checkDim. */
static bool get_dim(napi_env env, napi_value v, const char *name, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    throw_fmt(env, false, "%s must be a number", name);
    return false;
  }
  if (!(d >= 0.0) || d != floor(d) || isinf(d)) {
    char num[40];
    js_number(num, sizeof num, d);
    throw_fmt(env, true, "%s must be a non-negative integer, got %s", name, num);
    return false;
  }
  if (d > 2147483647.0) {
    throw_fmt(env, true, "%s must be at most 2147483647 (BLAS uses 32-bit integers), got %.0f", name, d);
    return false;
  }
  *out = (size_t)d;
  return true;
}

static bool get_double(napi_env env, napi_value v, const char *name, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    throw_fmt(env, false, "%s must be a number", name);
    return false;
  }
  return true;
}

static bool get_bool(napi_env env, napi_value v, const char *name, bool *out) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    throw_fmt(env, false, "%s must be a boolean", name);
    return false;
  }
  return true;
}

static const char *typed_array_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "typed array";
  }
}

/* "an Int32Array", "a Uint8Array" (the U of Uint is said "you"), "a Float32Array". */
static const char *article(const char *name) { return name[0] == 'I' ? "an" : "a"; }

/* A typed array of type `want` with at least `need` elements; data pointer and length out. */
static bool get_typed(napi_env env, napi_value v, const char *name, napi_typedarray_type want, size_t need,
                      void **data, size_t *length) {
  napi_typedarray_type type;
  size_t len;
  void *ptr;
  if (napi_get_typedarray_info(env, v, &type, &len, &ptr, NULL, NULL) != napi_ok) {
    throw_fmt(env, false, "%s must be %s %s", name, article(typed_array_name(want)), typed_array_name(want));
    return false;
  }
  if (type != want) {
    const char *w = typed_array_name(want), *g = typed_array_name(type);
    throw_fmt(env, false, "%s must be %s %s, got %s %s", name, article(w), w, article(g), g);
    return false;
  }
  if (len < need) {
    throw_fmt(env, true, "%s has %zu elements, needs at least %zu", name, len, need);
    return false;
  }
  *data = ptr;
  if (length) *length = len;
  return true;
}

static bool get_f32(napi_env env, napi_value v, const char *name, size_t need, float **data) {
  return get_typed(env, v, name, napi_float32_array, need, (void **)data, NULL);
}

/* Optional Float32Array: null or undefined → NULL. */
static bool get_f32_opt(napi_env env, napi_value v, const char *name, size_t need, float **data) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    *data = NULL;
    return true;
  }
  return get_f32(env, v, name, need, data);
}

static bool get_code(napi_env env, napi_value v, int *code) {
  int32_t c;
  if (napi_get_value_int32(env, v, &c) != napi_ok || c < 0 || c >= ACT_COUNT) {
    throw_fmt(env, false, "activation code must be an integer from 0 to %d (ACTIVATION_CODE)", ACT_COUNT - 1);
    return false;
  }
  *code = c;
  return true;
}

/* Product of two dimensions (each ≤ 2^31): fits in 64 bits. */
static inline size_t mul(size_t a, size_t b) { return a * b; }

/* ------------------------------------------------------------------------------------------------ */
/* OpenBLAS threads                                                                                  */

static int g_threads = 0; /* last value given to openblas_set_num_threads; 0 = never set */

static void ensure_threads(int threads) {
  if (__atomic_load_n(&g_threads, __ATOMIC_RELAXED) != threads) {
    openblas_set_num_threads(threads);
    __atomic_store_n(&g_threads, threads, __ATOMIC_RELAXED);
  }
}

static bool get_threads(napi_env env, napi_value v, int *threads) {
  int32_t t;
  if (napi_get_value_int32(env, v, &t) != napi_ok || t < 1 || t > 1024) {
    throw_fmt(env, true, "threads must be an integer from 1 to 1024");
    return false;
  }
  *threads = t;
  return true;
}

/* ------------------------------------------------------------------------------------------------ */
/* Small-batch GEMM across threads by column blocks                                                  */
/*
 * For a minibatch of ~10 rows, OpenBLAS 0.3.21 with 2 threads is SLOWER than with 1 on the forward
 * z·W and backward gs·Wᵀ products (measured 330 → 390–860 µs for 10×1000×1000 on Zen 4): it splits the
 * few rows, so each thread packs all of W. Such a product is instead cut into fixed blocks of output
 * columns, C[:, j0:j1] = op(A)·op(B)[:, j0:j1], each an independent single-threaded cblas_sgemm on a
 * sub-matrix (leading dimensions unchanged, nothing copied). The fused SGD update zᵀ·∂C/∂s, whose
 * inner dimension k is the minibatch, is split the same way: left to OpenBLAS' 2 threads, its
 * worker thread stays spinning after the call and fights the pool thread of the next split product
 * for the 2 cores — step times then alternated between ≈ 3.2 and 5–6 ms from one second to the next
 * (paper net, minibatch 10; BENCHMARKS.md); with every GEMM of the step split here OpenBLAS
 * stays single-threaded and the step is a steady ≈ 2.45 ms. The calling thread and up to
 * `threads − 1` pool threads claim blocks from a shared counter, so a pool thread that the OS has
 * descheduled (a busy shared machine) never stalls the call: the caller takes its blocks. Block
 * boundaries depend only on n, and each block is computed the same way whoever runs it, so results
 * are bit-identical from call to call (and for any thread count ≥ 2). Pool threads spin ~0.2 ms for
 * the next call, then sleep.
 */
#define SPLIT_MAX_ROWS 24      /* op(A) rows, or inner dimension k, up to which columns are split (OpenBLAS scales above) */
#define SPLIT_MIN_COLS 128     /* columns per block, at least */
#define SPLIT_BLOCKS 8         /* target number of blocks */
#define SPLIT_MIN_MNK 2000000.0 /* m·n·k (4 MFLOP): below it the hand-off and the per-block calls cost more than they save */
#define POOL_MAX 63
#define SPIN_NS 200000L /* a pool thread spins this long for the next call before sleeping */

typedef struct {
  bool ta, tb;
  int m, n, k;
  float alpha;
  const float *a;
  int lda;
  const float *b;
  int ldb;
  float beta;
  float *c;
  int ldc;
} gemm_job;

static void run_gemm(const gemm_job *j) {
  cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, j->m, j->n, j->k,
              j->alpha, j->a, j->lda, j->b, j->ldb, j->beta, j->c, j->ldc);
}

/* The current split call. `pool_claim` = generation (32 bits) | block count (16) | next block (16):
 * published with release after `pool_job`/`pool_block` are written; a block is claimed by a CAS on
 * the same word, so a claim is always checked against its own call's block count, and a call cannot
 * finish (and its job be overwritten) while one of its claimed blocks is still running. */
static gemm_job pool_job;
static int pool_block;     /* columns per block (the last block takes the rest) */
static uint64_t pool_claim; /* atomic */
static int pool_done;      /* blocks of the current call finished (atomic) */
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_finished = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER; /* one split call at a time */
static int pool_size = 0;                                       /* pool threads started */

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* Claims and runs blocks of the call whose generation is `gen` until none is left. */
static void run_blocks(uint32_t gen) {
  for (;;) {
    uint64_t w = __atomic_load_n(&pool_claim, __ATOMIC_ACQUIRE);
    for (;;) {
      if ((uint32_t)(w >> 32) != gen) return; /* a later call: not ours */
      uint32_t count = (uint32_t)(w >> 16) & 0xffff, next = (uint32_t)w & 0xffff;
      if (next >= count) return;
      if (__atomic_compare_exchange_n(&pool_claim, &w, w + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) break;
    }
    uint32_t count = (uint32_t)(w >> 16) & 0xffff, idx = (uint32_t)w & 0xffff;
    gemm_job part = pool_job;
    int start = (int)idx * pool_block;
    int end = idx + 1 == count ? pool_job.n : start + pool_block;
    part.n = end - start;
    part.c = pool_job.c + start;
    part.b = pool_job.tb ? pool_job.b + (size_t)start * (size_t)pool_job.ldb : pool_job.b + start;
    run_gemm(&part);
    if (__atomic_add_fetch(&pool_done, 1, __ATOMIC_ACQ_REL) == (int)count) {
      pthread_mutex_lock(&pool_mu);
      pthread_cond_signal(&pool_finished);
      pthread_mutex_unlock(&pool_mu);
    }
  }
}

static void *pool_main(void *arg) {
  uint32_t seen = (uint32_t)(uintptr_t)arg; /* the generation before this thread's first call */
  for (;;) {
    long until = now_ns() + SPIN_NS;
    uint32_t gen;
    int spins = 0;
    while ((gen = (uint32_t)(__atomic_load_n(&pool_claim, __ATOMIC_ACQUIRE) >> 32)) == seen) {
      cpu_relax();
      if (++spins % 256 == 0 && now_ns() > until) {
        pthread_mutex_lock(&pool_mu);
        while ((gen = (uint32_t)(__atomic_load_n(&pool_claim, __ATOMIC_ACQUIRE) >> 32)) == seen) {
          pthread_cond_wait(&pool_wake, &pool_mu);
        }
        pthread_mutex_unlock(&pool_mu);
        break;
      }
    }
    seen = gen;
    run_blocks(gen);
  }
  return NULL;
}

/* Runs `job` as column blocks on the calling thread and up to `threads − 1` pool threads. Returns
 * false (nothing done) when another JS thread is using the pool or a pool thread cannot be started:
 * the caller then uses plain OpenBLAS. */
static bool split_gemm(const gemm_job *job, int threads) {
  static int cpus = 0; /* more pool threads than CPUs would only fight over cores */
  if (cpus == 0) {
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    cpus = c > 0 ? (int)c : 1;
  }
  if (threads > cpus) threads = cpus;
  if (threads - 1 > POOL_MAX) threads = POOL_MAX + 1;
  if (threads < 2) return false;
  if (pthread_mutex_trylock(&pool_owner) != 0) return false;
  uint64_t old = __atomic_load_n(&pool_claim, __ATOMIC_RELAXED);
  uint32_t gen = (uint32_t)(old >> 32) + 1;
  while (pool_size < threads - 1) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, pool_main, (void *)(uintptr_t)(gen - 1));
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      pthread_mutex_unlock(&pool_owner);
      return false;
    }
    pool_size++;
  }
  /* blocks: ~SPLIT_BLOCKS of them, each a multiple of 16 columns and at least SPLIT_MIN_COLS */
  int block = (job->n + SPLIT_BLOCKS - 1) / SPLIT_BLOCKS;
  block = (block + 15) & ~15;
  if (block < SPLIT_MIN_COLS) block = SPLIT_MIN_COLS;
  int count = (job->n + block - 1) / block;
  if (count < 2) {
    pthread_mutex_unlock(&pool_owner);
    return false;
  }
  ensure_threads(1); /* each block is a single-threaded OpenBLAS call */
  pool_job = *job;
  pool_block = block;
  __atomic_store_n(&pool_done, 0, __ATOMIC_RELAXED);
  pthread_mutex_lock(&pool_mu);
  __atomic_store_n(&pool_claim, ((uint64_t)gen << 32) | ((uint64_t)count << 16), __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool_wake);
  pthread_mutex_unlock(&pool_mu);

  run_blocks(gen);

  long until = now_ns() + SPIN_NS;
  int spins = 0;
  while (__atomic_load_n(&pool_done, __ATOMIC_ACQUIRE) != count) {
    cpu_relax();
    if (++spins % 256 == 0 && now_ns() > until) {
      pthread_mutex_lock(&pool_mu);
      while (__atomic_load_n(&pool_done, __ATOMIC_ACQUIRE) != count) pthread_cond_wait(&pool_finished, &pool_mu);
      pthread_mutex_unlock(&pool_mu);
      break;
    }
  }
  pthread_mutex_unlock(&pool_owner);
  return true;
}

/* ------------------------------------------------------------------------------------------------ */
/* Exported functions                                                                               */

/* gemm(threads, transA, transB, m, n, k, alpha, a, b, beta, c) */
static napi_value js_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[11];
  if (!get_args(env, info, 11, argv, "gemm")) return NULL;
  int threads;
  bool ta, tb;
  size_t m, n, k;
  double alpha, beta;
  float *a, *b, *c;
  if (!get_threads(env, argv[0], &threads)) return NULL;
  if (!get_bool(env, argv[1], "gemm transA", &ta) || !get_bool(env, argv[2], "gemm transB", &tb)) return NULL;
  if (!get_dim(env, argv[3], "gemm m", &m) || !get_dim(env, argv[4], "gemm n", &n) ||
      !get_dim(env, argv[5], "gemm k", &k))
    return NULL;
  if (!get_double(env, argv[6], "gemm alpha", &alpha) || !get_double(env, argv[9], "gemm beta", &beta)) return NULL;
  if (!get_f32(env, argv[7], "gemm A", mul(m, k), &a) || !get_f32(env, argv[8], "gemm B", mul(k, n), &b) ||
      !get_f32(env, argv[10], "gemm C", mul(m, n), &c))
    return NULL;

  if (m == 0 || n == 0) return NULL;
  if (k == 0) { /* op(A)·op(B) is the zero matrix: C ← beta·C (BLAS would reject lda = 0) */
    size_t mn = mul(m, n);
    if (beta == 0.0) {
      memset(c, 0, mn * sizeof(float));
    } else if (beta != 1.0) {
      float fb = (float)beta;
      for (size_t i = 0; i < mn; i++) c[i] *= fb;
    }
    return NULL;
  }
  gemm_job job = {ta, tb, (int)m, (int)n, (int)k, (float)alpha, a, ta ? (int)m : (int)k, b, tb ? (int)k : (int)n,
                  (float)beta, c, (int)n};
  /* a minibatch's rows (forward, backward) or its inner dimension (the fused update) */
  if (threads > 1 && (m <= SPLIT_MAX_ROWS || k <= SPLIT_MAX_ROWS) && n >= 2 * SPLIT_MIN_COLS && (double)m * (double)n * (double)k >= SPLIT_MIN_MNK &&
      split_gemm(&job, threads)) {
    return NULL;
  }
  ensure_threads(threads);
  run_gemm(&job);
  return NULL;
}

/* biasActivation(code, s, bias, z, rows, cols) */
static napi_value js_bias_activation(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv, "biasActivation")) return NULL;
  int code;
  size_t rows, cols;
  float *s, *bias, *z;
  if (!get_code(env, argv[0], &code)) return NULL;
  if (!get_dim(env, argv[4], "rows", &rows) || !get_dim(env, argv[5], "cols", &cols)) return NULL;
  size_t total = mul(rows, cols);
  if (!get_f32(env, argv[1], "s", total, &s) || !get_f32(env, argv[2], "bias", cols, &bias) ||
      !get_f32(env, argv[3], "z", total, &z))
    return NULL;
  if (total == 0) return NULL;
  glorot_bias_activation(code, s, bias, z, rows, cols);
  return NULL;
}

/* activationBackward(code, s, gz, gs, n) */
static napi_value js_activation_backward(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv, "activationBackward")) return NULL;
  int code;
  size_t n;
  float *s, *gz, *gs;
  if (!get_code(env, argv[0], &code)) return NULL;
  if (!get_dim(env, argv[4], "n", &n)) return NULL;
  if (!get_f32(env, argv[1], "s", n, &s) || !get_f32(env, argv[2], "gz", n, &gz) ||
      !get_f32(env, argv[3], "gs", n, &gs))
    return NULL;
  if (n == 0) return NULL;
  glorot_activation_backward(code, s, gz, gs, n);
  return NULL;
}

/* A float64 scratch row: on the stack for the usual widths, else on the heap. */
#define STACK_DOUBLES 2048

static bool check_targets(napi_env env, const int32_t *t, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; r++) {
    if (t[r] < 0 || (size_t)t[r] >= cols) {
      throw_fmt(env, true, "target of row %zu is %d, expected a class index in [0, %zu)", r, (int)t[r], cols);
      return false;
    }
  }
  return true;
}

/* softmaxNll(logits, targets, rows, cols, grad|null, scale, probs|null[, sum]) → number
 * softmaxQuadratic(logits, targets, rows, cols, grad|null, scale[, sum]) → number
 * With `sum` (a Float64Array) the loss is written to sum[0] and the call returns the integer 0:
 * a returned double is a new heap number on the JS side, the one allocation of a training step. */
static napi_value softmax_cost(napi_env env, napi_callback_info info, bool quadratic) {
  napi_value argv[8];
  const char *fn = quadratic ? "softmaxQuadratic" : "softmaxNll";
  size_t want = quadratic ? 6 : 7;
  size_t argc = want + 1; /* missing trailing arguments read as undefined */
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < want) {
    throw_fmt(env, false, "%s expects %zu arguments, got %zu", fn, want, argc);
    return NULL;
  }
  double *sum = NULL;
  napi_valuetype sum_type;
  if (napi_typeof(env, argv[want], &sum_type) != napi_ok) return NULL;
  if (sum_type != napi_undefined && sum_type != napi_null &&
      !get_typed(env, argv[want], "sum", napi_float64_array, 1, (void **)&sum, NULL)) {
    return NULL;
  }
  size_t rows, cols;
  float *logits, *grad, *probs = NULL;
  int32_t *targets;
  double scale;
  if (!get_dim(env, argv[2], "rows", &rows) || !get_dim(env, argv[3], "cols", &cols)) return NULL;
  size_t total = mul(rows, cols);
  if (!get_f32(env, argv[0], "logits", total, &logits)) return NULL;
  if (!get_typed(env, argv[1], "targets", napi_int32_array, rows, (void **)&targets, NULL)) return NULL;
  if (!check_targets(env, targets, rows, cols)) return NULL;
  if (!get_f32_opt(env, argv[4], "grad", total, &grad)) return NULL;
  if (!get_double(env, argv[5], "scale", &scale)) return NULL;
  if (!quadratic && !get_f32_opt(env, argv[6], "probs", total, &probs)) return NULL;

  double stack_buf[STACK_DOUBLES];
  double *p = cols <= STACK_DOUBLES ? stack_buf : (double *)malloc(cols * sizeof(double));
  if (!p) {
    throw_fmt(env, true, "%s: out of memory for %zu columns", fn, cols);
    return NULL;
  }
  double loss = 0.0;
  for (size_t r = 0; r < rows; r++) {
    const float *l = logits + r * cols;
    size_t t = (size_t)targets[r];
    softmax_row_t row = softmax_row(l, cols, p);
    if (!quadratic) {
      loss += row_nll(l, t, row);
      if (probs) {
        float *pr = probs + r * cols;
        for (size_t c = 0; c < cols; c++) pr[c] = (float)p[c];
      }
      if (grad) {
        float *g = grad + r * cols;
        for (size_t c = 0; c < cols; c++) g[c] = (float)(scale * (p[c] - (c == t ? 1.0 : 0.0)));
      }
    } else {
      /* e_c = p_c − y_c ; C = ½ Σ e_c² ; ∂C/∂l_j = p_j (e_j − Σ_c e_c p_c) */
      double dot = 0.0;
      for (size_t c = 0; c < cols; c++) {
        double e = p[c] - (c == t ? 1.0 : 0.0);
        loss += 0.5 * e * e;
        dot += e * p[c];
      }
      if (grad) {
        float *g = grad + r * cols;
        for (size_t c = 0; c < cols; c++) {
          double e = p[c] - (c == t ? 1.0 : 0.0);
          g[c] = (float)(scale * p[c] * (e - dot));
        }
      }
    }
  }
  if (p != stack_buf) free(p);
  napi_value result;
  if (sum) {
    sum[0] = loss;
    napi_create_int32(env, 0, &result); /* a small integer: no heap allocation */
  } else {
    napi_create_double(env, loss, &result);
  }
  return result;
}

static napi_value js_softmax_nll(napi_env env, napi_callback_info info) { return softmax_cost(env, info, false); }
static napi_value js_softmax_quadratic(napi_env env, napi_callback_info info) {
  return softmax_cost(env, info, true);
}

/* colSum(a, rows, cols, alpha, beta, out) */
static napi_value js_col_sum(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv, "colSum")) return NULL;
  size_t rows, cols;
  double alpha, beta;
  float *a, *out;
  if (!get_dim(env, argv[1], "rows", &rows) || !get_dim(env, argv[2], "cols", &cols)) return NULL;
  if (!get_double(env, argv[3], "alpha", &alpha) || !get_double(env, argv[4], "beta", &beta)) return NULL;
  if (!get_f32(env, argv[0], "a", mul(rows, cols), &a) || !get_f32(env, argv[5], "out", cols, &out)) return NULL;
  if (cols == 0) return NULL;
  double stack_buf[STACK_DOUBLES];
  double *acc = cols <= STACK_DOUBLES ? stack_buf : (double *)malloc(cols * sizeof(double));
  if (!acc) {
    throw_fmt(env, true, "colSum: out of memory for %zu columns", cols);
    return NULL;
  }
  glorot_col_sum(a, rows, cols, alpha, beta, out, acc);
  if (acc != stack_buf) free(acc);
  return NULL;
}

/* singularValues(a: Float32Array|Float64Array, m, n) → Float64Array of min(m, n) values, descending. */
static napi_value js_singular_values(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, "singularValues")) return NULL;
  size_t m, n;
  if (!get_dim(env, argv[1], "m", &m) || !get_dim(env, argv[2], "n", &n)) return NULL;
  napi_typedarray_type type;
  size_t len;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &len, &data, NULL, NULL) != napi_ok ||
      (type != napi_float32_array && type != napi_float64_array)) {
    throw_fmt(env, false, "singularValues: a must be a Float32Array or Float64Array");
    return NULL;
  }
  size_t mn = mul(m, n);
  if (len < mn) {
    throw_fmt(env, true, "a has %zu elements, needs at least %zu", len, mn);
    return NULL;
  }
  if (mn > (size_t)2147483647) {
    throw_fmt(env, true, "singularValues: m·n = %zu exceeds LAPACK's 32-bit index range", mn);
    return NULL;
  }
  bool f64 = type == napi_float64_array;
  for (size_t i = 0; i < mn; i++) {
    double v = f64 ? ((const double *)data)[i] : (double)((const float *)data)[i];
    if (!isfinite(v)) {
      char num[40];
      js_number(num, sizeof num, v);
      throw_fmt(env, true, "singularValues: a[%zu] is %s; singular values need finite entries", i, num);
      return NULL;
    }
  }
  size_t kmin = m < n ? m : n;
  napi_value result_buf, result;
  double *out;
  if (napi_create_arraybuffer(env, kmin * sizeof(double), (void **)&out, &result_buf) != napi_ok) return NULL;
  if (napi_create_typedarray(env, napi_float64_array, kmin, result_buf, 0, &result) != napi_ok) return NULL;
  if (kmin == 0) return result;

  /* Row-major m×n A is column-major Aᵀ (n×m, lda = n): same singular values. gesdd overwrites its
   * input, so it works on a copy. */
  const int M = (int)n, N = (int)m, LDA = (int)n, ONE = 1;
  int info_out = 0, lwork = -1;
  int *iwork = (int *)malloc(8 * kmin * sizeof(int));
  void *a_copy = malloc(mn * (f64 ? sizeof(double) : sizeof(float)));
  void *s = f64 ? (void *)out : malloc(kmin * sizeof(float));
  void *work = NULL;
  bool ok = iwork && a_copy && s;
  if (ok) {
    memcpy(a_copy, data, mn * (f64 ? sizeof(double) : sizeof(float)));
    if (f64) {
      double q, du = 0, dvt = 0;
      dgesdd_("N", &M, &N, (double *)a_copy, &LDA, (double *)s, &du, &ONE, &dvt, &ONE, &q, &lwork, iwork,
              &info_out, 1);
      lwork = (int)q + 1;
      work = malloc((size_t)lwork * sizeof(double));
      ok = work != NULL;
      if (ok)
        dgesdd_("N", &M, &N, (double *)a_copy, &LDA, (double *)s, &du, &ONE, &dvt, &ONE, (double *)work, &lwork,
                iwork, &info_out, 1);
    } else {
      float q, du = 0, dvt = 0;
      sgesdd_("N", &M, &N, (float *)a_copy, &LDA, (float *)s, &du, &ONE, &dvt, &ONE, &q, &lwork, iwork,
              &info_out, 1);
      lwork = (int)q + 1;
      work = malloc((size_t)lwork * sizeof(float));
      ok = work != NULL;
      if (ok) {
        sgesdd_("N", &M, &N, (float *)a_copy, &LDA, (float *)s, &du, &ONE, &dvt, &ONE, (float *)work, &lwork,
                iwork, &info_out, 1);
        for (size_t i = 0; i < kmin; i++) out[i] = ((float *)s)[i];
      }
    }
  }
  free(work);
  free(iwork);
  free(a_copy);
  if (!f64) free(s);
  if (!ok) {
    throw_fmt(env, true, "singularValues: out of memory for a %zu×%zu matrix", m, n);
    return NULL;
  }
  if (info_out != 0) {
    napi_throw_error(env, NULL,
                     info_out > 0 ? "singularValues: LAPACK gesdd did not converge"
                                  : "singularValues: LAPACK gesdd rejected an argument (a bug in glorot.c)");
    return NULL;
  }
  return result;
}

/* info() → { abi, config, corename, threads, parallel, simd } */
static napi_value js_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, v;
  napi_create_object(env, &obj);
  napi_create_int32(env, GLOROT_ADDON_ABI, &v);
  napi_set_named_property(env, obj, "abi", v);
  const char *config = openblas_get_config();
  napi_create_string_utf8(env, config ? config : "", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "config", v);
  const char *core = openblas_get_corename();
  napi_create_string_utf8(env, core ? core : "", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "corename", v);
  napi_create_int32(env, openblas_get_num_threads(), &v);
  napi_set_named_property(env, obj, "threads", v);
  napi_create_int32(env, openblas_get_parallel(), &v);
  napi_set_named_property(env, obj, "parallel", v);
  napi_create_string_utf8(env, simd_level(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "simd", v);
  return obj;
}

/* setThreads(n): openblas_set_num_threads now (gemm also sets it lazily on each call). */
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, "setThreads")) return NULL;
  int threads;
  if (!get_threads(env, argv[0], &threads)) return NULL;
  ensure_threads(threads);
  return NULL;
}

/* nop(a: Float32Array): fetches one typed array pointer and returns; measures the call overhead. */
static napi_value js_nop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) {
    float *p;
    if (!get_f32(env, argv[0], "a", 0, &p)) return NULL;
  }
  return NULL;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, js_bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"activationBackward", NULL, js_activation_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmaxNll", NULL, js_softmax_nll, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmaxQuadratic", NULL, js_softmax_quadratic, NULL, NULL, NULL, napi_enumerable, NULL},
      {"colSum", NULL, js_col_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"singularValues", NULL, js_singular_values, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, js_info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nop", NULL, js_nop, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
