# The N-API addon over a CBLAS. Choose another BLAS with variables (see README.md), e.g.
#   KEEL_BLAS=blis node scripts/build-native.mjs
# which passes --blas_lib=blis --blas_threads=blis to node-gyp.
{
  "variables": {
    # the library to link (-l<blas_lib>)
    "blas_lib%": "openblas",
    # how the thread count reaches it: openblas, blis, mkl or none
    "blas_threads%": "openblas",
    # extra directories for cblas.h and the library (empty: the compiler's defaults)
    "blas_include%": "",
    "blas_libdir%": ""
  },
  "targets": [
    {
      "target_name": "keel_native",
      "sources": [
        "native/activation.c",
        "native/addon.c",
        "native/args.c",
        "native/binary.c",
        "native/blas.c",
        "native/conv.c",
        "native/crossentropy.c",
        "native/finite.c",
        "native/gemm.c",
        "native/layout.c",
        "native/memory.c",
        "native/reduce.c",
        "native/softmax.c",
        "native/threads.c",
        "native/unary.c",
        "native/update.c",
        "native/walk.c"
      ],
      "defines": ["NAPI_VERSION=8", "KEEL_BLAS_<(blas_threads)"],
      # -ffp-contract=off: no fused multiply-adds, so elementwise results round like the 'js' reference
      "cflags": ["-O3", "-std=c11", "-D_GNU_SOURCE", "-ffp-contract=off", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-l<(blas_lib)", "-lpthread", "-lm"],
      "conditions": [
        ["blas_include!=''", { "include_dirs": ["<(blas_include)"] }],
        ["blas_libdir!=''", { "libraries": ["-L<(blas_libdir)", "-Wl,-rpath,<(blas_libdir)"] }]
      ]
    }
  ]
}
