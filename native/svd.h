/* The native addon's singularValues function (svd.c). */
#ifndef GLOROT_SVD_H
#define GLOROT_SVD_H

#include "args.h"

/* singularValues(a: Float32Array|Float64Array, m, n) → Float64Array of min(m, n) values, descending. */
napi_value js_singular_values(napi_env env, napi_callback_info info);

#endif
