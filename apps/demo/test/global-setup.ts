// Before the demo's end-to-end tests: check that Chromium and the built site are there, then
// serve dist/ on a free localhost port for every test file. A missing piece is not thrown here —
// that would abort every other package's tests too — but handed to the tests, each of which then
// fails saying how to get it (see browser.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { CHROMIUM } from './chromium.mjs';
import { serveStatic } from './server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** Why the browser tests cannot run here, with what to do about it ('' when they can). */
    setupProblem: string;
  }
}

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const done = (): Promise<void> => Promise.resolve();
  project.provide('baseUrl', '');
  project.provide('setupProblem', '');
  if (!existsSync(CHROMIUM)) {
    project.provide('setupProblem', `The demo's browser tests need Chromium at ${CHROMIUM}, and it is not installed. Install it with: apt-get install -y chromium`);
    return done;
  }
  // KEEL_DEMO_URL=http://localhost:5173 runs the tests against a running `pnpm --filter @keel/demo dev` instead.
  const external = process.env.KEEL_DEMO_URL;
  if (external !== undefined && external !== '') {
    project.provide('baseUrl', external.replace(/\/+$/, ''));
    return done;
  }
  if (!existsSync(join(dist, 'mnist', 'index.html')) || !existsSync(join(dist, 'data', 'mnist', 'train-images-idx3-ubyte.gz'))) {
    project.provide('setupProblem', `The demo's browser tests run against the built site, and ${dist} is missing or incomplete. Build it with: pnpm --filter @keel/demo build (pnpm test:all builds everything first)`);
    return done;
  }
  const server = await serveStatic(dist);
  project.provide('baseUrl', server.url);
  return () => server.close();
}
