// pnpm --filter @keel/demo bench: the browser epoch against the Node epoch, on this machine.
// Serves the built site (dist/, with the COOP/COEP headers) with the tests' static server, runs the
// speed page's epochs (`keel bench`'s 'mlp' workload on 'wasm', 1 thread and all threads) in headless
// Chromium, then the same workload in Node with `keel bench --json`, one after the other (never at
// once: they would share the cores), and prints both. One measurement each: on a shared machine
// the figures move by tens of percent from run to run.
//
// Flags: --js (also the 'js' backend on both sides).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/chromium.mjs';
import { serveStatic } from '../test/server.mjs';

const demo = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(demo, '..', '..');
const dist = join(demo, 'dist');
const cli = join(root, 'apps', 'cli', 'dist', 'bin.js');
const withJs = process.argv.includes('--js');

/** The engines compared: `keel bench`'s id on the Node side, the page's button on the browser side. */
const ENGINES = [
  { id: 'keel-wasm', button: '#run-wasm-1', label: "'wasm' 1 thread" },
  ...(availableParallelism() > 1 ? [{ id: 'keel-wasm-mt', button: '#run-wasm-all', label: "'wasm' all threads" }] : []),
  ...(withJs ? [{ id: 'keel-js', button: '#run-js', label: "'js'" }] : []),
];

/**
 * @typedef {{ seconds: number, accuracy: number, threads: number } | { failed: string }} Measure
 */

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** @returns {Promise<Map<string, Measure>>} the page's epochs, by engine id */
async function browserEpochs() {
  const server = await serveStatic(dist);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  /** @type {Map<string, Measure>} */
  const results = new Map();
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())));
    await page.goto(`${server.url}/bench/`);
    await page.waitForSelector('#bench-result[data-status="idle"]');
    console.log(`Chromium ${browser.version()}: ${(await page.textContent('#bench-env')) ?? ''}`);
    for (const [index, engine] of ENGINES.entries()) {
      await page.click(engine.button);
      await page.waitForSelector(`#bench-result[data-run="${index + 1}"]:is([data-status="done"], [data-status="failed"])`, { timeout: 600_000 });
      const data = await page.locator('#bench-result').evaluate((element) => ({ .../** @type {HTMLElement} */ (element).dataset }));
      const measure = data.status === 'done' ? { seconds: Number(data.seconds), accuracy: Number(data.accuracy), threads: Number(data.threads) } : { failed: data.error ?? 'failed' };
      results.set(engine.id, measure);
      console.log(`  browser ${engine.label.padEnd(20)} ${'failed' in measure ? `failed: ${measure.failed}` : `${measure.seconds.toFixed(2)} s on ${measure.threads} thread(s), test accuracy ${measure.accuracy}`}`);
    }
    if (problems.length > 0) console.log(`The page reported errors:\n  ${problems.join('\n  ')}`);
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

/** @returns {Promise<Map<string, Measure>>} `keel bench`'s epochs in Node, by engine id (its --json events) */
function nodeEpochs() {
  const args = [cli, 'bench', '--workloads', 'mlp', '--engines', ENGINES.map((e) => e.id).join(','), '--no-matmul', '--json'];
  console.log(`  node ${relative(root, cli)} ${args.slice(1).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`keel bench exited with code ${code}:\n${stdout}`));
      /** @type {Map<string, Measure>} */
      const results = new Map();
      let cores = 1;
      for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
        const event = JSON.parse(line);
        if (event.event === 'bench-start') cores = event.cores;
        if (event.event !== 'run') continue;
        const threads = event.engine === 'keel-wasm-mt' ? cores : 1;
        results.set(event.engine, event.epoch !== undefined ? { seconds: event.epoch.epochSeconds, accuracy: event.epoch.testAccuracy, threads } : { failed: event.unavailable ?? 'no result' });
      }
      resolve(results);
    });
  });
}

/** @param {string[][]} rows the first is the header */
function printTable(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (/** @type {string[]} */ row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  console.log([line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n'));
}

if (!existsSync(CHROMIUM)) {
  console.log(`No browser epoch measured: Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium). Nothing else to compare it with, so nothing was run.`);
  process.exit(0);
}
if (!existsSync(join(dist, 'bench', 'index.html'))) {
  console.error(`${dist} has no bench/ page: build the site first (pnpm --filter @keel/demo bench does).`);
  process.exit(1);
}

console.log(`One epoch of keel bench's 'mlp' workload (MNIST 784-128-10, SGD lr 0.1, batch 64, seed 1, 60,000 images), fit alone timed, no warm-up.`);
console.log(`Node ${process.version}, ${availableParallelism()} cores; load average before: ${load()}`);
console.log('Browser (headless Chromium, the speed page, a fresh Web Worker per run):');
const browserSide = await browserEpochs();
/** @type {Map<string, Measure>} */
let nodeSide = new Map();
console.log('Node (keel bench, a fresh process per run):');
if (existsSync(cli)) nodeSide = await nodeEpochs();
else console.log(`  not measured: ${cli} is missing (build the CLI: pnpm build at the repository root)`);
console.log(`Load average after: ${load()}`);
console.log();

const cell = (/** @type {Measure | undefined} */ m) => (m === undefined ? 'not run' : 'failed' in m ? 'failed' : m.seconds.toFixed(2));
const rows = ENGINES.map(({ id, label }) => {
  const node = nodeSide.get(id);
  const web = browserSide.get(id);
  const ok = node !== undefined && web !== undefined && !('failed' in node) && !('failed' in web);
  return [
    `keel ${label}`,
    `${node === undefined || 'failed' in node ? '-' : node.threads} / ${web === undefined || 'failed' in web ? '-' : web.threads}`,
    cell(node),
    cell(web),
    ok ? `${(web.seconds / node.seconds).toFixed(2)}x` : '-',
    `${node === undefined || 'failed' in node ? '-' : (node.accuracy * 100).toFixed(2)} / ${web === undefined || 'failed' in web ? '-' : (web.accuracy * 100).toFixed(2)}`,
  ];
});
printTable([['engine', 'threads Node / browser', 'Node epoch s', 'browser epoch s', 'browser/Node', 'test acc. % Node / browser'], ...rows]);
for (const [side, results] of [['Node', nodeSide], ['browser', browserSide]]) {
  for (const [id, m] of /** @type {Map<string, Measure>} */ (results)) if ('failed' in m) console.log(`${side} ${id} failed: ${m.failed}`);
}
const failed = [...browserSide.values(), ...nodeSide.values()].some((m) => 'failed' in m);
process.exit(failed ? 1 : 0);
