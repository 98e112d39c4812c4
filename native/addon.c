/*
 * glorot native kernels: an N-API addon (plain C, node_api.h) over OpenBLAS. This file is the glue:
 * it checks every argument and calls the kernels of the other files (native/glorot.h lists them).
 *
 * What it provides (the `native` backend, see src/kernels/backend.ts for the contract of each kernel):
 *   gemm            cblas_sgemm, row-major, transpose flags, alpha, beta (never copied transposes);
 *                   at 2+ threads a small-batch product runs as column blocks on a small pool (gemm.c)
 *   biasActivation  fused `s += bias; z = f(s)` for the 8 activations (codes: Activation.code,
 *                   generated into activations.h from src/core/activations.ts) (elementwise.c)
 *   activationBackward  `gs = gz * f'(s)` (elementwise.c)
 *   softmaxNll, softmaxQuadratic   float64, the non-finite logit rules (costs.c)
 *   colSum          float64 accumulation (elementwise.c)
 *   singularValues  LAPACK sgesdd_/dgesdd_ (shipped inside OpenBLAS), job 'N' (svd.c)
 *   info, nop       OpenBLAS config/core, chosen SIMD level; an empty call to measure overhead
 *
 * Conventions: every matrix is a dense row-major Float32Array (batch on axis 0). Arguments are
 * validated here (types, integer dimensions, buffer lengths) and errors are thrown as JS TypeError /
 * RangeError with the same wording as the TypeScript backends' checks (src/kernels/checks.ts).
 * GEMM and LAPACK speed come from OpenBLAS's own run-time CPU dispatch (DYNAMIC_ARCH).
 */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "glorot.h"
#include "svd.h"

/* Bumped whenever the JS-visible interface of this addon changes; src/kernels/native/index.ts refuses
 * an addon built from another version (a stale build/ directory) and asks for a rebuild. */
#define GLOROT_ADDON_ABI 1

/* A float64 scratch row: on the stack for the usual widths, else on the heap. */
#define STACK_DOUBLES 2048

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
  glorot_gemm(&job, threads);
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
  double loss;
  if (!glorot_softmax_cost(logits, targets, rows, cols, grad, scale, probs, quadratic, &loss)) {
    throw_fmt(env, true, "%s: out of memory for %zu columns", fn, cols);
    return NULL;
  }
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
  napi_create_string_utf8(env, glorot_simd_level(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "simd", v);
  return obj;
}

/* setThreads(n): openblas_set_num_threads now (gemm also sets it lazily on each call). */
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, "setThreads")) return NULL;
  int threads;
  if (!get_threads(env, argv[0], &threads)) return NULL;
  glorot_ensure_threads(threads);
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
