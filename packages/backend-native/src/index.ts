export { nativeBackendPlugin, installNativeBackend, type NativeBackendOptions } from './plugin.js';
export { nativeAvailability, type NativeAvailability } from './availability.js';
export { setNativeThreads, getNativeThreads } from './threads.js';
export { NativeBackend, nativeBackend } from './backend.js';
export { nativeOps } from './kernels/index.js';
export { nativeInfo, type NativeInfo } from './info.js';
export { benchmarkMatmul, type MatmulBenchmark, type MatmulBenchmarkOptions } from './bench.js';
export { PACKAGE_NAME, VERSION } from './version.js';
