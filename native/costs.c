/*
 * The softmax costs of the native backend, in float64 (the same arithmetic, in the same order, as
 * src/kernels/reference.ts): softmax NLL and the quadratic cost on the softmax output (SPEC.md §5,
 * Fig. 5), with the rules for non-finite logits of `Backend.softmaxNll` (src/kernels/backend.ts).
 */
#include <math.h>
#include <stdlib.h>

#include "glorot.h"

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

/* A float64 scratch row: on the stack for the usual widths, else on the heap. */
#define STACK_DOUBLES 2048

bool glorot_softmax_cost(const float *logits, const int32_t *targets, size_t rows, size_t cols, float *grad, double scale,
                         float *probs, bool quadratic, double *loss_out) {
  double stack_buf[STACK_DOUBLES];
  double *p = cols <= STACK_DOUBLES ? stack_buf : (double *)malloc(cols * sizeof(double));
  if (!p) return false;
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
  *loss_out = loss;
  return true;
}
