// The MNIST trainer page: wires the form, the bug toggles, the charts, the diagnostics rail, the
// LR finder, the draw pad and model storage to the training worker.
import { parseBackend } from '../../shared/backend.js';
import { byId } from '../../shared/dom.js';
import { installErrorBanner, showError } from '../../shared/errors.js';
import { count, fmt, pct } from '../../shared/format.js';
import { mnistDataUrl } from '../../shared/mnist.js';
import type { RunState } from '../protocol.js';
import { BugsPanel } from './bugs-panel.js';
import { WorkerClient } from './client.js';
import { DrawPad } from './draw-pad.js';
import { TrainForm } from './form.js';
import { LrFinderView } from './lr-finder-view.js';
import { ModelIo } from './model-io.js';
import { PredictionView } from './prediction-view.js';
import { Rail } from './rail.js';
import { TrainingCharts } from './training-charts.js';

installErrorBanner(byId('error-banner'));
const params = new URLSearchParams(location.search);
const status = byId('mnist-status');
const buttons = { train: byId('train', HTMLButtonElement), pause: byId('pause', HTMLButtonElement), stop: byId('stop', HTMLButtonElement), lr: byId('lr-find', HTMLButtonElement) };
const client = new WorkerClient((message) => showError('The training worker stopped', message));
const form = new TrainForm();
const rail = new Rail(byId('findings'), byId('findings-empty'));
const charts = new TrainingCharts(byId('loss-chart', HTMLCanvasElement), byId('accuracy-chart', HTMLCanvasElement), byId('layers'));
const prediction = new PredictionView(byId('predicted-digit'), byId('probabilities'));
const lrView = new LrFinderView(byId('lr-figure'), byId('lr-chart', HTMLCanvasElement), byId('lr-text'), byId('lr-use', HTMLButtonElement), (lr) => form.setLearningRate(lr));
const io = new ModelIo(client);

let state: RunState = 'loading';
let ready = false;
let haveModel = false;
let restartAfterStop = false;
let stepsPerEpoch = 0;
let testIndex = 0;

// ---- training ------------------------------------------------------------------------------

function startTraining(): void {
  rail.clear();
  bugs.reset();
  charts.reset();
  byId('epoch-times').replaceChildren();
  byId('summary').textContent = '';
  status.dataset.step = '0';
  delete status.dataset.valAccuracy;
  delete status.dataset.trainAccuracy;
  client.send({ type: 'train', config: form.read(bugs.selected()) });
}

const bugs = new BugsPanel(byId('bugs'), () => {
  // "Fix": the bug is off now; train again so its finding disappears and the run recovers.
  if (state === 'training' || state === 'paused') {
    restartAfterStop = true;
    client.send({ type: 'stop' });
  } else if (ready) startTraining();
});

function setState(next: RunState, message?: string): void {
  state = next;
  status.dataset.state = next;
  const busy = next === 'training' || next === 'paused';
  buttons.train.disabled = !ready || busy;
  buttons.lr.disabled = !ready || busy;
  buttons.pause.disabled = !busy;
  buttons.stop.disabled = !busy;
  buttons.pause.textContent = next === 'paused' ? 'Resume' : 'Pause';
  buttons.pause.setAttribute('aria-pressed', String(next === 'paused'));
  io.enable(haveModel, ready && !busy);
  const words: Record<RunState, string> = { loading: 'Loading MNIST…', idle: 'Ready.', training: 'Training…', paused: 'Paused.', finished: 'Finished.', stopped: 'Stopped.', failed: 'Training failed.' };
  byId('run-state').textContent = words[next];
  if (next === 'failed' && message !== undefined) showError('Training stopped', message);
  if (next === 'finished' || next === 'stopped') rail.runEnded();
  if (!busy && restartAfterStop && ready) {
    restartAfterStop = false;
    startTraining();
  }
}

buttons.train.addEventListener('click', startTraining);
buttons.pause.addEventListener('click', () => client.send({ type: state === 'paused' ? 'resume' : 'pause' }));
buttons.stop.addEventListener('click', () => client.send({ type: 'stop' }));
buttons.lr.addEventListener('click', () => {
  buttons.lr.disabled = true;
  byId('lr-text').textContent = 'Sweeping the learning rate from 1e-6 to 10 over 100 batches…';
  byId('lr-figure').hidden = false;
  client.send({ type: 'lr-finder', config: form.read(bugs.selected()) });
});
byId('backend-select', HTMLSelectElement).addEventListener('change', (event) => {
  params.set('backend', (event.target as HTMLSelectElement).value);
  location.search = params.toString();
});
byId('backend-select', HTMLSelectElement).value = parseBackend(params.get('backend'));

