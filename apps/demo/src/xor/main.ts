// The XOR playground page: the set-up form, the training loop (start / pause / step / reset),
// and the live views — decision boundary, loss curve, the network with each neuron's map.
import { explain, lint } from '@keel/diagnostics';
import { chooseBackend, describeBackend, type BackendChoice } from '../shared/backend.js';
import { LineChart } from '../shared/charts/line-chart.js';
import { SERIES } from '../shared/colors.js';
import { byId, el } from '../shared/dom.js';
import { clearError, installErrorBanner, messageOf, showError } from '../shared/errors.js';
import { fmt, pct } from '../shared/format.js';
import { drawBoundary } from './boundary-view.js';
import { configQuery, parseConfig, sameTraining, SPEEDS, type PlaygroundConfig } from './config.js';
import { planeBounds } from './data.js';
import { Editor } from './editor.js';
import { evaluateGrid } from './grid.js';
import { optimizerConfig } from './model.js';
import { NetworkView } from './network-view.js';
import { Trainer } from './trainer.js';

const GRID = 40;
/** Training time per animation frame: the page stays smooth while training runs flat out. */
const FRAME_BUDGET_MS = 14;

installErrorBanner(byId('error-banner'));
const status = byId('xor-status');
const startButton = byId('start', HTMLButtonElement);
const stepButton = byId('step', HTMLButtonElement);
const resetButton = byId('reset', HTMLButtonElement);
const boundaryCanvas = byId('boundary', HTMLCanvasElement);
const lossChart = new LineChart(byId('loss-chart', HTMLCanvasElement), { xLabel: 'epoch', yLabel: 'training loss', logY: true, xIntegers: true, empty: 'press Start' });

const parsed = parseConfig(location.search);
let config = parsed.config;
if (parsed.problems.length > 0) showError('Some of the link’s settings were not understood and were replaced by defaults', parsed.problems.join('; '));

let backend: BackendChoice = await chooseBackend(config.backend);
let trainer = new Trainer(config);
let network: NetworkView | undefined;
let running = false;
let epochsPerFrame = 1;
let busy = false;

function columnTitles(c: PlaygroundConfig): string[] {
  return ['input', ...c.layers.map((l, i) => `hidden ${i + 1}: ${l.units} ${l.activation}`), 'output'];
}

function showBackend(): void {
  const badge = byId('backend');
  badge.textContent = `backend: ${describeBackend(backend)}`;
  badge.dataset.backend = backend.name;
  badge.title = backend.note ?? (backend.name === 'wasm' ? 'WebAssembly SIMD kernels' : 'pure JavaScript kernels');
}

/** The doctor's lints on the set-up, before any training. */
function showLints(): void {
  const list = byId('xor-lints');
  try {
    const { findings } = lint({ model: trainer.model, loss: trainer.loss, optimizer: optimizerConfig(config), data: trainer.data, batchSize: config.batchSize });
    list.replaceChildren(...findings.map((f) => el('li', { class: `finding ${f.severity}`, 'data-code': f.code }, el('strong', {}, `${f.severity}: `), explain(f))));
    if (findings.length === 0) list.append(el('li', { class: 'muted' }, 'No problems found in this set-up.'));
  } catch (error) {
    list.replaceChildren(el('li', { class: 'finding error' }, `The lints could not run: ${messageOf(error)}`));
  }
}

function refresh(): void {
  const grid = evaluateGrid(trainer.model, planeBounds(trainer.points), GRID);
  const predicted = trainer.predictedClasses();
  drawBoundary(boundaryCanvas, grid, trainer.points, predicted, trainer.loss);
  network?.update(grid);
  lossChart.set([{ label: 'training loss', color: SERIES.train, points: trainer.losses.map((p) => ({ x: p.epoch, y: p.loss })) }]);
  let correct = 0;
  predicted.forEach((c, i) => (correct += c === trainer.points.y[i] ? 1 : 0));
  const accuracy = correct / predicted.length;
  const last = trainer.losses[trainer.losses.length - 1];
  byId('stat-epoch').textContent = String(trainer.epoch);
  byId('stat-loss').textContent = fmt(last?.loss);
  const acc = byId('accuracy');
  acc.textContent = pct(accuracy, 0);
  acc.dataset.accuracy = String(accuracy);
  status.dataset.epoch = String(trainer.epoch);
  boundaryCanvas.dataset.drawn = String(trainer.epoch);
}

function setRunning(value: boolean): void {
  running = value;
  startButton.textContent = running ? 'Pause' : 'Start';
  startButton.setAttribute('aria-pressed', String(running));
  status.dataset.state = running ? 'running' : 'paused';
  stepButton.disabled = running;
  if (running) requestAnimationFrame(() => void tick());
}

async function trainSome(epochs: number): Promise<boolean> {
  busy = true;
  try {
    await trainer.train(epochs);
    return true;
  } catch (error) {
    showError(`Training stopped at epoch ${trainer.epoch + 1}`, error);
    return false;
  } finally {
    busy = false;
  }
}

async function tick(): Promise<void> {
  if (!running || busy) return;
  const started = performance.now();
  const ok = await trainSome(epochsPerFrame);
  const took = performance.now() - started;
  // Adapt the epochs per frame to the time they take, up to the chosen speed.
  const fitting = Math.round(epochsPerFrame * (FRAME_BUDGET_MS / Math.max(took, 1)) * 0.5 + epochsPerFrame * 0.5);
  epochsPerFrame = Math.max(1, Math.min(SPEEDS[config.speed], fitting));
  refresh();
  if (!ok) setRunning(false);
  else if (running) requestAnimationFrame(() => void tick());
}

async function reset(next: PlaygroundConfig): Promise<void> {
  if (trainer.epoch > 0 && sameTraining(config, next) && next !== config) {
    // Only the speed changed: keep training where it is.
    config = next;
    history.replaceState(null, '', configQuery(config));
    return;
  }
  setRunning(false);
  while (busy) await new Promise((r) => setTimeout(r, 10));
  if (next.backend !== config.backend) {
    backend = await chooseBackend(next.backend);
    showBackend();
  }
  config = next;
  history.replaceState(null, '', configQuery(config));
  try {
    trainer = new Trainer(config);
  } catch (error) {
    showError('This set-up cannot be built', error);
    return;
  }
  network = new NetworkView(byId('network'), trainer.model, columnTitles(config));
  epochsPerFrame = 1;
  showLints();
  refresh();
}

// A new set-up (or Reset) starts over: the previous run's error no longer applies.
const editor = new Editor(byId('xor-form', HTMLFormElement), byId('layers'), byId('add-layer', HTMLButtonElement), config, (next) => {
  clearError();
  void reset(next);
});
startButton.addEventListener('click', () => setRunning(!running));
stepButton.addEventListener('click', () => {
  if (running || busy) return;
  void trainSome(1).then(refresh);
});
resetButton.addEventListener('click', () => {
  clearError();
  editor.show(config);
  void reset(config);
});
byId('share', HTMLButtonElement).addEventListener('click', () => {
  const url = location.href;
  navigator.clipboard.writeText(url).then(
    () => (byId('share-note').textContent = 'Link copied.'),
    () => (byId('share-note').textContent = url),
  );
});

showBackend();
await reset(config);
status.dataset.ready = 'true';
