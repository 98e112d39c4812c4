/* N-API argument helpers of the native addon (args.c). Each returns false after throwing. */
#ifndef GLOROT_ARGS_H
#define GLOROT_ARGS_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>

/* Formats a JS number as String(n) would for the common cases (integers, NaN, ±Infinity, decimals). */
void js_number(char *buf, size_t len, double v);
/* Throws a RangeError (`range`) or TypeError with a printf-formatted message. */
void throw_fmt(napi_env env, bool range, const char *fmt, ...);
/* Fetches `expected` arguments; throws TypeError if fewer were given. */
bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *fn);
/* A non-negative integer dimension ≤ INT32_MAX (BLAS uses 32-bit ints). */
bool get_dim(napi_env env, napi_value v, const char *name, size_t *out);
bool get_double(napi_env env, napi_value v, const char *name, double *out);
bool get_bool(napi_env env, napi_value v, const char *name, bool *out);
/* A typed array of type `want` with at least `need` elements; data pointer and length out. */
bool get_typed(napi_env env, napi_value v, const char *name, napi_typedarray_type want, size_t need, void **data,
               size_t *length);
/* A Float32Array of at least `need` elements. */
bool get_f32(napi_env env, napi_value v, const char *name, size_t need, float **data);
/* Optional Float32Array: null or undefined → NULL. */
bool get_f32_opt(napi_env env, napi_value v, const char *name, size_t need, float **data);
/* An activation code (Activation.code): an integer in [0, ACT_COUNT). */
bool get_code(napi_env env, napi_value v, int *code);
/* A thread count from 1 to 1024. */
bool get_threads(napi_env env, napi_value v, int *threads);

/* Product of two dimensions (each ≤ 2^31): fits in 64 bits. */
static inline size_t mul(size_t a, size_t b) { return a * b; }

#endif
