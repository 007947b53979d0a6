// The playground's whole set-up, and its round trip through the URL's query string, so a set-up
// can be shared as a link: ?data=moons&layers=8:tanh,8:tanh&opt=adam&lr=0.03&batch=16&seed=1
import type { BackendPreference } from '../shared/backend.js';

export const DATASETS = ['xor', 'moons', 'circles', 'spirals'] as const;
export const ACTIVATIONS = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'elu', 'gelu', 'swish', 'linear'] as const;
export const INITIALIZERS = ['default', 'glorotUniform', 'heNormal', 'lecunNormal', 'orthogonal', 'zeros'] as const;
export const LOSSES = ['crossEntropy', 'meanSquaredError'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export const BACKENDS = ['auto', 'wasm', 'js'] as const;
/** Epochs per animation frame at most: slow lets you watch every epoch, fast trains flat out. */
export const SPEEDS = { slow: 1, normal: 5, fast: 200 } as const;
export type Speed = keyof typeof SPEEDS;

export type DatasetName = (typeof DATASETS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type InitializerName = (typeof INITIALIZERS)[number];
export type LossName = (typeof LOSSES)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface HiddenLayer {
  readonly units: number;
  readonly activation: ActivationName;
}

export interface PlaygroundConfig {
  readonly data: DatasetName;
  /** Noise of the generated sets (moons, circles, spirals); XOR is its four exact points. */
  readonly noise: number;
  readonly layers: readonly HiddenLayer[];
  readonly init: InitializerName;
  readonly loss: LossName;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly backend: BackendPreference;
  readonly speed: Speed;
}

export const MAX_LAYERS = 6;
export const MAX_UNITS = 16;

export const DEFAULT_CONFIG: PlaygroundConfig = {
  data: 'xor',
  noise: 0.1,
  layers: [{ units: 8, activation: 'tanh' }],
  init: 'default',
  loss: 'crossEntropy',
  optimizer: 'adam',
  lr: 0.03,
  batchSize: 16,
  seed: 1,
  backend: 'auto',
  speed: 'normal',
};

function oneOf<T extends string>(values: readonly T[], value: string | null, fallback: T, name: string, problems: string[]): T {
  if (value === null) return fallback;
  if ((values as readonly string[]).includes(value)) return value as T;
  problems.push(`${name}=${value} (expected one of ${values.join(', ')})`);
  return fallback;
}

function number(value: string | null, fallback: number, name: string, problems: string[], ok: (v: number) => boolean): number {
  if (value === null) return fallback;
  const v = Number(value);
  if (value.trim() !== '' && Number.isFinite(v) && ok(v)) return v;
  problems.push(`${name}=${value}`);
  return fallback;
}

function parseLayers(value: string | null, problems: string[]): readonly HiddenLayer[] {
  if (value === null) return DEFAULT_CONFIG.layers;
  if (value === '' || value === 'none') return [];
  const layers: HiddenLayer[] = [];
  for (const part of value.split(',').slice(0, MAX_LAYERS)) {
    const [unitsText, activation = 'tanh'] = part.split(':');
    const units = Number(unitsText);
    if (!Number.isInteger(units) || units < 1 || units > MAX_UNITS || !(ACTIVATIONS as readonly string[]).includes(activation)) {
      problems.push(`layers: '${part}' (expected units 1–${MAX_UNITS} and an activation, like 8:tanh)`);
      continue;
    }
    layers.push({ units, activation: activation as ActivationName });
  }
  return layers;
}

/** The set-up a query string describes; what could not be read is listed in `problems` and replaced by the default. */
export function parseConfig(search: string): { config: PlaygroundConfig; problems: string[] } {
  const q = new URLSearchParams(search);
  const problems: string[] = [];
  const d = DEFAULT_CONFIG;
  const config: PlaygroundConfig = {
    data: oneOf(DATASETS, q.get('data'), d.data, 'data', problems),
    noise: number(q.get('noise'), d.noise, 'noise', problems, (v) => v >= 0 && v <= 0.5),
    layers: parseLayers(q.get('layers'), problems),
    init: oneOf(INITIALIZERS, q.get('init'), d.init, 'init', problems),
    loss: oneOf(LOSSES, q.get('loss'), d.loss, 'loss', problems),
    optimizer: oneOf(OPTIMIZERS, q.get('opt'), d.optimizer, 'opt', problems),
    lr: number(q.get('lr'), d.lr, 'lr', problems, (v) => v > 0 && v <= 10),
    batchSize: number(q.get('batch'), d.batchSize, 'batch', problems, (v) => Number.isInteger(v) && v >= 1 && v <= 512),
    seed: number(q.get('seed'), d.seed, 'seed', problems, (v) => Number.isInteger(v) && v >= 0),
    backend: oneOf(BACKENDS, q.get('backend'), d.backend, 'backend', problems),
    speed: oneOf(Object.keys(SPEEDS) as Speed[], q.get('speed'), d.speed, 'speed', problems),
  };
  return { config, problems };
}

/** The query string of a set-up (readable: commas and colons are left as they are). */
export function configQuery(config: PlaygroundConfig): string {
  const pairs: [string, string][] = [
    ['data', config.data],
    ['noise', String(config.noise)],
    ['layers', config.layers.length === 0 ? 'none' : config.layers.map((l) => `${l.units}:${l.activation}`).join(',')],
    ['init', config.init],
    ['loss', config.loss],
    ['opt', config.optimizer],
    ['lr', String(config.lr)],
    ['batch', String(config.batchSize)],
    ['seed', String(config.seed)],
    ['backend', config.backend],
    ['speed', config.speed],
  ];
  return `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':')}`).join('&')}`;
}

/** Whether two set-ups train the same network the same way (they may differ in speed only). */
export function sameTraining(a: PlaygroundConfig, b: PlaygroundConfig): boolean {
  return configQuery({ ...a, speed: 'normal' }) === configQuery({ ...b, speed: 'normal' });
}
