// Keeps freed memory in the process for reuse. Tensor arrays come and go every op; with glibc's
// defaults, arrays over 128 KB are fresh mmap()s and freed memory at the heap's top is returned
// to the system, so most outputs start as page faults on cold memory: that cost a 512³ matmul
// 20% and a transposed one half its speed. Called when the backend starts (KEEL_NATIVE_MALLOC=default
// opts out); affects the whole process's malloc.
#include "keel.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

// tuneMalloc(): whether the allocator's settings were changed
napi_value keel_tune_malloc(napi_env env, napi_callback_info info) {
  (void)info;
  int applied = 0;
#ifdef __GLIBC__
  // arrays up to 32 MB (glibc's maximum) come from the heap; up to 256 MB of free heap is kept
  applied = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1 && mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024) == 1;
#endif
  napi_value result;
  napi_get_boolean(env, applied, &result);
  return result;
}
