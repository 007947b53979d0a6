// The engines `keel bench` compares: Keel's backends (and thread counts) and the peers installed
// next to it (TensorFlow.js from npm, PyTorch from Debian's python3-torch). A peer that is not installed, or a backend that cannot run here, is listed with why.
import { availableParallelism } from 'node:os';

export interface EngineSpec {
  readonly id: string;
  readonly label: string;
  readonly library: 'keel' | 'tfjs' | 'torch';
  /** Keel: the tensor backend; tfjs: its backend name; torch: 'cpu'. */
  readonly backend: string;
  /** Keel 'wasm' (worker threads), 'native' (BLAS and loop threads) and PyTorch's own ops: 1 = single-threaded. */
  readonly threads?: number;
  /** PyTorch: the threads of the BLAS under its matrix products (OpenBLAS does not follow torch.set_num_threads). */
  readonly blasThreads?: number;
}

export function allEngines(cores = availableParallelism()): EngineSpec[] {
  return [
    { id: 'keel-js', label: "keel 'js'", library: 'keel', backend: 'js' },
    { id: 'keel-wasm', label: "keel 'wasm' 1 thread", library: 'keel', backend: 'wasm', threads: 1 },
    ...(cores > 1 ? [{ id: 'keel-wasm-mt', label: `keel 'wasm' ${cores} threads`, library: 'keel', backend: 'wasm', threads: cores } as const] : []),
    { id: 'keel-native', label: "keel 'native' 1 thread", library: 'keel', backend: 'native', threads: 1 },
    ...(cores > 1 ? [{ id: 'keel-native-mt', label: `keel 'native' ${cores} threads`, library: 'keel', backend: 'native', threads: cores } as const] : []),
    { id: 'tfjs-cpu', label: "tfjs 'cpu'", library: 'tfjs', backend: 'cpu' },
    { id: 'tfjs-wasm', label: "tfjs 'wasm'", library: 'tfjs', backend: 'wasm' },
    { id: 'pytorch', label: 'PyTorch 1 thread', library: 'torch', backend: 'cpu', threads: 1, blasThreads: 1 },
    // PyTorch's fastest setting for the MLPs on 2 cores: its own ops on one thread, OpenBLAS's
    // products on all cores (torch.set_num_threads(2) on top of OpenBLAS's threads oversubscribed
    // the cores: 3–4x slower). Its convolutions do not use OpenBLAS: the CNN is fastest on 'pytorch'.
    ...(cores > 1 ? [{ id: 'pytorch-mt', label: `PyTorch ${cores} threads (BLAS)`, library: 'torch', backend: 'cpu', threads: 1, blasThreads: cores } as const] : []),
  ];
}