client.on('ready', (m) => {
  ready = true;
  const badge = byId('backend');
  badge.textContent = `backend: ${m.backendLabel}${m.isolated ? ' · cross-origin isolated' : ' · not cross-origin isolated'}`;
  badge.dataset.backend = m.backend;
  badge.title = m.note ?? (m.backend === 'wasm' ? 'WebAssembly SIMD kernels, in a Web Worker' : 'pure JavaScript kernels, in a Web Worker');
  byId('data-status').textContent = `MNIST: ${count(m.trainCount)} training, ${count(m.validationCount)} validation and ${count(m.testCount)} test images, loaded and unzipped in ${m.loadSeconds.toFixed(1)} s.`;
  status.dataset.ready = 'true';
});
client.on('state', (m) => setState(m.state, m.message));
client.on('setup', (m) => {
  stepsPerEpoch = m.stepsPerEpoch;
  byId('setup-lines').textContent = m.lines.join('\n');
});
client.on('losses', (m) => {
  charts.addLosses(m.points);
  const [step, loss] = m.points[m.points.length - 1];
  status.dataset.step = String(step);
  byId('step-count').textContent = `${count(step)}${stepsPerEpoch > 0 ? ` (epoch ${Math.floor((step - 1) / stepsPerEpoch) + 1})` : ''}`;
  byId('last-loss').textContent = fmt(loss);
});
client.on('eval', ({ point }) => {
  charts.addEval(point);
  byId('train-accuracy').textContent = pct(point.trainAccuracy);
  byId('val-accuracy').textContent = pct(point.valAccuracy);
  status.dataset.trainAccuracy = String(point.trainAccuracy);
  status.dataset.valAccuracy = String(point.valAccuracy);
  status.dataset.evalStep = String(point.step);
});
client.on('layers', (m) => charts.setLayers(m.layers));
client.on('epoch', (m) => {
  byId('epoch-times').append(Object.assign(document.createElement('li'), { textContent: `epoch ${m.epoch}: ${m.seconds.toFixed(1)} s (${count(Math.round(m.samplesPerSecond))} images/s), mean loss ${fmt(m.loss)}` }));
});
client.on('summary', (m) => {
  const summary = byId('summary');
  summary.textContent = `${count(m.steps)} steps in ${m.seconds.toFixed(1)} s. Test accuracy on the ${count(m.testCount)} test images: ${pct(m.testAccuracy, 2)} (loss ${fmt(m.testLoss)}).`;
  summary.dataset.testAccuracy = String(m.testAccuracy);
});
client.on('finding', ({ finding }) => {
  rail.add(finding);
  bugs.onFinding(finding);
});
client.on('lr-finder', (m) => {
  lrView.show(m.result, m.optimizer);
  buttons.lr.disabled = !ready || state === 'training' || state === 'paused';
});
client.on('error', (m) => {
  if (m.context === 'Prediction') predictionBusy = false;
  if (m.context === 'The LR finder') buttons.lr.disabled = false;
  if (m.context.startsWith('Saving') || m.context.startsWith('Loading') || m.context.startsWith('Preparing')) io.say(`${m.context} failed: ${m.message}`, 'failed');
  showError(m.context, m.message);
});

// ---- drawing and prediction ----------------------------------------------------------------

let predictionId = 0;
let predictionBusy = false;
let waiting: { pixels: Float32Array; ink: number } | undefined;
let drawn: Float32Array | undefined;
/** The ink version (DrawPad.version) of the prediction in flight, shown as data-ink when it arrives. */
let inFlightInk = 0;

function requestPrediction(pixels: Float32Array, ink: number): void {
  // One request in flight at a time; the newest drawing waits for its turn.
  if (predictionBusy) {
    waiting = { pixels, ink };
    return;
  }
  predictionBusy = true;
  inFlightInk = ink;
  const copy = pixels.slice();
  client.send({ type: 'predict', id: ++predictionId, pixels: copy }, [copy.buffer]);
}

function predictDrawing(): void {
  if (drawn === undefined) prediction.clear('Draw a digit');
  else if (!haveModel) prediction.clear('Train or load a model to see its prediction');
  else requestPrediction(drawn, pad.version);
}

const pad = new DrawPad(byId('pad', HTMLCanvasElement), (pixels) => {
  drawn = pixels;
  predictDrawing();
});
client.on('prediction', (m) => {
  predictionBusy = false;
  if (m.id === predictionId && drawn !== undefined) {
    prediction.show(m.probabilities);
    byId('predicted-digit').dataset.ink = String(inFlightInk);
  }
  if (waiting !== undefined) {
    const next = waiting;
    waiting = undefined;
    requestPrediction(next.pixels, next.ink);
  }
});
client.on('model', ({ info }) => {
  haveModel = true;
  byId('model-info').textContent = `Model: ${info.source}, ${count(info.parameters)} parameters, inputs × ${info.pixelScale === 1 ? '1 (raw pixels)' : '1/255'}.`;
  io.enable(true, ready && state !== 'training' && state !== 'paused');
  predictDrawing();
});
client.on('test-image', (m) => {
  pad.showImage(m.pixels);
  byId('test-label').textContent = `Test image #${m.index}, labelled ${m.label}.`;
});
byId('clear', HTMLButtonElement).addEventListener('click', () => {
  pad.clear();
  byId('test-label').textContent = '';
});
byId('test-digit', HTMLButtonElement).addEventListener('click', () => client.send({ type: 'test-image', index: testIndex++ }));

// ---- start -----------------------------------------------------------------------------------

setState('loading');
client.send({ type: 'init', backend: parseBackend(params.get('backend')), dataUrl: mnistDataUrl() });
