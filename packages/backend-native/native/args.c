// Argument checking for the N-API functions: every kernel validates what it is given, so a bad
// call is a clear JavaScript error, never a read or write out of bounds.
#include <math.h>
#include <stdio.h>

#include "keel.h"

static int fail(napi_env env, int range, const char *fn, const char *what, const char *problem) {
  char message[256];
  snprintf(message, sizeof message, "keel_native.%s: %s %s", fn, what, problem);
  if (range) napi_throw_range_error(env, NULL, message);
  else napi_throw_type_error(env, NULL, message);
  return 0;
}

int keel_range_error(napi_env env, const char *fn, const char *message) {
  char text[256];
  snprintf(text, sizeof text, "keel_native.%s: %s", fn, message);
  napi_throw_range_error(env, NULL, text);
  return 0;
}

int keel_args(napi_env env, napi_callback_info info, const char *fn, size_t count, napi_value *args) {
  size_t given = count;
  if (napi_get_cb_info(env, info, &given, args, NULL, NULL) != napi_ok) return fail(env, 0, fn, "arguments", "could not be read");
  if (given != count) {
    char problem[64];
    snprintf(problem, sizeof problem, "expected %zu, got %zu", count, given);
    return fail(env, 0, fn, "arguments:", problem);
  }
  return 1;
}

static int typed(napi_env env, napi_value value, napi_typedarray_type want, const char *fn, const char *what, const char *name,
                 void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok || type != want) {
    char problem[64];
    snprintf(problem, sizeof problem, "must be a %s", name);
    return fail(env, 0, fn, what, problem);
  }
  return 1;
}

int keel_f32(napi_env env, napi_value value, const char *fn, const char *what, float **data, size_t *length) {
  return typed(env, value, napi_float32_array, fn, what, "Float32Array", (void **)data, length);
}

int keel_f64(napi_env env, napi_value value, const char *fn, const char *what, double **data, size_t *length) {
  return typed(env, value, napi_float64_array, fn, what, "Float64Array", (void **)data, length);
}

int keel_i32s(napi_env env, napi_value value, const char *fn, const char *what, int32_t **data, size_t *length) {
  return typed(env, value, napi_int32_array, fn, what, "Int32Array", (void **)data, length);
}

int keel_num(napi_env env, napi_value value, const char *fn, const char *what, double *out) {
  if (napi_get_value_double(env, value, out) != napi_ok) return fail(env, 0, fn, what, "must be a number");
  return 1;
}

int keel_int(napi_env env, napi_value value, const char *fn, const char *what, int64_t min, int64_t max, int64_t *out) {
  double number;
  if (!keel_num(env, value, fn, what, &number)) return 0;
  if (!(number == floor(number)) || number < (double)min || number > (double)max) {
    char problem[96];
    snprintf(problem, sizeof problem, "must be a whole number in %lld..%lld, got %g", (long long)min, (long long)max, number);
    return fail(env, 1, fn, what, problem);
  }
  *out = (int64_t)number;
  return 1;
}

int keel_bool(napi_env env, napi_value value, const char *fn, const char *what, int *out) {
  bool flag;
  if (napi_get_value_bool(env, value, &flag) != napi_ok) return fail(env, 0, fn, what, "must be a boolean");
  *out = flag ? 1 : 0;
  return 1;
}

int keel_fits(napi_env env, const char *fn, const char *what, size_t length, size_t offset, size_t count) {
  if (offset > length || count > length - offset) {
    char problem[128];
    snprintf(problem, sizeof problem, "is too short: %zu values from offset %zu needed, it has %zu", count, offset, length);
    return fail(env, 1, fn, what, problem);
  }
  return 1;
}

int keel_product(napi_env env, const char *fn, const int64_t *factors, int count, size_t *out) {
  size_t product = 1;
  for (int i = 0; i < count; i++) {
    if (__builtin_mul_overflow(product, (size_t)factors[i], &product)) return keel_range_error(env, fn, "sizes overflow");
  }
  *out = product;
  return 1;
}

napi_value keel_undefined(napi_env env) {
  napi_value value;
  napi_get_undefined(env, &value);
  return value;
}
