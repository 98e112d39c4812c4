/*
 * N-API argument helpers of the native addon: each fetches one argument, checks its type, value or
 * length, and otherwise throws a JavaScript TypeError / RangeError worded as src/kernels/checks.ts
 * words it for the TypeScript backends (`targets must be an Int32Array, got a Float64Array`).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activations.h"
#include "args.h"

/* Formats a JS number as String(n) would for the common cases (integers, NaN, ±Infinity, decimals). */
void js_number(char *buf, size_t len, double v) {
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

void throw_fmt(napi_env env, bool range, const char *fmt, ...) {
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
bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *fn) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc < expected) {
    throw_fmt(env, false, "%s expects %zu arguments, got %zu", fn, expected, argc);
    return false;
  }
  return true;
}

/* A non-negative integer dimension ≤ INT32_MAX (BLAS uses 32-bit ints). Same message as checkDim. */
bool get_dim(napi_env env, napi_value v, const char *name, size_t *out) {
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

bool get_double(napi_env env, napi_value v, const char *name, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    throw_fmt(env, false, "%s must be a number", name);
    return false;
  }
  return true;
}

bool get_bool(napi_env env, napi_value v, const char *name, bool *out) {
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
bool get_typed(napi_env env, napi_value v, const char *name, napi_typedarray_type want, size_t need,
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

bool get_f32(napi_env env, napi_value v, const char *name, size_t need, float **data) {
  return get_typed(env, v, name, napi_float32_array, need, (void **)data, NULL);
}

/* Optional Float32Array: null or undefined → NULL. */
bool get_f32_opt(napi_env env, napi_value v, const char *name, size_t need, float **data) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    *data = NULL;
    return true;
  }
  return get_f32(env, v, name, need, data);
}

bool get_code(napi_env env, napi_value v, int *code) {
  int32_t c;
  if (napi_get_value_int32(env, v, &c) != napi_ok || c < 0 || c >= ACT_COUNT) {
    throw_fmt(env, false, "activation code must be an integer from 0 to %d (Activation.code)", ACT_COUNT - 1);
    return false;
  }
  *code = c;
  return true;
}


bool get_threads(napi_env env, napi_value v, int *threads) {
  int32_t t;
  if (napi_get_value_int32(env, v, &t) != napi_ok || t < 1 || t > 1024) {
    throw_fmt(env, true, "threads must be an integer from 1 to 1024");
    return false;
  }
  *threads = t;
  return true;
}
