// The set-up form: every control is a labelled native input, so it works with the keyboard and
// screen readers. Any change produces a new PlaygroundConfig for the page to apply.
import { el } from '../shared/dom.js';
import { ACTIVATIONS, MAX_LAYERS, MAX_UNITS, type ActivationName, type HiddenLayer, type PlaygroundConfig } from './config.js';
import { parseBackend } from '../shared/backend.js';

function field<T extends HTMLInputElement | HTMLSelectElement>(form: HTMLFormElement, name: string): T {
  const found = form.elements.namedItem(name);
  if (found === null || found instanceof RadioNodeList) throw new Error(`the set-up form has no single control named '${name}'`);
  return found as T;
}

export class Editor {
  private layers: HiddenLayer[];

  constructor(
    private readonly form: HTMLFormElement,
    private readonly layerList: HTMLElement,
    private readonly addLayer: HTMLButtonElement,
    config: PlaygroundConfig,
    private readonly onChange: (config: PlaygroundConfig) => void,
  ) {
    this.layers = [...config.layers];
    this.show(config);
    form.addEventListener('change', () => this.changed());
    form.addEventListener('submit', (event) => event.preventDefault());
    addLayer.addEventListener('click', () => {
      const last = this.layers[this.layers.length - 1];
      this.layers.push({ units: last?.units ?? 4, activation: last?.activation ?? 'tanh' });
      this.renderLayers();
      this.changed();
      this.layerList.querySelector<HTMLInputElement>(`#layer-${this.layers.length}-units`)?.focus();
    });
  }

  /** Puts a set-up into the form. */
  show(config: PlaygroundConfig): void {
    this.layers = [...config.layers];
    field<HTMLSelectElement>(this.form, 'data').value = config.data;
    field<HTMLInputElement>(this.form, 'noise').value = String(config.noise);
    field<HTMLSelectElement>(this.form, 'init').value = config.init;
    field<HTMLSelectElement>(this.form, 'loss').value = config.loss;
    field<HTMLSelectElement>(this.form, 'optimizer').value = config.optimizer;
    field<HTMLInputElement>(this.form, 'lr').value = String(config.lr);
    field<HTMLInputElement>(this.form, 'batchSize').value = String(config.batchSize);
    field<HTMLInputElement>(this.form, 'seed').value = String(config.seed);
    field<HTMLSelectElement>(this.form, 'backend').value = config.backend;
    field<HTMLSelectElement>(this.form, 'speed').value = config.speed;
    field<HTMLInputElement>(this.form, 'noise').disabled = config.data === 'xor';
    // Rebuild the layer rows only when their number changed, so focus stays where the user is.
    if (this.layerList.querySelectorAll('.layer-row').length !== this.layers.length || this.layers.length === 0) this.renderLayers();
    else {
      this.layers.forEach((layer, i) => {
        field<HTMLInputElement>(this.form, `layer-${i + 1}-units`).value = String(layer.units);
        field<HTMLSelectElement>(this.form, `layer-${i + 1}-activation`).value = layer.activation;
      });
    }
  }

  private renderLayers(): void {
    const rows = this.layers.map((layer, i) => {
      const n = i + 1;
      const units = el('input', { id: `layer-${n}-units`, name: `layer-${n}-units`, type: 'number', min: 1, max: MAX_UNITS, step: 1, value: layer.units, inputmode: 'numeric' });
      const activation = el('select', { id: `layer-${n}-activation`, name: `layer-${n}-activation` }, ...ACTIVATIONS.map((a) => el('option', { value: a, selected: a === layer.activation }, a)));
      const remove = el('button', { type: 'button', class: 'small', 'aria-label': `Remove hidden layer ${n}` }, 'Remove');
      remove.addEventListener('click', () => {
        this.layers.splice(i, 1);
        this.renderLayers();
        this.changed();
        this.addLayer.focus();
      });
      return el(
        'li',
        { class: 'layer-row' },
        el('div', { class: 'layer-head' }, el('span', { class: 'layer-name' }, `Hidden layer ${n}`), remove),
        el('div', { class: 'layer-fields' }, el('label', { for: units.id }, 'units'), units, el('label', { for: activation.id }, 'activation'), activation),
      );
    });
    this.layerList.replaceChildren(...rows);
    if (rows.length === 0) this.layerList.append(el('li', { class: 'muted' }, 'No hidden layer: a linear model (it cannot solve XOR).'));
    this.addLayer.disabled = this.layers.length >= MAX_LAYERS;
  }

  /** Reads the form; values out of range are clamped to what the inputs allow. */
  read(): PlaygroundConfig {
    const num = (name: string, fallback: number, min: number, max: number, integer = false): number => {
      const v = Number(field<HTMLInputElement>(this.form, name).value);
      if (!Number.isFinite(v)) return fallback;
      const clamped = Math.min(max, Math.max(min, v));
      return integer ? Math.round(clamped) : clamped;
    };
    this.layers = this.layers.map((layer, i) => ({
      units: num(`layer-${i + 1}-units`, layer.units, 1, MAX_UNITS, true),
      activation: field<HTMLSelectElement>(this.form, `layer-${i + 1}-activation`).value as ActivationName,
    }));
    return {
      data: field<HTMLSelectElement>(this.form, 'data').value as PlaygroundConfig['data'],
      noise: num('noise', 0.1, 0, 0.5),
      layers: this.layers,
      init: field<HTMLSelectElement>(this.form, 'init').value as PlaygroundConfig['init'],
      loss: field<HTMLSelectElement>(this.form, 'loss').value as PlaygroundConfig['loss'],
      optimizer: field<HTMLSelectElement>(this.form, 'optimizer').value as PlaygroundConfig['optimizer'],
      lr: num('lr', 0.03, 1e-5, 10),
      batchSize: num('batchSize', 16, 1, 512, true),
      seed: num('seed', 1, 0, 1e9, true),
      backend: parseBackend(field<HTMLSelectElement>(this.form, 'backend').value),
      speed: field<HTMLSelectElement>(this.form, 'speed').value as PlaygroundConfig['speed'],
    };
  }

  private changed(): void {
    const config = this.read();
    this.show(config); // normalises clamped values in the inputs
    this.onChange(config);
  }
}
