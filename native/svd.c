/*
 * Singular values for the native addon: LAPACK's divide-and-conquer SVD without vectors (sgesdd_ for
 * a Float32Array, dgesdd_ for a Float64Array, job 'N'), as shipped inside OpenBLAS. Used for the
 * spectrum of layer Jacobians (SPEC.md §3, eq. (17)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "svd.h"

/* LAPACK (Fortran ABI, as exported by libopenblas). The trailing size_t is gfortran's hidden length of
 * the CHARACTER argument `jobz`. */
extern void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda, float *s,
                    float *u, const int *ldu, float *vt, const int *ldvt, float *work, const int *lwork,
                    int *iwork, int *info, size_t jobz_len);
extern void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
                    double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
                    int *iwork, int *info, size_t jobz_len);

/* singularValues(a: Float32Array|Float64Array, m, n) → Float64Array of min(m, n) values, descending. */
napi_value js_singular_values(napi_env env, napi_callback_info info) {
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
                                  : "singularValues: LAPACK gesdd rejected an argument (a bug in native/svd.c)");
    return NULL;
  }
  return result;
}
