// What differs between BLAS libraries: how the thread count is set and how they name themselves.
// binding.gyp defines KEEL_BLAS_openblas, KEEL_BLAS_blis, KEEL_BLAS_mkl or none of them.
#include "keel.h"

#if defined(KEEL_BLAS_openblas)
void openblas_set_num_threads(int threads);
char *openblas_get_config(void);
void keel_blas_set_threads(int threads) { openblas_set_num_threads(threads); }
const char *keel_blas_name(void) { return openblas_get_config(); }
#elif defined(KEEL_BLAS_blis)
void bli_thread_set_num_threads(long threads);
void keel_blas_set_threads(int threads) { bli_thread_set_num_threads(threads); }
const char *keel_blas_name(void) { return "BLIS"; }
#elif defined(KEEL_BLAS_mkl)
void MKL_Set_Num_Threads(int threads);
void keel_blas_set_threads(int threads) { MKL_Set_Num_Threads(threads); }
const char *keel_blas_name(void) { return "Intel MKL"; }
#else
// A BLAS without a known thread API: its own defaults (e.g. an environment variable) apply.
void keel_blas_set_threads(int threads) { (void)threads; }
const char *keel_blas_name(void) { return "CBLAS (thread count not controlled by Keel)"; }
#endif
