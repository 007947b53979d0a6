import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { mnistAssets } from './vite/mnist-assets.js';

// Cross-origin isolation (SharedArrayBuffer, so the wasm backend can use worker threads) needs
// these two headers on every response; CORP lets our own workers load under COEP.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig(({ command }) => ({
  // In dev, import the workspace packages' TypeScript sources (no rebuild after a change);
  // the build uses their published entry points (dist/), exactly as a user's app would.
  resolve: command === 'serve' ? { conditions: ['@keel/source', 'module', 'browser', 'development|production'] } : {},
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The MNIST files are copied by the plugin; the JavaScript chunks stay small.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // @keel/data's main entry re-exports its dataset plugin, whose MNIST loader imports the
      // Node-only '@keel/data/node' lazily, in Node only. The bundler resolves that import (and
      // warns about its node: modules) before tree-shaking drops it: nothing of it is shipped.
      onwarn(warning, warn) {
        if (warning.message.includes('externalized for browser compatibility') && /[/\\]data[/\\](dist|src)[/\\]node[/\\]/.test(warning.message)) return;
        warn(warning);
      },
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        xor: resolve(import.meta.dirname, 'xor/index.html'),
        mnist: resolve(import.meta.dirname, 'mnist/index.html'),
        bench: resolve(import.meta.dirname, 'bench/index.html'),
      },
    },
  },
  plugins: [mnistAssets()],
}));
