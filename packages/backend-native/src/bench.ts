import { engine, matmul, Tensor, timeCalls } from '@keel/tensor';
import { nativeBackend } from './backend.js';
import { installNativeBackend } from './plugin.js';
import { getNativeThreads } from './threads.js';

export interface MatmulBenchmarkOptions {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
  /** Wall-clock seconds per measurement (default 0.5); each is the median of 3 rounds. */
  readonly seconds?: number;
}

export interface MatmulBenchmark {
  /** 'm x k x n', with ' transposeA' / ' transposeB' when set. */
  readonly shape: string;
  /** GFLOP/s of the addon's sgemm call on preallocated buffers: the BLAS with no tensor overhead. */
  readonly rawGflops: number;
  /** GFLOP/s of `matmul` on 'native' tensors (op, kernel, a new output tensor each call). */
  readonly tensorGflops: number;
  /** tensorGflops / rawGflops. */
  readonly ratio: number;
  readonly threads: number;
  readonly blas: string;
}


/**
 * Measures an m×k · k×n float32 product on the 'native' backend against the raw BLAS call it
 * makes, e.g. for a CLI benchmark. Installs the backend into the engine's registry if needed;
 * throws saying why when the backend is unavailable.
 */
export function benchmarkMatmul(m: number, k: number, n: number, options: MatmulBenchmarkOptions = {}): MatmulBenchmark {
  for (const [name, dim] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`benchmarkMatmul: ${name} must be a positive integer, got ${String(dim)}`);
  }
  const backend = nativeBackend();
  installNativeBackend(engine.registry);
  const transposeA = options.transposeA === true;
  const transposeB = options.transposeB === true;
  const seconds = options.seconds ?? 0.5;
  const random = (size: number): Float32Array => Float32Array.from({ length: size }, () => Math.random() * 2 - 1);
  const av = random(m * k);
  const bv = random(k * n);
  const cv = new Float32Array(m * n);
  const raw = timeCalls(() => backend.addon.gemm(av, 0, bv, 0, cv, 0, m, n, k, transposeA, transposeB), seconds).median;
  const a = Tensor.fromValues(av, transposeA ? [k, m] : [m, k], 'float32', backend);
  const b = Tensor.fromValues(bv, transposeB ? [n, k] : [k, n], 'float32', backend);
  const previous = engine.backend;
  engine.setBackend(backend);
  let viaTensors: number;
  try {
    viaTensors = timeCalls(() => matmul(a, b, { transposeA, transposeB }), seconds).median;
  } finally {
    engine.setBackend(previous);
  }
  const flop = 2 * m * k * n;
  return {
    shape: `${m}x${k}x${n}${transposeA ? ' transposeA' : ''}${transposeB ? ' transposeB' : ''}`,
    rawGflops: flop / raw / 1e9,
    tensorGflops: flop / viaTensors / 1e9,
    ratio: raw / viaTensors,
    threads: getNativeThreads(),
    blas: backend.addon.blas(),
  };
}
