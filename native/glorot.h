/*
 * The interface between the native addon's translation units (all hidden: only addon.c's module
 * initialisation is visible to Node). One file per concern:
 *   addon.c        N-API glue: argument checks, the exported functions, info
 *   args.c/args.h  N-API argument helpers (the error wording shared with src/kernels/checks.ts)
 *   gemm.c         OpenBLAS sgemm, its thread count, and the small-batch split across a thread pool
 *   elementwise.c  the vectorised, multiversioned bias+activation, activation derivative, column sums
 *   costs.c        the softmax costs in float64, with the non-finite logit rules
 *   svd.c          singular values through LAPACK (sgesdd_/dgesdd_ inside OpenBLAS)
 *   activations.h  GENERATED from src/core/activations.ts (codes, constants): never edit by hand
 */
#ifndef GLOROT_H
#define GLOROT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- elementwise.c (multiversioned: the loader picks an AVX-512, AVX2+FMA or baseline clone) ---- */

/* s ← s + bias (per row), z ← f(s) for activation `code` (Activation.code). `z` may equal `s`. */
void glorot_bias_activation(int code, float *s, const float *bias, float *z, size_t rows, size_t cols);
/* gs ← gz · f'(s). `gs` may equal `gz`. */
void glorot_activation_backward(int code, const float *s, const float *gz, float *gs, size_t n);
/* out[c] ← alpha·Σ_r a[r,c] + beta·out[c], float64 accumulation (acc has `cols` doubles). */
void glorot_col_sum(const float *a, size_t rows, size_t cols, double alpha, double beta, float *out, double *acc);
/* Which clone the loader picked, e.g. "x86-64-v4 (AVX-512)", for the backend's `detail`. */
const char *glorot_simd_level(void);

/* ---- gemm.c ---- */

/* One row-major sgemm call: C ← alpha·op(A)·op(B) + beta·C, leading dimensions as CBLAS takes them. */
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

/* Runs `job` with `threads` threads (m, n, k ≥ 1): OpenBLAS, or column blocks on the pool for a
 * small-batch product at 2+ threads. */
void glorot_gemm(const gemm_job *job, int threads);
/* openblas_set_num_threads(threads) when it differs from the last value set. */
void glorot_ensure_threads(int threads);

/* ---- costs.c ---- */

/* The softmax NLL (or, with `quadratic`, the quadratic cost on the softmax) summed over `rows` rows of
 * `cols` logits, with the gradient scaled by `scale` into `grad` and softmaxNll's `probs` when not
 * NULL. Targets must already be checked. Returns false (nothing computed) when the float64 scratch
 * row for a width above 2048 cannot be allocated. */
bool glorot_softmax_cost(const float *logits, const int32_t *targets, size_t rows, size_t cols, float *grad, double scale,
                         float *probs, bool quadratic, double *loss);

#endif
