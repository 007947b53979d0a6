// The module: registers the kernels (one N-API function each) and the thread settings.
#include "keel.h"

// setThreads(n): the addon's loop threads and the BLAS threads
static napi_value set_threads(napi_env env, napi_callback_info info) {
  napi_value args[1];
  int64_t threads;
  if (!keel_args(env, info, "setThreads", 1, args) || !keel_int(env, args[0], "setThreads", "threads", 1, 1024, &threads)) return NULL;
  keel_set_threads((int)threads);
  return keel_undefined(env);
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value value;
  napi_create_int32(env, keel_get_threads(), &value);
  return value;
}

// blas(): the BLAS library's own description (OpenBLAS: version, target CPU, thread limit)
static napi_value blas(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value value;
  napi_create_string_utf8(env, keel_blas_name(), NAPI_AUTO_LENGTH, &value);
  return value;
}

static napi_value init(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getThreads", NULL, get_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blas", NULL, blas, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tuneMalloc", NULL, keel_tune_malloc, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemm", NULL, keel_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unary", NULL, keel_unary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"affine", NULL, keel_affine, NULL, NULL, NULL, napi_enumerable, NULL},
      {"clip", NULL, keel_clip, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, keel_binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"where", NULL, keel_where, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stridedCopy", NULL, keel_strided_copy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reduce", NULL, keel_reduce, NULL, NULL, NULL, napi_enumerable, NULL},
      {"argReduce", NULL, keel_arg_reduce, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmax", NULL, keel_softmax, NULL, NULL, NULL, napi_enumerable, NULL},
      {"oneHot", NULL, keel_one_hot, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gather", NULL, keel_gather, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gatherGrad", NULL, keel_gather_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"windowOp", NULL, keel_window, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, keel_bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"activationGrad", NULL, keel_activation_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crossEntropy", NULL, keel_cross_entropy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"crossEntropyGrad", NULL, keel_cross_entropy_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"allFinite", NULL, keel_all_finite, NULL, NULL, NULL, napi_enumerable, NULL},
      {"axpby", NULL, keel_axpby, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
